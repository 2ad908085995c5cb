// What a site built on Chatwoot's SDK listens to and calls beyond opening the chat:
// `$chatwoot.setUser` without a hash (an inbox without identity validation) names the
// visitor — the form starts filled in, the agent sees the name — without verifying
// anyone; `chatwoot:opened`, `chatwoot:on-start-conversation`, `chatwoot:on-message`
// (the visitor's and the agent's, in Chatwoot's message shape) and `chatwoot:closed`
// fire on the host page; `setCustomAttributes`, `setConversationCustomAttributes` and
// `setLabel` reach her contact and conversation (the label shows in the agent's chat,
// live); `popoutChatWindow()` continues the same conversation in a window of its own.
// Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DEMO, VIEWPORTS, api, signedInPage, waitForHydration, sharedBrowser } from './helpers.mjs';
import { chatwootSnippet, embedSnippet, hostSite, visitorPage } from './embed-helpers.mjs';

const browser = sharedBrowser();

// The site's own script: it records what Chatwoot's SDK tells it.
const LISTENER = `window.__events = [];
  ['chatwoot:opened', 'chatwoot:closed', 'chatwoot:on-message', 'chatwoot:on-start-conversation', 'chatwoot:error'].forEach(function (name) {
    window.addEventListener(name, function (ev) { window.__events.push({ name: name, detail: ev.detail }); });
  });`;

async function eventsOf(page, name) {
  return page.evaluate((n) => window.__events.filter((e) => e.name === n).map((e) => e.detail), name);
}

