// The shape of the app on a phone (and its desktop counterpart): an open conversation
// gives the messages most of the screen (at least 55 % of the viewport with the composer
// idle), its header keeps one row of actions and puts the rest behind "Más acciones", the
// composer's tools are icon buttons that keep their names and show them as tooltips, and
// Mi perfil switches the theme, kept across pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  button,
  sharedBrowser,
  signedInPage,
  waitForHydration,
  waitForPath,
} from './helpers.mjs';

const browser = sharedBrowser();

async function openFirstConversation(page) {
  await page.goto(`${BASE_URL}/conversations?tab=all&status=open`);
  await waitForHydration(page);
  await page.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').first().click();
  await waitForPath(page, /^\/conversations\/\d+$/);
  await page.getByLabel('Mensaje', { exact: true }).waitFor();
}

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] the open conversation: message area, header actions, composer tools`, { timeout: 120_000 }, async () => {
    const page = await signedInPage(browser(), vp, DEMO.admin);
    try {
      await openFirstConversation(page);
      const share = await page.evaluate(() => document.querySelector('.messages').getBoundingClientRect().height / window.innerHeight);
      console.log(`# ${vp.name}: message area ${(share * 100).toFixed(1)} % of the viewport`);
      if (vp.isMobile) assert.ok(share >= 0.55, `message area ${(share * 100).toFixed(1)} % of the viewport`);

      // The most used actions are always in view.
      await button(page, 'Resolver').waitFor();
      const unread = page.getByRole('button', { name: 'Marcar como no leída', exact: true });
      const more = page.getByRole('button', { name: 'Más acciones', exact: true });
      if (vp.isMobile) {
        assert.equal(await unread.isVisible(), false, 'behind the menu on a phone');
        await more.click();
        assert.equal(await more.getAttribute('aria-expanded'), 'true');
        await unread.waitFor({ state: 'visible' });
        await page.getByRole('combobox', { name: 'Posponer' }).waitFor({ state: 'visible' });
        await page.getByRole('combobox', { name: 'Asignada a' }).waitFor({ state: 'visible' });
        await more.click();
        await unread.waitFor({ state: 'hidden' });
      } else {
        assert.equal(await more.isVisible(), false, 'a desktop shows every action');
        await unread.waitFor({ state: 'visible' });
      }

      // Icon buttons keep their names, and show them as tooltips.
      for (const name of ['Grabar audio', 'Emoji']) {
        const tool = page.getByRole('button', { name, exact: true });
        await tool.waitFor();
        assert.equal(await tool.getAttribute('data-tip'), name);
        assert.equal((await tool.innerText()).trim(), '', `${name}: an icon, not text`);
      }
      const attach = page.getByLabel('Adjuntar archivos', { exact: true });
      assert.equal(await attach.getAttribute('type'), 'file');
      if (!vp.isMobile) {
        await page.getByRole('button', { name: 'Emoji', exact: true }).hover();
        const tip = await page.getByRole('button', { name: 'Emoji', exact: true })
          .evaluate((el) => getComputedStyle(el, '::after').content);
        assert.equal(tip, '"Emoji"');
      }
    } finally {
      await page.context().close();
    }
  });

  test(`[${vp.name}] Mi perfil switches to the dark theme and it holds on the next page`, { timeout: 90_000 }, async () => {
    const page = await signedInPage(browser(), vp, DEMO.agent);
    try {
      await page.goto(`${BASE_URL}/settings/profile`);
      await waitForHydration(page);
      const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const light = await background();
      await page.getByLabel('Tema', { exact: true }).selectOption('dark');
      await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
      const dark = await background();
      assert.notEqual(dark, light);
      // Rendered dark by the server on the next page, before any script runs.
      const html = await (await page.request.get(`${BASE_URL}/contacts`)).text();
      assert.match(html, /<html[^>]*data-theme="dark"/);
      await page.goto(`${BASE_URL}/contacts`);
      assert.equal(await background(), dark);
      // Back to the system's choice.
      await page.goto(`${BASE_URL}/settings/profile`);
      await waitForHydration(page);
      assert.equal(await page.getByLabel('Tema', { exact: true }).inputValue(), 'dark');
      await page.getByLabel('Tema', { exact: true }).selectOption('');
      await page.waitForFunction(() => !document.documentElement.dataset.theme);
      assert.equal(await background(), light);
    } finally {
      await page.context().close();
    }
  });
}
