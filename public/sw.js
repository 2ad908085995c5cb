// Charla's service worker: it makes the app installable and shows its notifications.
// It caches nothing and answers no fetch: every page is live data behind a session,
// so the network answers every request (a pass-through fetch handler would only add a
// hop to each one).
self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
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
