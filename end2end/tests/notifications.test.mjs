// Notifications that reach an agent away from the tab (issue 29), in real Chromium on
// a desktop and a phone viewport: she turns push on in Mi perfil; a teammate's mention
// reaches the push service as an encrypted, VAPID-signed message; delivered to her
// service worker it shows a notification whose tap opens the conversation; while the
// tab is behind others the title counts and a sound plays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, api, button, shownNotification, signedInPage, waitForHydration, waitForPath, sharedBrowser,
} from './helpers.mjs';
import { startPushService, pushManagerStub } from './push-service.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] push on in Mi perfil, a mention pushed, shown and opened; title count and sound`, { timeout: TEST_TIMEOUT * 2 }, async () => {
    const service = await startPushService();
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    try {
      await lucia.context().grantPermissions(['notifications'], { origin: BASE_URL });
      await lucia.addInitScript(pushManagerStub, service.subscription);
      await lucia.addInitScript(() => {
        window.__played = [];
        HTMLMediaElement.prototype.play = function () {
          window.__played.push(new URL(this.src).pathname);
          return Promise.resolve();
        };
      });

      // Mi perfil: push on in this browser.
      await lucia.goto(`${BASE_URL}/settings/profile`);
      await waitForHydration(lucia);
      await lucia.getByRole('heading', { name: 'Notificaciones' }).waitFor();
      await lucia.getByText('Las notificaciones push están desactivadas en este navegador.').waitFor();
      await button(lucia, 'Activar notificaciones push en este navegador').click();
      await lucia.getByText('Las notificaciones push están activadas en este navegador.').waitFor();
      const prefs = await api(lucia, 'notifications/prefs', {});
      assert.ok(prefs.endpoints.includes(service.subscription.endpoint), 'this browser is subscribed');
      const key = await lucia.evaluate(() => window.__pushStub.key);
      assert.equal(Buffer.from(key, 'base64').toString('base64url'), prefs.push_key);
      // Each kind's ways are checkboxes with names.
      const mentionSound = lucia.getByRole('group', { name: 'Cuando me mencionan' }).getByRole('checkbox', { name: 'Sonido' });
      assert.equal(await mentionSound.isChecked(), true);

      // The administrator mentions her in a note.
      const team = await api(admin, 'list_team', {});
      const luciaId = team.find((a) => a.email === DEMO.agent.email).id;
      const list = await api(lucia, 'conversations/list', { tab: 'all', status: 'open', after: null, filter: {} });
      const conversation = list.items[0];
      const body = `Revisa la factura ${vp.name} ${Date.now() % 100000}`;
      await api(admin, 'conversations/send', {
        conversation_id: conversation.id, body, private: true, idempotency_key: null, mentions: [luciaId],
      });
      const pushed = await service.next();
      assert.equal(pushed.error, undefined, pushed.error);
      assert.equal(pushed.headers['content-encoding'], 'aes128gcm');
      assert.match(pushed.headers.authorization, /^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
      const payload = JSON.parse(pushed.text);
      assert.match(payload.title, new RegExp(`te mencionó en #${conversation.display_id}$`));
      assert.equal(payload.body, body);

      // The browser hands it to the service worker: a notification shows.
      const cdp = await lucia.context().newCDPSession(lucia);
      const registered = new Promise((resolve) => {
        cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
          const found = registrations.find((r) => r.scopeURL === `${BASE_URL}/` && !r.isDeleted);
          if (found) resolve(found.registrationId);
        });
      });
      await cdp.send('ServiceWorker.enable');
      const registrationId = await registered;
      // CDP may report the registration before its worker is active, and a push handed
      // to a registration without an active worker is dropped: wait for it, and hand
      // the push over again if the first went to a worker still starting.
      await lucia.evaluate(() => navigator.serviceWorker.ready.then((r) => Boolean(r.active)));
      let shown = null;
      for (let attempt = 0; attempt < 3 && !shown; attempt += 1) {
        await cdp.send('ServiceWorker.deliverPushMessage', { origin: BASE_URL, registrationId, data: pushed.text });
        shown = await shownNotification(lucia, payload.title, 40);
      }
      assert.deepEqual(shown, { body, url: `/conversations/${conversation.id}?tab=all` });

      // A tap runs the worker's click handler: Charla's tab goes to the conversation.
      const [worker] = lucia.context().serviceWorkers();
      assert.ok(worker, 'the service worker');
      await worker.evaluate((url) => openFromNotification(url), payload.url);
      await waitForPath(lucia, `/conversations/${conversation.id}`);

      // Behind other tabs: the next notification counts in the title and chimes.
      await waitForHydration(lucia);
      await lucia.getByRole('status').filter({ hasText: 'En vivo' }).filter({ visible: true }).first().waitFor();
      const bare = await lucia.title();
      await lucia.evaluate(() => {
        document.hasFocus = () => false;
        window.dispatchEvent(new Event('blur'));
      });
      await api(admin, 'conversations/send', {
        conversation_id: list.items[1].id, body: `Otra ${body}`, private: true, idempotency_key: null, mentions: [luciaId],
      });
      await lucia.waitForFunction((t) => document.title === `(1) ${t}`, bare);
      assert.deepEqual(await lucia.evaluate(() => window.__played), ['/sounds/notify.wav']);
      await lucia.evaluate(() => {
        delete document.hasFocus;
        window.dispatchEvent(new Event('focus'));
      });
      await lucia.waitForFunction((t) => document.title === t, bare);
    } finally {
      await lucia.context().close();
      await admin.context().close();
      await service.close();
    }
  });
}
