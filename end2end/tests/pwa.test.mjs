// Installable, and able to show notifications: the page links a manifest whose icons
// load; the signed-in app registers its service worker for the whole site; a push
// message delivered to that worker (the DevTools protocol plays the push service)
// shows a notification with the pushed title; a second start takes the client's files
// from the worker's cache. On a desktop and a phone viewport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, signedInPage, shownNotification, waitForHydration, sharedBrowser } from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a manifest, a service worker, a pushed notification`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await signedInPage(browser(), vp, DEMO.agent);
    try {
      await page.goto(`${BASE_URL}/conversations`);
      await waitForHydration(page);
      const href = await page.locator('link[rel=manifest]').getAttribute('href');
      // Browsers fetch the manifest and its icons without the session cookie: so does
      // this test (Node's own fetch, no redirect followed).
      const res = await fetch(new URL(href, BASE_URL), { redirect: 'manual' });
      assert.equal(res.status, 200, 'the manifest is served without a session');
      const manifest = await res.json();
      assert.equal(manifest.name, 'Charla');
      assert.equal(manifest.display, 'standalone');
      assert.equal(manifest.start_url, '/conversations');
      for (const size of ['192x192', '512x512']) {
        const icon = manifest.icons.find((i) => i.sizes === size && i.type === 'image/png');
        assert.ok(icon, `an icon of ${size}`);
        const image = await fetch(new URL(icon.src, BASE_URL), { redirect: 'manual' });
        assert.equal(image.status, 200);
        assert.equal(image.headers.get('content-type'), 'image/png');
      }

      // The worker is registered for the whole site.
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      assert.equal(scope, `${BASE_URL}/`);

      // Chromium's own installability check, the one Lighthouse's "installable-manifest"
      // audit read before Lighthouse 12 dropped it: no error but the one a test
      // browser's off-the-record profile always gives.
      const check = await page.context().newCDPSession(page);
      const { installabilityErrors } = await check.send('Page.getInstallabilityErrors');
      const errors = installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito');
      assert.deepEqual(errors, [], 'installable');

      await page.context().grantPermissions(['notifications'], { origin: BASE_URL });
      const cdp = await page.context().newCDPSession(page);
      const registered = new Promise((resolve) => {
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          const found = registrations.find((r) => r.scopeURL === `${BASE_URL}/` && !r.isDeleted);
          if (found) resolve(found.registrationId);
        });
      });
      await cdp.send('ServiceWorker.enable');
      const registrationId = await registered;
      const title = `Te mencionaron ${vp.name}`;
      // A push handed to a worker still starting may be dropped: hand it over again.
      let shown = null;
      for (let attempt = 0; attempt < 3 && !shown; attempt += 1) {
        await cdp.send('ServiceWorker.deliverPushMessage', {
          origin: BASE_URL,
          registrationId,
          data: JSON.stringify({ title, body: 'Lucía: revisa esto', url: '/conversations', tag: `t-${vp.name}` }),
        });
        shown = await shownNotification(page, title, 40);
      }
      assert.deepEqual(shown, { body: 'Lucía: revisa esto', url: '/conversations' });
    } finally {
      await page.context().close();
    }
  });
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] the second start takes the client's files from the service worker`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await signedInPage(browser(), vp, DEMO.agent);
    try {
      const first = await page.goto(`${BASE_URL}/conversations`);
      await waitForHydration(page);
      const build = first.headers()['x-charla-build'];
      assert.match(build || '', /^[0-9a-f]{16}$/, 'the page names its build');
      const worker = await (await fetch(`${BASE_URL}/sw.js`)).text();
      assert.ok(worker.startsWith(`const BUILD = '${build}';`), 'the worker is of the same build');
      // Each client file names its build too (the worker keeps only its own build's),
      // and is never guessed fresh by a browser without the worker.
      const file = await fetch(`${BASE_URL}/pkg/charla.js`);
      assert.equal(file.headers.get('x-charla-build'), build);
      assert.equal(file.headers.get('cache-control'), 'no-cache');
      // The worker is active: the next pages are its.
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });

      // Opened again (a new start of the app): once the worker has fetched the client's
      // files for a page, the next page gets them from its cache (the DevTools protocol
      // says where each answer came from).
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Network.enable');
      // Without the browser's own caches (HTTP and in-memory), which would otherwise
      // answer some files before the worker is asked: what is not the network's is then
      // the worker's.
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const sources = new Map();
      cdp.on('Network.responseReceived', ({ response }) => {
        const path = new URL(response.url).pathname;
        if (path.startsWith('/pkg/')) sources.set(path, response.serviceWorkerResponseSource || 'network');
      });
      await page.goto(`${BASE_URL}/conversations`);
      await waitForHydration(page);
      sources.clear();
      await page.goto(`${BASE_URL}/conversations`);
      await waitForHydration(page);
      const client = [...sources.keys()].filter((p) => p.endsWith('.js') || p.endsWith('.wasm'));
      assert.ok(client.length > 0, 'the page loaded its client');
      const elsewhere = client.filter((p) => sources.get(p) !== 'cache-storage').map((p) => `${p}: ${sources.get(p)}`);
      assert.deepEqual(elsewhere, [], 'every client file came from the worker\'s cache');
    } finally {
      await page.context().close();
    }
  });
}
