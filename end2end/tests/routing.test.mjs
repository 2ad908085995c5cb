// S12, the per-inbox choice of what a customer's new message does to her resolved
// conversation: an administrator turns "Reabrir la conversación resuelta…" on in
// Ajustes (it is kept), the customer writes after the agent resolved her conversation
// and the same conversation reopens live; with the switch off again, the next message
// after resolving opens a new conversation. WhatsApp by signed webhook. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DEMO, VIEWPORTS, button, signedInPage, sharedBrowser, waitForHydration } from './helpers.mjs';
import { startFakeGraph } from './fake-graph.mjs';
import { delivery, openOldConversation, postWebhook, setUpInbox } from './whatsapp-helpers.mjs';

const browser = sharedBrowser();
const SWITCH = 'Reabrir la conversación resuelta cuando el cliente vuelve a escribir (si no, se abre una nueva)';

async function setSwitch(admin, inboxName, on) {
  await admin.goto(`${BASE_URL}/settings/team`);
  await waitForHydration(admin);
  const card = admin.locator('.inbox-card').filter({ hasText: inboxName });
  const box = card.getByLabel(SWITCH, { exact: true });
  // Enabled once the saved value is in; then the save must land before the page goes
  // (a reload would cancel it).
  await admin.waitForFunction((el) => !el.disabled, await box.elementHandle());
  if ((await box.isChecked()) !== on) {
    const saved = admin.waitForResponse((r) => r.url().endsWith('/api/team/save_inbox_routing') && r.ok());
    await box.setChecked(on);
    await saved;
  }
  // Kept on the server: a fresh page shows it as set, once it has read it (the switch
  // stays disabled until then).
  await admin.reload();
  await waitForHydration(admin);
  const again = admin.locator('.inbox-card').filter({ hasText: inboxName }).getByLabel(SWITCH, { exact: true });
  await admin.waitForFunction(([el, want]) => !el.disabled && el.checked === want, [await again.elementHandle(), on]);
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a resolved conversation reopens when the inbox says so, else a new one opens`, { timeout: 180_000 }, async () => {
    const tag = `r${vp.name}${Date.now() % 100000}`;
    const inboxName = `WhatsApp ${tag}`;
    const customer = `Cliente ${tag}`;
    const waId = `3467${String(Date.now()).slice(-7)}${vp.name === 'phone' ? 1 : 2}`;
    const graph = await startFakeGraph({ templates: [] });
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const say = (id, text) => postWebhook(webhookPath, delivery({
      waId, name: customer,
      messages: [{ from: waId, id: `wamid.${tag}.${id}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }],
    }));
    let webhookPath;
    try {
      webhookPath = await setUpInbox(admin, graph, inboxName, 0);
      await setSwitch(admin, inboxName, true);

      await openOldConversation(admin, webhookPath, { waId, customer, tag, text: 'Primera consulta', hoursAgo: 0 });
      const first = new URL(admin.url()).pathname;
      // Her contact is one link away on a phone too (the contact panel has no room there).
      const contactLinks = admin.getByRole('link', { name: 'Ver contacto', exact: true });
      await contactLinks.filter({ visible: true }).first().waitFor();
      assert.equal(await contactLinks.filter({ visible: true }).count(), 1);
      await button(admin, 'Resolver').click();
      await button(admin, 'Reabrir').waitFor();
      await say('2', 'Vuelvo a escribir');
      // The same conversation, open again, live.
      await admin.getByText('Vuelvo a escribir').filter({ visible: true }).first().waitFor();
      await button(admin, 'Resolver').waitFor();
      assert.equal(new URL(admin.url()).pathname, first);

      await setSwitch(admin, inboxName, false);
      await admin.goto(`${BASE_URL}${first}`);
      await waitForHydration(admin);
      await button(admin, 'Resolver').click();
      await button(admin, 'Reabrir').waitFor();
      await say('3', 'Otra cosa distinta');
      await admin.goto(`${BASE_URL}/conversations?tab=all&status=open`);
      await waitForHydration(admin);
      const list = admin.getByRole('list', { name: 'Lista de conversaciones' });
      const fresh = list.getByRole('link').filter({ hasText: customer });
      await fresh.first().waitFor();
      assert.equal(await fresh.count(), 1, 'one open conversation: the new one');
      await fresh.first().click();
      await admin.getByText('Otra cosa distinta').filter({ visible: true }).first().waitFor();
      assert.notEqual(new URL(admin.url()).pathname, first, 'a new conversation opened');
      assert.equal(await admin.getByText('Vuelvo a escribir').filter({ visible: true }).count(), 0);
    } finally {
      await admin.context().close();
      await graph.close();
    }
  });
}
