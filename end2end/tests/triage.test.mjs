// Triage, end to end (issue 27): an administrator defines a label in Ajustes (a bad
// name is refused and creates nothing); an agent puts it and a priority on a
// conversation from the chat; the chips show in the chat and the list; the list
// filtered by label and priority is in the address (a bookmark gives the same view);
// another agent's list filtered by the label gains and loses the conversation live.
// Desktop and phone.
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
  openConversationList,
  filterList,
  confirmedMessage,
} from './helpers.mjs';

const browser = sharedBrowser();

/** The chat's label menu and priority: behind "Más acciones" on a phone. */
async function openActions(page, vp) {
  if (vp.isMobile) {
    const more = page.getByRole('button', { name: 'Más acciones', exact: true });
    if ((await more.getAttribute('aria-expanded')) !== 'true') await more.click();
  }
}

async function toggleLabel(page, vp, name, on) {
  await openActions(page, vp);
  const picker = page.locator('.chat-header details.label-picker');
  if ((await picker.getAttribute('open')) === null) await picker.locator('summary').click();
  const box = page.getByRole('checkbox', { name, exact: true });
  if (on) await box.check(); else await box.uncheck();
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] labels and priority: defined, put on, shown, filtered, live`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const name = `vip-${tag}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const agent = await signedInPage(browser(), vp, DEMO.agent);
    try {
      // The administrator defines the label; a name with a space is refused.
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const labels = admin.getByRole('region', { name: 'Etiquetas' });
      await labels.getByLabel('Nombre de la etiqueta', { exact: true }).fill(`con espacio ${tag}`);
      await button(labels, 'Crear etiqueta').click();
      await labels.getByRole('alert').filter({ hasText: 'El valor no es válido.' }).waitFor();
      await labels.getByLabel('Nombre de la etiqueta', { exact: true }).fill(name.toUpperCase());
      await button(labels, 'Crear etiqueta').click();
      await labels.getByRole('button', { name: `Eliminar etiqueta ${name}`, exact: true }).waitFor();
      assert.equal(await labels.getByText(`con espacio ${tag}`).count(), 0, 'the refused name created nothing');

      // Another agent's list, filtered by the label: empty for now.
      const adminList = await openConversationList(admin);
      await filterList(admin, /[?&]label=\d+/, (f) => f.getByRole('combobox', { name: 'Filtrar por etiqueta', exact: true }).selectOption({ label: name }));
      await admin.getByText('No hay conversaciones', { exact: false }).first().waitFor();
      assert.equal(await adminList.getByRole('link').count(), 0);

      // The agent opens a conversation (not the first: other tests open that one) and
      // puts the label and a priority on it.
      const list = await openConversationList(agent);
      const target = list.getByRole('link').nth(2);
      const href = await target.getAttribute('href');
      const id = href.match(/\/conversations\/(\d+)/)[1];
      await target.click();
      await waitForPath(agent, new RegExp(`^/conversations/${id}$`));
      await toggleLabel(agent, vp, name, true);
      const header = agent.locator('.chat-header .chat-meta');
      await header.locator('.label-chip', { hasText: name }).waitFor();
      await openActions(agent, vp);
      await agent.getByRole('combobox', { name: 'Prioridad', exact: true }).selectOption({ label: 'Alta' });
      await header.locator('.priority-badge', { hasText: 'Alta' }).waitFor();

      // Live in the other agent's filtered list, with its chip and priority.
      const adminRow = adminList.locator(`a[href^="/conversations/${id}"]`);
      await adminRow.waitFor();
      await adminRow.locator('.label-chip', { hasText: name }).waitFor();
      await adminRow.locator('.priority-badge', { hasText: 'Alta' }).waitFor();

      // The agent's list filtered by label and priority, kept in the address: a
      // bookmark of it opens the same view.
      await openConversationList(agent);
      await filterList(agent, /[?&]label=\d+/, (f) => f.getByRole('combobox', { name: 'Filtrar por etiqueta', exact: true }).selectOption({ label: name }));
      await filterList(agent, /[?&]priority=high/, (f) => f.getByRole('combobox', { name: 'Filtrar por prioridad', exact: true }).selectOption({ label: 'Alta' }));
      const bookmark = new URL(agent.url());
      const filtered = await openConversationList(agent, bookmark.search.slice(1));
      await filtered.locator(`a[href^="/conversations/${id}"]`).waitFor();
      assert.equal(await filtered.getByRole('link').count(), 1, 'only the labelled, high-priority conversation');
      assert.equal(await agent.getByRole('combobox', { name: 'Filtrar por prioridad', exact: true }).inputValue(), 'high');
      await filterList(agent, /[?&]priority=urgent/, (f) => f.getByRole('combobox', { name: 'Filtrar por prioridad', exact: true }).selectOption({ label: 'Urgente' }));
      await agent.getByText('No hay conversaciones', { exact: false }).first().waitFor();

      // Taking the label off: the other agent's filtered list loses it live.
      await agent.goto(`${BASE_URL}/conversations/${id}?tab=all&status=open`);
      await waitForHydration(agent);
      await toggleLabel(agent, vp, name, false);
      await header.locator('.label-chip', { hasText: name }).waitFor({ state: 'detached' });
      await adminRow.waitFor({ state: 'detached' });
      await openActions(agent, vp);
      await agent.getByRole('combobox', { name: 'Prioridad', exact: true }).selectOption({ label: 'Sin prioridad' });
      await header.locator('.priority-badge').waitFor({ state: 'detached' });
    } finally {
      await admin.context().close();
      await agent.context().close();
    }
  });
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] waiting for a reply, longest first: comes in live, a reply takes it off`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const page = await signedInPage(browser(), vp, DEMO.admin);
    const visitor = await newPage(browser(), vp);
    try {
      // The widget's page, as Ajustes links it.
      await page.goto(`${BASE_URL}/settings`);
      await waitForHydration(page);
      const widget = await page.getByRole('link', { name: 'Abrir la página de chat' }).first().getAttribute('href');

      await openConversationList(page);
      await filterList(page, /[?&]sort=waiting/, (f) => f.getByRole('combobox', { name: 'Ordenar por', exact: true }).selectOption({ label: 'Más tiempo esperando' }));
      await filterList(page, /[?&]waiting=1/, (f) => f.getByRole('checkbox', { name: 'Esperando respuesta', exact: true }).check());
      await filterList(page, /[?&]channel=web_chat/, (f) => f.getByRole('combobox', { name: 'Filtrar por canal', exact: true }).selectOption({ value: 'web_chat' }));
      // The view survives a reload (it is the address).
      const view = new URL(page.url()).search.slice(1);
      const list = await openConversationList(page, view);
      assert.equal(await page.getByRole('checkbox', { name: 'Esperando respuesta', exact: true }).isChecked(), true);
      assert.equal(await page.getByRole('combobox', { name: 'Ordenar por', exact: true }).inputValue(), 'waiting');

      // A customer writes: her conversation comes into the view live.
      await visitor.goto(new URL(widget, BASE_URL).toString());
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(`Espera ${tag}`);
      await visitor.getByLabel('Mensaje', { exact: true }).fill(`¿Hay alguien? ${tag}`);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(`¿Hay alguien? ${tag}`).waitFor();
      const row = list.getByRole('link').filter({ hasText: `Espera ${tag}` });
      await row.waitFor();

      // Answered, it leaves the view at once.
      await row.click();
      await waitForPath(page, /^\/conversations\/\d+$/);
      await page.getByLabel('Mensaje', { exact: true }).fill(`Ya te atendemos (${tag})`);
      await button(page, 'Enviar').click();
      // Confirmed by the server (an optimistic copy has a negative id): leaving the
      // page before that would cancel the send.
      await confirmedMessage(page, `Ya te atendemos (${tag})`).waitFor();
      // On a desktop the list beside the chat drops it live; a fresh load agrees.
      if (!vp.isMobile) await row.waitFor({ state: 'detached' });
      await openConversationList(page, view);
      await list.getByRole('link').filter({ hasText: `Espera ${tag}` }).waitFor({ state: 'detached' });
    } finally {
      await page.context().close();
      await visitor.context().close();
    }
  });
}
