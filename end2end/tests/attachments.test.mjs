// Files and voice messages (S5, S6) end to end, desktop and phone: a visitor writes in
// the widget; Lucía attaches an image and a PDF (picker), sees refusals for an empty
// file, an oversized one and a program renamed .png (no message is created), drops
// and pastes files into the tray and removes them, sends; the visitor sees both files.
// Then a voice message recorded from Chromium's fake microphone: cancel leaves
// nothing; a ~2 s recording is listened to, sent, and plays as OGG longer than 1 s,
// for the agent and the visitor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, DEMO, VIEWPORTS, button, newPage, openUnassigned, signedInPage, visitorWrites, sharedBrowser, widgetUrl } from './helpers.mjs';

const browser = sharedBrowser();

// A 1×1 PNG and a small PDF, as real files.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(248)]);

/** A visitor writes in; Lucía opens the conversation. */
async function conversation(vp, visitorName) {
  const lucia = await signedInPage(browser(), vp, DEMO.agent);
  const visitor = await newPage(browser(), vp);
  const url = await widgetUrl(lucia);
  await visitorWrites(visitor, url, visitorName, 'Hola, os mando unos archivos');
  await visitor.getByRole('status').filter({ hasText: 'Conectado' }).waitFor();
  await openUnassigned(lucia, visitorName);
  return { lucia, visitor };
}

/**
 * An audio element's duration in seconds, once the browser knows it: Chromium may report
 * an OGG's duration as Infinity at first and correct it after reading the end of the
 * file (durationchange). Gives up after 10 s with whatever it reports then.
 */
function playingTime(audio) {
  return audio.evaluate((a) => new Promise((resolve) => {
    const settle = () => {
      if (a.readyState >= 1 && Number.isFinite(a.duration)) resolve(a.duration);
    };
    a.addEventListener('loadedmetadata', settle);
    a.addEventListener('durationchange', settle);
    settle();
    setTimeout(() => resolve(a.duration), 10_000);
  }));
}

