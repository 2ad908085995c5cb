// Labels on a contact, end to end (issue 27): an administrator defines a label; an
// agent ticks it on a contact's page, its chip shows and a reload keeps it; the
// contact list shows it on the contact's row, and unticked there it is gone from the
// list and from the contact's page. Desktop and phone.
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
} from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a label on a contact: ticked, shown, kept, taken off`, { timeout: 120_000 }, async () => {
    const name = `cliente-${vp.name}${Date.now() % 100000}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const agent = await signedInPage(browser(), vp, DEMO.agent);
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const labels = admin.getByRole('region', { name: 'Etiquetas' });
      await labels.getByLabel('Nombre de la etiqueta', { exact: true }).fill(name);
      await button(labels, 'Crear etiqueta').click();
      await labels.getByRole('button', { name: `Eliminar etiqueta ${name}`, exact: true }).waitFor();

      await agent.goto(`${BASE_URL}/contacts`);
      await waitForHydration(agent);
      const first = agent.locator('a[href^="/contacts/"]').filter({ visible: true }).first();
      const href = await first.getAttribute('href');
      await agent.goto(new URL(href, BASE_URL).toString());
      await waitForHydration(agent);
      const box = agent.locator('.contact-labels');
      const picker = box.locator('details.label-picker');
      await picker.locator('summary').click();
      await box.getByRole('checkbox', { name, exact: true }).check();
      const chip = box.locator('.label-chips .label-chip', { hasText: name });
      await chip.waitFor();

      await agent.reload();
      await waitForHydration(agent);
      await chip.waitFor();

      // In the contact list: the row shows it, and the row's own menu takes it off.
      await agent.goto(`${BASE_URL}/contacts`);
      await waitForHydration(agent);
      const row = agent.getByRole('row').filter({ has: agent.locator(`a[href="${href}"]`) });
      const rowChip = row.locator('.label-chips .label-chip', { hasText: name });
      await rowChip.waitFor();
      const menu = row.locator('details.label-picker');
      await menu.locator('summary').click();
      await row.getByRole('checkbox', { name, exact: true }).uncheck();
      await rowChip.waitFor({ state: 'detached' });
      await agent.goto(new URL(href, BASE_URL).toString());
      await waitForHydration(agent);
      await box.locator('details.label-picker').waitFor();
      assert.equal(await chip.count(), 0);
    } finally {
      await admin.context().close();
      await agent.context().close();
    }
  });
}