async function waitForEvent(page, name, predicate = '() => true') {
  await page.waitForFunction(
    ([n, p]) => window.__events.some((e) => e.name === n && new Function('d', `return (${p})(d)`)(e.detail)),
    [name, predicate],
  );
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] Chatwoot's SDK events, an unsigned setUser and the popout`, { timeout: 180_000 }, async () => {
    const n = `${vp.name}-${Date.now() % 100000}`;
    const name = `Cliente sin firma ${n}`;
    const text = `Escribo con setUser ${n}`;
    const answer = `Te leo, ${n}`;
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    const token = /data-token="([^"]+)"/.exec(await embedSnippet(lucia))[1];
    const host = await hostSite(chatwootSnippet(token, LISTENER));
    const visitor = await visitorPage(browser(), vp);
    try {
      await visitor.goto(`${host.url}/`);
      await visitor.waitForFunction(() => window.__chatwootReady === true);
      await visitor.evaluate(([who]) => window.$chatwoot.setUser(`cliente-${who}`, { name: who, email: 'sin.firma@example.com' }), [name]);
      await visitor.evaluate(() => window.$chatwoot.toggle('open'));
      await waitForEvent(visitor, 'chatwoot:opened');
      const frame = visitor.frameLocator('iframe[title="Habla con nosotros"]');
      await frame.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
      // What the page said fills the form; nothing is verified.
      const nameField = frame.getByLabel('Nombre', { exact: true });
      await nameField.waitFor();
      for (let i = 0; i < 100 && (await nameField.inputValue()) !== name; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(await nameField.inputValue(), name);
      const message = frame.getByLabel('Mensaje', { exact: true });
      await message.fill(text);
      await message.press('Enter');
      await frame.getByRole('log').getByText(text).waitFor();
      await waitForEvent(visitor, 'chatwoot:on-start-conversation');
      await waitForEvent(visitor, 'chatwoot:on-message', `(d) => d.content === ${JSON.stringify(text)}`);
      const own = (await eventsOf(visitor, 'chatwoot:on-message')).find((d) => d.content === text);
      assert.equal(own.message_type, 0, 'the visitor\'s own message is incoming');
      assert.equal(typeof own.id, 'number');

      // The agent sees the name the page gave, and answers.
      await lucia.goto(`${BASE_URL}/conversations?tab=all&status=open`);
      await waitForHydration(lucia);
      await lucia.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').filter({ hasText: name }).first().click();
      await lucia.locator('.message.incoming').filter({ hasText: text }).first().waitFor();
      const conversationId = Number(new URL(lucia.url()).pathname.split('/').pop());

      // The site's script says more of her: her contact's and conversation's attributes,
      // and a label the administrators defined (one nobody defined is left alone).
      const tag = `vip-${n}`.toLowerCase();
      const admin = await signedInPage(browser(), vp, DEMO.admin);
      await api(admin, 'labels/save', { id: null, name: tag, color: '#1f77b4' });
      await admin.context().close();
      await visitor.evaluate(([t, label]) => {
        window.$chatwoot.setCustomAttributes({ [`plan_${t}`]: 'oro' });
        window.$chatwoot.setConversationCustomAttributes({ [`pedido_${t}`]: 'A-7' });
        window.$chatwoot.setLabel(label);
        window.$chatwoot.setLabel('nadie-la-definio');
      }, [n.replace(/-/g, '_'), tag]);
      const header = lucia.locator('.chat-header');
      await header.locator('.label-chip', { hasText: tag }).first().waitFor({ state: 'attached' });
      // Each call is its own request: wait for the last of them to land.
      const key = n.replace(/-/g, '_');
      let detail;
      let contact;
      for (let i = 0; i < 100; i++) {
        detail = await api(lucia, 'conversations/get', { id: conversationId });
        contact = await api(lucia, 'contacts/get', { id: detail.summary.contact_id });
        if (detail.custom_attributes[`pedido_${key}`] && contact.contact.custom_attributes[`plan_${key}`]) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(detail.custom_attributes[`pedido_${key}`], 'A-7');
      assert.equal(contact.contact.custom_attributes[`plan_${key}`], 'oro');
      assert.equal(detail.summary.label_ids.length, 1, 'only the defined label');

      const composer = lucia.getByLabel('Mensaje', { exact: true });
      await composer.fill(answer);
      await composer.press('Enter');
      await lucia.locator('.message.outgoing').filter({ hasText: answer }).first().waitFor();
      await frame.getByRole('log').getByText(answer).waitFor();
      await waitForEvent(visitor, 'chatwoot:on-message', `(d) => d.content === ${JSON.stringify(answer)}`);
      const reply = (await eventsOf(visitor, 'chatwoot:on-message')).find((d) => d.content === answer);
      assert.equal(reply.message_type, 1, 'the agent\'s reply is outgoing');
      assert.equal(reply.sender.type, 'user');
      assert.equal((await eventsOf(visitor, 'chatwoot:on-message')).filter((d) => d.content === text).length, 1, 'each message once');

      await visitor.evaluate(() => window.$chatwoot.toggle('close'));
      await waitForEvent(visitor, 'chatwoot:closed');

      // The popout: the same visitor, the same conversation, in a window of its own.
      const [popup] = await Promise.all([
        visitor.waitForEvent('popup'),
        visitor.evaluate(() => window.$chatwoot.popoutChatWindow()),
      ]);
      await popup.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
      await popup.getByRole('log').getByText(answer).waitFor();
      assert.equal(await visitor.evaluate(() => window.$chatwoot.isOpen), false, 'the frame closed');
      const more = `Sigo en la ventana aparte ${n}`;
      const popupMessage = popup.getByLabel('Mensaje', { exact: true });
      await popupMessage.fill(more);
      await popupMessage.press('Enter');
      await popup.getByRole('log').getByText(more).waitFor();
      await lucia.locator('.message.incoming').filter({ hasText: more }).first().waitFor();
      // She answers so the conversation does not wait in later tests' views.
      await composer.fill(`Recibido ${n}`);
      await composer.press('Enter');
      await popup.getByRole('log').getByText(`Recibido ${n}`).waitFor();
      await popup.close();
    } finally {
      await visitor.context().close();
      await lucia.context().close();
      await host.close();
    }
  });
}
