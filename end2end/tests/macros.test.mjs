// Macros, end to end (issue 32): Lucía writes a shared macro on Ajustes > Macros
// ("label facturación, priority high, a private note"), a macro with no action is
// refused and nothing is saved; on a visitor's new conversation she runs it from the
// command palette by keyboard only and sees its label, priority, note and activity
// line; then she runs a second macro ("resolve") with one click from the
// conversation's menu. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  api,
  button,
  newPage,
  signedInPage,
  waitForHydration,
  waitForPath,
  widgetUrl,
  sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

const palette = (page) => page.getByRole('dialog', { name: 'Paleta de comandos' });

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a macro written in Ajustes runs from the palette and from the conversation menu`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const label = `facturación-${tag}`;
    const invoices = `Facturas ${tag}`;
    const close = `Cerrar ${tag}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    const visitor = await newPage(browser(), vp);
    let opened = null;
    try {
      await api(admin, 'labels/save', { id: null, name: label, color: '#1f77b4' });
      const widget = await widgetUrl(admin);

      // A visitor's new conversation, which Lucía opens.
      await visitor.goto(widget);
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(`Macro ${tag}`);
      await visitor.getByLabel('Mensaje', { exact: true }).fill(`Mi factura de noviembre (${tag})`);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(`Mi factura de noviembre (${tag})`).waitFor();
      const found = await api(lucia, 'conversations/list', { tab: 'all', status: 'open', after: null });
      opened = found.items.find((c) => c.contact_name === `Macro ${tag}`)?.id;
      assert.ok(opened, 'the visitor\'s conversation is in Lucía\'s list');

      // Ajustes > Macros: every agent finds it.
      await lucia.goto(`${BASE_URL}/settings`);
      await waitForHydration(lucia);
      await lucia.getByRole('link', { name: 'Macros', exact: true }).click();
      await waitForPath(lucia, '/settings/macros');
      await lucia.getByRole('heading', { name: 'Macros', level: 1 }).waitFor();
      await button(lucia, 'Nueva macro').click();
      const form = lucia.getByRole('region', { name: 'Nueva macro' });
      await form.getByLabel('Nombre', { exact: true }).fill(invoices);
      await form.getByRole('radio', { name: 'Todo el equipo (compartida)' }).check();

      // No action: refused, naming what is missing; nothing is saved.
      await button(form, 'Quitar la acción 1').click();
      await button(form, 'Guardar macro').click();
      await form.getByRole('alert').filter({ hasText: 'Añade al menos una acción' }).waitFor();
      assert.equal((await api(lucia, 'macros/list', {})).filter((m) => m.name === invoices).length, 0);

      await button(form, 'Añadir una acción').click();
      const a1 = form.getByRole('group', { name: 'Acción 1', exact: true });
      await a1.getByLabel('Qué hace', { exact: true }).selectOption({ label: 'Añadir una etiqueta' });
      await a1.getByLabel('Etiqueta', { exact: true }).selectOption({ label });
      await button(form, 'Añadir una acción').click();
      const a2 = form.getByRole('group', { name: 'Acción 2', exact: true });
      await a2.getByLabel('Qué hace', { exact: true }).selectOption({ label: 'Cambiar la prioridad' });
      await a2.getByLabel('Prioridad', { exact: true }).selectOption({ label: 'Alta' });
      await button(form, 'Añadir una acción').click();
      const a3 = form.getByRole('group', { name: 'Acción 3', exact: true });
      await a3.getByLabel('Qué hace', { exact: true }).selectOption({ label: 'Añadir una nota privada' });
      await a3.getByLabel('Texto', { exact: true }).fill(`Revisar la factura (${tag})`);
      await button(form, 'Guardar macro').click();
      const card = lucia.getByRole('article', { name: invoices, exact: true });
      await card.waitFor();
      await card.getByText('Todo el equipo (compartida)').waitFor();
      // Shared: Marcos's list has it too (the server's answer, as his page reads it).
      const shared = await api(admin, 'macros/list', {});
      assert.ok(shared.some((m) => m.name === invoices), 'a shared macro is the team\'s');

      // The palette, by keyboard only, on the open conversation.
      await lucia.goto(`${BASE_URL}/conversations/${opened}`);
      await waitForHydration(lucia);
      const header = lucia.locator('.chat-header');
      await header.getByRole('heading', { name: `Macro ${tag}` }).waitFor();
      await lucia.keyboard.press('Control+k');
      await palette(lucia).waitFor();
      await lucia.waitForFunction(() => document.activeElement?.getAttribute('role') === 'combobox');
      await lucia.keyboard.type(`macro: ${invoices}`);
      const option = palette(lucia).getByRole('option', { name: `Macro: ${invoices}`, exact: true });
      await option.waitFor();
      assert.equal(await option.getAttribute('aria-selected'), 'true', 'the only match, chosen');
      await lucia.keyboard.press('Enter');
      await header.locator('.label-chip', { hasText: label }).first().waitFor();
      await header.locator('.priority-badge', { hasText: 'Alta' }).first().waitFor();
      await lucia.locator('.message-list').getByText(`Revisar la factura (${tag})`).waitFor();
      await lucia.getByText(`ejecutó la macro «${invoices}»`, { exact: false }).first().waitFor();

      // One click from the conversation's menu (behind "Más acciones" on a phone).
      await api(lucia, 'macros/save', {
        id: null,
        saved: { name: close, visibility: 'personal', actions: [{ action_name: 'resolve_conversation', action_params: [] }] },
      });
      if (vp.isMobile) await button(lucia, 'Más acciones').click();
      await header.locator('details.macro-picker > summary').click();
      await button(header, `Ejecutar la macro «${close}»`).click();
      await header.getByRole('status').filter({ hasText: `Macro «${close}» ejecutada.` }).waitFor();
      await header.locator('.status-badge', { hasText: 'Resuelta' }).waitFor();
      opened = null;
    } finally {
      // Macros and the label are the account's; the visitor must not wait in later
      // tests' views.
      for (const m of await api(lucia, 'macros/list', {}).catch(() => [])) {
        if (m.name === invoices || m.name === close) await api(lucia, 'macros/remove', { id: m.id }).catch(() => {});
      }
      if (opened) {
        await api(admin, 'conversations/status', { id: opened, status: 'resolved', snoozed_until: null }).catch(() => {});
      }
      const labels = await api(admin, 'labels/list', {}).catch(() => []);
      for (const l of labels.filter((l) => l.name === label)) await api(admin, 'labels/remove', { id: l.id }).catch(() => {});
      await admin.context().close();
      await lucia.context().close();
      await visitor.context().close();
    }
  });
}
