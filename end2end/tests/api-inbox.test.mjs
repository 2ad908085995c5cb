// API inboxes and Chatwoot's Client API (issue 30), in real Chromium on a desktop and
// a phone viewport: an administrator makes an API inbox in Ajustes and gives it a
// receiver's URL; a program (this test, as a custom chat front would) writes as a
// customer through the Client API; the conversation shows up live in the agent's
// list; her reply reaches the receiver (signed with the inbox's secret) and the
// program reads it back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, button, openConversationList, signedInPage, waitForHydration, sharedBrowser, startReceiver,
} from './helpers.mjs';

const browser = sharedBrowser();


/** A program's call to the Client API: no cookie, no token. */
async function client(path, method = 'GET', body) {
  const res = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.json();
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] an API inbox: a program writes as the customer, the agent answers live`, { timeout: TEST_TIMEOUT }, async () => {
    const receiver = await startReceiver('/charla');
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const n = `${vp.name} ${Date.now() % 100000}`;
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const inboxName = `Tienda API ${n}`;
      await admin.getByLabel('Nombre de la bandeja', { exact: true }).fill(inboxName);
      await admin.getByLabel('Canal', { exact: true }).selectOption({ label: 'API' });
      await button(admin, 'Crear bandeja').click();
      const card = admin.locator('.inbox-card').filter({ has: admin.getByRole('heading', { name: `${inboxName} · API` }) });
      await card.waitFor();
      const identifierField = card.getByLabel('Identificador de la bandeja (Client API)');
      // The card reads its settings once it is shown.
      for (let i = 0; i < 50 && !(await identifierField.inputValue()); i += 1) await new Promise((r) => setTimeout(r, 100));
      const identifier = await identifierField.inputValue();
      assert.match(identifier, /^[\w-]{16,}$/);
      assert.equal(await identifierField.getAttribute('readonly'), '');
      // A bad URL is refused in the form; the receiver's is kept, with a signing secret.
      const url = card.getByLabel('URL para las respuestas', { exact: true });
      await url.fill('ftp://tienda.example');
      await button(card, 'Guardar bandeja API').click();
      await card.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
      await url.fill(receiver.url);
      await button(card, 'Guardar bandeja API').click();
      await card.getByRole('status').filter({ hasText: 'Bandeja API guardada.' }).waitFor();
      const secret = await card.getByLabel('Secreto de firma').inputValue();
      assert.ok(secret.length >= 32);

      // The program makes the customer, her conversation and her message.
      const base = `/public/api/v1/inboxes/${identifier}`;
      const customer = `Cliente API ${n}`;
      const contact = await client(`${base}/contacts`, 'POST', { name: customer, email: 'cliente.api@example.com' });
      const me = `${base}/contacts/${contact.source_id}`;
      const list = await openConversationList(admin);
      const conversation = await client(`${me}/conversations`, 'POST');
      const question = `¿Llega mañana el pedido? ${n}`;
      await client(`${me}/conversations/${conversation.id}/messages`, 'POST', { content: question });

      // It shows up live; the agent answers from the conversation.
      const item = list.getByRole('link').filter({ hasText: customer }).first();
      await item.waitFor();
      await item.click();
      await admin.getByRole('heading', { name: customer, level: 2 }).waitFor();
      await admin.locator('.message').filter({ hasText: question }).first().waitFor();
      const reply = `Sí, sale hoy ${n}`;
      const composer = admin.getByLabel('Mensaje', { exact: true });
      await composer.fill(reply);
      await composer.press('Enter');
      await admin.locator('.message.outgoing').filter({ hasText: reply }).first().waitFor();

      // The receiver gets it, signed with the inbox's secret…
      let request;
      for (let i = 0; i < 100 && !request; i += 1) {
        request = receiver.got.find((r) => JSON.parse(r.body).content === reply);
        if (!request) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(request, 'the receiver got the reply');
      const body = JSON.parse(request.body);
      assert.equal(body.event, 'message_created');
      assert.equal(body.message_type, 'outgoing');
      assert.equal(body.conversation.id, conversation.id);
      const want = `sha256=${createHmac('sha256', secret).update(`${request.headers['x-chatwoot-timestamp']}.${request.body}`).digest('hex')}`;
      assert.equal(request.headers['x-chatwoot-signature'], want);
      // …and the program reads it back.
      const messages = await client(`${me}/conversations/${conversation.id}/messages`);
      assert.deepEqual(messages.map((m) => [m.message_type, m.content]), [[0, question], [1, reply]]);
    } finally {
      receiver.close();
      await admin.context().close();
    }
  });
}
