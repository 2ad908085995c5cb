// Custom attributes, end to end (issues 27 and 30): an administrator defines a list
// and a number for contacts and a text for conversations in Ajustes (a key in use is
// refused); an agent fills them in on a contact's page (a number that is not one is
// refused by name and stores nothing) and beside the chat (on a phone, from "Más
// acciones" > "Detalles de la conversación"); a reload keeps them. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, VIEWPORTS, api, axeViolations, button, openConversationList, signedInPage, waitForHydration, waitForPath,
  sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

async function define(admin, { model, name, key, type, choices }) {
  const section = admin.getByRole('region', { name: 'Atributos personalizados' });
  await section.getByLabel('Se aplica a', { exact: true }).selectOption({ label: model });
  await section.getByLabel('Nombre del atributo', { exact: true }).fill(name);
  await section.getByLabel('Clave', { exact: true }).fill(key);
  await section.getByLabel('Tipo', { exact: true }).selectOption({ label: type });
  if (choices) await section.getByLabel('Opciones de la lista', { exact: true }).fill(choices.join('\n'));
  await button(section, 'Crear atributo').click();
  return section;
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] custom attributes: defined in Ajustes, filled in on a contact and beside the chat`, { timeout: 150_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const agent = await signedInPage(browser(), vp, DEMO.agent);
    const names = [`Plan ${tag}`, `Pedidos ${tag}`, `Pedido ${tag}`];
    let contactId;
    let conversationId;
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const section = await define(admin, { model: 'Contactos', name: names[0], key: `plan_${tag}`, type: 'Lista', choices: ['básico', 'pro'] });
      await section.getByRole('button', { name: `Eliminar atributo ${names[0]}`, exact: true }).waitFor();
      await define(admin, { model: 'Contactos', name: names[1], key: `pedidos_${tag}`, type: 'Número' });
      await section.getByRole('button', { name: `Eliminar atributo ${names[1]}`, exact: true }).waitFor();
      await define(admin, { model: 'Conversaciones', name: names[2], key: `pedido_${tag}`, type: 'Texto' });
      await section.getByRole('button', { name: `Eliminar atributo ${names[2]}`, exact: true }).waitFor();
      // The same key for contacts again: refused, named.
      await define(admin, { model: 'Contactos', name: 'Otro plan', key: `plan_${tag}`, type: 'Texto' });
      await section.getByRole('alert').filter({ hasText: 'Ya hay un atributo con esa clave.' }).waitFor();
      assert.deepEqual(await axeViolations(admin), [], 'Ajustes with custom attributes');

      // A contact's page: the list offers its choices; a number must be one.
      await agent.goto(`${BASE_URL}/contacts`);
      await waitForHydration(agent);
      const href = await agent.locator('a[href^="/contacts/"]').filter({ visible: true }).first().getAttribute('href');
      contactId = Number(href.split('/').pop());
      await agent.goto(new URL(href, BASE_URL).toString());
      await waitForHydration(agent);
      const box = agent.getByRole('region', { name: 'Atributos', exact: true });
      await box.getByLabel(names[0], { exact: true }).selectOption('pro');
      await box.getByLabel(names[1], { exact: true }).fill('doce');
      await button(box, 'Guardar atributos').click();
      await box.getByRole('alert').filter({ hasText: `${names[1]}: no es un valor válido para este atributo.` }).waitFor();
      let stored = await api(agent, 'contacts/get', { id: contactId });
      assert.equal(stored.contact.custom_attributes?.[`plan_${tag}`], undefined, 'a refused form stores nothing');
      await box.getByLabel(names[1], { exact: true }).fill('12');
      await button(box, 'Guardar atributos').click();
      await box.getByRole('status').filter({ hasText: 'Atributos guardados.' }).waitFor();
      stored = await api(agent, 'contacts/get', { id: contactId });
      assert.equal(stored.contact.custom_attributes[`plan_${tag}`], 'pro');
      assert.equal(stored.contact.custom_attributes[`pedidos_${tag}`], 12);
      await agent.reload();
      await waitForHydration(agent);
      await agent.waitForFunction((name) => {
        const field = [...document.querySelectorAll('label')].find((l) => l.textContent === name);
        return field && document.getElementById(field.htmlFor)?.value === 'pro';
      }, names[0]);
      assert.equal(await box.getByLabel(names[1], { exact: true }).inputValue(), '12');
      assert.deepEqual(await axeViolations(agent), [], 'the contact page with its attributes');

      // Beside the chat (over it on a phone).
      const list = await openConversationList(agent);
      await list.getByRole('link').first().click();
      await waitForPath(agent, /^\/conversations\/\d+$/);
      conversationId = Number(new URL(agent.url()).pathname.split('/').pop());
      if (vp.name === 'phone') {
        await agent.getByRole('button', { name: 'Más acciones', exact: true }).click();
        await button(agent, 'Detalles de la conversación').click();
      }
      const panel = agent.getByRole('complementary').getByRole('region', { name: 'Atributos', exact: true });
      await panel.getByLabel(names[2], { exact: true }).fill(`A-${tag}`);
      await button(panel, 'Guardar atributos').click();
      await panel.getByRole('status').filter({ hasText: 'Atributos guardados.' }).waitFor();
      assert.deepEqual(await axeViolations(agent), [], 'the conversation with its attributes');
      const detail = await api(agent, 'conversations/get', { id: conversationId });
      assert.equal(detail.custom_attributes[`pedido_${tag}`], `A-${tag}`);
      if (vp.name === 'phone') {
        await button(agent, 'Volver a los mensajes').click();
        await panel.waitFor({ state: 'hidden' });
      }
      await agent.reload();
      await waitForHydration(agent);
      if (vp.name === 'phone') {
        await agent.getByRole('button', { name: 'Más acciones', exact: true }).click();
        await button(agent, 'Detalles de la conversación').click();
      }
      await agent.waitForFunction((name) => {
        const field = [...document.querySelectorAll('aside label')].find((l) => l.textContent === name);
        return field && document.getElementById(field.htmlFor)?.value.startsWith('A-');
      }, names[2]);
      // Removal asks first; the field goes from the forms.
      const remove = section.getByRole('button', { name: `Eliminar atributo ${names[0]}`, exact: true });
      await remove.click();
      await button(section, 'Sí, eliminar').click();
      await remove.waitFor({ state: 'detached' });
      await agent.goto(new URL(href, BASE_URL).toString());
      await waitForHydration(agent);
      await box.getByLabel(names[1], { exact: true }).waitFor();
      assert.equal(await box.getByLabel(names[0], { exact: true }).count(), 0);
    } finally {
      // Values and definitions go, so runs on one database do not pile them up.
      if (contactId) await api(agent, 'contacts/attributes', { id: contactId, values: { [`plan_${tag}`]: null, [`pedidos_${tag}`]: null } });
      if (conversationId) await api(agent, 'conversations/attributes', { id: conversationId, values: { [`pedido_${tag}`]: null } });
      for (const name of names) {
        const remove = admin.getByRole('button', { name: `Eliminar atributo ${name}`, exact: true });
        if (await remove.count()) {
          await remove.click();
          await button(admin, 'Sí, eliminar').click();
          await remove.waitFor({ state: 'detached' });
        }
      }
      await admin.context().close();
      await agent.context().close();
    }
  });
}
