// Webhooks in Ajustes (issue 30), in real Chromium on a desktop and a phone viewport:
// an administrator adds a webhook pointing at a local receiver, sees its signing
// secret; a reply in a conversation reaches the receiver as a Chatwoot-shaped
// `message_created`, signed with that secret; the delivery log shows it delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, api, button, signedInPage, waitForHydration, sharedBrowser, startReceiver,
} from './helpers.mjs';

const browser = sharedBrowser();


for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a webhook added in Ajustes gets a signed message_created and logs it`, { timeout: TEST_TIMEOUT }, async () => {
    const receiver = await startReceiver();
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const section = admin.getByRole('region', { name: 'Webhooks' });
      await section.getByRole('heading', { name: 'Nuevo webhook' }).scrollIntoViewIfNeeded();
      // A bad URL is refused in the form.
      await section.getByLabel('URL del webhook', { exact: true }).fill('ftp://tienda.example');
      await button(section, 'Añadir webhook').click();
      await section.getByText('Escribe una URL que empiece por https:// o http://.').waitFor();

      const name = `Tienda ${vp.name} ${Date.now() % 100000}`;
      await section.getByLabel('Nombre del webhook', { exact: true }).fill(name);
      await section.getByLabel('URL del webhook', { exact: true }).fill(receiver.url);
      await section.getByRole('group', { name: 'Eventos' }).getByRole('checkbox', { name: 'conversation_status_changed' }).check();
      await button(section, 'Añadir webhook').click();
      const item = section.getByRole('listitem').filter({ has: admin.getByRole('heading', { name }) });
      await item.waitFor();
      const secret = await item.getByLabel('Secreto de firma').inputValue();
      assert.ok(secret.length >= 32, 'a signing secret is shown');

      // A reply in a conversation: the receiver gets it, signed.
      const list = await api(admin, 'conversations/list', { tab: 'all', status: 'open', after: null, filter: {} });
      const conversation = list.items.find((c) => c.channel === 'web_chat');
      const text = `Sale hoy ${vp.name} ${Date.now() % 100000}`;
      await api(admin, 'conversations/send', {
        conversation_id: conversation.id, body: text, private: false, idempotency_key: null, mentions: [],
      });
      let request;
      for (let i = 0; i < 100 && !request; i += 1) {
        request = receiver.got.find((r) => JSON.parse(r.body).content === text);
        if (!request) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(request, 'the receiver got the reply');
      const body = JSON.parse(request.body);
      assert.equal(body.event, 'message_created');
      assert.equal(body.message_type, 'outgoing');
      assert.equal(body.conversation.id, conversation.display_id);
      const timestamp = request.headers['x-chatwoot-timestamp'];
      const want = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.body}`).digest('hex')}`;
      assert.equal(request.headers['x-chatwoot-signature'], want);

      // The delivery log says so.
      await button(item, 'Ver entregas').click();
      const log = item.getByRole('table', { name: 'Últimas entregas' });
      await log.waitFor();
      for (let i = 0; i < 50; i += 1) {
        if (await log.getByRole('row').filter({ hasText: 'message_created' }).filter({ hasText: 'Entregado' }).count()) break;
        await button(item, 'Actualizar entregas').click();
        await new Promise((r) => setTimeout(r, 200));
      }
      const row = log.getByRole('row').filter({ hasText: 'message_created' }).filter({ hasText: 'Entregado' }).first();
      await row.waitFor();
      assert.match(await row.innerText(), /200/);

      await button(item, 'Eliminar webhook').click();
      await item.waitFor({ state: 'detached' });
    } finally {
      receiver.close();
      await admin.context().close();
    }
  });
}
