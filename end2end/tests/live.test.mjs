// Live events in the browser: an administrator changes her availability and an agent's
// open Ajustes page shows it without a reload, on a desktop and a phone viewport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEMO,
  TEST_TIMEOUT,
  VIEWPORTS,
  BASE_URL,
  openAccountPanel,
  signedInPage,
  waitForHydration,
  sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

const signedIn = (vp, who) => signedInPage(browser(), vp, who);

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a teammate's availability change appears live`, { timeout: TEST_TIMEOUT }, async () => {
    const agent = await signedIn(vp, DEMO.agent);
    const admin = await signedIn(vp, DEMO.admin);
    try {
      await agent.goto(`${BASE_URL}/settings`);
      await waitForHydration(agent);
      await agent.getByRole('status').filter({ hasText: 'En vivo' }).filter({ visible: true }).first().waitFor();
      const row = agent.getByRole('listitem').filter({ hasText: 'Ana Administradora' });
      await row.waitFor();

      for (const [value, label] of [['busy', 'Ocupado'], ['online', 'En línea']]) {
        await openAccountPanel(admin);
        await admin.getByLabel('Disponibilidad', { exact: true }).selectOption(value);
        await row.filter({ hasText: label }).waitFor();
        assert.match(await row.innerText(), new RegExp(label));
      }
      // The page was never reloaded: it is the same document that opened the socket.
      assert.equal(new URL(agent.url()).pathname, '/settings');
    } finally {
      await agent.context().close();
      await admin.context().close();
    }
  });
}
