// Notas on a contact's page: an agent writes what the team should know about the
// customer (an empty note is refused in place, sending nothing), sees it at the top
// with her name; a teammate reads it; the author deletes it after confirming and focus
// returns to the section's heading. The section passes axe-core. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  api,
  axeViolations,
  signedInPage,
  waitForHydration,
  sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a note on a contact, read by a teammate, deleted by its author`, { timeout: 120_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const name = `Con notas ${tag}`;
    const agent = await signedInPage(browser(), vp, DEMO.agent);
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    try {
      const contact = await api(agent, 'contacts/save', {
        id: null,
        input: { name, email: `notas.${tag}@example.com`, phone: '', company: '' },
      });
      await agent.goto(`${BASE_URL}/contacts/${contact.id}`);
      await waitForHydration(agent);
      const notes = agent.getByRole('region', { name: 'Notas', exact: true });
      await notes.getByText('Aún no hay notas sobre este contacto.').waitFor();

      // Empty: said in place, nothing sent.
      await notes.getByRole('button', { name: 'Añadir nota', exact: true }).click();
      await notes.getByText('Escribe la nota antes de añadirla.').waitFor();
      const field = notes.getByLabel('Nueva nota', { exact: true });
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await api(agent, 'contacts/notes', { id: contact.id }), []);

      const text = `Prefiere que la llamen por la tarde (${tag})`;
      await field.fill(text);
      await notes.getByRole('button', { name: 'Añadir nota', exact: true }).click();
      const item = notes.getByRole('listitem').filter({ hasText: text });
      await item.waitFor();
      await item.getByText(/Lucía/).waitFor();
      assert.equal(await field.inputValue(), '', 'the field is emptied for the next note');
      assert.deepEqual(await axeViolations(agent), [], 'the notes section passes axe');

      // A teammate reads it on the same page.
      await admin.goto(`${BASE_URL}/contacts/${contact.id}`);
      await waitForHydration(admin);
      await admin.getByRole('region', { name: 'Notas', exact: true }).getByText(text).waitFor();

      // Its author deletes it, after confirming; the question takes focus, and gives it
      // back when she thinks again.
      const ask = item.getByRole('button', { name: 'Eliminar nota', exact: true });
      await ask.click();
      const confirm = item.getByRole('group', { name: /¿Eliminar esta nota\?/ });
      await agent.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Sí, eliminar');
      await confirm.getByRole('button', { name: 'Cancelar', exact: true }).click();
      await agent.waitForFunction(() => document.activeElement?.textContent?.trim() === 'Eliminar nota');
      await ask.click();
      await confirm.getByRole('button', { name: 'Sí, eliminar', exact: true }).click();
      await notes.getByText('Aún no hay notas sobre este contacto.').waitFor();
      await agent.waitForFunction(() => document.activeElement?.id === 'notes-title');
      assert.deepEqual(await api(agent, 'contacts/notes', { id: contact.id }), []);
    } finally {
      await agent.context().close();
      await admin.context().close();
    }
  });
}
