// The list's date ranges (issue 27): "Creada desde / hasta" and "Con actividad desde /
// hasta" are days in the agent's own time zone, kept in the address as the instants
// they begin and end at; a conversation created today shows in today's range (live, as
// it arrives) and not in a range that ends yesterday. Desktop and phone.
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
  sharedBrowser,
  openConversationList,
  openFilters,
} from './helpers.mjs';

const browser = sharedBrowser();

/** The browser's local day, `daysAgo` days back, as a date field holds it. */
const localDay = (page, daysAgo) =>
  page.evaluate((back) => {
    const d = new Date();
    d.setDate(d.getDate() - back);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  }, daysAgo);

/** The list's date fields, behind "Fechas" in the filters unless a date is in force. */
async function openDates(page) {
  const panel = await openFilters(page);
  const dates = panel.locator('details.date-filters');
  if ((await dates.getAttribute('open')) === null) await dates.locator(':scope > summary').click();
  return dates;
}

const params = (page) => page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)));

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] the list by creation and activity dates`, { timeout: 120_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const visitor = await newPage(browser(), vp);
    try {
      const [today, yesterday] = [await localDay(admin, 0), await localDay(admin, 1)];
      await admin.goto(`${BASE_URL}/settings`);
      await waitForHydration(admin);
      const widget = await admin.getByRole('link', { name: 'Abrir la página de chat' }).first().getAttribute('href');

      // Created from today on: a conversation a visitor opens now shows up live.
      const list = await openConversationList(admin);
      let panel = await openDates(admin);
      await panel.getByLabel('Creada desde', { exact: true }).fill(today);
      await admin.waitForFunction(() => new URLSearchParams(location.search).has('created_since'));
      await visitor.goto(new URL(widget, BASE_URL).toString());
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(`Hoy ${tag}`);
      await visitor.getByLabel('Mensaje', { exact: true }).fill(`Escribo hoy ${tag}`);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(`Escribo hoy ${tag}`).waitFor();
      const row = list.getByRole('link').filter({ hasText: `Hoy ${tag}` });
      await row.waitFor();
      // The day is in the address as the instant it begins: the field shows it after a reload.
      const since = Number((await params(admin)).created_since);
      assert.equal(since, await admin.evaluate((day) => new Date(`${day}T00:00`).getTime(), today));
      await admin.reload();
      await waitForHydration(admin);
      panel = await openDates(admin);
      assert.equal(await panel.getByLabel('Creada desde', { exact: true }).inputValue(), today);
      await row.waitFor();

      // Created until yesterday (inclusive): nothing created today. (Each change keeps
      // a filter in force, so the panel stays open.)
      await panel.getByLabel('Creada hasta', { exact: true }).fill(yesterday);
      await admin.waitForFunction(() => new URLSearchParams(location.search).has('created_until'));
      await row.waitFor({ state: 'detached' });
      panel = await openDates(admin);
      await panel.getByLabel('Creada desde', { exact: true }).fill('');
      await admin.waitForFunction(() => !new URLSearchParams(location.search).has('created_since'));
      const until = Number((await params(admin)).created_until);
      assert.equal(until, await admin.evaluate((day) => new Date(`${day}T00:00`).getTime(), today));

      // Last activity today, whenever it was created: back in the list.
      panel = await openDates(admin);
      await panel.getByLabel('Con actividad desde', { exact: true }).fill(today);
      await admin.waitForFunction(() => new URLSearchParams(location.search).has('active_since'));
      panel = await openDates(admin);
      await panel.getByLabel('Creada hasta', { exact: true }).fill('');
      await admin.waitForFunction(() => !new URLSearchParams(location.search).has('created_until'));
      panel = await openDates(admin);
      await panel.getByLabel('Con actividad hasta', { exact: true }).fill(today);
      await admin.waitForFunction(() => {
        const q = new URLSearchParams(location.search);
        return q.has('active_since') && q.has('active_until');
      });
      await row.waitFor();
    } finally {
      await visitor.context().close();
      await admin.context().close();
    }
  });
}
