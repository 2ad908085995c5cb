// Automatic assignment, end to end (issue 27): a new web-chat inbox hands its
// conversations out by itself; an administrator sets its limit to one open
// conversation per agent in Ajustes; two members say they are "En línea"; three
// visitors write: the first goes to one, the second to the other (in turn), each live
// in her "Mías", and the third, with both at the limit, waits in "Sin asignar".
// Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  newPage,
  pickAvailability,
  signedInPage,
  waitForHydration,
  sharedBrowser,
  openConversationList,
  api,
  MARCOS,
} from './helpers.mjs';

const browser = sharedBrowser();

async function setAvailability(page, value) {
  await page.goto(`${BASE_URL}/conversations?tab=mine&status=open`);
  await waitForHydration(page);
  // Stored before the caller goes to another page (or closes it), which would cancel it.
  await pickAvailability(page, value);
}

const mine = (page) => openConversationList(page, 'tab=mine&status=open');

async function visitorWrites(vp, widget, name) {
  const visitor = await newPage(browser(), vp);
  await visitor.goto(widget);
  await waitForHydration(visitor);
  await visitor.getByLabel('Nombre', { exact: true }).fill(name);
  await visitor.getByLabel('Mensaje', { exact: true }).fill(`Hola, soy ${name}`);
  await button(visitor, 'Enviar').click();
  await visitor.getByRole('log').getByText(`Hola, soy ${name}`).waitFor();
  return visitor;
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] automatic assignment: in turn among members online, none over the limit`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    const marcos = await signedInPage(browser(), vp, MARCOS);
    const visitors = [];
    try {
      // A new inbox (automatic assignment on) worked by Lucía and Marcos.
      const name = `Ventas ${tag}`;
      const inbox = await api(admin, 'team/create_inbox', { name, channel: 'web_chat' });
      const team = await api(admin, 'list_team', {});
      for (const email of [DEMO.agent.email, MARCOS.email]) {
        const agent = team.find((a) => a.email === email);
        await api(admin, 'team/set_member', { inbox_id: inbox, agent_id: agent.id, member: true });
      }
      // The administrator sets the limit in Ajustes: one open conversation each.
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const form = admin.locator('form.inbox-assignment', { has: admin.locator(`#inbox-${inbox}-auto-assign-limit`) });
      await admin.waitForFunction((id) => document.getElementById(id)?.checked === true, `inbox-${inbox}-auto-assign`);
      await form.getByLabel('Máximo de conversaciones abiertas por agente (0: sin límite)').fill('1');
      await button(form, 'Guardar la asignación').click();
      await form.getByRole('status').filter({ hasText: 'Asignación guardada' }).waitFor();
      await admin.goto(`${BASE_URL}/settings`);
      await waitForHydration(admin);
      const widget = new URL(
        await admin.getByRole('heading', { name, exact: true }).locator('..').getByRole('link', { name: 'Abrir la página de chat' }).getAttribute('href'),
        BASE_URL,
      ).toString();

      await setAvailability(lucia, 'online');
      await setAvailability(marcos, 'online');
      const mineOf = { lucia: await mine(lucia), marcos: await mine(marcos) };
      const before = { lucia: await mineOf.lucia.getByRole('link').count(), marcos: await mineOf.marcos.getByRole('link').count() };
      // The limit counts each one's open conversations in this inbox only.
      const first = `Primera ${tag}`;
      const second = `Segunda ${tag}`;
      visitors.push(await visitorWrites(vp, widget, first));
      visitors.push(await visitorWrites(vp, widget, second));
      // Each of the two lands live in a different agent's "Mías".
      const rowOf = (who, visitor) => mineOf[who].getByRole('link').filter({ hasText: visitor });
      const landed = async (visitor) => {
        for (let i = 0; i < 100; i++) {
          if (await rowOf('lucia', visitor).count()) return 'lucia';
          if (await rowOf('marcos', visitor).count()) return 'marcos';
          await lucia.waitForTimeout(100);
        }
        return null;
      };
      const a = await landed(first);
      const b = await landed(second);
      assert.ok(a && b, `both assigned: ${a}, ${b}`);
      assert.notEqual(a, b, 'in turn');
      assert.equal(await mineOf.lucia.getByRole('link').count(), before.lucia + 1);
      assert.equal(await mineOf.marcos.getByRole('link').count(), before.marcos + 1);

      // The third finds both at the limit: it waits in "Sin asignar".
      const third = `Tercera ${tag}`;
      visitors.push(await visitorWrites(vp, widget, third));
      await admin.goto(`${BASE_URL}/conversations?tab=unassigned&status=open&inbox=${inbox}`);
      await waitForHydration(admin);
      await admin.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').filter({ hasText: third }).waitFor();
      assert.equal(await rowOf('lucia', third).count() + await rowOf('marcos', third).count(), 0);
    } finally {
      for (const page of [lucia, marcos]) {
        await setAvailability(page, 'offline').catch(() => {});
      }
      for (const v of visitors) await v.context().close();
      await admin.context().close();
      await lucia.context().close();
      await marcos.context().close();
    }
  });
}
