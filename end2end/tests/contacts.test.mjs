// Contacts end to end: the save rule (no email and no phone → refused, nothing saved),
// saving with a phone, search by an accent-free fragment and by a phone fragment typed
// in another format, details with history, Nueva conversación through the email inbox
// and through the WhatsApp inbox (a template with variables and its live preview),
// deletion by an administrator (and not offered to an agent). Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  signedInPage,
  waitForHydration,
  waitForPath,
  sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

async function openContacts(page) {
  await page.goto(`${BASE_URL}/contacts`);
  await waitForHydration(page);
}

/** Types into the search box and waits for the debounced search to land in the address. */
async function searchFor(page, text) {
  await page.getByLabel('Buscar contactos', { exact: true }).fill(text);
  await page.waitForURL((url) => new URL(url).searchParams.get('q') === text.trim());
}

/** The first visible element with this text (a phone hides the list behind the chat). */
const visibleText = (page, text) => page.getByText(text).filter({ visible: true }).first();

const contactLink = (page, name) =>
  page.getByRole('link', { name, exact: true }).filter({ visible: true }).first();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] contacts: save rule, search, history, new conversations, deletion`, { timeout: 180_000 }, async () => {
    const tag = `${Date.now() % 100000}`.padStart(5, '0');
    const name = `Íñigo Peña ${vp.name} ${tag}`;
    // A Spanish mobile number unique to this run: 6 and eight digits.
    const digits = `6${tag}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
    const typed = `${digits.slice(0, 3)} ${digits.slice(3, 5)} ${digits.slice(5, 7)} ${digits.slice(7)}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    try {
      // S9: neither email nor phone → the shared rule answers at once; nothing saved.
      await openContacts(admin);
      await button(admin, 'Nuevo contacto').click();
      await admin.getByLabel('Nombre', { exact: true }).fill(name);
      await button(admin, 'Guardar contacto').click();
      await admin.getByRole('alert').filter({ hasText: 'Indica un correo electrónico o un teléfono' }).first().waitFor();
      assert.equal(await admin.getByLabel('Teléfono', { exact: true }).getAttribute('aria-invalid'), 'true');
      await searchFor(admin, tag);
      await visibleText(admin, 'No hay contactos que coincidan.').waitFor();

      // With a phone it is saved, and its page opens.
      await admin.getByLabel('Teléfono', { exact: true }).fill(typed);
      await button(admin, 'Guardar contacto').click();
      await waitForPath(admin, /^\/contacts\/\d+$/);
      const contactUrl = admin.url();
      await admin.getByRole('heading', { level: 1, name }).waitFor();
      await visibleText(admin, `+34${digits}`).waitFor();
      await visibleText(admin, 'Este contacto aún no tiene conversaciones.').waitFor();

      // S8: search without accents, and by a phone fragment in another format.
      await openContacts(admin);
      await searchFor(admin, `inigo pena ${vp.name} ${tag}`);
      await contactLink(admin, name).waitFor();
      await searchFor(admin, `+34 ${digits.slice(0, 3)}-${digits.slice(3, 6)}`);
      await contactLink(admin, name).waitFor();
      await contactLink(admin, name).click();
      await waitForPath(admin, new URL(contactUrl).pathname);
      await waitForHydration(admin);

      // S11 by email: Para is empty (no email yet), filled and validated.
      await button(admin, 'Nueva conversación').click();
      await admin.getByLabel('Bandeja de entrada', { exact: true }).selectOption({ label: 'Soporte por correo' });
      await admin.getByLabel('Para', { exact: true }).fill(`inigo${tag}@`);
      await admin.getByLabel('Asunto', { exact: true }).fill('Tu presupuesto');
      await admin.getByLabel('Mensaje', { exact: true }).fill(`Hola Íñigo, te enviamos el presupuesto ${tag}.`);
      await button(admin, 'Enviar mensaje').click();
      await admin.locator('#nc-to-error').filter({ hasText: 'no es válido' }).waitFor();
      await admin.getByLabel('Para', { exact: true }).fill(`inigo${tag}@example.com`);
      await button(admin, 'Enviar mensaje').click();
      await waitForPath(admin, /^\/conversations\/\d+$/);
      await visibleText(admin, `Hola Íñigo, te enviamos el presupuesto ${tag}.`).waitFor();
      await visibleText(admin, 'Tu presupuesto').waitFor();

      // S11 by WhatsApp: Para prefilled with the phone; a template, its variables, a live preview.
      await admin.goto(contactUrl);
      await waitForHydration(admin);
      await admin.getByRole('link', { name: /Soporte por correo/ }).first().waitFor();
      await button(admin, 'Nueva conversación').click();
      await admin.getByLabel('Bandeja de entrada', { exact: true }).selectOption({ label: 'WhatsApp Ventas' });
      assert.equal(await admin.getByLabel('Para', { exact: true }).inputValue(), `+34${digits}`);
      assert.equal(await admin.getByLabel('Mensaje', { exact: true }).count(), 0, 'no free text for a new WhatsApp conversation');
      await admin.getByLabel('Plantilla', { exact: true }).selectOption({ label: 'seguimiento_pedido (es)' });
      await admin.getByLabel('Variable 1', { exact: true }).fill('Íñigo');
      await button(admin, 'Enviar mensaje').click();
      await admin.locator('#nc-param-2-error').filter({ hasText: 'obligatorio' }).waitFor();
      await admin.getByLabel('Variable 2', { exact: true }).fill(`P-${tag}`);
      const preview = admin.getByRole('region', { name: 'Vista previa' });
      await preview.filter({ hasText: `Hola Íñigo, tu pedido P-${tag} ya está en camino.` }).waitFor();
      await button(admin, 'Enviar mensaje').click();
      await waitForPath(admin, /^\/conversations\/\d+$/);
      const whatsappConversation = admin.url();
      await visibleText(admin, `Hola Íñigo, tu pedido P-${tag} ya está en camino.`).waitFor();
      await visibleText(admin, 'Plantilla: seguimiento_pedido').waitFor();

      // S10: the history lists both, newest first; a row opens its conversation.
      await admin.goto(contactUrl);
      await waitForHydration(admin);
      const rows = admin.locator('.history-list li');
      await rows.nth(1).waitFor();
      assert.match(await rows.nth(0).innerText(), /WhatsApp Ventas/);
      assert.match(await rows.nth(1).innerText(), /Soporte por correo/);
      await rows.nth(0).getByRole('link').click();
      await waitForPath(admin, new URL(whatsappConversation).pathname);

      // An agent sees the contact but is not offered deletion.
      await lucia.goto(contactUrl);
      await waitForHydration(lucia);
      await lucia.getByRole('heading', { level: 1, name }).waitFor();
      await button(lucia, 'Nueva conversación').waitFor();
      assert.equal(await lucia.getByRole('button', { name: 'Eliminar contacto' }).count(), 0);

      // S13: the administrator deletes it, typing the name; its conversations are gone.
      await admin.goto(contactUrl);
      await waitForHydration(admin);
      await button(admin, 'Eliminar contacto').click();
      const confirmButton = button(admin, 'Eliminar definitivamente');
      assert.equal(await confirmButton.isDisabled(), true);
      await admin.getByLabel(`Escribe «${name}» para confirmar`).fill(name);
      await confirmButton.click();
      await waitForPath(admin, '/contacts');
      await searchFor(admin, tag);
      await visibleText(admin, 'No hay contactos que coincidan.').waitFor();
      await admin.goto(whatsappConversation);
      await waitForHydration(admin);
      await admin.getByRole('alert').filter({ hasText: 'No se encontró' }).first().waitFor();
    } finally {
      await admin.context().close();
      await lucia.context().close();
    }
  });
}
