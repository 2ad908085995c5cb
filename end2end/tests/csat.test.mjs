// Satisfaction surveys (CSAT, issue 31), in real Chromium on a desktop and a phone
// viewport: an administrator switches the survey on for a new web chat inbox in Ajustes;
// a visitor writes; the agent resolves the conversation; the visitor's widget shows the
// survey card live, she rates 5 with a comment; the agent reads the rating in the
// thread, and Informes counts it (score and response rate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, api, button, newPage, openConversationList, signedInPage, waitForHydration, sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a resolved conversation asks the visitor to rate it, and Informes counts it`, { timeout: TEST_TIMEOUT }, async () => {
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const visitor = await newPage(browser(), vp);
    const tag = `${vp.name} ${Date.now() % 100000}`;
    try {
      const name = `Encuestas ${tag}`;
      const inbox = await api(admin, 'team/create_inbox', { name, channel: 'web_chat' });
      // The switch and the question, in the inbox's card.
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const card = admin.locator('.inbox-card').filter({ has: admin.getByRole('heading', { name: new RegExp(`^${name}`) }) });
      await card.getByText('Encuesta de satisfacción (CSAT)', { exact: true }).click();
      const on = card.getByLabel('Enviar la encuesta al resolver');
      await admin.waitForFunction((el) => !el.disabled, await on.elementHandle());
      await on.check();
      const question = `¿Qué tal te atendimos? ${tag}`;
      await card.getByLabel('Pregunta', { exact: true }).fill(question);
      await button(card, 'Guardar encuesta').click();
      await card.getByRole('status').filter({ hasText: 'Encuesta guardada.' }).waitFor();

      // The visitor writes.
      await admin.goto(`${BASE_URL}/settings`);
      await waitForHydration(admin);
      const widget = new URL(
        await admin.getByRole('heading', { name, exact: true }).locator('..').getByRole('link', { name: 'Abrir la página de chat' }).getAttribute('href'),
        BASE_URL,
      ).toString();
      const customer = `Valora ${tag}`;
      await visitor.goto(widget);
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(customer);
      await visitor.getByLabel('Mensaje', { exact: true }).fill('¿Hacéis envíos a Canarias?');
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText('¿Hacéis envíos a Canarias?').waitFor();

      // The agent resolves it.
      const list = await openConversationList(admin);
      const row = list.getByRole('link').filter({ hasText: customer }).first();
      await row.waitFor();
      await row.click();
      await admin.getByRole('heading', { name: customer, level: 2 }).waitFor();
      await button(admin, 'Resolver').click();
      await button(admin, 'Reabrir').waitFor();

      // The card reaches the widget live; she rates it.
      const survey = visitor.getByRole('group', { name: 'Encuesta de satisfacción' });
      await survey.waitFor();
      await visitor.getByRole('log').getByText(question).waitFor();
      const send = survey.getByRole('button', { name: 'Enviar valoración' });
      assert.equal(await send.isDisabled(), true, 'nothing to send before a rating');
      await survey.getByRole('button', { name: '5', exact: true }).click();
      assert.equal(await survey.getByRole('button', { name: '5', exact: true }).getAttribute('aria-pressed'), 'true');
      await survey.getByLabel('Comentario (opcional)').fill('Rapidísimos');
      await send.click();
      await survey.getByRole('status').filter({ hasText: '¡Gracias! Tu valoración: 5 de 5' }).waitFor();

      // The agent reads it in the thread, live.
      await admin.getByText('El cliente valoró la conversación con 5 de 5: «Rapidísimos»').filter({ visible: true }).first().waitFor();

      // Informes: the inbox's score and response rate today.
      await admin.goto(`${BASE_URL}/reports?period=today&scope=inbox:${inbox}`);
      await waitForHydration(admin);
      const figure = (label) => admin.locator('.figure').filter({ has: admin.getByText(label, { exact: true }) }).locator('dd');
      await figure('Satisfacción (CSAT, 4 o 5)').filter({ hasText: '100 %' }).waitFor();
      assert.equal((await figure('Tasa de respuesta a la encuesta').textContent()).trim(), '100 % (1 / 1)');
      assert.equal((await figure('Valoración media').textContent()).trim(), '5.0');
    } finally {
      await visitor.context().close();
      await admin.context().close();
    }
  });
}
