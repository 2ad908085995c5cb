// What a WhatsApp customer sends besides text, as Meta posts it, seen by the agent in
// the open conversation: she came from an ad (the ad is named, as a link), the agent
// answers, the customer reacts to that answer (the reaction sits on it, live, and the
// conversation gets no new message) and replies quoting it (the quote shows above her
// reply); the agent answers that reply with "Citar" (quoted here, Meta's `context`
// there); a photo sent while Meta is slow shows its caption at once and its file when
// it comes. Then the reaction is taken back. axe finds nothing serious on the result.
// Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { DEMO, VIEWPORTS, confirmedMessage, signedInPage, sharedBrowser } from './helpers.mjs';
import { startFakeGraph } from './fake-graph.mjs';
import { delivery, openOldConversation, postWebhook, setUpInbox } from './whatsapp-helpers.mjs';

const browser = sharedBrowser();
const now = () => String(Math.floor(Date.now() / 1000));

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a reaction sits on the message it answers, a reply quotes it, an ad is named`, { timeout: 180_000 }, async () => {
    const tag = `${vp.name}${Date.now() % 100000}`;
    const customer = `Clienta ${tag}`;
    const waId = `3468${String(Date.now()).slice(-7)}${vp.name === 'phone' ? 1 : 2}`;
    const graph = await startFakeGraph();
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    try {
      const webhookPath = await setUpInbox(admin, graph, `WhatsApp ${tag}`, 0);
      const send = (messages) => postWebhook(webhookPath, delivery({ waId, name: customer, messages }));
      await openOldConversation(admin, webhookPath, { waId, customer, tag, text: 'Primera pregunta', hoursAgo: 0 });
      await send([{
        from: waId, id: `wamid.ad.${tag}`, timestamp: now(), type: 'text', text: { body: 'Vi vuestro anuncio' },
        referral: { source_url: 'https://fb.me/rebajas', source_type: 'ad', source_id: '1', headline: 'Rebajas de invierno' },
      }]);
      const fromAd = admin.locator('.message.incoming').filter({ hasText: 'Vi vuestro anuncio' });
      await fromAd.getByText('Llegó desde un anuncio').waitFor();
      assert.equal(await fromAd.getByRole('link', { name: 'Rebajas de invierno' }).getAttribute('href'), 'https://fb.me/rebajas');

      // The agent answers; Meta takes it.
      const composer = admin.getByLabel('Mensaje', { exact: true });
      await composer.fill('¿Qué talla necesitas?');
      await composer.press('Enter');
      const answer = confirmedMessage(admin, '¿Qué talla necesitas?');
      await answer.getByText('Enviado', { exact: true }).waitFor();
      const wamid = graph.lastId();
      const count = await admin.locator('.message-list .message').count();

      // She reacts to it: on the answer, live, and no new message.
      await send([{ from: waId, id: `wamid.re.${tag}`, timestamp: now(), type: 'reaction', reaction: { message_id: wamid, emoji: '👍' } }]);
      await answer.getByText('El cliente reaccionó con 👍').waitFor({ state: 'attached' });
      await answer.locator('.reaction-chip').getByText('👍', { exact: true }).waitFor();
      assert.equal(await admin.locator('.message-list .message').count(), count, 'a reaction is not a message');

      // She replies quoting it.
      await send([{ from: waId, id: `wamid.q.${tag}`, timestamp: now(), type: 'text', text: { body: 'La M, gracias' },
        context: { from: '34900000000', id: wamid } }]);
      const quoted = admin.locator('.message.incoming').filter({ hasText: 'La M, gracias' });
      await quoted.locator('.reply-to').filter({ hasText: 'En respuesta a' }).filter({ hasText: '¿Qué talla necesitas?' }).waitFor();

      // The agent answers that very message: quoted above her reply, and on WhatsApp the
      // customer sees it as an answer to it (Meta gets its id as the reply's context).
      await quoted.getByRole('button', { name: 'Citar este mensaje en la respuesta', exact: true }).click();
      const bar = admin.locator('.composer .quoting');
      await bar.filter({ hasText: 'Citando:' }).filter({ hasText: 'La M, gracias' }).waitFor();
      assert.equal(await composer.evaluate((el) => el === document.activeElement), true, 'the text box has the focus');
      await composer.fill('Perfecto, te la reservo');
      await composer.press('Enter');
      const answered = confirmedMessage(admin, 'Perfecto, te la reservo');
      await answered.locator('.reply-to').filter({ hasText: 'La M, gracias' }).waitFor();
      await answered.getByText('Enviado', { exact: true }).waitFor();
      const reply = graph.sent.filter((m) => m.text?.body === 'Perfecto, te la reservo');
      assert.deepEqual(reply.map((m) => m.context), [{ message_id: `wamid.q.${tag}` }]);
      assert.equal(await bar.count(), 0, 'the quote goes with the reply');
      // A quote may be dropped before sending.
      await answer.getByRole('button', { name: 'Citar este mensaje en la respuesta', exact: true }).click();
      await bar.getByRole('button', { name: 'Quitar la cita', exact: true }).click();
      await bar.waitFor({ state: 'detached' });

      // A photo while Meta is slow: the caption is there at once, its file on its way;
      // the file joins the message, live, when Meta gives it.
      const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000080000000808020000004b6d29dc00000011494441' +
        '54789c635048388015310c2d09001a9950013e3757980000000049454e44ae426082', 'hex');
      graph.addFile(`img${tag}`, PNG, 'image/png');
      const release = graph.holdFiles();
      await send([{ from: waId, id: `wamid.img.${tag}`, timestamp: now(), type: 'image',
        image: { id: `img${tag}`, mime_type: 'image/png', caption: 'Así me queda' } }]);
      const photo = admin.locator('.message.incoming').filter({ hasText: 'Así me queda' });
      await photo.getByText('El archivo está llegando…').waitFor();
      release();
      await photo.getByRole('button', { name: 'Ver image.png a tamaño completo', exact: true }).waitFor();
      assert.equal(await photo.getByText('El archivo está llegando…').count(), 0);

      const result = await new AxeBuilder({ page: admin }).include('.message-list').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
      assert.deepEqual(serious, []);

      // She takes the reaction back.
      await send([{ from: waId, id: `wamid.un.${tag}`, timestamp: now(), type: 'reaction', reaction: { message_id: wamid, emoji: '' } }]);
      await answer.locator('.reaction-chip').waitFor({ state: 'detached' });
    } finally {
      await admin.context().close();
      await graph.close();
    }
  });
}
