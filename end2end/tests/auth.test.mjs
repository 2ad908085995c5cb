// Sign-in, app shell, language switch and sign-out, on a desktop and a phone viewport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  button,
  DEMO,
  TEST_TIMEOUT,
  VIEWPORTS,
  mainNav,
  openAccountPanel,
  openNavIfCollapsed,
  signIn,
  waitForHydration,
  waitForPath,
  withPage,
  sharedBrowser,
} from './helpers.mjs';

const NAV_ES = ['Conversaciones', 'Contactos', 'Ajustes'];
const NAV_EN = ['Conversations', 'Contacts', 'Settings'];

const browser = sharedBrowser();

/** Signs in as the demo agent and waits for the app shell (hydrated, off /login). */
async function signInAsAgent(page) {
  await signIn(page, DEMO.agent.email, DEMO.agent.password);
  await waitForPath(page, /^(?!\/login$)/);
  await waitForHydration(page);
}

/** Opens the navigation if collapsed and waits for each of `names` as a visible link in it. */
async function expectNavLinks(page, names) {
  await openNavIfCollapsed(page);
  const nav = mainNav(page);
  for (const name of names) {
    await nav.getByRole('link', { name, exact: true }).filter({ visible: true }).first().waitFor();
  }
}

/** Waits for <html lang> to start with `prefix` ("es", "en"), then for hydration. */
async function waitForLang(page, prefix) {
  await page.waitForFunction(
    (p) => (document.documentElement.lang || '').toLowerCase().startsWith(p),
    prefix,
  );
  await waitForHydration(page);
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] wrong password shows an alert and stays on /login`, { timeout: TEST_TIMEOUT }, async () => {
    await withPage(browser(), vp, `${vp.name}-wrong-password`, async (page) => {
      await signIn(page, DEMO.agent.email, 'not-the-password');
      const alert = page
        .getByRole('alert')
        .filter({ hasText: 'Correo o contraseña incorrectos' })
        .first();
      await alert.waitFor({ state: 'visible' });
      assert.match(await alert.innerText(), /Correo o contraseña incorrectos/);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });

  test(`[${vp.name}] repeated wrong passwords are throttled with a clear message`, { timeout: TEST_TIMEOUT }, async () => {
    // An address no agent has: the limit is counted per email typed, so it behaves the
    // same (and locks out no one the other tests sign in as).
    const email = `guess-${vp.name}-${Date.now()}@example.com`;
    await withPage(browser(), vp, `${vp.name}-throttled`, async (page) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        await signIn(page, email, `wrong-${attempt}`);
        await page.getByRole('alert').filter({ hasText: 'Correo o contraseña incorrectos' }).first().waitFor();
      }
      await signIn(page, email, 'wrong-again');
      const alert = page.getByRole('alert').filter({ hasText: 'Demasiados intentos' }).first();
      await alert.waitFor({ state: 'visible' });
      assert.match(await alert.innerText(), /Vuelve a intentarlo dentro de 15 min/);
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });

  test(`[${vp.name}] the demo agent signs in and sees the app shell`, { timeout: TEST_TIMEOUT }, async () => {
    await withPage(browser(), vp, `${vp.name}-sign-in`, async (page) => {
      await signInAsAgent(page);
      assert.notEqual(new URL(page.url()).pathname, '/login');
      await expectNavLinks(page, NAV_ES);
      await openAccountPanel(page);
      await page.getByText('Lucía Fernández').first().waitFor({ state: 'visible' });
    });
  });

  test(`[${vp.name}] switching to English persists across a reload`, { timeout: TEST_TIMEOUT }, async () => {
    await withPage(browser(), vp, `${vp.name}-language`, async (page) => {
      await signInAsAgent(page);
      await expectNavLinks(page, NAV_ES);

      await openAccountPanel(page);
      await button(page, 'English').click();
      await waitForLang(page, 'en');
      await expectNavLinks(page, NAV_EN);

      await page.reload();
      await waitForLang(page, 'en');
      await expectNavLinks(page, NAV_EN);

      await openAccountPanel(page);
      await button(page, 'Español').click();
      await waitForLang(page, 'es');
      await expectNavLinks(page, NAV_ES);
    });
  });

  test(`[${vp.name}] signing out returns to /login and guards /`, { timeout: TEST_TIMEOUT }, async () => {
    await withPage(browser(), vp, `${vp.name}-sign-out`, async (page) => {
      await signInAsAgent(page);
      await openAccountPanel(page);
      await button(page, 'Cerrar sesión').click();
      await waitForPath(page, '/login');

      await page.goto(`${BASE_URL}/`);
      await waitForPath(page, '/login');
      assert.equal(new URL(page.url()).pathname, '/login');
    });
  });
}
