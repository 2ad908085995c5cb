// Bulk actions and saved folders, end to end (issue 27): an administrator saves the
// list filtered by a label as a folder (Carpetas) and sees its count beside the tabs;
// an agent selects three conversations (a click and a shift-click for the range) and
// adds the label to all of them at once; the folder's count in the administrator's
// browser follows live, and the folder opens on exactly those three; "select all on
// this page" and "remove label" take it off again. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  signedInPage,
  waitForHydration,
  sharedBrowser,
  openConversationList,
  openFilters,
  filterList,
} from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] bulk label on three conversations; a saved folder counts them live elsewhere`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`.toLowerCase();
    const name = `lote-${tag}`;
    const folderName = `Lote ${tag}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const agent = await signedInPage(browser(), vp, DEMO.agent);
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const labels = admin.getByRole('region', { name: 'Etiquetas' });
      await labels.getByLabel('Nombre de la etiqueta', { exact: true }).fill(name);
      await button(labels, 'Crear etiqueta').click();
      await labels.getByRole('button', { name: `Eliminar etiqueta ${name}`, exact: true }).waitFor();

      // The administrator saves "open, with the label" as a folder: empty for now.
      await openConversationList(admin);
      await filterList(admin, /[?&]label=\d+/, (f) => f.getByRole('combobox', { name: 'Filtrar por etiqueta', exact: true }).selectOption({ label: name }));
      const panel = await openFilters(admin);
      // An empty name is refused by the form and saves nothing.
      await button(panel, 'Guardar como carpeta').click();
      assert.equal(await admin.getByRole('tab', { name: new RegExp(folderName) }).count(), 0);
      await panel.getByLabel('Nombre de la carpeta', { exact: true }).fill(folderName);
      await button(panel, 'Guardar como carpeta').click();
      await panel.getByRole('status').filter({ hasText: `Carpeta «${folderName}» guardada` }).waitFor();
      const folderTab = admin.getByRole('tab', { name: new RegExp(`^${folderName}`) });
      await folderTab.waitFor();
      const folderCount = folderTab.locator('.count');
      await admin.waitForFunction((el) => el.textContent.trim() === '0', await folderCount.elementHandle());

      // The agent selects three rows: the first, then shift-click on the third.
      const list = await openConversationList(agent);
      const rows = list.getByRole('listitem');
      await rows.nth(2).waitFor();
      const total = await rows.count();
      const ids = [];
      for (let k = 0; k < 3; k++) {
        const href = await rows.nth(k).getByRole('link').getAttribute('href');
        ids.push(href.match(/\/conversations\/(\d+)/)[1]);
      }
      await rows.nth(0).getByRole('checkbox').click();
      await rows.nth(2).getByRole('checkbox').click({ modifiers: ['Shift'] });
      const bar = agent.getByRole('group', { name: 'Acciones en bloque' });
      await bar.getByText('Seleccionadas: 3').waitFor();
      for (let k = 0; k < 3; k++) assert.equal(await rows.nth(k).getByRole('checkbox').isChecked(), true);
      for (let k = 3; k < total; k++) assert.equal(await rows.nth(k).getByRole('checkbox').isChecked(), false);
      await bar.getByRole('combobox', { name: 'Añadir etiqueta', exact: true }).selectOption({ label: name });
      await agent.getByRole('status').filter({ hasText: 'Conversaciones actualizadas: 3' }).waitFor();
      for (const id of ids) {
        await list.locator(`a[href^="/conversations/${id}"] .label-chip`, { hasText: name }).waitFor();
      }

      // Live in the administrator's browser: the folder counts three, and opens on them.
      await admin.waitForFunction((el) => el.textContent.trim() === '3', await folderCount.elementHandle());
      await folderTab.click();
      await admin.waitForURL(/[?&]folder=\d+/);
      assert.equal(await folderTab.getAttribute('aria-selected'), 'true');
      const adminList = admin.getByRole('list', { name: 'Lista de conversaciones' });
      for (const id of ids) await adminList.locator(`a[href^="/conversations/${id}"]`).waitFor();
      assert.equal(await adminList.getByRole('link').count(), 3);

      // The agent takes it off the whole page at once; the folder empties live.
      await agent.getByRole('checkbox', { name: 'Seleccionar todas las de esta página', exact: true }).check();
      await bar.getByRole('combobox', { name: 'Quitar etiqueta', exact: true }).selectOption({ label: name });
      await agent.getByRole('status').filter({ hasText: 'Conversaciones actualizadas:' }).waitFor();
      await admin.waitForFunction((el) => el.textContent.trim() === '0', await folderCount.elementHandle());
      await adminList.getByRole('link').first().waitFor({ state: 'detached' });

      // The administrator deletes the folder.
      await button(await openFilters(admin), `Eliminar la carpeta «${folderName}»`).click();
      await folderTab.waitFor({ state: 'detached' });
    } finally {
      await admin.context().close();
      await agent.context().close();
    }
  });
}
