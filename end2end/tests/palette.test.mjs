// The command palette and the keyboard shortcuts, by keyboard only (issue 28):
// Ctrl+K opens the palette; typing narrows it; arrows and Enter run a command (go to
// Contactos, open a conversation by its number, assign the open conversation to me);
// in a conversation `?` lists the shortcuts, `n` starts a private note with the cursor
// in the composer, `a` assigns it to me, `e` resolves it, `j` opens the next one; none
// fires while typing. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  signedInPage,
  waitForHydration,
  waitForPath,
  sharedBrowser,
  api,
} from './helpers.mjs';

const browser = sharedBrowser();

const palette = (page) => page.getByRole('dialog', { name: 'Paleta de comandos' });

async function openPalette(page) {
  await page.keyboard.press('Control+k');
  await palette(page).waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'combobox');
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] the command palette and the shortcuts, by keyboard only`, { timeout: 120_000 }, async () => {
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    try {
      await lucia.goto(`${BASE_URL}/conversations?tab=all&status=open`);
      await waitForHydration(lucia);

      // Go to a page, picked with the arrows.
      await openPalette(lucia);
      await lucia.keyboard.type('ir a');
      const options = palette(lucia).getByRole('option');
      await options.filter({ hasText: 'Ir a Contactos' }).waitFor();
      const selected = palette(lucia).locator('[role="option"][aria-selected="true"]');
      assert.equal(await selected.textContent(), 'Ir a Mías');
      await lucia.keyboard.press('ArrowDown');
      assert.equal(await selected.textContent(), 'Ir a Sin asignar');
      await lucia.keyboard.press('ArrowUp');
      assert.equal(await selected.textContent(), 'Ir a Mías');
      for (let k = 0; k < 3; k++) await lucia.keyboard.press('ArrowDown');
      assert.equal(await selected.textContent(), 'Ir a Contactos');
      await lucia.keyboard.press('Enter');
      await waitForPath(lucia, /^\/contacts$/);
      assert.equal(await palette(lucia).count(), 0, 'the palette closes');

      // Open a conversation by its number.
      const page = await api(lucia, 'conversations/list', { tab: 'all', status: 'open', after: null });
      const target = page.items[0];
      await openPalette(lucia);
      await lucia.keyboard.type(`#${target.display_id}`);
      const option = options.filter({ hasText: `#${target.display_id} · ` });
      await option.waitFor();
      // The conversation comes first: Enter opens it.
      assert.equal(await options.first().getAttribute('aria-selected'), 'true');
      assert.match(await options.first().textContent(), new RegExp(`#${target.display_id} · `));
      await lucia.keyboard.press('Enter');
      await waitForPath(lucia, new RegExp(`^/conversations/${target.id}$`));
      await lucia.getByLabel('Mensaje', { exact: true }).waitFor();
      if (target.assignee_id) {
        await api(lucia, 'conversations/assign', { id: target.id, assignee_id: null });
      }

      // In the conversation: the palette's own actions.
      await openPalette(lucia);
      await lucia.keyboard.type('asignarme');
      await options.filter({ hasText: 'Asignarme esta conversación' }).waitFor();
      await lucia.keyboard.press('Enter');
      await lucia.locator('[data-shortcut="assign-me"]').waitFor({ state: 'detached' });
      await api(lucia, 'conversations/assign', { id: target.id, assignee_id: null });
      await lucia.locator('[data-shortcut="assign-me"]').waitFor({ state: 'attached' });

      // `?` lists the shortcuts; Escape closes the list.
      await lucia.locator('body').click({ position: { x: 1, y: 1 } }).catch(() => {});
      await lucia.evaluate(() => document.activeElement?.blur());
      await lucia.keyboard.press('?');
      const help = lucia.getByRole('dialog', { name: 'Atajos de teclado' });
      await help.getByText('Nota privada').waitFor();
      await lucia.keyboard.press('Escape');
      await help.waitFor({ state: 'detached' });

      // `n`: a private note, the cursor in the composer; typing there fires nothing.
      await lucia.keyboard.press('n');
      await lucia.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA');
      assert.equal(await lucia.locator('[data-shortcut="note"]').getAttribute('aria-pressed'), 'true');
      await lucia.keyboard.type('e a j');
      assert.equal(new URL(lucia.url()).pathname, `/conversations/${target.id}`);
      await lucia.locator('[data-shortcut="assign-me"]').waitFor({ state: 'attached' });
      await lucia.getByLabel('Mensaje', { exact: true }).fill('');
      await lucia.evaluate(() => document.activeElement?.blur());

      // `a` assigns it to me; `e` resolves it.
      await lucia.keyboard.press('a');
      await lucia.locator('[data-shortcut="assign-me"]').waitFor({ state: 'detached' });
      await lucia.keyboard.press('e');
      await lucia.getByRole('button', { name: 'Reabrir', exact: true }).waitFor({ state: 'attached' });
      await api(lucia, 'conversations/status', { id: target.id, status: 'open', snoozed_until: null });

      // `j`: the next conversation of the list.
      await lucia.evaluate(() => document.activeElement?.blur());
      await lucia.keyboard.press('j');
      await lucia.waitForFunction((id) => location.pathname.startsWith('/conversations/') && location.pathname !== `/conversations/${id}`, target.id);
    } finally {
      await lucia.context().close();
    }
  });
}
