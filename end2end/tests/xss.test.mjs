// Hostile content through every channel, into the agent's and the visitor's views:
// script payloads as a website visitor's name, message and file name; as a WhatsApp
// customer's profile name and message (a signed webhook); as an email's sender name,
// subject, text and HTML (through the real SMTP and IMAP servers); and as the agent's
// reply, seen by the visitor. Every payload must show as text and nothing may run:
// no dialog opens, no marker is set, no element carries an event handler or a
// `javascript:` link, and no page reports a Content-Security-Policy violation of its
// own. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { BASE_URL, DEMO, VIEWPORTS, button, newPage, signedInPage, waitForHydration, sharedBrowser } from './helpers.mjs';
import { GRAPH, sign } from './fake-graph.mjs';

const browser = sharedBrowser();
const SMTP_PORT = 2525;
const IMAP_PORT = 1143;
const MAIL_PASSWORD = 'secreto';

// Each payload tries to set window.__xss or open a dialog.
const PAYLOADS = [
  '<img src=x onerror="window.__xss=1;alert(1)">',
  '<script>window.__xss=1;alert(1)</script>',
  '"><svg onload="window.__xss=1;alert(1)">',
  '<a href="javascript:window.__xss=1;alert(1)">pulsa</a>',
  '<iframe srcdoc="<script>parent.__xss=1;parent.alert(1)</script>"></iframe>',
  '<details open ontoggle="window.__xss=1;alert(1)">x</details>',
];
const TEXT = PAYLOADS.join(' ');
const HOSTILE_NAME = (tag) => `Eva <img src=x onerror=alert(1)> ${tag}`;

/** Records dialogs and the page's own CSP violations, from the first navigation on. */
async function armed(page) {
  page.dialogs = [];
  page.on('dialog', async (dialog) => {
    page.dialogs.push(dialog.message());
    await dialog.dismiss().catch(() => {});
  });
  await page.context().addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return page;
}

/** Nothing ran and nothing active was put in the page. */
async function assertInert(page, where) {
  const state = await page.evaluate(() => ({
    xss: window.__xss,
    csp: window.__csp || [],
    handlers: [...document.querySelectorAll('*')]
      .filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name)))
      .map((el) => el.outerHTML.slice(0, 120)),
    scriptLinks: [...document.querySelectorAll('a[href], iframe[src]')]
      .map((el) => el.getAttribute('href') || el.getAttribute('src'))
      .filter((href) => /^\s*javascript:/i.test(href)),
  }));
  assert.equal(state.xss, undefined, `${where}: a payload ran`);
  assert.deepEqual(page.dialogs, [], `${where}: a dialog opened`);
  assert.deepEqual(state.handlers, [], `${where}: elements with event handlers`);
  assert.deepEqual(state.scriptLinks, [], `${where}: javascript: links`);
  assert.deepEqual(state.csp, [], `${where}: Content-Security-Policy violations`);
}

