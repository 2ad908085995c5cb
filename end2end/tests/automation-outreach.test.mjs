// A rule that tells the world (issue 32), in real Chromium on a desktop and a phone
// viewport: an administrator builds "message contains <tag> → call a webhook, email
// Lucía, send a WhatsApp template" on Automatizaciones; a visitor writes; the local receiver gets the
// conversation as Chatwoot's automation posts it (`automation_event.message_created`),
// the agents' thread shows the rule's line, and the rule is saved in Chatwoot's shape
// (the email's teammate and message). The demo server has no SMTP setting: the email
// is the rule's last error on its card, named, rather than lost silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, DEMO, VIEWPORTS, api, button, newPage, signedInPage, waitForHydration, waitForPath, widgetUrl,
  sharedBrowser, startReceiver,
} from './helpers.mjs';

const browser = sharedBrowser();

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a rule calls its webhook and emails a teammate`, { timeout: 180_000 }, async () => {
    const tag = `aviso${vp.name}${Date.now() % 100000}`;
    const ruleName = `Avisar ${tag}`;
    const receiver = await startReceiver();
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    const visitor = await newPage(browser(), vp);
    let conversation = null;
    try {
      const widget = await widgetUrl(admin);
      await admin.goto(`${BASE_URL}/settings/automation`);
      await waitForHydration(admin);
      await button(admin, 'Nueva regla').click();
      const form = admin.getByRole('region', { name: 'Nueva regla' });
      await form.getByLabel('Nombre', { exact: true }).fill(ruleName);
      await form.getByRole('group', { name: 'Condición 1', exact: true }).getByLabel('Valor', { exact: true }).fill(tag);

      const a1 = form.getByRole('group', { name: 'Acción 1', exact: true });
      await a1.getByLabel('Qué hace', { exact: true }).selectOption({ label: 'Llamar a un webhook' });
      // An address that is not a web address is refused, naming it; nothing is saved.
      await a1.getByLabel('Dirección (URL)', { exact: true }).fill('ftp://tienda.example/hook');
      await button(form, 'Guardar la regla').click();
      await form.getByRole('alert').filter({ hasText: 'La dirección del webhook debe ser' }).waitFor();
      assert.equal((await api(admin, 'automation/list', {})).filter((r) => r.name === ruleName).length, 0);
      await a1.getByLabel('Dirección (URL)', { exact: true }).fill(receiver.url);

      await button(form, 'Añadir una acción').click();
      const a2 = form.getByRole('group', { name: 'Acción 2', exact: true });
      await a2.getByLabel('Qué hace', { exact: true }).selectOption({ label: 'Enviar un correo a un compañero' });
      const lucia = (await api(admin, 'team/members', {})).find((m) => m.profile.email === DEMO.agent.email).profile.id;
      await a2.getByLabel('Para', { exact: true }).selectOption(String(lucia));
      await a2.getByLabel('Texto', { exact: true }).fill(`Mira la conversación ${tag}`);
      // A WhatsApp template too (passed over in this web chat conversation).
      await button(form, 'Añadir una acción').click();
      const a3 = form.getByRole('group', { name: 'Acción 3', exact: true });
      await a3.getByLabel('Qué hace', { exact: true }).selectOption({ label: 'Enviar una plantilla de WhatsApp' });
      await a3.getByLabel('Plantilla', { exact: true }).selectOption({ label: 'seguimiento_pedido (es)' });
      await a3.getByLabel('Valores de sus variables (uno por línea)', { exact: true }).fill('Ana\nC-9');
      await button(form, 'Guardar la regla').click();
      const card = admin.getByRole('article', { name: ruleName, exact: true });
      await card.waitFor();
      const saved = (await api(admin, 'automation/list', {})).find((r) => r.name === ruleName);
      assert.deepEqual(saved.actions, [
        { action_name: 'send_webhook_event', action_params: [receiver.url] },
        { action_name: 'send_email_to_team', action_params: [{ agent_ids: [lucia], message: `Mira la conversación ${tag}` }] },
        { action_name: 'send_template', action_params: [{ name: 'seguimiento_pedido', language: 'es', params: ['Ana', 'C-9'] }] },
      ]);

      // A visitor writes: the receiver gets the conversation.
      await visitor.goto(widget);
      await waitForHydration(visitor);
      await visitor.getByLabel('Nombre', { exact: true }).fill(`Cliente ${tag}`);
      await visitor.getByLabel('Mensaje', { exact: true }).fill(`Hola (${tag})`);
      await button(visitor, 'Enviar').click();
      await visitor.getByRole('log').getByText(`Hola (${tag})`).waitFor();
      let call;
      for (let i = 0; i < 150 && !call; i += 1) {
        call = receiver.got.map((r) => JSON.parse(r.body)).find((b) => b.event === 'automation_event.message_created');
        if (!call) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(call, 'the receiver got the rule\'s call');
      assert.equal(call.meta.sender.name, `Cliente ${tag}`);
      const listed = await api(admin, 'conversations/list', { tab: 'all', status: 'open', after: null, filter: {} });
      const row = listed.items.find((c) => c.display_id === call.id);
      assert.ok(row, 'the call names the conversation');
      conversation = row.id;

      // The thread says what the rule did.
      await admin.goto(`${BASE_URL}/conversations/${conversation}`);
      await waitForPath(admin, /^\/conversations\/\d+$/);
      await admin.getByText(`Por la automatización «${ruleName}»`, { exact: false }).first().waitFor();
      await admin.getByText('llamó a un webhook', { exact: false }).first().waitFor();

      // No SMTP setting here: the email is the rule's last error, on its card (the
      // page reads the rules when it opens: wait until the worker has written it).
      let failed = false;
      for (let i = 0; i < 150 && !failed; i += 1) {
        const rule = (await api(admin, 'automation/list', {})).find((r) => r.name === ruleName);
        failed = Boolean(rule && rule.last_error && rule.last_error.includes('CHARLA_SMTP_URL'));
        if (!failed) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(failed, 'the email\'s failure is the rule\'s last error');
      await admin.goto(`${BASE_URL}/settings/automation`);
      await waitForHydration(admin);
      await admin.getByRole('article', { name: ruleName, exact: true }).getByText('CHARLA_SMTP_URL', { exact: false }).waitFor();
    } finally {
      const rules = await api(admin, 'automation/list', {}).catch(() => []);
      for (const r of rules.filter((r) => r.name === ruleName)) {
        await api(admin, 'automation/remove', { id: r.id }).catch(() => {});
      }
      if (conversation) {
        await api(admin, 'conversations/status', { id: conversation, status: 'resolved', snoozed_until: null }).catch(() => {});
      }
      receiver.close();
      await admin.context().close();
      await visitor.context().close();
    }
  });
}
