// WhatsApp (S7) end to end: an administrator sets up a WhatsApp inbox against a local
// fake of Meta's Graph API and syncs its templates; a customer's message 25 hours old
// arrives by a signed webhook; the conversation shows the closed 24-hour window and
// only the template picker; the agent sends a template with its variables; the fake
// receives it in Meta's format, and the message turns delivered, then read, as the
// fake's statuses arrive. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DEMO, VIEWPORTS, button, signedInPage, sharedBrowser } from './helpers.mjs';
import { GRAPH, startFakeGraph } from './fake-graph.mjs';
import { delivery, openOldConversation, postWebhook, setUpInbox } from './whatsapp-helpers.mjs';

const browser = sharedBrowser();

const TEMPLATES = [
  {
    id: '1', name: 'pedido_enviado', language: 'es', category: 'UTILITY', status: 'APPROVED',
    components: [{ type: 'BODY', text: 'Hola {{1}}, tu pedido {{2}} ya está en camino.' }],
  },
  {
    id: '2', name: 'codigo_acceso', language: 'es', category: 'AUTHENTICATION', status: 'APPROVED',
    components: [{ type: 'BODY', text: 'Tu código es {{1}}.' }],
  },
];

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] closed 24-hour window: a template goes out and turns delivered, then read`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const inboxName = `WhatsApp ${tag}`;
    const customer = `Cliente ${tag}`;
    const waId = `3469${String(Date.now()).slice(-7)}${vp.name === 'phone' ? 1 : 2}`;
    const graph = await startFakeGraph({ templates: TEMPLATES });
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    try {
      // Set up the inbox: the Cloud API settings, then the templates.
      const webhookPath = await setUpInbox(admin, graph, inboxName, 2);

      // Meta's verification handshake, with the token just saved.
      const check = await fetch(`${BASE_URL}${webhookPath}?hub.mode=subscribe&hub.verify_token=${GRAPH.verifyToken}&hub.challenge=42`);
      assert.equal(await check.text(), '42');

      // The customer wrote 25 hours ago.
      await openOldConversation(admin, webhookPath, { waId, customer, tag, text: '¿Dónde está mi pedido?', hoursAgo: 25 });
      await admin.getByRole('status').filter({ hasText: 'La ventana de 24 horas está cerrada' }).first().waitFor();
      assert.equal(await admin.getByLabel('Mensaje', { exact: true }).isVisible(), false, 'no free text');

      // Only approved, non-authentication templates; every variable is required.
      const picker = admin.getByLabel('Plantilla', { exact: true });
      const options = await picker.locator('option').allTextContents();
      assert.deepEqual(options, ['pedido_enviado (es)']);
      await admin.getByLabel('Variable 1', { exact: true }).fill('Ana');
      await button(admin, 'Enviar plantilla').click();
      await admin.getByText('Este campo es obligatorio.').filter({ visible: true }).first().waitFor();
      assert.equal(graph.sent.length, 0, 'nothing sent with a variable missing');
      await admin.getByLabel('Variable 2', { exact: true }).fill('A-17');
      await admin.getByRole('region', { name: 'Vista previa' }).getByText('Hola Ana, tu pedido A-17 ya está en camino.').waitFor();
      await button(admin, 'Enviar plantilla').click();

      const message = admin.locator('.message.outgoing').filter({ hasText: 'Hola Ana, tu pedido A-17 ya está en camino.' });
      await message.getByText('Enviado', { exact: true }).waitFor();
      assert.equal(graph.sent.length, 1);
      assert.deepEqual(graph.sent[0], {
        messaging_product: 'whatsapp', recipient_type: 'individual', to: waId, type: 'template',
        template: { name: 'pedido_enviado', language: { code: 'es' },
          components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'A-17' }] }] },
      });

      // Meta reports delivery, then reading.
      const wamid = graph.lastId();
      await postWebhook(webhookPath, delivery({ waId, name: customer, statuses: [{ id: wamid, status: 'delivered', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: waId }] }));
      await message.getByText('Entregado', { exact: true }).waitFor();
      await postWebhook(webhookPath, delivery({ waId, name: customer, statuses: [{ id: wamid, status: 'read', timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: waId }] }));
      await message.getByText('Leído', { exact: true }).waitFor();
    } finally {
      await admin.context().close();
      await graph.close();
    }
  });
}
