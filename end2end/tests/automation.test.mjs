// Automation rules, end to end (issue 32): an administrator builds "message contains
// 'factura' → label facturación, team Cobros, priority high" on Automatizaciones (a
// rule with no action is refused and nothing is saved), tries it on the latest
// conversations, saves it; a visitor writes "mi factura" and the conversation shows
// up live in the list a Cobros agent keeps on her team's queue, labelled, with high
// priority and the rule's activity line; the rule's card counts the run. Desktop and
// phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  api,
  button,
  newPage,
  openConversationList,
  signedInPage,
  waitForHydration,
  waitForPath,
  widgetUrl,
  sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a rule built on the page routes "mi factura" live to the Cobros queue`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const label = `facturación-${tag}`;
    const team = `Cobros ${tag}`;
    const ruleName = `Facturas ${tag}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const agent = await signedInPage(browser(), vp, DEMO.agent);
    const visitor = await newPage(browser(), vp);
    let routed = null;
    try {
      // The label and the team (Lucía in it) the rule will name.
      await api(admin, 'labels/save', { id: null, name: label, color: '#1f77b4' });
      const cobros = await api(admin, 'teams/save', { id: null, name: team, description: '' });
      const members = await api(admin, 'team/members', {});
      const lucia = members.find((m) => m.profile.email === DEMO.agent.email).profile.id;
      await api(admin, 'teams/members', { id: cobros.id, agent_ids: [lucia] });

      // Lucía watches her team's queue.
      const queue = await openConversationList(agent, `tab=all&status=open&team=${cobros.id}`);
      await agent.getByText('No hay conversaciones', { exact: false }).first().waitFor();

      // The administrator finds Automatizaciones from Ajustes (beside the chat page's link).
      const widget = await widgetUrl(admin);
      await admin.getByRole('link', { name: /^Automatizaciones/ }).click();
      await waitForPath(admin, '/settings/automation');
      await admin.getByRole('heading', { name: 'Automatizaciones', level: 1 }).waitFor();
      await button(admin, 'Nueva regla').click();
      const form = admin.getByRole('region', { name: 'Nueva regla' });
      await form.getByLabel('Nombre', { exact: true }).fill(ruleName);
      assert.equal(await form.getByLabel('Cuándo', { exact: true }).inputValue(), 'message_created');

      const first = form.getByRole('group', { name: 'Condición 1', exact: true });
      assert.equal(await first.getByLabel('Qué se mira', { exact: true }).inputValue(), 'content');
      assert.equal(await first.getByLabel('Comparación', { exact: true }).inputValue(), 'contains');
      await first.getByLabel('Valor', { exact: true }).fill('factura');
      // Only this run's visitor: a second condition on the run's tag keeps the rule
      // off other tests' conversations.
      await button(form, 'Añadir una condición').click();
      const second = form.getByRole('group', { name: 'Condición 2', exact: true });
      await second.getByLabel('Valor', { exact: true }).fill(tag);

      // A rule with no action is refused, naming what is missing; nothing is saved.
      await button(form, 'Quitar la acción 1').click();
      await button(form, 'Guardar la regla').click();
      await form.getByRole('alert').filter({ hasText: 'Añade al menos una acción' }).waitFor();
      assert.equal((await api(admin, 'automation/list', {})).filter((r) => r.name === ruleName).length, 0);

      await button(form, 'Añadir una acción').click();
      const a1 = form.getByRole('group', { name: 'Acción 1', exact: true });
      await a1.getByLabel('Qué hace', { exact: true }).selectOption({ label: 'Añadir una etiqueta' });
      await a1.getByLabel('Etiqueta', { exact: true }).selectOption({ label });
      await button(form, 'Añadir una acción').click();
      const a2 = form.getByRole('group', { name: 'Acción 2', exact: true });
      await a2.getByLabel('Qué hace', { exact: true }).selectOption({ label: 'Pasar a un equipo' });
      await a2.getByLabel('Equipo', { exact: true }).selectOption({ label: team });
      await button(form, 'Añadir una acción').click();
      const a3 = form.getByRole('group', { name: 'Acción 3', exact: true });
      await a3.getByLabel('Qué hace', { exact: true }).selectOption({ label: 'Cambiar la prioridad' });
      await a3.getByLabel('Prioridad', { exact: true }).selectOption({ label: 'Alta' });

      // What it would have done: nothing of this run's yet, and nothing is changed.
      await button(form, 'Probar con las últimas 50 conversaciones').click();
      await form.getByRole('status').filter({ hasText: /Habría actuado en 0 de \d+ conversaciones/ }).waitFor();

      await button(form, 'Guardar la regla').click();
      const card = admin.getByRole('article', { name: ruleName, exact: true });
      await card.waitFor();
      assert.equal(await card.getByRole('switch', { name: 'Activa', exact: true }).isChecked(), true);
      await card.getByText('Ejecuciones: 0', { exact: false }).waitFor();

      // A visitor writes about her invoice.
      await visitor.goto(widget);
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(`Factura ${tag}`);
      await visitor.getByLabel('Mensaje', { exact: true }).fill(`Hola, mi factura no llega (${tag})`);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(`mi factura no llega (${tag})`).waitFor();

      // Routed: it comes into the Cobros queue live.
      const row = queue.getByRole('link').filter({ hasText: `Factura ${tag}` });
      await row.waitFor();
      await row.click();
      await waitForPath(agent, /^\/conversations\/\d+$/);
      routed = Number(new URL(agent.url()).pathname.split('/').pop());
      const header = agent.locator('.chat-header');
      await header.locator('.label-chip', { hasText: label }).first().waitFor();
      await header.locator('.priority-badge', { hasText: 'Alta' }).first().waitFor();
      await agent.getByText(`Por la automatización «${ruleName}»`, { exact: false }).first().waitFor();

      // The rule's card counts the run.
      await admin.goto(`${BASE_URL}/settings/automation`);
      await waitForHydration(admin);
      await admin.getByRole('article', { name: ruleName, exact: true }).getByText('Ejecuciones: 1', { exact: false }).waitFor();
    } finally {
      // Rules are the account's: this one must not act in later tests.
      const rules = await api(admin, 'automation/list', {}).catch(() => []);
      for (const r of rules.filter((r) => r.name === ruleName)) {
        await api(admin, 'automation/remove', { id: r.id }).catch(() => {});
      }
      // Nor its visitor wait in later tests' "waiting for a reply" views.
      if (routed) {
        await api(admin, 'conversations/status', { id: routed, status: 'resolved', snoozed_until: null }).catch(() => {});
      }
      await admin.context().close();
      await agent.context().close();
      await visitor.context().close();
    }
  });
}
