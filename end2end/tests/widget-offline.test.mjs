// When nobody answers a website visitor (issue 31), in real Chromium on a desktop and a
// phone viewport, against the real mail servers on loopback: an administrator sets a
// new web chat inbox's reply time and the email inbox that mails unread replies (in
// the inbox's card in Ajustes); the visitor's widget says nobody is available and when
// the team usually replies; after her message it asks for her email (a bad one gets a
// clear error); she leaves it and goes; the agent's reply reaches her mailbox, and the
// agent sees a line saying it was mailed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { AxeBuilder } from '@axe-core/playwright';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, api, button, newPage, openConversationList, signedInPage, waitForHydration, sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();
const SMTP_PORT = 2525;
const IMAP_PORT = 1143;
const PASSWORD = 'secreto';

/** The raw INBOX of `user` over IMAP (headers and text of every message). */
function mailbox(user) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(IMAP_PORT, '127.0.0.1');
    let data = '';
    let sent = false;
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error('IMAP timed out')); });
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (!sent && data.includes('* OK')) {
        sent = true;
        socket.write(`a1 LOGIN "${user}" "${PASSWORD}"\r\na2 SELECT INBOX\r\na3 FETCH 1:* (BODY.PEEK[])\r\na4 LOGOUT\r\n`);
      }
      if (/^a4 OK/m.test(data)) socket.end();
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

/** The raw mailbox with its quoted-printable and base64 parts decoded beside it. */
function readable(raw) {
  const qp = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const b64 = [...raw.matchAll(/\r\n\r\n([A-Za-z0-9+/=\r\n]{24,})/g)]
    .map((m) => Buffer.from(m[1].replace(/\r?\n/g, ''), 'base64').toString('utf8'));
  return [raw, qp, ...b64].join('\n');
}

async function waitForMail(user, text) {
  for (let i = 0; i < 150; i += 1) {
    const raw = readable(await mailbox(user));
    if (raw.includes(text)) return raw;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail with "${text}" in ${user}'s mailbox`);
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a visitor nobody answers leaves her email and the reply reaches her mailbox`, { timeout: TEST_TIMEOUT * 2 }, async () => {
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const visitor = await newPage(browser(), vp);
    const tag = `${vp.name}${Date.now() % 100000}`;
    const webName = `Tienda ${tag}`;
    const mailName = `Correo ${tag}`;
    const support = `soporte.${tag}@charla.test`;
    const customer = `nerea.${tag}@example.org`;
    try {
      await api(admin, 'team/create_inbox', { name: webName, channel: 'web_chat' });
      const mailInbox = await api(admin, 'team/create_inbox', { name: mailName, channel: 'email' });
      await api(admin, 'team/save_email', { id: mailInbox, settings: {
        from_name: 'Soporte Tienda', from_address: support,
        smtp: { host: '127.0.0.1', port: SMTP_PORT, security: 'none', user: '' }, smtp_password: '',
        imap: { host: '127.0.0.1', port: IMAP_PORT, security: 'none', user: support },
        imap_password: PASSWORD, imap_mailbox: 'INBOX', poll_interval_secs: 60 } });

      // Ajustes: the web chat's reply time and the email inbox for unread replies.
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      const card = admin.locator('.inbox-card').filter({ has: admin.getByRole('heading', { name: new RegExp(`^${webName}`) }) });
      await card.getByText('Cuando no hay nadie', { exact: true }).click();
      const reply = card.getByLabel('Tiempo de respuesta habitual');
      await admin.waitForFunction((el) => !el.disabled, await reply.elementHandle());
      await reply.selectOption({ label: 'En unas horas' });
      assert.equal(await card.getByLabel('Pedir su correo al visitante cuando no hay nadie en línea').isChecked(), true, 'asked by default');
      await card.getByLabel('Enviar por correo las respuestas no leídas a través de').selectOption({ label: mailName });
      await button(card, 'Guardar ajustes sin conexión').click();
      await card.getByRole('status').filter({ hasText: 'Ajustes sin conexión guardados.' }).waitFor();

      // The visitor: nobody of this new inbox is online.
      await admin.goto(`${BASE_URL}/settings`);
      await waitForHydration(admin);
      const widget = new URL(
        await admin.getByRole('heading', { name: webName, exact: true }).locator('..').getByRole('link', { name: 'Abrir la página de chat' }).getAttribute('href'),
        BASE_URL,
      ).toString();
      await visitor.goto(widget);
      await waitForHydration(visitor);
      await visitor.getByText('Ahora no hay nadie disponible: déjanos tu mensaje y te responderemos.').waitFor();
      await visitor.getByText('Normalmente respondemos en unas horas.').waitFor();
      const who = `Nerea ${tag}`;
      await visitor.getByLabel('Nombre', { exact: true }).fill(who);
      await visitor.getByLabel('Mensaje', { exact: true }).fill('¿Tenéis la talla 42?');
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText('¿Tenéis la talla 42?').waitFor();

      // Asked for her email; a bad one is refused with a clear message.
      const capture = visitor.getByRole('form', { name: 'Recibir la respuesta por correo' });
      await capture.waitFor();
      await capture.getByLabel('Tu correo para la respuesta').fill('nerea-en-ningun-sitio');
      await capture.getByRole('button', { name: 'Avisarme por correo' }).click();
      await capture.getByRole('alert').waitFor();
      // The widget with the card and its error passes axe (WCAG 2.1 A/AA).
      const axe = await new AxeBuilder({ page: visitor }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious.map((v) => v.id), [], 'no serious or critical violations');
      await capture.getByLabel('Tu correo para la respuesta').fill(customer);
      await capture.getByRole('button', { name: 'Avisarme por correo' }).click();
      await visitor.getByRole('status').filter({ hasText: `Si te vas, te escribiremos a ${customer}.` }).waitFor();
      assert.equal(await capture.count(), 0, 'not asked again');
      await visitor.close(); // she leaves

      // The agent answers; the reply reaches her mailbox.
      const list = await openConversationList(admin);
      const row = list.getByRole('link').filter({ hasText: who }).first();
      await row.waitFor();
      await row.click();
      await admin.getByRole('heading', { name: who, level: 2 }).waitFor();
      const answer = `Si, nos quedan dos pares ${tag}.`;
      const composer = admin.getByLabel('Mensaje', { exact: true });
      await composer.fill(answer);
      await composer.press('Enter');
      const raw = await waitForMail(customer, answer);
      assert.match(raw, new RegExp(`Subject: Nueva respuesta de ${webName}`));
      assert.match(raw, new RegExp(`From: "Soporte Tienda" <${support.replace(/\./g, '\\.')}>`));
      await admin.getByText(`las respuestas que no leyó se le enviaron por correo a ${customer}`, { exact: false })
        .filter({ visible: true }).first().waitFor();
    } finally {
      await visitor.context().close();
      await admin.context().close();
    }
  });
}
