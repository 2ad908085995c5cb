// Merging duplicate contacts from a contact's page (Chatwoot's "merge"): the same
// customer saved twice, once by email and once by phone; on the phone one's page the
// agent opens Fusionar, finds the other by name, picks it and merges; the page that
// stays shows both the email and the phone, and the merged one is gone. The merge
// panel passes axe-core. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  api,
  axeViolations,
  button,
  signedInPage,
  waitForHydration,
  waitForPath,
  sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a duplicate contact merged into the one that stays`, { timeout: 120_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const name = `Duplicada ${tag}`;
    const email = `duplicada.${tag}@example.com`;
    const phone = `+3461${String(Date.now()).slice(-7)}`;
    const agent = await signedInPage(browser(), vp, DEMO.agent);
    try {
      const save = (input) => api(agent, 'contacts/save', { id: null, input: { company: '', email: '', phone: '', ...input } });
      const base = await save({ name, email });
      const dup = await save({ name: `${name} WhatsApp`, phone });

      await agent.goto(`${BASE_URL}/contacts/${dup.id}`);
      await waitForHydration(agent);
      await button(agent, 'Fusionar').click();
      const panel = agent.getByRole('form', { name: 'Fusionar con otro contacto' });
      await panel.waitFor();
      const merge = panel.getByRole('button', { name: /^Fusionar/ });
      assert.equal(await merge.isDisabled(), true, 'nothing chosen yet');
      await panel.getByLabel('Buscar el contacto que se queda', { exact: true }).fill(name);
      const choice = panel.getByRole('radio', { name: `${name} · ${email}`, exact: true });
      await choice.check();
      assert.deepEqual(await axeViolations(agent), [], 'the merge panel passes axe');
      await panel.getByRole('button', { name: `Fusionar en ${name} · ${email}`, exact: true }).click();
      await waitForPath(agent, `/contacts/${base.id}`);
      await waitForHydration(agent);
      await agent.getByRole('heading', { name, exact: true }).waitFor();
      await agent.getByText(phone, { exact: true }).waitFor();
      await agent.getByText(email, { exact: true }).waitFor();

      const gone = await agent.request.post(`${BASE_URL}/api/contacts/get`, { data: { id: dup.id } });
      assert.equal(gone.status(), 404, 'the merged contact is gone');
    } finally {
      await agent.context().close();
    }
  });
}
