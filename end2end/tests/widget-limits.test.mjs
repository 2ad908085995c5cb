// The widget past a limit: the visitor reads how long to wait, in her language, and
// what she typed stays in the box; once the wait is over the same message goes.
// The server's limits themselves are tested in server/tests/api/widget_limits.rs (the
// browser suite shares one address, so it cannot spend a real limit without slowing
// every other test): here the first send is answered exactly as the server answers a
// throttled one (429, Retry-After, the error's JSON).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, VIEWPORTS, button, newPage, signedInPage, DEMO, waitForHydration, sharedBrowser, widgetUrl } from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a throttled visitor is told how long to wait and keeps her message`, { timeout: 90_000 }, async () => {
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const visitor = await newPage(browser(), vp);
    try {
      const url = await widgetUrl(admin);
      let throttled = 0;
      await visitor.route('**/api/widget/send', async (route) => {
        if (throttled > 0) return route.continue();
        throttled += 1;
        await route.fulfill({
          status: 429,
          headers: { 'content-type': 'application/json', 'retry-after': '12' },
          body: JSON.stringify({ RateLimited: { retry_after_secs: 12 } }),
        });
      });
      await visitor.goto(url);
      await waitForHydration(visitor);
      const text = `Hola, ¿hay alguien? (${vp.name} ${Date.now() % 100000})`;
      const box = visitor.getByLabel('Mensaje', { exact: true });
      await box.fill(text);
      await button(visitor, 'Enviar').click();
      const alert = visitor.getByRole('alert').filter({ hasText: 'Demasiados intentos en poco tiempo' });
      await alert.waitFor();
      assert.match(await alert.innerText(), /dentro de 12 s/);
      assert.equal(await box.inputValue(), text, 'nothing she typed is lost');
      // Later, the same message goes (the real server answers now).
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(text).waitFor();
      assert.equal(throttled, 1);
    } finally {
      await visitor.context().close();
      await admin.context().close();
    }
  });
}
