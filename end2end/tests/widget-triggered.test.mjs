// Chatwoot's `webwidget_triggered` (issue 30), desktop and phone: an administrator adds
// a webhook for it in Ajustes; a visitor on a customer's site (another origin, the chat
// frame denied third-party storage) opens the chat from the launcher, closes it and
// opens it again: the receiver gets one signed event per opening, naming the inbox and
// the page she opened it on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, button, signedInPage, waitForHydration, sharedBrowser, startReceiver,
} from './helpers.mjs';
import { embedSnippet, hostSite, openChat, visitorPage } from './embed-helpers.mjs';

const browser = sharedBrowser();

/** This test's openings (other tests' visitors open chats too): by the page's address. */
async function triggered(receiver, page, count) {
  for (let i = 0; i < 100; i += 1) {
    const got = receiver.got.filter((r) => {
      const body = JSON.parse(r.body);
      return body.event === 'webwidget_triggered' && body.event_info.referer === page;
    });
    if (got.length >= count) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`expected ${count} webwidget_triggered, got ${receiver.got.length} requests`);
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] opening the embedded chat tells a webwidget_triggered webhook each time`, { timeout: TEST_TIMEOUT }, async () => {
    const receiver = await startReceiver();
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const host = await hostSite(await embedSnippet(admin));
    const visitor = await visitorPage(browser(), vp);
    const name = `Aperturas ${vp.name} ${Date.now() % 100000}`;
    let item;
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const section = admin.getByRole('region', { name: 'Webhooks' });
      await section.getByRole('heading', { name: 'Nuevo webhook' }).scrollIntoViewIfNeeded();
      await section.getByLabel('Nombre del webhook', { exact: true }).fill(name);
      await section.getByLabel('URL del webhook', { exact: true }).fill(receiver.url);
      const events = section.getByRole('group', { name: 'Eventos' });
      // Only this event: the form starts with message_created ticked.
      for (const box of await events.getByRole('checkbox').all()) await box.uncheck();
      await events.getByRole('checkbox', { name: 'webwidget_triggered' }).check();
      await button(section, 'Añadir webhook').click();
      item = section.getByRole('listitem').filter({ has: admin.getByRole('heading', { name }) });
      await item.waitFor();
      const secret = await item.getByLabel('Secreto de firma').inputValue();

      const page = `${host.url}/producto/42?visita=${vp.name}-${Date.now() % 100000}`;
      await visitor.goto(page);
      await openChat(visitor);
      const [first] = await triggered(receiver, page, 1);
      const body = JSON.parse(first.body);
      assert.equal(body.event, 'webwidget_triggered');
      assert.equal(body.event_info.referer, page);
      assert.equal(body.event_info.widget_language, 'es');
      assert.ok(body.event_info.initiated_at.timestamp, 'when she opened it, by her clock');
      assert.ok(body.inbox.id > 0 && body.inbox.name, 'the inbox is named');
      assert.equal(body.contact, null, 'a newcomer has no contact yet');
      const timestamp = first.headers['x-chatwoot-timestamp'];
      const want = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${first.body}`).digest('hex')}`;
      assert.equal(first.headers['x-chatwoot-signature'], want);

      // Closed and opened again from the launcher: told again.
      const launcher = visitor.getByRole('button', { name: 'Chat', exact: true });
      await launcher.click();
      assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
      await launcher.click();
      assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
      await triggered(receiver, page, 2);
      // Opened again while open (the host's `Charla.open()`): nothing new to tell.
      await visitor.evaluate(() => window.Charla.open());
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await triggered(receiver, page, 2)).length, 2);
    } finally {
      if (item) {
        await button(item, 'Eliminar webhook').click();
        await item.waitFor({ state: 'detached' });
      }
      receiver.close();
      await visitor.context().close();
      await admin.context().close();
      await host.close();
    }
  });
}
