// The website chat as customers' sites embed it (C1), desktop and phone.
//
// A host page on another origin (`localhost:<port>`, Charla on 127.0.0.1:3000) pastes
// the snippet from Ajustes. Chromium's third-party storage is denied to the chat frame
// (as Chromium does with third-party cookies blocked, and as Safari and Firefox
// partition it): the visitor writes (Enter sends), gets an answer, and after the host
// page navigates and reloads the widget still holds her conversation. A visitor who
// types another customer's email gets nothing of that customer's conversation and puts
// nothing into it. A host that passes a verified identity (HMAC of the identifier under
// the inbox's identity secret) gets the same history on a second browser; a forged
// hash gets none of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  newPage,
  signedInPage,
  waitForHydration,
  sharedBrowser,
} from './helpers.mjs';
import { CHARLA_ORIGIN, embedSnippet, hostSite, openChat, visitorPage } from './embed-helpers.mjs';

const browser = sharedBrowser();

/** Lucía answers the newest conversation of `name` in Sin asignar. */
async function answer(lucia, name, text) {
  await lucia.goto(`${BASE_URL}/conversations?tab=all&status=open`);
  await waitForHydration(lucia);
  await lucia.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').filter({ hasText: name }).first().click();
  await lucia.getByRole('heading', { name, level: 2 }).waitFor();
  const composer = lucia.getByLabel('Mensaje', { exact: true });
  await composer.fill(text);
  await composer.press('Enter');
  await lucia.locator('.message.outgoing').filter({ hasText: text }).first().waitFor();
}

