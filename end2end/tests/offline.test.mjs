// Flaky networks, and a server that has lost its database.
//
// With the database away, a send gets a clear error and the draft stays in the
// composer. Then the agent's browser loses the network (and its live socket) in the
// middle of a conversation: what she writes meanwhile is queued in the browser and
// shown as such, and the customer writes too. When the network comes back the socket
// reconnects and resumes from the last event it saw (the customer's message appears),
// and the queued reply goes out once, with the key it was given when written. A reply
// whose answer was lost on the way (it reached the server, the browser never heard)
// is retried with its key and is not stored twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO,
  TEST_TIMEOUT,
  VIEWPORTS,
  button,
  newPage,
  sharedBrowser,
  signedInPage,
  waitForHydration,
  openUnassigned,
  visitorWrites,
  widgetUrl,
} from './helpers.mjs';

const browser = sharedBrowser();

/** Settles, then counts the agent's messages with this text (queued copies excluded). */
async function countSent(page, text) {
  await page.waitForTimeout(1500);
  return page.locator('.message.outgoing:not(.queued)').filter({ hasText: text }).count();
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] offline replies are queued, sent once on reconnect, and the chat catches up`, { timeout: 150_000 }, async () => {
    const tag = `${vp.name} ${Date.now() % 100000}`;
    const visitorName = `Cliente sin red ${tag}`;
    const agent = await signedInPage(browser(), vp, DEMO.admin);
    const visitor = await newPage(browser(), vp);
    const context = agent.context();
    // The agent's live socket passes through here, so the test can cut it.
    let cut = false;
    const sockets = [];
    await context.routeWebSocket(/\/api\/live/, (ws) => {
      if (cut) {
        ws.close();
        return;
      }
      ws.connectToServer();
      sockets.push(ws);
    });
    try {
      const url = await widgetUrl(agent);
      await visitorWrites(visitor, url, visitorName, `Hola ${tag}`);
      await openUnassigned(agent, visitorName);
      await agent.getByRole('status').filter({ hasText: 'En vivo' }).filter({ visible: true }).first().waitFor();
      const composer = agent.getByLabel('Mensaje', { exact: true });

      // 0. The server cannot reach its database (its real answer then: 503 with
      //    `"Unavailable"`, see server/tests/api/outage.rs): a clear error, and the draft
      //    stays in the composer, not in the queue.
      const draft = `Borrador que no se pierde ${tag}`;
      await agent.route('**/api/conversations/send', (route) =>
        route.fulfill({ status: 503, contentType: 'application/json', headers: { 'retry-after': '5' }, body: '"Unavailable"' }),
      );
      await composer.fill(draft);
      await composer.press('Enter');
      await agent.getByRole('alert').filter({ hasText: 'Charla no puede llegar a su base de datos ahora mismo' }).waitFor();
      assert.equal(await composer.inputValue(), draft);
      assert.equal(await agent.locator('.message.queued').count(), 0);
      await agent.unroute('**/api/conversations/send');
      // Back: the same draft goes with Enter.
      await composer.press('Enter');
      await agent.locator('.message.outgoing').filter({ hasText: draft }).filter({ hasText: /Enviado|Leído/ }).first().waitFor();
      assert.equal(await composer.inputValue(), '');

      // 1. The answer to a send is lost on the way: the server stored it, the browser
      //    saw a network error. The reply is queued and retried with the same key.
      let dropped = false;
      await agent.route('**/api/conversations/send', async (route) => {
        if (!dropped) {
          dropped = true;
          await route.fetch();
          await route.abort('connectionreset');
        } else {
          await route.continue();
        }
      });
      const lost = `Respuesta perdida ${tag}`;
      await composer.fill(lost);
      await composer.press('Enter');
      await agent.locator('.message.outgoing').filter({ hasText: lost }).filter({ hasText: /Enviado|Leído/ }).first().waitFor();
      await agent.locator('.message.queued').filter({ hasText: lost }).waitFor({ state: 'detached', timeout: 30_000 });
      assert.equal(await countSent(agent, lost), 1, 'the retried reply is stored once');
      await agent.unroute('**/api/conversations/send');

      // 2. The network goes away, socket included.
      cut = true;
      await context.setOffline(true);
      for (const ws of sockets.splice(0)) await ws.close();
      await agent.getByRole('status').filter({ hasText: 'Sin conexión' }).filter({ visible: true }).first().waitFor();
      const offline = `Escrito sin conexión ${tag}`;
      await composer.fill(offline);
      await composer.press('Enter');
      const queued = agent.locator('.message.queued').filter({ hasText: offline });
      await queued.getByText('En cola: se enviará al volver la conexión').waitFor();
      assert.equal(await composer.inputValue(), '', 'the composer is free for the next reply');
      // Kept in the browser's storage, so a reload or a crash of the tab does not lose it…
      const stored = await agent.evaluate(() => window.localStorage.getItem('charla:queue'));
      assert.match(stored, new RegExp(offline));

      // …while the customer writes.
      await visitor.getByLabel('Mensaje', { exact: true }).fill(`¿Sigues ahí? ${tag}`);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(`¿Sigues ahí? ${tag}`).waitFor();
      await agent.waitForTimeout(1000);
      assert.equal(await agent.getByText(`¿Sigues ahí? ${tag}`).count(), 0, 'nothing arrives while cut off');

      // 3. Back: the socket resumes (the customer's message appears) and the queue goes.
      cut = false;
      await context.setOffline(false);
      await agent.getByRole('status').filter({ hasText: 'En vivo' }).filter({ visible: true }).first().waitFor({ timeout: 30_000 });
      await agent.locator('.message.incoming').filter({ hasText: `¿Sigues ahí? ${tag}` }).waitFor();
      await queued.waitFor({ state: 'detached', timeout: 30_000 });
      await agent.locator('.message.outgoing').filter({ hasText: offline }).filter({ hasText: /Enviado|Leído/ }).first().waitFor();
      assert.equal(await countSent(agent, offline), 1, 'the queued reply is sent once');
      assert.equal(await agent.evaluate(() => window.localStorage.getItem('charla:queue')), null);

      // The customer got each reply once; after a reload the agent still sees one of each.
      const log = visitor.getByRole('log');
      await log.getByText(offline).waitFor();
      assert.equal(await log.getByText(lost).count(), 1);
      assert.equal(await log.getByText(offline).count(), 1);
      await agent.reload();
      await waitForHydration(agent);
      await agent.getByRole('heading', { name: visitorName, level: 2 }).waitFor();
      assert.equal(await countSent(agent, lost), 1);
      assert.equal(await countSent(agent, offline), 1);
      assert.equal(await agent.getByText(`¿Sigues ahí? ${tag}`).count(), 1);
    } finally {
      await Promise.all([context.close(), visitor.context().close()]);
    }
  });
}
