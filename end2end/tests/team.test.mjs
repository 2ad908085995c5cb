// Ajustes for administrators, end to end: the administrator creates an agent and an
// inbox and makes her a member; she signs in and sees only that inbox's conversation;
// removed from the inbox, her open list loses it live; she cannot open the
// administrator page; deactivated, she cannot sign in. A canned response is inserted
// with `/` and its variables filled. Her own limit of open conversations keeps a
// second visitor's conversation from her while she has one. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  newPage,
  signIn,
  signedInPage,
  waitForHydration,
  waitForPath,
  sharedBrowser,
  api,
} from './helpers.mjs';

const browser = sharedBrowser();

async function openTeam(page) {
  await page.goto(`${BASE_URL}/settings/team`);
  await waitForHydration(page);
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] administrator manages agents, inboxes and membership`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const nora = { email: `nora.${tag}@example.com`, password: `clave-${tag}`, name: `Nora ${tag}` };
    const inboxName = `Bandeja ${tag}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const visitor = await newPage(browser(), vp);
    let agent;
    try {
      // Create the agent and the inbox, then make her a member.
      await openTeam(admin);
      await admin.getByLabel('Correo electrónico', { exact: true }).fill(nora.email);
      await admin.getByLabel('Nombre', { exact: true }).fill(nora.name);
      await admin.getByLabel('Contraseña inicial', { exact: true }).fill(nora.password);
      await button(admin, 'Crear agente').click();
      await admin.getByRole('row').filter({ hasText: nora.email }).first().waitFor();
      await admin.getByLabel('Nombre de la bandeja', { exact: true }).fill(inboxName);
      await button(admin, 'Crear bandeja').click();
      const members = admin.getByRole('group', { name: `Miembros de ${inboxName}` });
      // The tick shows at once; the server must have stored it before the page goes.
      const joined = admin.waitForResponse((r) => r.url().endsWith('/api/team/set_member') && r.ok());
      await members.getByRole('checkbox', { name: nora.name }).check();
      await members.getByRole('checkbox', { name: nora.name, checked: true }).waitFor();
      await joined;

      // A visitor writes to the new inbox.
      await admin.goto(`${BASE_URL}/settings`);
      await waitForHydration(admin);
      const embed = admin.locator('.embed').filter({ hasText: inboxName });
      const href = await embed.getByRole('link', { name: 'Abrir la página de chat' }).getAttribute('href');
      await visitor.goto(new URL(href, BASE_URL).toString());
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(`Visita ${tag}`);
      await visitor.getByLabel('Mensaje', { exact: true }).fill(`Hola desde ${tag}`);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(`Hola desde ${tag}`).waitFor();

      // She signs in and sees only that inbox's conversation.
      agent = await signedInPage(browser(), vp, nora);
      await agent.goto(`${BASE_URL}/conversations?tab=all&status=open`);
      await waitForHydration(agent);
      await agent.getByRole('status').filter({ hasText: 'En vivo' }).filter({ visible: true }).first().waitFor();
      const list = agent.getByRole('list', { name: 'Lista de conversaciones' });
      const row = list.getByRole('link').filter({ hasText: `Visita ${tag}` });
      await row.waitFor();
      assert.equal(await list.getByRole('link').count(), 1, 'only the conversation of her inbox');

      // Her own limit of open conversations: a bad value is refused, one is kept; a
      // second visitor then waits in "Sin asignar" while she has the first.
      await openTeam(admin);
      const capacityLabel = `Máximo de abiertas — ${nora.name}`;
      const capacity = admin.getByLabel(capacityLabel, { exact: true });
      await capacity.fill('1001');
      await capacity.press('Tab');
      await admin.getByRole('alert').filter({ hasText: 'entre 0 y 1000' }).first().waitFor();
      // The refusal reloads the page's sections, which may replace the field under the
      // typing: type again into the field now on the page until the value is taken.
      for (let attempt = 0; ; attempt += 1) {
        await admin.getByLabel(capacityLabel, { exact: true }).fill('1');
        await admin.getByLabel(capacityLabel, { exact: true }).press('Tab');
        try {
          await admin.getByRole('alert').filter({ hasText: 'entre 0 y 1000' }).waitFor({ state: 'detached', timeout: 5_000 });
          break;
        } catch (err) {
          if (attempt >= 4) throw err;
        }
      }
      await openTeam(admin);
      assert.equal(await admin.getByLabel(capacityLabel, { exact: true }).inputValue(), '1');
      const second = await newPage(browser(), vp);
      try {
        await second.goto(new URL(href, BASE_URL).toString());
        await waitForHydration(second);
        await second.getByLabel('Nombre', { exact: true }).fill(`Segunda ${tag}`);
        await second.getByLabel('Mensaje', { exact: true }).fill(`Otra pregunta ${tag}`);
        await button(second, 'Enviar').click();
        await second.getByRole('log').getByText(`Otra pregunta ${tag}`).waitFor();
      } finally {
        await second.context().close();
      }
      const count = async (tab) => (await api(agent, 'conversations/list', { tab, status: 'open', after: null, filter: {} })).items.length;
      // Both are in her inbox; one is hers (whichever came first to her), one waits.
      for (let i = 0; i < 100 && ((await count('mine')) !== 1 || (await count('unassigned')) !== 1); i++) {
        await agent.waitForTimeout(100);
      }
      assert.deepEqual([await count('mine'), await count('unassigned')], [1, 1]);
      // The waiting round (every 5 s) does not give it to her either.
      await agent.waitForTimeout(6_000);
      assert.deepEqual([await count('mine'), await count('unassigned')], [1, 1]);

      // A canned response with its variables, inserted with "/".
      await openTeam(admin);
      await admin.getByLabel('Código corto', { exact: true }).fill(`hola${tag}`);
      await admin.getByLabel('Texto', { exact: true }).fill('Hola {{contact.name}}, te atiende {{agent.name}}.');
      await button(admin, 'Añadir respuesta').click();
      await admin.getByText(`/hola${tag}`).first().waitFor();
      await row.click();
      const composer = agent.getByLabel('Mensaje', { exact: true });
      await composer.fill(`/hola${tag}`);
      await agent.getByRole('listbox', { name: 'Respuestas predefinidas' }).getByRole('button').first().click();
      assert.equal(await composer.inputValue(), `Hola Visita ${tag}, te atiende ${nora.name}.`);
      if (vp.isMobile) await agent.getByRole('link', { name: 'Volver a la lista' }).click();

      // Removed from the inbox: her open list loses the conversation without a reload.
      await openTeam(admin);
      await admin.getByRole('group', { name: `Miembros de ${inboxName}` }).getByRole('checkbox', { name: nora.name }).uncheck();
      await row.waitFor({ state: 'detached' });

      // The administrator page is not hers: the server refuses it.
      await agent.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(agent);
      await agent.getByRole('alert').filter({ hasText: 'No tienes permiso' }).first().waitFor();

      // Deactivated: signed out, and she cannot sign in again.
      await openTeam(admin);
      await button(admin, `Desactivar a ${nora.name}`).click();
      await button(admin, `Reactivar a ${nora.name}`).waitFor();
      await waitForPath(agent, '/login');
      await signIn(agent, nora.email, nora.password);
      await agent.getByRole('alert').filter({ hasText: 'Correo o contraseña incorrectos' }).waitFor();
    } finally {
      await admin.context().close();
      await visitor.context().close();
      await agent?.context().close();
    }
  });
}