const log = (frame) => frame.getByRole('log');

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] embedded on another origin with third-party storage denied, the visitor keeps her conversation`, { timeout: 150_000 }, async () => {
    const n = `${vp.name}-${Date.now() % 100000}`;
    const name = `Cliente embebida ${n}`;
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    const host = await hostSite(await embedSnippet(lucia));
    const visitor = await visitorPage(browser(), vp);
    try {
      await visitor.goto(`${host.url}/`);
      let frame = await openChat(visitor);
      // The frame really is denied its own storage.
      const denied = await visitor.frames().find((f) => f.url().startsWith(CHARLA_ORIGIN))
        .evaluate(() => { try { window.localStorage; return false; } catch (e) { return e.name === 'SecurityError'; } });
      assert.equal(denied, true, 'the frame must run with its storage denied');

      await frame.getByLabel('Nombre', { exact: true }).fill(name);
      const box = frame.getByLabel('Mensaje', { exact: true });
      await box.fill(`Hola, escribo desde la tienda ${n}`);
      await box.press('Enter');
      await log(frame).getByText(`Hola, escribo desde la tienda ${n}`).waitFor();
      assert.equal(await box.inputValue(), '', 'Enter sends and empties the box');
      await frame.getByRole('status').filter({ hasText: 'Conectado' }).waitFor();
      // Shift+Enter is a new line, not a send.
      await box.fill('línea uno');
      await box.press('Shift+Enter');
      assert.equal(await box.inputValue(), 'línea uno\n');
      await box.fill('');

      await answer(lucia, name, `Respuesta para ${n}`);
      await log(frame).getByText(`Respuesta para ${n}`).waitFor();

      // The host page navigates, then reloads: the conversation is still there.
      await visitor.getByRole('link', { name: 'Otra página' }).click();
      await visitor.waitForURL(`${host.url}/otra`);
      frame = await openChat(visitor);
      await log(frame).getByText(`Respuesta para ${n}`).waitFor();
      await log(frame).getByText(`Hola, escribo desde la tienda ${n}`).waitFor();
      assert.equal(await frame.getByLabel('Nombre', { exact: true }).count(), 0, 'no pre-chat form for a known visitor');

      await visitor.reload();
      frame = await openChat(visitor);
      await log(frame).getByText(`Respuesta para ${n}`).waitFor();
      // She writes again: it joins the same conversation, which Lucía sees.
      await frame.getByLabel('Mensaje', { exact: true }).fill(`Sigo aquí ${n}`);
      await frame.getByLabel('Mensaje', { exact: true }).press('Enter');
      await log(frame).getByText(`Sigo aquí ${n}`).waitFor();
      await lucia.locator('.message.incoming').filter({ hasText: `Sigo aquí ${n}` }).first().waitFor();
      assert.equal(await log(frame).getByRole('listitem').filter({ hasText: `Respuesta para ${n}` }).count(), 1);
    } finally {
      await visitor.context().close();
      await lucia.context().close();
      await host.close();
    }
  });

  test(`[${vp.name}] a typed email is a claim: an impostor gets nothing of the customer's conversation`, { timeout: 150_000 }, async () => {
    const n = `${vp.name}-${Date.now() % 100000}`;
    const email = `cliente-${n}@example.com`;
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    const customer = await newPage(browser(), vp);
    const impostor = await newPage(browser(), vp);
    try {
      await lucia.goto(`${BASE_URL}/settings`);
      const link = lucia.getByRole('link', { name: 'Abrir la página de chat' }).first();
      const url = new URL(await link.getAttribute('href'), BASE_URL).toString();

      await customer.goto(url);
      await waitForHydration(customer);
      await customer.getByLabel('Nombre', { exact: true }).fill(`Clienta ${n}`);
      await customer.getByLabel('Correo electrónico (opcional)', { exact: true }).fill(email);
      await customer.getByLabel('Mensaje', { exact: true }).fill(`Mi pedido ${n} no llega`);
      await button(customer, 'Enviar').click();
      await log(customer).getByText(`Mi pedido ${n} no llega`).waitFor();
      await answer(lucia, `Clienta ${n}`, `Tu pedido ${n} sale mañana, clave 4321`);
      await log(customer).getByText('clave 4321').waitFor();

      // Someone else types the same name and email.
      await impostor.goto(url);
      await waitForHydration(impostor);
      await impostor.getByLabel('Nombre', { exact: true }).fill(`Clienta ${n}`);
      await impostor.getByLabel('Correo electrónico (opcional)', { exact: true }).fill(email);
      await impostor.getByLabel('Mensaje', { exact: true }).fill(`Soy yo, dime la clave ${n}`);
      await button(impostor, 'Enviar').click();
      await log(impostor).getByText(`Soy yo, dime la clave ${n}`).waitFor();
      await impostor.getByRole('status').filter({ hasText: 'Conectado' }).waitFor();
      await impostor.reload();
      await waitForHydration(impostor);
      await log(impostor).getByText(`Soy yo, dime la clave ${n}`).waitFor();
      assert.equal(await log(impostor).getByText('clave 4321').count(), 0, 'the impostor sees the customer\'s conversation');

      // The customer writes again: it stays in her conversation, never reaching the impostor.
      await customer.getByLabel('Mensaje', { exact: true }).fill(`Gracias ${n}`);
      await button(customer, 'Enviar').click();
      await log(customer).getByText(`Gracias ${n}`).waitFor();
      await customer.waitForTimeout(1000);
      assert.equal(await log(impostor).getByText(`Gracias ${n}`).count(), 0);
      assert.equal(await log(customer).getByText(`Soy yo, dime la clave ${n}`).count(), 0, 'the impostor wrote into the customer\'s conversation');

      // The agent sees two conversations; the impostor's is marked unverified on its contact.
      await lucia.goto(`${BASE_URL}/conversations?tab=all&status=open`);
      await waitForHydration(lucia);
      const rows = lucia.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').filter({ hasText: `Clienta ${n}` });
      await rows.nth(1).waitFor();
      assert.equal(await rows.count(), 2);
    } finally {
      await customer.context().close();
      await impostor.context().close();
      await lucia.context().close();
    }
  });

  test(`[${vp.name}] a verified identity continues on a second browser; a forged one does not`, { timeout: 150_000 }, async () => {
    const n = `${vp.name}-${Date.now() % 100000}`;
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const snippet = await embedSnippet(admin);
    await admin.goto(`${BASE_URL}/settings/team`);
    await waitForHydration(admin);
    // The web chat's card (API inboxes other tests made have a key of their own).
    const card = admin.locator('.inbox-card').filter({ has: admin.getByRole('heading', { name: /· Chat web$/ }) }).first();
    await button(card, 'Mostrar clave').click();
    const secret = await card.getByLabel('Clave de verificación', { exact: true }).inputValue();
    assert.ok(secret.length >= 32, 'an identity secret is shown');
    const identifier = `socio-${n}`;
    const hash = createHmac('sha256', secret).update(identifier).digest('hex');
    const host = await hostSite(snippet);
    const laptop = await visitorPage(browser(), vp);
    const phone = await visitorPage(browser(), vp);
    const forger = await visitorPage(browser(), vp);
    const query = (h) => `/?identifier=${encodeURIComponent(identifier)}&identifier-hash=${h}&name=${encodeURIComponent(`Socia ${n}`)}`;
    try {
      await laptop.goto(host.url + query(hash));
      let frame = await openChat(laptop);
      await frame.getByLabel('Mensaje', { exact: true }).fill(`Escribo desde el portátil ${n}`);
      await frame.getByLabel('Mensaje', { exact: true }).press('Enter');
      await log(frame).getByText(`Escribo desde el portátil ${n}`).waitFor();

      // Another browser, nothing stored: the host vouches for the same person.
      await phone.goto(host.url + query(hash));
      frame = await openChat(phone);
      await log(frame).getByText(`Escribo desde el portátil ${n}`).waitFor();
      await frame.getByLabel('Mensaje', { exact: true }).fill(`Y ahora desde el móvil ${n}`);
      await frame.getByLabel('Mensaje', { exact: true }).press('Enter');
      await log(openChatFrame(laptop)).getByText(`Y ahora desde el móvil ${n}`).waitFor();

      // A made-up hash for the same identifier: an anonymous newcomer, no history.
      await forger.goto(host.url + query('00'.repeat(32)));
      frame = await openChat(forger);
      await frame.getByLabel('Nombre', { exact: true }).waitFor();
      await forger.waitForTimeout(1000);
      assert.equal(await log(frame).getByText(`Escribo desde el portátil ${n}`).count(), 0);
    } finally {
      for (const p of [laptop, phone, forger, admin]) await p.context().close();
      await host.close();
    }
  });
}

/** The chat frame of a page where it is already open. */
function openChatFrame(page) {
  return page.frameLocator('iframe[title="Chat"]');
}

