// Muting a conversation (Chatwoot's "Mute conversation"): an agent mutes an unwanted
// customer's WhatsApp conversation from its header; it is resolved and marked
// "Silenciada", and the thread says who did it. The customer writes again: her message
// shows up live in the same conversation, which stays resolved and out of the open
// list. Unmuted, the mark goes and the thread says so; a macro with Chatwoot's
// `mute_conversation` action mutes it again. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DEMO, VIEWPORTS, api, button, signedInPage, sharedBrowser, waitForHydration } from './helpers.mjs';
import { startFakeGraph } from './fake-graph.mjs';
import { delivery, openOldConversation, postWebhook, setUpInbox } from './whatsapp-helpers.mjs';

const browser = sharedBrowser();

/** A header action: behind "Más acciones" on a phone. */
async function headerAction(page, vp, name) {
  if (vp.isMobile) {
    const more = page.getByRole('button', { name: 'Más acciones', exact: true });
    if ((await more.getAttribute('aria-expanded')) !== 'true') await more.click();
  }
  await page.locator('.chat-header').getByRole('button', { name, exact: true }).click();
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a muted customer's messages come in quietly`, { timeout: 180_000 }, async () => {
    const tag = `m${vp.name}${Date.now() % 100000}`;
    const inboxName = `WhatsApp ${tag}`;
    const customer = `Insistente ${tag}`;
    const waId = `3468${String(Date.now()).slice(-7)}${vp.name === 'phone' ? 1 : 2}`;
    const graph = await startFakeGraph({ templates: [] });
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    let webhookPath;
    try {
      webhookPath = await setUpInbox(admin, graph, inboxName, 0);
      await openOldConversation(admin, webhookPath, { waId, customer, tag, text: 'Oferta irrepetible', hoursAgo: 0 });
      const path = new URL(admin.url()).pathname;
      const header = admin.locator('.chat-header');

      await headerAction(admin, vp, 'Silenciar conversación');
      await header.locator('.muted-badge', { hasText: 'Silenciada' }).waitFor();
      await button(header, 'Reabrir').waitFor();
      await admin.getByText('Ana Administradora silenció la conversación', { exact: false })
        .filter({ visible: true }).first().waitFor();

      // She writes again: the message arrives live here, and nothing reopens.
      await postWebhook(webhookPath, delivery({
        waId, name: customer,
        messages: [{ from: waId, id: `wamid.${tag}.2`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'Última oportunidad' } }],
      }));
      await admin.getByText('Última oportunidad').filter({ visible: true }).first().waitFor();
      assert.equal(new URL(admin.url()).pathname, path);
      await button(header, 'Reabrir').waitFor();
      assert.equal(await header.locator('.status-badge').textContent(), 'Resueltas');

      // Not in the open list (neither this conversation nor a new one).
      await admin.goto(`${BASE_URL}/conversations?tab=all&status=open`);
      await waitForHydration(admin);
      const list = admin.getByRole('list', { name: 'Lista de conversaciones' });
      await list.getByRole('link').first().waitFor();
      assert.equal(await list.getByRole('link').filter({ hasText: customer }).count(), 0);

      // Unmuted: the mark goes and the thread says so.
      await admin.goto(`${BASE_URL}${path}`);
      await waitForHydration(admin);
      await headerAction(admin, vp, 'Quitar el silencio');
      await admin.getByText('Ana Administradora quitó el silencio', { exact: false })
        .filter({ visible: true }).first().waitFor();
      assert.equal(await header.locator('.muted-badge').count(), 0);

      // A macro mutes as the header's button does.
      const macro = `Silenciar ${tag}`;
      const saved = await api(admin, 'macros/save', {
        id: null,
        saved: { name: macro, visibility: 'personal', actions: [{ action_name: 'mute_conversation', action_params: [] }] },
      });
      try {
        await admin.goto(`${BASE_URL}${path}`);
        await waitForHydration(admin);
        if (vp.isMobile) await button(admin, 'Más acciones').click();
        await header.locator('details.macro-picker > summary').click();
        await button(header, `Ejecutar la macro «${macro}»`).click();
        await header.locator('.muted-badge', { hasText: 'Silenciada' }).waitFor();
      } finally {
        await api(admin, 'macros/remove', { id: saved.id }).catch(() => {});
      }
    } finally {
      await admin.context().close();
      await graph.close();
    }
  });
}
