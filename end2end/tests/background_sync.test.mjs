// A reply written offline reaches the customer even if the agent closes Charla before
// the network comes back: the page hands it to the service worker, and the browser
// wakes the worker when it is online again (Background Sync; the DevTools protocol
// plays the browser's wake-up here). With the page open, the worker's send turns the
// page's "En cola" into the sent reply. A reply goes once, with the key it was written
// with; the page's own copy, sent again when Charla is next opened, adds nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DEMO, VIEWPORTS, newPage, openUnassigned, sharedBrowser, signedInPage, visitorWrites, waitForHydration, widgetUrl } from './helpers.mjs';

const browser = sharedBrowser();
const SEND = '**/api/conversations/send';

/** The replies the worker holds, by their text. */
async function heldByWorker(page) {
  return page.evaluate(async () => {
    const outbox = await caches.open('charla-outbox');
    const held = [];
    for (const request of await outbox.keys()) held.push((await (await outbox.match(request)).json()).body);
    return held;
  });
}

/** Writes a reply with the sends cut and waits until page and worker both hold it. */
async function queueReply(page, text) {
  const composer = page.getByLabel('Mensaje', { exact: true });
  await composer.fill(text);
  await composer.press('Enter');
  await page.locator('.message.queued').filter({ hasText: text }).getByText('En cola: se enviará al volver la conexión').waitFor();
  await page.waitForFunction(
    async (want) => {
      const outbox = await caches.open('charla-outbox');
      for (const request of await outbox.keys()) {
        if ((await (await outbox.match(request)).json()).body === want) return true;
      }
      return false;
    },
    text,
    { polling: 100, timeout: 10_000 },
  );
}

/** The id the DevTools protocol gives Charla's service worker registration. */
async function registrationOf(cdp) {
  const registered = new Promise((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const found = registrations.find((r) => r.scopeURL === `${BASE_URL}/` && !r.isDeleted);
      if (found) resolve(found.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  return registered;
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a reply queued offline goes out after the tab is closed`, { timeout: 150_000 }, async () => {
    const tag = `${vp.name} ${Date.now() % 100000}`;
    const visitorName = `Cliente en el túnel ${tag}`;
    const agent = await signedInPage(browser(), vp, DEMO.admin);
    const context = agent.context();
    const visitor = await newPage(browser(), vp);
    try {
      const url = await widgetUrl(agent);
      await visitorWrites(visitor, url, visitorName, `Hola ${tag}`);
      await openUnassigned(agent, visitorName);
      // The page hands replies to the worker that controls it.
      await agent.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
      const conversationUrl = agent.url();

      const blank = await context.newPage();
      const cdp = await context.newCDPSession(blank);
      const registrationId = await registrationOf(cdp);
      const wakeWorker = () =>
        cdp.send('ServiceWorker.dispatchSyncEvent', { origin: BASE_URL, registrationId, tag: 'charla-replies', lastChance: false });
      const log = visitor.getByRole('log');

      // 1. No network for the page and its worker alike: the reply is queued in both.
      //    Then the worker gets through while the page still cannot: the page shows
      //    the reply sent without sending it itself.
      await context.route(SEND, (route) => route.abort('internetdisconnected'));
      const first = `Primero, con la pestaña abierta ${tag}`;
      await queueReply(agent, first);
      assert.deepEqual(await heldByWorker(agent), [first], 'the worker holds the reply');
      await context.unroute(SEND);
      await context.route(SEND, (route) => (route.request().serviceWorker() ? route.continue() : route.abort('internetdisconnected')));
      await wakeWorker();
      await agent.locator('.message.queued').filter({ hasText: first }).waitFor({ state: 'detached', timeout: 30_000 });
      await agent.locator('.message.outgoing').filter({ hasText: first }).filter({ hasText: /Enviado|Leído/ }).first().waitFor();
      assert.equal(await agent.evaluate(() => window.localStorage.getItem('charla:queue')), null, 'the page let go of its copy');
      assert.deepEqual(await heldByWorker(agent), []);
      await log.getByText(first).waitFor();

      // 2. Queued again, and she closes Charla before the network is back.
      await context.unroute(SEND);
      await context.route(SEND, (route) => route.abort('internetdisconnected'));
      const reply = `Te lo mando al salir del túnel ${tag}`;
      await queueReply(agent, reply);
      await agent.close();
      await context.unroute(SEND);
      await wakeWorker();

      // The customer gets it, once.
      await log.getByText(reply).waitFor({ timeout: 30_000 });

      // Charla opened again: the page's copy goes with the same key and adds nothing;
      // both copies are gone.
      const again = await context.newPage();
      // The queued reply is drawn after hydration, not into the server's HTML.
      const errors = [];
      again.on('pageerror', (e) => errors.push(e.message));
      await again.goto(conversationUrl);
      await waitForHydration(again);
      await again.getByRole('heading', { name: visitorName, level: 2 }).waitFor();
      await again.waitForFunction(() => window.localStorage.getItem('charla:queue') === null, null, { timeout: 30_000 });
      await again.locator('.message.outgoing:not(.queued)').filter({ hasText: reply }).filter({ hasText: /Enviado|Leído/ }).first().waitFor();
      await again.waitForTimeout(1500);
      assert.equal(await again.locator('.message.outgoing:not(.queued)').filter({ hasText: reply }).count(), 1, 'stored once');
      assert.equal(await again.locator('.message.queued').count(), 0);
      assert.deepEqual(await heldByWorker(again), []);
      assert.equal(await log.getByText(reply).count(), 1, 'the customer got it once');
      assert.equal(await log.getByText(first).count(), 1);
      assert.deepEqual(errors, [], 'the page opened with a queued reply runs without an error');
    } finally {
      await Promise.all([context.close(), visitor.context().close()]);
    }
  });
}