async function cookieOf(page) {
  const cookies = await page.context().cookies(BASE_URL);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

/** Calls a JSON server function as the signed-in `page` would. */
async function call(page, endpoint, body) {
  const res = await fetch(`${BASE_URL}/api/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: await cookieOf(page) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${endpoint}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Hands a raw message to the SMTP server on loopback (a few raw commands). */
function deliverMail(from, to, raw) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(SMTP_PORT, '127.0.0.1');
    const script = [`EHLO tests.example\r\n`, `MAIL FROM:<${from}>\r\n`, `RCPT TO:<${to}>\r\n`, 'DATA\r\n', `${raw}\r\n.\r\n`, 'QUIT\r\n'];
    let buffer = '';
    socket.setTimeout(10_000, () => { socket.destroy(); reject(new Error('SMTP timed out')); });
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      // One command per reply line that is complete (the last line of a reply has a space after the code).
      while (/^\d{3} .*\r\n/m.test(buffer)) {
        const line = buffer.match(/^\d{3} .*\r\n/m)[0];
        buffer = buffer.slice(buffer.indexOf(line) + line.length);
        if (/^[45]/.test(line)) { socket.destroy(); return reject(new Error(`SMTP: ${line}`)); }
        const next = script.shift();
        if (next) socket.write(next); else socket.end();
      }
    });
    socket.on('end', resolve);
    socket.on('error', reject);
  });
}

async function openConversation(page, vp, who) {
  await page.goto(`${BASE_URL}/conversations?tab=all&status=open`);
  await waitForHydration(page);
  const row = page.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').filter({ hasText: who });
  await row.first().waitFor({ timeout: 60_000 });
  await row.first().click();
  await page.locator('.message-list').waitFor();
  return row;
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] script payloads through every channel stay text`, { timeout: 240_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const admin = await armed(await newPage(browser(), vp));
    const visitor = await armed(await newPage(browser(), vp));
    try {
      await admin.goto(`${BASE_URL}/login`);
      await waitForHydration(admin);
      await admin.getByLabel('Correo electrónico', { exact: true }).fill(DEMO.admin.email);
      await admin.getByLabel('Contraseña', { exact: true }).fill(DEMO.admin.password);
      await button(admin, 'Iniciar sesión').click();
      await admin.waitForURL((url) => url.pathname !== '/login');
      await waitForHydration(admin);

      // --- Website chat: the visitor's name, message and a file name.
      await admin.goto(`${BASE_URL}/settings`);
      await waitForHydration(admin);
      const link = admin.getByRole('link', { name: 'Abrir la página de chat' }).first();
      const widget = new URL(await link.getAttribute('href'), BASE_URL).toString();
      await visitor.goto(widget);
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(HOSTILE_NAME(tag));
      await visitor.getByLabel('Mensaje', { exact: true }).fill(TEXT);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(PAYLOADS[0], { exact: false }).first().waitFor();
      await visitor.getByLabel('Adjuntar archivos', { exact: true }).setInputFiles({
        name: '<img src=x onerror=alert(1)>.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
      });
      await visitor.getByLabel('Mensaje', { exact: true }).fill(`archivo ${tag}`);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(`archivo ${tag}`).waitFor();
      await assertInert(visitor, 'widget after sending');

      await openConversation(admin, vp, tag);
      const chat = admin.locator('.message-list');
      for (const payload of PAYLOADS) await chat.getByText(payload, { exact: false }).first().waitFor();
      // The stored name loses `<`, `>` and the like (storage::clean_file_name).
      await chat.getByText('img src=x onerror=alert(1).pdf', { exact: false }).first().waitFor();
      await admin.getByRole('heading', { level: 2 }).filter({ hasText: `onerror=alert(1)> ${tag}` }).waitFor();
      await assertInert(admin, 'agent: web chat conversation');

      // --- The agent's reply, in the visitor's widget.
      const composer = admin.getByLabel('Mensaje', { exact: true });
      await composer.fill(`Respuesta ${tag}: ${TEXT}`);
      await composer.press('Enter');
      const reply = visitor.getByRole('log').getByRole('listitem').filter({ hasText: `Respuesta ${tag}` }).first();
      await reply.waitFor();
      assert.ok((await reply.innerText()).includes(PAYLOADS[1]), 'the reply shows as text');
      await assertInert(visitor, 'widget: agent reply');

      // The contact page shows the hostile name as text. An anonymous visitor is not in
      // Todos los contactos (no email or phone, S9): her page opens from the conversation.
      await openConversation(admin, vp, tag);
      // (On a phone the contact panel is folded away: its link's address is followed.)
      const contactHref = await admin.locator('.contact-panel a').first().getAttribute('href');
      await admin.goto(new URL(contactHref, BASE_URL).toString());
      await waitForHydration(admin);
      await admin.getByRole('heading').filter({ hasText: `onerror=alert(1)> ${tag}` }).first().waitFor();
      await assertInert(admin, 'agent: contact page');

      // --- WhatsApp: a signed webhook with a hostile profile name and message.
      const waInbox = await call(admin, 'team/create_inbox', { name: `WhatsApp XSS ${tag}`, channel: 'whatsapp' });
      await call(admin, 'team/save_whatsapp', {
        id: waInbox,
        settings: {
          phone_number_id: GRAPH.phoneNumberId, business_account_id: GRAPH.wabaId, api_base_url: 'http://127.0.0.1:9',
          api_version: GRAPH.version, access_token: GRAPH.token, app_secret: GRAPH.appSecret, verify_token: GRAPH.verifyToken,
        },
      });
      const waId = `3467${String(Date.now()).slice(-7)}${vp.name === 'phone' ? 1 : 2}`;
      const payload = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: GRAPH.wabaId, changes: [{ field: 'messages', value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '34900000000', phone_number_id: GRAPH.phoneNumberId },
          contacts: [{ profile: { name: `WA ${HOSTILE_NAME(tag)}` }, wa_id: waId }],
          messages: [{ from: waId, id: `wamid.xss.${tag}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: TEXT } }],
        } }] }],
      });
      const hook = await fetch(`${BASE_URL}/webhooks/whatsapp/${waInbox}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(payload) },
        body: payload,
      });
      assert.equal(hook.status, 200);
      await openConversation(admin, vp, `WA Eva`);
      for (const p of PAYLOADS) await admin.locator('.message-list').getByText(p, { exact: false }).first().waitFor();
      await assertInert(admin, 'agent: WhatsApp conversation');

      // --- Email: hostile sender name, subject, text and HTML, through SMTP and IMAP.
      const support = `xss.${tag}@charla.test`;
      const customer = `cliente.xss.${tag}@example.org`;
      const mailInbox = await call(admin, 'team/create_inbox', { name: `Correo XSS ${tag}`, channel: 'email' });
      await call(admin, 'team/save_email', {
        id: mailInbox,
        settings: {
          from_name: 'Soporte', from_address: support,
          smtp: { host: '127.0.0.1', port: SMTP_PORT, security: 'none', user: '' }, smtp_password: '',
          imap: { host: '127.0.0.1', port: IMAP_PORT, security: 'none', user: support },
          imap_password: MAIL_PASSWORD, imap_mailbox: 'INBOX', poll_interval_secs: 10,
        },
      });
      const html = `<p>Hola</p>${PAYLOADS.join('')}<form action="https://evil.example"><input name=q></form><a href="javascript:alert(1)">x</a><img src="https://tracker.example/p.gif">`;
      const raw = [
        `From: "Mail <img src=x onerror=alert(1)> ${tag}" <${customer}>`,
        `To: ${support}`,
        `Subject: <script>alert(1)</script> asunto ${tag}`,
        `Message-ID: <xss.${tag}@example.org>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        TEXT,
        '--b',
        'Content-Type: text/html; charset=utf-8',
        '',
        html,
        '--b--',
      ].join('\r\n');
      await deliverMail(customer, support, raw);
      await openConversation(admin, vp, `Mail`);
      for (const p of PAYLOADS) await admin.locator('.message-list').getByText(p, { exact: false }).first().waitFor();
      // The HTML version opens in a sandboxed frame; nothing in it may run either.
      await admin.getByRole('button', { name: 'Ver el correo original' }).first().click();
      const frame = admin.frameLocator('.email-html iframe');
      await frame.getByText('Hola').first().waitFor();
      // Sandboxed without scripts or same-origin; a link it opens stays sandboxed too.
      const sandbox = await admin.locator('.email-html iframe').first().getAttribute('sandbox');
      assert.deepEqual(sandbox.trim().split(/\s+/), ['allow-popups']);
      await assertInert(admin, 'agent: email conversation with its HTML open');
    } finally {
      await admin.context().close();
      await visitor.context().close();
    }
  });
}
