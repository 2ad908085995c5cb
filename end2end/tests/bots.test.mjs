// Agent bots (issue 30), in real Chromium on a desktop and a phone viewport: an
// administrator adds a bot in Ajustes and connects it to a new API inbox; a customer
// writes (through the Client API); the bot's receiver hears of it, signed with the
// bot's secret; the bot (this test, with the token Ajustes shows) answers through the
// API; the agent sees the pending conversation with the bot's reply marked as the
// bot's, and the hand-off said live when the bot opens the conversation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, button, openConversationList, signedInPage, waitForHydration, sharedBrowser, startReceiver,
} from './helpers.mjs';

const browser = sharedBrowser();

async function call(path, method = 'GET', body, token) {
  const headers = body ? { 'content-type': 'application/json' } : {};
  if (token) headers.api_access_token = token;
  const res = await fetch(`${BASE_URL}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.json();
}

async function received(receiver, want) {
  for (let i = 0; i < 100; i += 1) {
    const found = receiver.got.find((r) => want(JSON.parse(r.body)));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('the bot heard nothing');
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] an agent bot answers first and hands the conversation to the team`, { timeout: TEST_TIMEOUT }, async () => {
    const receiver = await startReceiver('/bot');
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const n = `${vp.name} ${Date.now() % 100000}`;
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const inboxName = `Bot API ${n}`;
      await admin.getByLabel('Nombre de la bandeja', { exact: true }).fill(inboxName);
      await admin.getByLabel('Canal', { exact: true }).selectOption({ label: 'API' });
      await button(admin, 'Crear bandeja').click();
      const card = admin.locator('.inbox-card').filter({ has: admin.getByRole('heading', { name: `${inboxName} · API` }) });
      await card.waitFor();
      const identifierField = card.getByLabel('Identificador de la bandeja (Client API)');
      for (let i = 0; i < 50 && !(await identifierField.inputValue()); i += 1) await new Promise((r) => setTimeout(r, 100));
      const identifier = await identifierField.inputValue();

      // The bot: a bad URL is refused in the form, then it is added with the inbox.
      const section = admin.getByRole('region', { name: 'Bots' });
      const form = section.getByRole('form', { name: 'Nuevo bot' });
      const botName = `Botón ${n}`;
      await form.getByLabel('Nombre del bot').fill(botName);
      await form.getByLabel('URL del bot (webhook)').fill('ftp://bot.example');
      await button(form, 'Añadir bot').click();
      await form.getByRole('alert').filter({ hasText: /\S/ }).waitFor();
      await form.getByLabel('URL del bot (webhook)').fill(receiver.url);
      await form.getByRole('checkbox', { name: inboxName }).check();
      await button(form, 'Añadir bot').click();
      const item = section.getByRole('listitem').filter({ has: admin.getByRole('heading', { name: botName }) });
      await item.waitFor();
      await item.getByText(`Bandejas que atiende: ${inboxName}`).waitFor();
      const token = await item.getByLabel('Token de acceso del bot').inputValue();
      const secret = await item.getByLabel('Secreto de firma del bot').inputValue();
      assert.ok(token.length >= 20 && secret.length >= 20);

      // A customer writes: the bot hears of it, signed.
      const base = `/public/api/v1/inboxes/${identifier}`;
      const customer = `Cliente bot ${n}`;
      const contact = await call(`${base}/contacts`, 'POST', { name: customer });
      const me = `${base}/contacts/${contact.source_id}`;
      const conversation = await call(`${me}/conversations`, 'POST');
      const question = `¿Hacéis envíos a Canarias? ${n}`;
      await call(`${me}/conversations/${conversation.id}/messages`, 'POST', { content: question });
      const heard = await received(receiver, (b) => b.event === 'message_created' && b.content === question);
      const want = `sha256=${createHmac('sha256', secret).update(`${heard.headers['x-chatwoot-timestamp']}.${heard.body}`).digest('hex')}`;
      assert.equal(heard.headers['x-chatwoot-signature'], want);
      const payload = JSON.parse(heard.body);
      assert.equal(payload.conversation.status, 'pending');

      // The bot answers with its token; the agent finds the conversation pending.
      const thread = `/api/v1/accounts/${payload.account.id}/conversations/${conversation.id}`;
      const answer = `Sí, en 72 horas ${n}`;
      await call(`${thread}/messages`, 'POST', { content: answer }, token);
      const list = await openConversationList(admin, 'tab=all&status=pending');
      const row = list.getByRole('link').filter({ hasText: customer }).first();
      await row.waitFor();
      await row.click();
      await admin.getByRole('heading', { name: customer, level: 2 }).waitFor();
      const byBot = admin.locator('.message.outgoing').filter({ hasText: answer }).first();
      await byBot.waitFor();
      await byBot.getByText('Bot', { exact: true }).waitFor();
      await byBot.getByText(botName).waitFor();

      // The hand-off, live.
      await call(`${thread}/toggle_status`, 'POST', { status: 'open' }, token);
      await admin.locator('.message.activity').filter({ hasText: `${botName} pasó la conversación al equipo` }).waitFor();
      await received(receiver, (b) => b.event === 'conversation_opened' && b.id === conversation.id);
    } finally {
      receiver.close();
      await admin.context().close();
    }
  });
}
