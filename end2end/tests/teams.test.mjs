// Teams, end to end (issue 27): an administrator creates a team in Ajustes (an empty
// name is refused and creates nothing) and ticks a member; an agent puts a
// conversation in the team's queue from the chat; the administrator's list filtered
// by the team (and "Sin asignar" with it) gains it live; the bulk bar takes it out of
// every team again and the filtered list loses it live. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  signedInPage,
  waitForHydration,
  waitForPath,
  sharedBrowser,
  openConversationList,
  filterList,
} from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a team: created with a member, its queue filled from the chat and emptied in bulk, live`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const name = `Cobros ${tag}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const agent = await signedInPage(browser(), vp, DEMO.agent);
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const teams = admin.getByRole('region', { name: 'Equipos' });
      await button(teams, 'Crear equipo').click();
      await teams.getByRole('alert').waitFor();
      assert.equal(await teams.getByRole('group', { name: 'Miembros de', exact: true }).count(), 0, 'the empty name created nothing');
      await teams.getByLabel('Nombre del equipo', { exact: true }).fill(name);
      await button(teams, 'Crear equipo').click();
      const members = teams.getByRole('group', { name: `Miembros de ${name}`, exact: true });
      await members.waitFor();
      const lucia = members.getByRole('checkbox', { name: 'Lucía Fernández', exact: true });
      // The tick shows at once; the reload below would cancel a save still on its way.
      const saved = admin.waitForResponse((r) => r.url().endsWith('/api/teams/members') && r.ok());
      await lucia.check();
      await admin.waitForFunction(
        (box) => box.checked,
        await lucia.elementHandle(),
      );
      await saved;
      // Saved: a fresh load still shows her ticked.
      await admin.reload();
      await waitForHydration(admin);
      await admin.getByRole('group', { name: `Miembros de ${name}`, exact: true })
        .getByRole('checkbox', { name: 'Lucía Fernández', exact: true }).and(admin.locator(':checked')).waitFor();

      // The administrator watches the team's queue.
      const adminList = await openConversationList(admin);
      await filterList(admin, /[?&]team=\d+/, (f) => f.getByRole('combobox', { name: 'Filtrar por equipo', exact: true }).selectOption({ label: name }));
      await admin.getByText('No hay conversaciones', { exact: false }).first().waitFor();

      // The agent puts a conversation in it from the chat.
      const list = await openConversationList(agent);
      const target = list.getByRole('link').nth(1);
      const id = (await target.getAttribute('href')).match(/\/conversations\/(\d+)/)[1];
      await target.click();
      await waitForPath(agent, new RegExp(`^/conversations/${id}$`));
      if (vp.isMobile) await agent.getByRole('button', { name: 'Más acciones', exact: true }).click();
      await agent.getByRole('combobox', { name: 'Equipo', exact: true }).selectOption({ label: name });
      await admin.waitForFunction(
        (want) => [...document.querySelectorAll('.conversation-list a')].some((a) => a.getAttribute('href').startsWith(`/conversations/${want}`)),
        id,
      );
      assert.equal(await adminList.getByRole('link').count(), 1);

      // Out of every team in bulk: the queue empties live.
      const agentList = await openConversationList(agent);
      const row = agentList.getByRole('listitem').filter({ has: agent.locator(`a[href^="/conversations/${id}"]`) });
      await row.getByRole('checkbox').check();
      await agent.getByRole('group', { name: 'Acciones en bloque' })
        .getByRole('combobox', { name: 'Pasar al equipo', exact: true }).selectOption({ label: 'Sin equipo' });
      await agent.getByRole('status').filter({ hasText: 'Conversaciones actualizadas: 1' }).waitFor();
      await adminList.getByRole('link').first().waitFor({ state: 'detached' });

      // The administrator deletes the team.
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      await admin.getByRole('button', { name: `Eliminar equipo ${name}`, exact: true }).click();
      await admin.getByRole('group', { name: `Miembros de ${name}`, exact: true }).waitFor({ state: 'detached' });
    } finally {
      await admin.context().close();
      await agent.context().close();
    }
  });
}
