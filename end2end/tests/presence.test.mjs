// Availability that follows the open app, end to end (issue 27): Marcos is "Ausente"
// with Charla closed; a visitor writes to an inbox only he works, and the conversation
// waits in "Sin asignar"; Marcos signs in, is "En línea" at once (his own panel and an
// administrator's Ajustes say so live), and the waiting conversation lands in his "Mías"
// with the activity line "Asignada a Marcos Ruiz por asignación automática". The
// administrator takes it from the chat: a line says who did it. Marcos closes
// Charla and the administrator sees him "Ausente". Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  newPage,
  openAccountPanel,
  pickAvailability,
  signedInPage,
  waitForHydration,
  sharedBrowser,
  openConversationList,
  api,
  MARCOS,
} from './helpers.mjs';

const browser = sharedBrowser();

/** An agent in Ajustes' team list (name, role, availability). */
const memberRow = (page, name) =>
  page.getByRole('list', { name: 'Equipo', exact: true }).getByRole('listitem').filter({ hasText: name });

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] availability follows the open app; a waiting conversation goes to the first agent online`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    let marcos = await signedInPage(browser(), vp, MARCOS);
    let visitor;
    try {
      // A new inbox (automatic assignment on) worked by Marcos alone.
      const name = `Guardia ${tag}`;
      const inbox = await api(admin, 'team/create_inbox', { name, channel: 'web_chat' });
      const team = await api(admin, 'list_team', {});
      const marcosId = team.find((a) => a.email === MARCOS.email).id;
      await api(admin, 'team/set_member', { inbox_id: inbox, agent_id: marcosId, member: true });

      // Marcos says "Ausente" and closes Charla.
      await marcos.goto(`${BASE_URL}/conversations`);
      await waitForHydration(marcos);
      await openAccountPanel(marcos);
      await marcos.waitForFunction(() => document.getElementById('availability')?.value === 'online');
      // Stored by the server before he closes Charla (closing first would cancel it).
      await pickAvailability(marcos, 'offline');
      await marcos.waitForFunction(() => document.getElementById('availability')?.value === 'offline');
      await marcos.context().close();
      marcos = null;

      // The administrator watches the team in Ajustes.
      await admin.goto(`${BASE_URL}/settings`);
      await waitForHydration(admin);
      await memberRow(admin, 'Marcos Ruiz').filter({ hasText: 'Ausente' }).first().waitFor();

      // A visitor writes: nobody is online in the inbox, so it waits.
      await admin.goto(`${BASE_URL}/settings`);
      await waitForHydration(admin);
      const widget = new URL(
        await admin.getByRole('heading', { name, exact: true }).locator('..').getByRole('link', { name: 'Abrir la página de chat' }).getAttribute('href'),
        BASE_URL,
      ).toString();
      visitor = await newPage(browser(), vp);
      await visitor.goto(widget);
      await waitForHydration(visitor);
      const customer = `Cliente ${tag}`;
      await visitor.getByLabel('Nombre', { exact: true }).fill(customer);
      await visitor.getByLabel('Mensaje', { exact: true }).fill('¿Hay alguien?');
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText('¿Hay alguien?').waitFor();
      const waiting = await openConversationList(admin, `tab=unassigned&status=open&inbox=${inbox}`);
      await waiting.getByRole('link').filter({ hasText: customer }).waitFor();

      // Marcos signs in: "En línea" without touching anything, and the conversation
      // that waited is his, live.
      marcos = await signedInPage(browser(), vp, MARCOS);
      const mine = await openConversationList(marcos, 'tab=mine&status=open');
      await mine.getByRole('link').filter({ hasText: customer }).waitFor();
      await openAccountPanel(marcos);
      await marcos.waitForFunction(() => document.getElementById('availability')?.value === 'online');
      // It left the administrator's "Sin asignar" live.
      await waiting.getByRole('link').filter({ hasText: customer }).waitFor({ state: 'detached' });

      // The thread says how it came to him.
      await mine.getByRole('link').filter({ hasText: customer }).click();
      const thread = marcos.getByRole('list', { name: 'Mensajes', exact: true });
      await thread.getByText('Asignada a Marcos Ruiz por asignación automática').waitFor();

      // The administrator takes it from the chat: the line says who did it.
      const conversation = new URL(marcos.url()).pathname;
      await admin.goto(`${BASE_URL}${conversation}`);
      await waitForHydration(admin);
      if (vp.isMobile) await admin.getByRole('button', { name: 'Más acciones', exact: true }).click();
      await admin.locator('.chat-header').getByRole('combobox', { name: 'Asignada a' }).selectOption({ label: 'Ana Administradora' });
      await admin.getByRole('list', { name: 'Mensajes', exact: true }).getByText('Asignada a Ana Administradora por Ana Administradora').waitFor();
      await thread.getByText('Asignada a Ana Administradora por Ana Administradora').waitFor();

      // Marcos closes Charla: the administrator sees him "Ausente" (after a short grace).
      await admin.goto(`${BASE_URL}/settings`);
      await waitForHydration(admin);
      await memberRow(admin, 'Marcos Ruiz').filter({ hasText: 'En línea' }).first().waitFor();
      await marcos.context().close();
      marcos = null;
      await memberRow(admin, 'Marcos Ruiz').filter({ hasText: 'Ausente' }).first().waitFor({ timeout: 60_000 });
    } finally {
      if (visitor) await visitor.context().close();
      if (marcos) await marcos.context().close();
      await admin.context().close();
    }
  });
}
