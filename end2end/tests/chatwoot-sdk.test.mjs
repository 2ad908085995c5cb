// A customer's site that embedded Chatwoot keeps Chatwoot's own snippet and changes
// only its base URL and website token: `/packs/js/sdk.js` and `chatwootSDK.run` show
// Charla's chat from another origin (third-party storage denied), `chatwootSettings`
// places and names the launcher, `chatwoot:ready` fires, the page's `$chatwoot.toggle`
// opens and closes it, the visitor writes and the agent reads it; calls Charla does not
// take from a page say so once in the console. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DEMO, VIEWPORTS, signedInPage, waitForHydration, sharedBrowser } from './helpers.mjs';
import { chatwootSnippet, embedSnippet, hostSite, visitorPage } from './embed-helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] Chatwoot's snippet, pointed at Charla, shows Charla's chat`, { timeout: 150_000 }, async () => {
    const n = `${vp.name}-${Date.now() % 100000}`;
    const name = `Cliente de Chatwoot ${n}`;
    const text = `Vengo del widget de Chatwoot ${n}`;
    const lucia = await signedInPage(browser(), vp, DEMO.agent);
    const token = /data-token="([^"]+)"/.exec(await embedSnippet(lucia))[1];
    const host = await hostSite(chatwootSnippet(token));
    const visitor = await visitorPage(browser(), vp);
    const warnings = [];
    visitor.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    try {
      await visitor.goto(`${host.url}/`);
      await visitor.waitForFunction(() => window.__chatwootReady === true && window.$chatwoot?.hasLoaded === true);
      const launcher = visitor.getByRole('button', { name: 'Habla con nosotros', exact: true });
      const box = await launcher.boundingBox();
      assert.ok(box.x + box.width / 2 < vp.width / 2, 'on the left, as chatwootSettings asks');

      await visitor.evaluate(() => window.$chatwoot.toggle('open'));
      const frame = visitor.frameLocator('iframe[title="Habla con nosotros"]');
      await frame.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
      assert.equal(await visitor.evaluate(() => window.$chatwoot.isOpen), true);
      assert.equal(await launcher.getAttribute('aria-expanded'), 'true');
      await frame.getByLabel('Nombre', { exact: true }).fill(name);
      const message = frame.getByLabel('Mensaje', { exact: true });
      await message.fill(text);
      await message.press('Enter');
      await frame.getByRole('log').getByText(text).waitFor();

      await lucia.goto(`${BASE_URL}/conversations?tab=all&status=open`);
      await waitForHydration(lucia);
      await lucia.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').filter({ hasText: name }).first().click();
      await lucia.locator('.message.incoming').filter({ hasText: text }).first().waitFor();
      // She answers (the conversation stops waiting) and the visitor reads it.
      const composer = lucia.getByLabel('Mensaje', { exact: true });
      await composer.fill(`Te respondo desde Charla ${n}`);
      await composer.press('Enter');
      await lucia.locator('.message.outgoing').filter({ hasText: `Te respondo desde Charla ${n}` }).first().waitFor();
      await frame.getByRole('log').getByText(`Te respondo desde Charla ${n}`).waitFor();

      // What a page may not set is refused aloud, once per call name.
      await visitor.evaluate(() => {
        window.$chatwoot.setLocale('en');
        window.$chatwoot.setLocale('en');
        window.$chatwoot.setColorScheme('dark');
      });
      // Console messages reach the test a moment later.
      const count = (call) => warnings.filter((w) => w.includes(call)).length;
      for (let i = 0; i < 100 && (count('setLocale') < 1 || count('setColorScheme') < 1); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(count('setLocale'), 1, warnings.join('\n'));
      assert.equal(count('setColorScheme'), 1, warnings.join('\n'));

      await visitor.evaluate(() => window.$chatwoot.toggle('close'));
      await visitor.locator('iframe[title="Habla con nosotros"]').waitFor({ state: 'hidden' });
      assert.equal(await visitor.evaluate(() => window.$chatwoot.isOpen), false);
      assert.equal(await launcher.getAttribute('aria-expanded'), 'false');
      await visitor.evaluate(() => window.$chatwoot.toggleBubbleVisibility('hide'));
      await launcher.waitFor({ state: 'hidden' });
      await visitor.evaluate(() => window.$chatwoot.toggleBubbleVisibility('show'));
      await launcher.waitFor({ state: 'visible' });

      // Reset (the host's sign-out): the frame and its socket go; the next open is a new,
      // empty chat with nothing of the previous visitor.
      await visitor.evaluate(() => window.$chatwoot.reset());
      assert.equal(await visitor.locator('iframe[title="Habla con nosotros"]').count(), 0);
      await visitor.evaluate(() => window.$chatwoot.toggle('open'));
      const fresh = visitor.frameLocator('iframe[title="Habla con nosotros"]');
      await fresh.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
      await fresh.getByLabel('Nombre', { exact: true }).waitFor();
      assert.equal(await fresh.getByRole('log').getByText(text).count(), 0, 'nothing of the previous visitor');
    } finally {
      await visitor.context().close();
      await lucia.context().close();
      await host.close();
    }
  });
}
