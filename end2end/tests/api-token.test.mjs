// The access token of the Chatwoot-compatible API (issue 30), in real Chromium on a
// desktop and a phone viewport: Mi perfil shows it, copies it to the clipboard, and a
// program calling the API with it (the `api_access_token` header, as Chatwoot's
// clients send it) acts as the agent; regenerating ends the old token at once. A
// program gives a contact its identifier; the contact page shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, TEST_TIMEOUT, VIEWPORTS, button, signedInPage, waitForHydration, sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

/** A program's call, outside the browser: no cookie, only the token. */
async function asProgram(path, token) {
  const res = await fetch(`${BASE_URL}${path}`, { headers: token ? { api_access_token: token } : {} });
  return { status: res.status, body: await res.json() };
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] the API token in Mi perfil: shown, copied, used, regenerated`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await signedInPage(browser(), vp, DEMO.agent);
    try {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
      await page.goto(`${BASE_URL}/settings/profile`);
      await waitForHydration(page);
      await page.getByRole('heading', { name: 'Token de acceso' }).waitFor();
      const field = page.getByRole('textbox', { name: 'Token de acceso' });
      await field.waitFor();
      const token = await field.inputValue();
      assert.match(token, /^[\w-]{32,}$/);
      assert.equal(await field.getAttribute('readonly'), '');

      await button(page, 'Copiar').click();
      await page.getByRole('status').filter({ hasText: 'Token copiado.' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);

      const me = await asProgram('/api/v1/profile', token);
      assert.equal(me.status, 200);
      assert.equal(me.body.email, DEMO.agent.email);
      const none = await asProgram('/api/v1/profile', null);
      assert.equal(none.status, 401);
      const inboxes = await asProgram(`/api/v1/accounts/${me.body.account_id}/inboxes`, token);
      assert.equal(inboxes.status, 200);
      assert.ok(inboxes.body.payload.length >= 1);

      // Regenerate asks first; then the old token is refused at once.
      await button(page, 'Regenerar').click();
      await page.getByText('El token actual dejará de funcionar en el acto.').waitFor();
      await button(page, 'Regenerar el token').click();
      await page.getByRole('status').filter({ hasText: 'Token regenerado; el anterior ya no sirve.' }).waitFor();
      const fresh = await field.inputValue();
      assert.notEqual(fresh, token);
      assert.equal((await asProgram('/api/v1/profile', token)).status, 401);
      assert.equal((await asProgram('/api/v1/profile', fresh)).status, 200);
      // The page shows the same token after a reload.
      await page.reload();
      await waitForHydration(page);
      assert.equal(await page.getByRole('textbox', { name: 'Token de acceso' }).inputValue(), fresh);
    } finally {
      await page.context().close();
    }
  });
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a program gives a contact its own id; the contact page shows it`, { timeout: TEST_TIMEOUT }, async () => {
    const page = await signedInPage(browser(), vp, DEMO.agent);
    try {
      await page.goto(`${BASE_URL}/settings/profile`);
      await waitForHydration(page);
      const token = await page.getByRole('textbox', { name: 'Token de acceso' }).inputValue();
      const me = await asProgram('/api/v1/profile', token);
      const tag = `${vp.name}${Date.now() % 100000}`;
      const res = await fetch(`${BASE_URL}/api/v1/accounts/${me.body.account_id}/contacts`, {
        method: 'POST',
        headers: { api_access_token: token, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Cliente tienda ${tag}`, email: `tienda.${tag}@example.com`, identifier: `shop-${tag}` }),
      });
      assert.equal(res.status, 200);
      const made = await res.json();
      assert.equal(made.payload.contact.identifier, `shop-${tag}`);

      await page.goto(`${BASE_URL}/contacts/${made.payload.contact.id}`);
      await waitForHydration(page);
      const facts = page.locator('.contact-facts');
      await facts.getByText('Identificador en otros sistemas', { exact: true }).waitFor();
      await facts.getByText(`shop-${tag}`, { exact: true }).waitFor();
      // The API's search finds her by it.
      const found = await asProgram(`/api/v1/accounts/${me.body.account_id}/contacts/search?q=shop-${tag}`, token);
      assert.deepEqual(found.body.payload.map((c) => c.id), [made.payload.contact.id]);
    } finally {
      await page.context().close();
    }
  });
}
