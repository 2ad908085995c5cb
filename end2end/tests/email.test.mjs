// Email end to end, against the real mail servers on loopback (OpenSMTPD for SMTP,
// Dovecot for IMAP; started by scripts/mail-servers.sh): an administrator sets up an
// email inbox and tests its IMAP connection; from a contact's page an agent starts a
// conversation through it; the mail is sent and arrives in the customer's mailbox.
// Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { BASE_URL, DEMO, VIEWPORTS, button, signedInPage, waitForHydration, waitForPath, sharedBrowser } from './helpers.mjs';

const browser = sharedBrowser();
const SMTP_PORT = 2525;
const IMAP_PORT = 1143;
const PASSWORD = 'secreto';

/** The headers of every message in `user`'s INBOX, read over IMAP (a few raw commands). */
function mailboxHeaders(user) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(IMAP_PORT, '127.0.0.1');
    let data = '';
    let sent = false;
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error('IMAP timed out')); });
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (!sent && data.includes('* OK')) {
        sent = true;
        socket.write(`a1 LOGIN "${user}" "${PASSWORD}"\r\na2 SELECT INBOX\r\na3 FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM MESSAGE-ID)])\r\na4 LOGOUT\r\n`);
      }
      if (/^a4 OK/m.test(data)) socket.end();
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

async function waitForMail(user, subject) {
  for (let i = 0; i < 100; i += 1) {
    const headers = await mailboxHeaders(user);
    if (headers.includes(`Subject: ${subject}`)) return headers;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail "${subject}" in ${user}'s mailbox`);
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a new conversation through an email inbox reaches the customer's mailbox`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const inboxName = `Correo ${tag}`;
    const support = `soporte.${tag}@charla.test`;
    const customer = `cliente.${tag}@example.org`;
    const subject = `Presupuesto ${tag}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      await admin.getByLabel('Nombre de la bandeja', { exact: true }).fill(inboxName);
      await admin.getByLabel('Canal', { exact: true }).selectOption('email');
      await button(admin, 'Crear bandeja').click();
      const card = admin.locator('.inbox-card').filter({ hasText: inboxName });
      const form = card.getByRole('form', { name: 'Correo electrónico (SMTP e IMAP)' });
      await form.getByLabel('Nombre del remitente').fill('Soporte Tienda Sol');
      await form.getByLabel('Dirección del remitente').fill(support);
      const smtp = form.getByRole('group', { name: 'Envío (SMTP)' });
      await smtp.getByLabel('Servidor').fill('127.0.0.1');
      await smtp.getByLabel('Puerto').fill(String(SMTP_PORT));
      await smtp.getByLabel('Seguridad').selectOption('none');
      const imap = form.getByRole('group', { name: 'Recepción (IMAP)' });
      await imap.getByLabel('Servidor').fill('127.0.0.1');
      await imap.getByLabel('Puerto').fill(String(IMAP_PORT));
      await imap.getByLabel('Seguridad').selectOption('none');
      await imap.getByLabel('Usuario').fill(support);
      await imap.getByLabel('Contraseña').fill(PASSWORD);
      await form.getByRole('button', { name: 'Guardar correo' }).click();
      await form.getByText('Ajustes de correo guardados.').waitFor();
      assert.equal(await imap.getByLabel('Contraseña').inputValue(), '', 'the password is not shown back');
      await imap.getByRole('button', { name: 'Probar conexión IMAP' }).click();
      await form.getByText('Conexión IMAP correcta.').waitFor();

      // A contact with an email; Nueva conversación through the new inbox.
      await admin.goto(`${BASE_URL}/contacts`);
      await waitForHydration(admin);
      await button(admin, 'Nuevo contacto').click();
      await admin.getByLabel('Nombre', { exact: true }).fill(`Cliente ${tag}`);
      await admin.getByLabel('Correo electrónico', { exact: true }).fill(customer);
      await button(admin, 'Guardar contacto').click();
      await waitForPath(admin, /^\/contacts\/\d+$/);
      await waitForHydration(admin);
      await button(admin, 'Nueva conversación').click();
      await admin.getByLabel('Bandeja de entrada', { exact: true }).selectOption({ label: inboxName });
      assert.equal(await admin.getByLabel('Para', { exact: true }).inputValue(), customer);
      await admin.getByLabel('Asunto', { exact: true }).fill(subject);
      await admin.getByLabel('Mensaje', { exact: true }).fill(`Hola, te enviamos el presupuesto ${tag}.`);
      await button(admin, 'Enviar mensaje').click();
      await waitForPath(admin, /^\/conversations\/\d+$/);
      const message = admin.locator('.message.outgoing').filter({ hasText: `te enviamos el presupuesto ${tag}` });
      await message.getByText('Enviado', { exact: true }).waitFor();

      const headers = await waitForMail(customer, subject);
      assert.match(headers, new RegExp(`From: "Soporte Tienda Sol" <${support.replace(/\./g, '\\.')}>`));
      assert.match(headers, /Message-ID: <charla\.\d+\.[0-9a-f]+@charla\.test>/);
    } finally {
      await admin.context().close();
    }
  });
}