const tray = (page) => page.getByRole('list', { name: 'Archivos para enviar' });

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] an image and a PDF in one message; refused files create nothing`, { timeout: 150_000 }, async () => {
    const name = `Archivos ${vp.name} ${Date.now() % 100000}`;
    const { lucia, visitor } = await conversation(vp, name);
    try {
      const messages = lucia.locator('.message-list .message');
      const before = await messages.count();
      const attach = lucia.getByLabel('Adjuntar archivos', { exact: true });

      // Refused in the browser at once: empty, and over the 40 MB maximum.
      await attach.setInputFiles({ name: 'vacio.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) });
      await lucia.getByRole('alert').filter({ hasText: '«vacio.pdf» está vacío' }).waitFor();
      await attach.setInputFiles({ name: 'enorme.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(40 * 1024 * 1024 + 1, 32) });
      await lucia.getByRole('alert').filter({ hasText: '«enorme.pdf» supera el máximo de 40 MB' }).waitFor();
      // Refused by the server, from its content: a program called foto.png.
      await attach.setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: ELF });
      await tray(lucia).getByRole('alert').filter({ hasText: '«foto.png» es un programa ejecutable' }).waitFor();
      // Sending is held back while a refused file is in the tray.
      await lucia.getByLabel('Mensaje', { exact: true }).fill('no debería salir');
      await button(lucia, 'Enviar').click();
      await lucia.getByRole('alert').filter({ hasText: 'Quita los archivos que no se pudieron subir' }).waitFor();
      await lucia.getByRole('button', { name: 'Quitar foto.png' }).click();
      await tray(lucia).waitFor({ state: 'detached' });
      assert.equal(await messages.count(), before, 'no message was created');

      // Dropped onto the conversation, and pasted into the composer: both join the tray.
      await lucia.locator('.chat-body').evaluate((zone) => {
        const data = new DataTransfer();
        data.items.add(new File(['una nota'], 'notas.txt', { type: 'text/plain' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
      });
      await tray(lucia).getByText('notas.txt').waitFor();
      await lucia.getByLabel('Mensaje', { exact: true }).evaluate((area, bytes) => {
        const data = new DataTransfer();
        data.items.add(new File([new Uint8Array(bytes)], 'captura.png', { type: 'image/png' }));
        area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, [...PNG]);
      await tray(lucia).getByText('captura.png').waitFor();
      await tray(lucia).getByText('Listo').nth(1).waitFor();
      await lucia.getByRole('button', { name: 'Quitar notas.txt' }).click();
      await lucia.getByRole('button', { name: 'Quitar captura.png' }).click();
      await tray(lucia).waitFor({ state: 'detached' });

      // The picker, two files at once; each shows its upload, then "Listo".
      await attach.setInputFiles([
        { name: 'foto.png', mimeType: 'image/png', buffer: PNG },
        { name: 'presupuesto.pdf', mimeType: 'application/pdf', buffer: PDF },
      ]);
      await tray(lucia).getByRole('listitem').nth(1).waitFor();
      await lucia.waitForFunction(() => document.querySelectorAll('.file-tray .file-ready').length === 2);
      await lucia.getByLabel('Mensaje', { exact: true }).fill('Aquí tienes la foto y el presupuesto');
      await lucia.getByLabel('Mensaje', { exact: true }).press('Enter');
      const sent = lucia.locator('.message.outgoing').filter({ hasText: 'Aquí tienes la foto y el presupuesto' }).filter({ has: lucia.locator('img') }).first();
      await sent.waitFor();
      await sent.getByText('presupuesto.pdf').waitFor();
      await tray(lucia).waitFor({ state: 'detached' });

      // The image opens full size; Escape closes it.
      await sent.getByRole('button', { name: 'Ver foto.png a tamaño completo' }).click();
      const viewer = lucia.getByRole('dialog', { name: 'foto.png' });
      await viewer.waitFor();
      await lucia.keyboard.press('Escape');
      await viewer.waitFor({ state: 'detached' });

      // The visitor sees both, served to them as an image and a download.
      const seen = visitor.getByRole('log').getByRole('listitem').filter({ hasText: 'Aquí tienes la foto y el presupuesto' });
      await seen.waitFor();
      const img = seen.locator('img');
      await img.waitFor();
      await visitor.waitForFunction((el) => el.complete && el.naturalWidth === 1, await img.elementHandle());
      const download = seen.getByRole('link', { name: /presupuesto\.pdf/ });
      const href = await download.getAttribute('href');
      const res = await visitor.request.get(new URL(href, BASE_URL).toString());
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['content-type'], 'application/octet-stream');
      assert.deepEqual(Buffer.from(await res.body()), PDF);
    } finally {
      await lucia.context().close();
      await visitor.context().close();
    }
  });

  test(`[${vp.name}] a voice message: cancel leaves nothing, a 2-second recording plays back`, { timeout: 150_000 }, async () => {
    const name = `Voz ${vp.name} ${Date.now() % 100000}`;
    const { lucia, visitor } = await conversation(vp, name);
    try {
      let uploads = 0;
      lucia.on('request', (req) => { if (req.url().includes('/api/uploads')) uploads += 1; });
      const messages = lucia.locator('.message-list .message');
      const before = await messages.count();

      // Cancel: nothing is uploaded, nothing is sent.
      await button(lucia, 'Grabar audio').click();
      await lucia.getByRole('status').filter({ hasText: 'Grabando…' }).waitFor();
      await lucia.waitForTimeout(800);
      await button(lucia, 'Cancelar grabación').click();
      await button(lucia, 'Grabar audio').waitFor();
      await lucia.waitForTimeout(500);
      assert.equal(uploads, 0);
      assert.equal(await messages.count(), before);

      // Record about two seconds, listen back, send.
      await button(lucia, 'Grabar audio').click();
      await lucia.getByRole('status').filter({ hasText: /Grabando… 0:0\d de 5:00/ }).waitFor();
      await lucia.waitForTimeout(2200);
      await button(lucia, 'Detener').click();
      await lucia.getByLabel('Escuchar la grabación').waitFor();
      await lucia.getByText(/Nota de voz de 0:0[23]/).waitFor();
      await button(lucia, 'Enviar nota de voz').click();
      const audio = lucia.locator('.message.outgoing audio').first();
      await audio.waitFor();
      const src = await audio.getAttribute('src');
      const res = await lucia.request.get(new URL(src, BASE_URL).toString());
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['content-type'], 'audio/ogg');
      assert.ok((await res.body()).subarray(0, 4).equals(Buffer.from('OggS')), 'an OGG file');
      const seconds = await playingTime(audio);
      assert.ok(seconds > 1 && seconds < 4, `plays for ${seconds} s`);
      await lucia.locator('.message.outgoing').filter({ hasText: /Nota de voz · 0:0[23]/ }).first().waitFor();

      // The visitor gets a player too.
      const heard = visitor.getByRole('log').locator('audio').first();
      await heard.waitFor();
      const visitorSeconds = await playingTime(heard);
      assert.ok(visitorSeconds > 1, `the visitor's player: ${visitorSeconds} s`);
    } finally {
      await lucia.context().close();
      await visitor.context().close();
    }
  });
}
