// Business hours and the out-of-office reply (issue 31), in real Chromium on a desktop
// and a phone viewport: an administrator sets an inbox's hours in Ajustes (closed every
// day, so the test does not depend on the clock) with an out-of-office reply; a customer
// writes twice (through the Client API); she reads the reply once, and the agent sees
// it in the conversation with a line saying it was sent outside the hours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, button, openConversationList, signedInPage, waitForHydration, sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

async function client(path, method = 'GET', body) {
  const res = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.json();
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] outside business hours a customer gets the out-of-office reply once`, { timeout: TEST_TIMEOUT }, async () => {
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const n = `${vp.name} ${Date.now() % 100000}`;
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const inboxName = `Horario ${n}`;
      await admin.getByLabel('Nombre de la bandeja', { exact: true }).fill(inboxName);
      await admin.getByLabel('Canal', { exact: true }).selectOption({ label: 'API' });
      await button(admin, 'Crear bandeja').click();
      const card = admin.locator('.inbox-card').filter({ has: admin.getByRole('heading', { name: `${inboxName} · API` }) });
      await card.waitFor();
      const identifierField = card.getByLabel('Identificador de la bandeja (Client API)');
      for (let i = 0; i < 50 && !(await identifierField.inputValue()); i += 1) await new Promise((r) => setTimeout(r, 100));
      const identifier = await identifierField.inputValue();

      // The hours: on, every day closed, with a reply; a bad zone is refused first.
      await card.getByText('Horario de atención', { exact: true }).click();
      const enabled = card.getByLabel('Usar horario de atención');
      await admin.waitForFunction((el) => !el.disabled, await enabled.elementHandle());
      await enabled.check();
      for (const day of ['Lunes', 'Martes', 'Miércoles', 'Jueves', 'Viernes', 'Sábado', 'Domingo']) {
        await card.getByRole('checkbox', { name: day, exact: true }).uncheck();
      }
      const away = `Ahora no hay nadie; te respondemos mañana. ${n}`;
      await card.getByLabel('Respuesta fuera del horario').fill(away);
      await card.getByLabel('Zona horaria').fill('Marte/Olimpo');
      await button(card, 'Guardar horario').click();
      await card.getByRole('alert').filter({ hasText: 'zona horaria' }).waitFor();
      await card.getByLabel('Zona horaria').fill('Europe/Madrid');
      await button(card, 'Guardar horario').click();
      await card.getByRole('status').filter({ hasText: 'Horario guardado.' }).waitFor();

      // The customer writes twice; the reply comes once.
      const base = `/public/api/v1/inboxes/${identifier}`;
      const customer = `Cliente nocturna ${n}`;
      const contact = await client(`${base}/contacts`, 'POST', { name: customer });
      const me = `${base}/contacts/${contact.source_id}`;
      const conversation = await client(`${me}/conversations`, 'POST');
      const thread = `${me}/conversations/${conversation.id}/messages`;
      await client(thread, 'POST', { content: `¿Estáis? ${n}` });
      await client(thread, 'POST', { content: `¿Hola? ${n}` });
      const read = await client(thread);
      assert.deepEqual(read.filter((m) => m.content === away).map((m) => m.message_type), [1]);

      // The agent sees it, and why.
      const list = await openConversationList(admin);
      const row = list.getByRole('link').filter({ hasText: customer }).first();
      await row.waitFor();
      await row.click();
      await admin.getByRole('heading', { name: customer, level: 2 }).waitFor();
      await admin.locator('.message.outgoing').filter({ hasText: away }).first().waitFor();
      await admin.locator('.message.activity').filter({ hasText: 'Fuera del horario de atención' }).first().waitFor();
    } finally {
      await admin.context().close();
    }
  });
}
