// Charla's service worker: it makes the app installable, shows its notifications and
// serves the client's own files (`/pkg/`: the JavaScript, the WebAssembly, the styles)
// from its cache, so a second start on a slow phone network asks the server for the
// page alone.
//
// The server writes its build's id in the first line of this file and in each page's
// `x-charla-build` header. A new build is a new worker (this file changed), with a new
// cache; until it takes over, a page of the new build gets its files from the network,
// never the old worker's copies of the old ones: files come from the cache only for a
// page whose build is this worker's.
// Served as is (a static copy of this file, without the server's first line), it keeps
// notifications working and caches nothing.
const BUILD_ID = typeof BUILD === 'string' ? BUILD : null;
const CACHE = `charla-shell-${BUILD_ID}`;
const SHELL = /^\/pkg\//;
// The build of each open page, by its client id (pages opened before this worker started
// are not known: their files come from the network).
const builds = new Map();
const KEPT_PAGES = 64;

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      await self.clients.claim();
      // A navigation starts its request while the worker boots (where the browser can).
      try {
        await self.registration.navigationPreload?.enable();
      } catch (e) {
        // without it, navigations wait for the worker to start
      }
      for (const name of await caches.keys()) {
        if (name.startsWith('charla-shell-') && name !== CACHE) await caches.delete(name);
      }
    })(),
  );
});

async function navigate(event) {
  const response = (await event.preloadResponse) || (await fetch(event.request));
  if (event.resultingClientId) {
    builds.set(event.resultingClientId, response.headers.get('x-charla-build'));
    while (builds.size > KEPT_PAGES) builds.delete(builds.keys().next().value);
  }
  return response;
}

async function shellFile(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(event.request);
  if (cached) return cached;
  // Asked of the server itself (the browser's HTTP cache may hold an earlier build's
  // copy), and kept only when the server says it is of this worker's build: during a
  // deploy the answer may come from a replica still serving the old one.
  const response = await fetch(new Request(event.request, { cache: 'no-cache' }));
  if (response.status === 200 && response.headers.get('x-charla-build') === BUILD_ID) {
    // The page reads the answer while it is stored (WebAssembly compiles as it streams).
    event.waitUntil(cache.put(event.request, response.clone()));
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event));
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !SHELL.test(url.pathname) || url.search) return;
  if (!BUILD_ID || builds.get(event.clientId) !== BUILD_ID || request.headers.has('range')) return;
  event.respondWith(shellFile(event));
});

// A push message is JSON: { title, body, url, tag }. A tap opens `url` in Charla.
self.addEventListener('push', (event) => {
  let data = {};
  if (event.data) {
    try {
      data = event.data.json();
    } catch (e) {
      data = { body: event.data.text() };
    }
  }
  event.waitUntil(
    self.registration.showNotification(data.title || 'Charla', {
      body: data.body || '',
      tag: data.tag || undefined,
      icon: '/icons/charla-192.png',
      badge: '/icons/charla-192.png',
      data: { url: data.url || '/conversations' },
    }),
  );
});

// Opens `wanted` (a path in Charla) in Charla's open tab, or in a new one.
async function openFromNotification(wanted) {
  const url = new URL(wanted || '/conversations', self.location.origin);
  // Only Charla's own pages: a message cannot send the agent elsewhere.
  const target = url.origin === self.location.origin ? url.href : `${self.location.origin}/conversations`;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin !== self.location.origin) continue;
    // Focusing may be refused (no user gesture); going there is what matters.
    try {
      await client.focus();
    } catch (e) {
      // keep going
    }
    try {
      if ('navigate' in client) return await client.navigate(target);
    } catch (e) {
      break;
    }
    return undefined;
  }
  return self.clients.openWindow(target);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openFromNotification(event.notification.data && event.notification.data.url));
});

// Replies written offline. The page keeps them (localStorage) and sends them when the
// network is back; it also hands each to this worker, which sends them when the browser
// is back online even if no Charla page is open by then (Background Sync). Both send a
// reply with the key it was written with and the id of the agent who wrote it, so a
// reply sent twice is stored once, and one left by an agent who has signed out goes
// with nobody else's session.
const OUTBOX = 'charla-outbox';
const SYNC_TAG = 'charla-replies';

