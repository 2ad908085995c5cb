// Installable, and able to show notifications: the page links a manifest whose icons
// load; the signed-in app registers its service worker for the whole site; a push
// message delivered to that worker (the DevTools protocol plays the push service)
// shows a notification with the pushed title. On a desktop and a phone viewport.
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
