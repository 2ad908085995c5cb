// Every screen under axe-core (WCAG 2.1 A and AA rules), desktop and phone, light and
// dark: no serious or critical violation and no console error on any of them. Each
// screen is also photographed into end2end/screenshots/ (the README shows them).
//
// Screens: sign-in, the conversation list, an open conversation (and its emoji picker),
// contacts, a contact, Ajustes, Equipo, Mi perfil, and the visitor's chat page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import {
  axeViolations as violations,
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  newPage,
  sharedBrowser,
  signIn,
  waitForHydration,
  waitForPath,
} from './helpers.mjs';

const browser = sharedBrowser();
const SHOTS = new URL('../screenshots/', import.meta.url);
async function photograph(page, name) {
  await mkdir(SHOTS, { recursive: true });
  await writeFile(new URL(`${name}.png`, SHOTS), await page.screenshot({ fullPage: false }));
}

/** The screens of a signed-in administrator: [name, how to get there]. */
function screens() {
  const visit = (path) => async (page) => {
    await page.goto(`${BASE_URL}${path}`);
    await waitForHydration(page);
  };
  return [
    ['conversations', async (page) => {
      await visit('/conversations?tab=all&status=open')(page);
      await page.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').first().waitFor();
    }],
    ['list-filters', async (page) => {
      await page.locator('details.filter-panel > summary').click();
      await page.getByRole('combobox', { name: 'Ordenar por', exact: true }).waitFor();
      await page.locator('details.date-filters > summary').click();
      await page.getByLabel('Creada desde', { exact: true }).waitFor();
    }],
    ['list-bulk', async (page) => {
      await page.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('checkbox').first().check();
      await page.getByRole('group', { name: 'Acciones en bloque' }).waitFor();
    }],
    ['conversation', async (page) => {
      await visit('/conversations?tab=all&status=open')(page);
      await page.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').first().click();
      await waitForPath(page, /^\/conversations\/\d+$/);
      await page.getByLabel('Mensaje', { exact: true }).waitFor();
    }],
    ['emoji-picker', async (page) => {
      await button(page, 'Emoji').click();
      await page.getByRole('dialog', { name: 'Selector de emoji' }).getByRole('button', { name: 'cara sonriendo', exact: true }).waitFor();
    }],
    ['contacts', async (page) => {
      await visit('/contacts')(page);
      await page.locator('a[href^="/contacts/"]').first().waitFor();
    }],
    ['contact', async (page) => {
      const link = page.locator('a[href^="/contacts/"]').first();
      await link.click();
      await waitForPath(page, /^\/contacts\/\d+$/);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
    }],
    ['search', async (page) => {
      await visit('/search?q=factura')(page);
      await page.locator('.search-hits a').first().waitFor();
    }],
    ['palette', async (page) => {
      await page.keyboard.press('Control+k');
      await page.getByRole('dialog', { name: 'Paleta de comandos' }).getByRole('option').first().waitFor();
    }],
    ['settings', visit('/settings')],
    ['team', visit('/settings/team')],
    ['profile', visit('/settings/profile')],
    ['reports', async (page) => {
      await visit('/reports?period=90')(page);
      await page.locator('.figure').first().waitFor();
      // The charts' data tables are judged too.
      await page.getByText('Ver los datos', { exact: true }).first().click();
      await page.locator('.report-table').first().waitFor();
    }],
    ['automation', async (page) => {
      await visit('/settings/automation')(page);
      // The rule form, with its condition and action rows, is judged too.
      await button(page, 'Nueva regla').click();
      await page.getByRole('group', { name: 'Condición 1', exact: true }).waitFor();
    }],
    ['macros', async (page) => {
      await visit('/settings/macros')(page);
      // The macro form, with its action row, is judged too.
      await button(page, 'Nueva macro').click();
      await page.getByRole('group', { name: 'Acción 1', exact: true }).waitFor();
    }],
  ];
}

for (const vp of VIEWPORTS) {
  for (const scheme of ['light', 'dark']) {
    test(`[${vp.name}, ${scheme}] axe finds no serious or critical violation on any screen`, { timeout: 240_000 }, async () => {
      const found = [];
      const page = await newPage(browser(), vp, { colorScheme: scheme });
      const check = async (name) => {
        // Let transitions and late fetches settle before judging colours.
        await page.waitForTimeout(300);
        for (const line of await violations(page)) found.push(`${name}: ${line}`);
        for (const line of page.charlaErrors.splice(0)) found.push(`${name}: ${line}`);
        await photograph(page, `${name}-${vp.name}-${scheme}`);
      };
      try {
        await page.goto(`${BASE_URL}/login`);
        await waitForHydration(page);
        await check('login');
        await signIn(page, DEMO.admin.email, DEMO.admin.password);
        await waitForPath(page, /^\/conversations/);
        await waitForHydration(page);
        for (const [name, go] of screens()) {
          await go(page);
          await check(name);
        }
        // The visitor's chat page, as the link in Ajustes opens it.
        await page.goto(`${BASE_URL}/settings`);
        await waitForHydration(page);
        const href = await page.getByRole('link', { name: 'Abrir la página de chat' }).first().getAttribute('href');
        const visitor = await newPage(browser(), vp, { colorScheme: scheme });
        try {
          await visitor.goto(new URL(href, BASE_URL).toString());
          await waitForHydration(visitor);
          await visitor.waitForTimeout(300);
          for (const line of await violations(visitor)) found.push(`widget: ${line}`);
          for (const line of visitor.charlaErrors) found.push(`widget: ${line}`);
          await photograph(visitor, `widget-${vp.name}-${scheme}`);
        } finally {
          await visitor.context().close();
        }
      } finally {
        await page.context().close();
      }
      assert.deepEqual(found, [], `axe or the console, ${vp.name} ${scheme}:\n${found.join('\n')}`);
    });
  }
}
