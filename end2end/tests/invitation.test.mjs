// An administrator adds an agent without a password in Ajustes: Charla shows an
// invitation link to copy; the new agent opens it in her own browser, is refused two
// different passwords, chooses one and lands in the inbox signed in; the link then no
// longer works, and the team page shows her as active. The invitation page passes
// axe-core. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  VIEWPORTS,
  axeViolations,
  button,
  newPage,
  signedInPage,
  waitForHydration,
  waitForPath,
  sharedBrowser,
} from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] an invited agent chooses her password through the link`, { timeout: 120_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const inma = { email: `inma.${tag}@example.com`, name: `Inma ${tag}`, password: `clave-larga-${tag}` };
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const invited = await newPage(browser(), vp);
    try {
      await admin.goto(`${BASE_URL}/settings/team`);
      await waitForHydration(admin);
      await admin.getByLabel('Correo electrónico', { exact: true }).fill(inma.email);
      await admin.getByLabel('Nombre', { exact: true }).fill(inma.name);
      await button(admin, 'Crear agente').click();
      const link = admin.getByRole('textbox', { name: 'Enlace de invitación', exact: true });
      await link.waitFor();
      const url = await link.inputValue();
      assert.match(url, /\/invitation\/[\w-]{20,}$/, url);
      const row = admin.getByRole('row').filter({ hasText: inma.email });
      await row.getByText('Invitación pendiente', { exact: true }).waitFor();
      await row.getByRole('button', { name: `Nuevo enlace de invitación para ${inma.name}`, exact: true }).waitFor();

      await invited.goto(url);
      await waitForHydration(invited);
      await invited.getByRole('heading', { name: 'Te damos la bienvenida a Charla', exact: true }).waitFor();
      await invited.getByText(inma.email).waitFor();
      assert.deepEqual(await axeViolations(invited), [], 'the invitation page passes axe');
      await invited.getByLabel('Contraseña', { exact: true }).fill(inma.password);
      await invited.getByLabel('Repite la contraseña', { exact: true }).fill(`${inma.password}x`);
      await button(invited, 'Guardar y entrar').click();
      await invited.getByRole('alert').filter({ hasText: 'Las dos contraseñas no coinciden.' }).waitFor();
      await invited.getByLabel('Contraseña', { exact: true }).fill(inma.password);
      await invited.getByLabel('Repite la contraseña', { exact: true }).fill(inma.password);
      await button(invited, 'Guardar y entrar').click();
      await waitForPath(invited, /^\/conversations/);
      await waitForHydration(invited);

      // Used: the link says so.
      const again = await newPage(browser(), vp);
      try {
        await again.goto(url);
        await waitForHydration(again);
        await again.getByRole('alert').filter({ hasText: 'Este enlace de invitación ya no vale' }).waitFor();
      } finally {
        await again.context().close();
      }
      await admin.reload();
      await waitForHydration(admin);
      const active = admin.getByRole('row').filter({ hasText: inma.email });
      await active.getByText('Activo', { exact: true }).waitFor();
    } finally {
      await admin.context().close();
      await invited.context().close();
    }
  });
}
