// "Is writing" and read receipts both ways, in three browser contexts: the visitor
// writes in the widget and Lucía and Marcos see it in the conversation; Lucía opening
// it shows the visitor "Visto"; Lucía writes a reply and the visitor and Marcos see her
// name; the visitor, looking at the chat, reads it and Lucía sees "Leído"; Lucía
// writes a private note and only Marcos sees it (the visitor sees nothing). On a
// desktop and a phone viewport.
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
  sharedBrowser,
  MARCOS,
  widgetUrl,
} from './helpers.mjs';

const browser = sharedBrowser();
const signedIn = (vp, who) => signedInPage(browser(), vp, who);

/** Opens the visitor's conversation from the list of all open ones. */
async function openConversation(page, visitorName) {
  await page.goto(`${BASE_URL}/conversations?tab=all&status=open`);
  await waitForHydration(page);
  await page.getByRole('status').filter({ hasText: 'En vivo' }).filter({ visible: true }).first().waitFor();
  const list = page.getByRole('list', { name: 'Lista de conversaciones' });
  await list.getByRole('link').filter({ hasText: visitorName }).click();
  await page.getByRole('heading', { name: visitorName, level: 2 }).waitFor();
}

const writing = (page, text) => page.getByRole('status').filter({ hasText: text });

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] who is writing and who has read, both ways; notes to teammates only`, { timeout: 150_000 }, async () => {
    const visitorName = `Escribe ${vp.name} ${Date.now() % 100000}`;
    const lucia = await signedIn(vp, DEMO.agent);
    const marcos = await signedIn(vp, MARCOS);
    const visitor = await newPage(browser(), vp);
    try {
      const url = await widgetUrl(lucia);
      await visitor.goto(url);
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(visitorName);
      const widgetBox = visitor.getByLabel('Mensaje', { exact: true });
      await widgetBox.fill('Hola, tengo una duda');
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText('Hola, tengo una duda').waitFor();
      await visitor.getByRole('status').filter({ hasText: 'Conectado' }).waitFor();

      await openConversation(lucia, visitorName);
      // Lucía has read it: the visitor's message shows "Visto".
      await visitor.getByRole('log').getByRole('listitem').filter({ hasText: 'Hola, tengo una duda' }).getByText('Visto').waitFor();
      await openConversation(marcos, visitorName);

      // The visitor writes (without sending): both agents see it, with her name.
      await widgetBox.pressSequentially('sobre mi pedido');
      await writing(lucia, `${visitorName} está escribiendo…`).waitFor();
      await writing(marcos, `${visitorName} está escribiendo…`).waitFor();
      // She clears it: the line goes.
      await widgetBox.fill('');
      await writing(lucia, 'está escribiendo').waitFor({ state: 'detached' });

      // Lucía writes a reply: the visitor and Marcos see her name.
      const composer = lucia.getByLabel('Mensaje', { exact: true });
      await composer.pressSequentially('Te ayudo ahora');
      await writing(visitor, 'Lucía Fernández está escribiendo…').waitFor();
      await writing(marcos, 'Lucía Fernández está escribiendo…').waitFor();
      // She sends it: the visitor gets the reply and the line goes.
      await composer.press('Enter');
      await visitor.getByRole('log').getByText('Te ayudo ahora').waitFor();
      await writing(visitor, 'está escribiendo').waitFor({ state: 'detached' });
      // The visitor has the chat in front of her: Lucía's reply turns "Leído".
      await lucia.locator('.message.outgoing').filter({ hasText: 'Te ayudo ahora' }).filter({ hasText: 'Leído' }).first().waitFor();

      // A private note: Marcos sees it marked as a note; the visitor sees nothing.
      await button(lucia, 'Nota privada').click();
      await composer.pressSequentially('ojo con este cliente');
      await writing(marcos, 'Lucía Fernández está escribiendo una nota privada…').waitFor();
      await visitor.waitForTimeout(1000);
      assert.equal(await visitor.locator('.typing-note').innerText(), '');
      // Lucía never sees herself writing.
      assert.equal(await lucia.getByText('Lucía Fernández está escribiendo').count(), 0);
    } finally {
      await lucia.context().close();
      await marcos.context().close();
      await visitor.context().close();
    }
  });
}
