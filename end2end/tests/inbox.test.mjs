// The inbox end to end, in three browser contexts: a visitor writes in the website
// chat widget, Lucía sees it appear live in Sin asignar, takes it (it moves to Mías),
// replies with an emoji picked from the picker, the visitor sees the reply live; she
// writes a private note mentioning Marcos: the visitor never sees it and Marcos's bell
// shows it. On a desktop and a phone viewport.
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

/** Diagnostics for the flaky run: what the chat shows a moment after a send. */
async function trace(page, label) {
  if (process.env.CHARLA_E2E_TRACE !== '1') return;
  await page.waitForTimeout(1500);
  const rows = await page.locator('.message').evaluateAll((els) => els.map((e) => `${e.className}: ${e.textContent}`));
  const alerts = await page.getByRole('alert').allTextContents();
  const value = await page.getByLabel('Mensaje', { exact: true }).inputValue().catch(() => '?');
  console.error(`# ${label}: url=${page.url()} composer=${JSON.stringify(value)} alerts=${JSON.stringify(alerts)} rows=${JSON.stringify(rows)}`);
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] visitor, agent and teammate, live on both sides`, { timeout: 150_000 }, async () => {
    const visitorName = `Visitante ${vp.name} ${Date.now() % 100000}`;
    const lucia = await signedIn(vp, DEMO.agent);
    const marcos = await signedIn(vp, MARCOS);
    const visitor = await newPage(browser(), vp);
    try {
      const url = await widgetUrl(lucia);
      await lucia.goto(`${BASE_URL}/conversations?tab=unassigned&status=open`);
      await waitForHydration(lucia);
      await lucia.getByRole('status').filter({ hasText: 'En vivo' }).filter({ visible: true }).first().waitFor();
      const unassignedBefore = Number(await lucia.getByTestId('count-unassigned').innerText());

      // The visitor writes from the widget (pre-chat form: a name).
      await visitor.goto(url);
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(visitorName);
      await visitor.getByLabel('Mensaje', { exact: true }).fill(`Hola, escribo desde el ${vp.name}`);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(`Hola, escribo desde el ${vp.name}`).waitFor();
      await visitor.getByRole('status').filter({ hasText: 'Conectado' }).waitFor();

      // It appears in Lucía's Sin asignar without a reload, and the count goes up.
      const list = lucia.getByRole('list', { name: 'Lista de conversaciones' });
      const row = list.getByRole('link').filter({ hasText: visitorName });
      await row.waitFor();
      await lucia.waitForFunction(
        (n) => Number(document.querySelector('[data-testid=count-unassigned]').textContent) === n,
        unassignedBefore + 1,
      );

      // She opens it and takes it: it moves to Mías.
      await row.click();
      await lucia.getByRole('heading', { name: visitorName, level: 2 }).waitFor();
      await button(lucia, 'Asignarme').click();
      await lucia.waitForFunction(
        (n) => Number(document.querySelector('[data-testid=count-unassigned]').textContent) === n,
        unassignedBefore,
      );
      if (vp.isMobile) await lucia.getByRole('link', { name: 'Volver a la lista' }).click();
      await lucia.getByRole('tab', { name: /^Mías/ }).click();
      await list.getByRole('link').filter({ hasText: visitorName }).click();

      // Reply with an emoji from the picker, inserted at the cursor.
      const composer = lucia.getByLabel('Mensaje', { exact: true });
      await composer.fill('¡Hola! Soy Lucía ');
      await button(lucia, 'Emoji').click();
      const picker = lucia.getByRole('dialog', { name: 'Selector de emoji' });
      // Searched in Spanish without accents (CLDR's keywords), named in Spanish.
      const search = picker.getByRole('searchbox', { name: 'Buscar emoji' });
      await search.fill('corazon');
      await picker.getByRole('button', { name: 'corazón rojo', exact: true }).waitFor();
      await search.fill('saludo');
      await picker.getByRole('button', { name: 'mano saludando', exact: true }).click();
      assert.equal(await composer.inputValue(), '¡Hola! Soy Lucía 👋');
      await composer.press('Enter');
      await trace(lucia, `${vp.name} after reply`);
      // `.first()`: until the server confirms it, the optimistic copy and the stored
      // message can both be on screen for a moment.
      const reply = lucia.locator('.message.outgoing').filter({ hasText: '¡Hola! Soy Lucía 👋' }).first();
      await reply.waitFor();
      // Sent, and at once "Leído": the visitor has the chat open in front of her.
      await lucia.locator('.message.outgoing').filter({ hasText: '¡Hola! Soy Lucía 👋' }).filter({ hasText: /Enviado|Leído/ }).first().waitFor();

      // The visitor sees it live, with the agent's name.
      const seen = visitor.getByRole('log').getByRole('listitem').filter({ hasText: '¡Hola! Soy Lucía 👋' }).first();
      await seen.waitFor();
      assert.match(await seen.innerText(), /Lucía Fernández/);

      // A private note mentioning Marcos.
      const unreadText = await marcos.locator('.bell > button').first().textContent();
      const marcosUnreadBefore = Number((unreadText.match(/\((\d+) sin leer\)/) || [0, 0])[1]);
      await button(lucia, 'Nota privada').click();
      await composer.fill('');
      await composer.pressSequentially('@Mar');
      await lucia.getByRole('listbox', { name: 'Mencionar a un compañero' }).getByRole('button', { name: 'Marcos Ruiz' }).click();
      await composer.pressSequentially('revisa esto, es urgente');
      await composer.press('Enter');
      await trace(lucia, `${vp.name} after note`);
      const note = lucia.locator('.message.note').filter({ hasText: 'revisa esto, es urgente' }).first();
      await note.waitFor();
      assert.equal(await note.locator('.mention').innerText(), '@Marcos Ruiz');

      // Marcos's bell shows it, live.
      const bell = marcos.getByRole('button', { name: /^Notificaciones/ }).filter({ visible: true }).first();
      await marcos.waitForFunction(
        (n) => [...document.querySelectorAll('.bell > button')].some((b) => b.textContent.includes(`(${n} sin leer)`)),
        marcosUnreadBefore + 1,
      );
      await bell.click();
      // Newest first: this run's note (earlier runs on the same database may have one too).
      await marcos.getByRole('region', { name: 'Notificaciones' }).getByText('revisa esto, es urgente').first().waitFor();

      // The visitor never sees the note, even after a reload.
      await visitor.waitForTimeout(1000);
      assert.equal(await visitor.getByText('revisa esto').count(), 0);
      await visitor.reload();
      await waitForHydration(visitor);
      await visitor.getByRole('log').getByText('¡Hola! Soy Lucía 👋').waitFor();
      assert.equal(await visitor.getByText('revisa esto').count(), 0);
    } catch (err) {
      const rows = await lucia.locator('.message').evaluateAll((els) => els.map((e) => JSON.stringify(e.textContent))).catch(() => []);
      console.error(`# ${vp.name} message rows: ${rows.join(' | ')}`);
      for (const [who, page] of [['lucia', lucia], ['marcos', marcos], ['visitor', visitor]]) {
        await page.screenshot({ path: `test-results/inbox-${vp.name}-${who}.png` }).catch(() => {});
      }
      throw err;
    } finally {
      await Promise.all([lucia.context().close(), marcos.context().close(), visitor.context().close()]);
    }
  });
}
