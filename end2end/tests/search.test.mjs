// Search, end to end (issue 28): a customer asks about her "facturación"; an agent
// finds the message by an accent-free fragment and by a phrase, from the search box
// (desktop: `/` puts the cursor there, quick results as she types) or the search page
// (phone: "Buscar" in the navigation), and opens the conversation at that message. A
// private note is found by agents and never reaches the visitor; an agent outside the
// inbox finds nothing of it. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  newPage,
  signedInPage,
  waitForHydration,
  waitForPath,
  sharedBrowser,
  api,
  MARCOS,
  confirmedMessage,
} from './helpers.mjs';

const browser = sharedBrowser();

/** The search page's hits. */
const hits = (page) => page.locator('.search-hits').last().getByRole('link');

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] find a message by a fragment and a phrase, and open it where it is`, { timeout: 180_000 }, async () => {
    const tag = `zq${vp.name}${Date.now() % 100000}`;
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    const marcos = await signedInPage(browser(), vp, MARCOS);
    const visitor = await newPage(browser(), vp);
    try {
      // A customer writes on the web chat (an inbox Lucía and Marcos both work).
      await lucia.goto(`${BASE_URL}/settings`);
      await waitForHydration(lucia);
      const widget = await lucia.getByRole('link', { name: 'Abrir la página de chat' }).first().getAttribute('href');
      await visitor.goto(new URL(widget, BASE_URL).toString());
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(`Clienta ${tag}`);
      const question = `¿Qué pasó con la facturación de noviembre? Ref ${tag}`;
      await visitor.getByLabel('Mensaje', { exact: true }).fill(question);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(question).waitFor();

      // Lucía looks for it without accents.
      const query = `facturacion ${tag}`;
      if (vp.name === 'desktop') {
        await lucia.goto(`${BASE_URL}/conversations`);
        await waitForHydration(lucia);
        await lucia.keyboard.press('/');
        const box = lucia.getByRole('searchbox', { name: 'Buscar' }).first();
        await lucia.waitForFunction(() => document.activeElement?.id === 'search-input');
        await box.pressSequentially(query, { delay: 20 });
        const quick = lucia.locator('#search-quick');
        await quick.getByRole('heading', { name: 'Mensajes' }).waitFor();
        await quick.getByRole('link').filter({ hasText: 'facturación' }).first().waitFor();
        // Arrow keys walk the quick results and back to the box.
        await box.press('ArrowDown');
        await lucia.waitForFunction(() => document.activeElement?.tagName === 'A' && !!document.activeElement.closest('#search-quick'));
        const first = await lucia.evaluate(() => document.activeElement.getAttribute('href'));
        await lucia.keyboard.press('ArrowDown');
        await lucia.waitForFunction((href) => document.activeElement?.tagName === 'A' && document.activeElement.getAttribute('href') !== href, first);
        await lucia.keyboard.press('ArrowUp');
        await lucia.keyboard.press('ArrowUp');
        await lucia.waitForFunction(() => document.activeElement?.id === 'search-input');
        await box.press('Enter');
        await waitForPath(lucia, /^\/search$/);
      } else {
        await lucia.goto(`${BASE_URL}/conversations`);
        await waitForHydration(lucia);
        await lucia.getByRole('navigation', { name: 'Principal' }).getByRole('link', { name: 'Buscar' }).click();
        await waitForPath(lucia, /^\/search$/);
        await waitForHydration(lucia);
        await lucia.getByLabel('Buscar', { exact: true }).last().fill(query);
        await lucia.getByRole('button', { name: 'Buscar', exact: true }).click();
      }
      const found = hits(lucia).filter({ hasText: tag });
      await found.first().waitFor();
      assert.equal(await found.count(), 1);
      // The match is marked in the customer's own words.
      assert.equal(await found.first().locator('mark').first().textContent(), 'facturación');

      // A phrase, on the search page.
      await lucia.goto(`${BASE_URL}/search?q=${encodeURIComponent(`"de noviembre? ref ${tag}"`)}`);
      await waitForHydration(lucia);
      await hits(lucia).filter({ hasText: tag }).first().waitFor();
      await lucia.goto(`${BASE_URL}/search?q=${encodeURIComponent(`"noviembre de ${tag}"`)}`);
      await waitForHydration(lucia);
      await lucia.getByRole('status').filter({ hasText: 'Nada encontrado.' }).waitFor();

      // Opening the hit opens the conversation at that message, marked and focused.
      await lucia.goto(`${BASE_URL}/search?q=${encodeURIComponent(query)}`);
      await waitForHydration(lucia);
      await hits(lucia).filter({ hasText: tag }).first().click();
      await waitForPath(lucia, /^\/conversations\/\d+$/);
      const marked = lucia.locator('[data-found="true"]');
      await marked.waitFor();
      assert.match(await marked.textContent(), new RegExp(tag));
      await lucia.waitForFunction(() => document.activeElement?.getAttribute('data-found') === 'true');

      // A private note: agents find it, the visitor never sees it.
      const note = `Nota interna ${tag} reembolso aprobado`;
      await button(lucia, 'Nota privada').click();
      const composer = lucia.getByLabel('Mensaje', { exact: true });
      await composer.fill(note);
      await composer.press('Enter');
      await lucia.locator('.message.note').filter({ hasText: note }).first().waitFor();
      // Stored by the server, not only shown: leaving the page first would cancel the send.
      await confirmedMessage(lucia, note).waitFor();
      await lucia.goto(`${BASE_URL}/search?q=${encodeURIComponent(`reembolso ${tag}`)}&notes=only`);
      await waitForHydration(lucia);
      await hits(lucia).filter({ hasText: 'Nota privada' }).first().waitFor();
      // Written by a named agent: Marcos wrote none of it, Lucía the note.
      const byAgent = async (name) => {
        const sender = lucia.getByLabel('Escrito por');
        const option = sender.locator('option').filter({ hasText: name });
        await option.waitFor({ state: 'attached' });
        await sender.selectOption(await option.getAttribute('value'));
        await lucia.getByRole('button', { name: 'Buscar', exact: true }).click();
        await lucia.waitForFunction(() => /[?&]sender=agent-\d+/.test(location.search));
      };
      await lucia.goto(`${BASE_URL}/search?q=${encodeURIComponent(`reembolso ${tag}`)}`);
      await waitForHydration(lucia);
      await hits(lucia).first().waitFor();
      await byAgent('Marcos');
      await lucia.getByRole('status').filter({ hasText: 'Nada encontrado.' }).waitFor();
      await byAgent('Lucía');
      await hits(lucia).filter({ hasText: 'Nota privada' }).first().waitFor();
      await visitor.reload();
      await waitForHydration(visitor);
      await visitor.getByRole('log').getByText(question).waitFor();
      assert.equal(await visitor.getByText('reembolso aprobado').count(), 0);

      // A note in a WhatsApp conversation (Lucía's inbox, not Marcos's).
      const whatsapp = await api(lucia, 'conversations/list', {
        tab: 'all', status: 'open', after: null, filter: { channel: 'whatsapp' },
      });
      const inWhatsapp = whatsapp.items[0].id;
      await api(lucia, 'conversations/send', {
        conversation_id: inWhatsapp, body: `Solo para WhatsApp ${tag}`, private: true, idempotency_key: null, mentions: [],
      });
      await lucia.goto(`${BASE_URL}/search?q=${encodeURIComponent(`whatsapp ${tag}`)}`);
      await waitForHydration(lucia);
      await hits(lucia).first().waitFor();
      await marcos.goto(`${BASE_URL}/search?q=${encodeURIComponent(`whatsapp ${tag}`)}`);
      await waitForHydration(marcos);
      await marcos.getByRole('status').filter({ hasText: 'Nada encontrado.' }).waitFor();
      assert.equal(await hits(marcos).count(), 0);
    } finally {
      await visitor.context().close();
      await lucia.context().close();
      await marcos.context().close();
    }
  });
}
