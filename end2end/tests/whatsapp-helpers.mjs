// Shared by the WhatsApp browser tests: an administrator sets up a Cloud API inbox in
// Ajustes against the local Graph fake and syncs its templates; webhooks are posted
// signed, in Meta's shape.
import assert from 'node:assert/strict';
import { BASE_URL, button, waitForHydration } from './helpers.mjs';
import { GRAPH, sign } from './fake-graph.mjs';

export async function postWebhook(path, payload) {
  const raw = JSON.stringify(payload);
  const res = await fetch(`${BASE_URL}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) },
    body: raw,
  });
  assert.equal(res.status, 200, `webhook answered ${res.status}`);
}

export function delivery({ messages = [], statuses = [], waId, name }) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: GRAPH.wabaId, changes: [{ field: 'messages', value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '34900000000', phone_number_id: GRAPH.phoneNumberId },
      contacts: [{ profile: { name }, wa_id: waId }],
      messages, statuses,
    } }] }],
  };
}

/** Creates a WhatsApp inbox pointed at `graph` and syncs it; its webhook path. */
export async function setUpInbox(admin, graph, inboxName, templateCount) {
  await admin.goto(`${BASE_URL}/settings/team`);
  await waitForHydration(admin);
  await admin.getByLabel('Nombre de la bandeja', { exact: true }).fill(inboxName);
  await admin.getByLabel('Canal', { exact: true }).selectOption('whatsapp');
  await button(admin, 'Crear bandeja').click();
  const card = admin.locator('.inbox-card').filter({ hasText: inboxName });
  const settings = card.getByRole('form', { name: 'WhatsApp Cloud API' });
  await settings.getByLabel('Identificador del número de teléfono').fill(GRAPH.phoneNumberId);
  await settings.getByLabel('Identificador de la cuenta de WhatsApp Business').fill(GRAPH.wabaId);
  await settings.getByLabel('Token de acceso').fill(GRAPH.token);
  await settings.getByLabel('Clave secreta de la app').fill(GRAPH.appSecret);
  await settings.getByLabel('Token de verificación del webhook').fill(GRAPH.verifyToken);
  await settings.getByLabel('URL base de la Graph API').fill(graph.baseUrl);
  await settings.getByRole('button', { name: 'Guardar WhatsApp' }).click();
  await settings.getByText('Ajustes de WhatsApp guardados.').waitFor();
  // Secrets are never shown again, only that they are set.
  assert.equal(await settings.getByLabel('Token de acceso').inputValue(), '');
  await settings.getByText('Guardado. Déjalo vacío para conservarlo.').first().waitFor();
  await settings.getByRole('button', { name: 'Sincronizar plantillas' }).click();
  await settings.getByText(`Plantillas sincronizadas: ${templateCount}.`).waitFor();
  const webhookUrl = await settings.getByLabel('URL del webhook (cópiala en Meta)').inputValue();
  const webhookPath = new URL(webhookUrl).pathname;
  assert.match(webhookPath, /^\/webhooks\/whatsapp\/\d+$/);
  return webhookPath;
}

/** A customer's message `hoursAgo` hours old, then her conversation opened. */
export async function openOldConversation(admin, webhookPath, { waId, customer, tag, text, hoursAgo }) {
  const sentAt = Math.floor(Date.now() / 1000) - hoursAgo * 3600;
  await postWebhook(webhookPath, delivery({
    waId, name: customer,
    messages: [{ from: waId, id: `wamid.in.${tag}`, timestamp: String(sentAt), type: 'text', text: { body: text } }],
  }));
  await admin.goto(`${BASE_URL}/conversations?tab=all&status=open`);
  await waitForHydration(admin);
  const list = admin.getByRole('list', { name: 'Lista de conversaciones' });
  await list.getByRole('link').filter({ hasText: customer }).first().click();
  await admin.waitForURL(/\/conversations\/\d+(\?|$)/);
  await admin.locator('.chat').getByText(text).filter({ visible: true }).first().waitFor();
}