const outboxKey = (key) => new URL(`/__outbox/${encodeURIComponent(key)}`, self.location.origin).href;

// One outbox change at a time, in the order the pages asked for them (a reply handed
// over and at once reported sent must not be stored after it was forgotten).
let outboxTurn = Promise.resolve();
function inTurn(job) {
  const done = outboxTurn.then(job);
  outboxTurn = done.catch(() => undefined);
  return done;
}

async function keepReply(reply) {
  // Without its author a reply would go as whoever is signed in when it is sent.
  if (!reply || typeof reply.key !== 'string' || !Number.isInteger(reply.agent_id)) return;
  // Without Background Sync nothing would wake this worker to send it: the page does.
  if (!self.registration.sync) return;
  const outbox = await caches.open(OUTBOX);
  // Numbered in the order handed over: the oldest goes first.
  let last = 0;
  for (const request of await outbox.keys()) {
    const held = await readHeld(outbox, request);
    if (held) last = Math.max(last, held.order || 0);
  }
  await outbox.put(outboxKey(reply.key), new Response(JSON.stringify({ ...reply, order: last + 1 })));
  try {
    await self.registration.sync.register(SYNC_TAG);
  } catch (e) {
    // Refused (the user turned background sync off): the page sends it when it can.
  }
}

async function forgetReply(key) {
  const outbox = await caches.open(OUTBOX);
  await outbox.delete(outboxKey(key));
}

// A held reply, or null for an entry that cannot be read (dropped, so that it does not
// stop every later one).
async function readHeld(outbox, request) {
  try {
    const held = await (await outbox.match(request)).json();
    if (typeof held.key === 'string' && Number.isInteger(held.agent_id)) return held;
  } catch (e) {
    // unreadable
  }
  await outbox.delete(request);
  return null;
}

// The server's answer to a send is the stored message. Anything else with a 2xx (a
// captive portal's login page, a proxy's notice) is not: the reply waits for the next try.
async function storedMessage(response) {
  if (response.redirected || !(response.headers.get('content-type') || '').includes('application/json')) return null;
  try {
    const message = await response.json();
    return Number.isInteger(message.id) ? message : null;
  } catch (e) {
    return null;
  }
}

// Oldest first. A failure of the network or of the server leaves the rest for the
// browser's next try; a refusal (signed out, someone else signed in, the conversation
// gone) drops the worker's copy only: the pages keep theirs, and the author's page puts
// it back in the conversation's draft when it sends it itself and is refused too.
async function sendReplies() {
  const outbox = await caches.open(OUTBOX);
  const held = [];
  for (const request of await outbox.keys()) {
    const reply = await readHeld(outbox, request);
    if (reply) held.push(reply);
  }
  held.sort((a, b) => (a.order || 0) - (b.order || 0));
  for (const reply of held) {
    const response = await fetch('/api/conversations/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({
        conversation_id: reply.conversation_id,
        body: reply.body,
        private: reply.private,
        idempotency_key: reply.key,
        mentions: reply.mentions || [],
        reply_to: reply.reply_to ?? null,
        written_by: reply.agent_id,
      }),
    });
    if (response.ok) {
      const message = await storedMessage(response);
      if (!message) throw new Error('reply not sent yet: the answer is not the stored message');
      await inTurn(() => forgetReply(reply.key));
      for (const client of await self.clients.matchAll({ type: 'window' })) {
        client.postMessage({ type: 'reply-sent', key: reply.key, message: JSON.stringify(message) });
      }
    } else if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw new Error(`reply not sent yet (${response.status})`);
    } else {
      await inTurn(() => forgetReply(reply.key));
    }
  }
}

self.addEventListener('message', (event) => {
  // Only Charla's own pages hand replies over.
  if (!(event.source instanceof WindowClient)) return;
  const data = event.data || {};
  if (data.type === 'queue-reply') event.waitUntil(inTurn(() => keepReply(data.reply)));
  else if (data.type === 'reply-sent') event.waitUntil(inTurn(() => forgetReply(data.key)));
});

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(sendReplies());
});
