// S7, every approved template can be sent: against the local Graph fake, a template
// with a PDF document header and named variables ({{nombre}}), and one Charla cannot
// send (a Flow button), listed disabled with its reason. The agent picks the header's
// file in the composer once the 24-hour window has closed; the fake receives the file
// at the media endpoint and the template with the media id and `parameter_name`s, in
// Meta's documented shape. Desktop and phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, VIEWPORTS, button, signedInPage, sharedBrowser } from './helpers.mjs';
import { startFakeGraph } from './fake-graph.mjs';
import { openOldConversation, setUpInbox } from './whatsapp-helpers.mjs';

const browser = sharedBrowser();

const TEMPLATES = [
  {
    id: '11', name: 'factura_lista', language: 'es', category: 'UTILITY', status: 'APPROVED',
    parameter_format: 'NAMED',
    components: [
      { type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::YXBwbGljYXRpb24vcGRm:ARb'] } },
      { type: 'BODY', text: 'Hola {{nombre}}, adjuntamos tu factura {{numero}}.',
        example: { body_text_named_params: [{ param_name: 'nombre', example: 'Ana' }, { param_name: 'numero', example: 'F-1' }] } },
    ],
  },
  {
    id: '12', name: 'reserva_cita', language: 'es', category: 'UTILITY', status: 'APPROVED',
    components: [
      { type: 'BODY', text: 'Reserva tu cita.' },
      { type: 'BUTTONS', buttons: [{ type: 'FLOW', text: 'Reservar', flow_id: '12', flow_action: 'navigate' }] },
    ],
  },
];

const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

for (const vp of VIEWPORTS) {
  test(`[${vp.name}] a document-header template with named variables goes out as Meta expects`, { timeout: 180_000 }, async () => {
    const tag = `t${vp.name}${Date.now() % 100000}`;
    const customer = `Cliente ${tag}`;
    const waId = `3468${String(Date.now()).slice(-7)}${vp.name === 'phone' ? 1 : 2}`;
    const graph = await startFakeGraph({ templates: TEMPLATES });
    const admin = await signedInPage(browser(), vp, DEMO.admin);
    try {
      const webhookPath = await setUpInbox(admin, graph, `WhatsApp ${tag}`, 2);
      await openOldConversation(admin, webhookPath, { waId, customer, tag, text: '¿Me mandáis la factura?', hoursAgo: 30 });

      await admin.getByRole('status').filter({ hasText: 'La ventana de 24 horas está cerrada' }).first().waitFor();
      const picker = admin.getByLabel('Plantilla', { exact: true });
      await picker.locator('option').first().waitFor({ state: 'attached' });
      assert.deepEqual(await picker.locator('option').allTextContents(), [
        'factura_lista (es)',
        'reserva_cita (es) — no se puede enviar: botón de tipo FLOW',
      ]);
      assert.equal(await picker.locator('option', { hasText: 'reserva_cita' }).isDisabled(), true);
      assert.equal(await picker.evaluate((el) => el.selectedOptions[0]?.textContent), 'factura_lista (es)', 'the first template that can be sent');

      // One field per named variable, and the header's file.
      await admin.getByLabel('Variable nombre', { exact: true }).fill('Ana');
      await admin.getByLabel('Variable numero', { exact: true }).fill('F-9');
      await admin.getByRole('region', { name: 'Vista previa' }).getByText('Hola Ana, adjuntamos tu factura F-9.').waitFor();
      await button(admin, 'Enviar plantilla').click();
      await admin.getByText('Elige el archivo de la cabecera.').filter({ visible: true }).first().waitFor();
      assert.equal(graph.sent.length, 0, 'nothing sent without the header file');

      const file = admin.getByLabel('Documento de la cabecera (PDF)', { exact: true });
      await file.setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG\r\n\x1a\n', 'latin1') });
      await admin.getByText('WhatsApp no acepta este tipo de archivo').filter({ visible: true }).first().waitFor();
      await file.setInputFiles({ name: 'factura-F9.pdf', mimeType: 'application/pdf', buffer: PDF });
      await admin.getByText('«factura-F9.pdf» listo para enviar.').filter({ visible: true }).first().waitFor();
      await admin.getByRole('region', { name: 'Vista previa' }).getByText('Cabecera: factura-F9.pdf').waitFor();
      await button(admin, 'Enviar plantilla').click();

      const message = admin.locator('.message.outgoing').filter({ hasText: 'Hola Ana, adjuntamos tu factura F-9.' });
      await message.getByText('Enviado', { exact: true }).waitFor();
      await message.getByText('factura-F9.pdf').first().waitFor();
      assert.equal(graph.media.length, 1, 'the file went to the media endpoint');
      assert.equal(graph.media[0].messaging_product, 'whatsapp');
      assert.equal(graph.media[0].type, 'application/pdf');
      assert.equal(graph.media[0].file.size, PDF.length);
      assert.equal(graph.sent.length, 1);
      assert.deepEqual(graph.sent[0], {
        messaging_product: 'whatsapp', recipient_type: 'individual', to: waId, type: 'template',
        template: { name: 'factura_lista', language: { code: 'es' }, components: [
          { type: 'header', parameters: [{ type: 'document', document: { id: graph.media[0].id, filename: 'factura-F9.pdf' } }] },
          { type: 'body', parameters: [
            { type: 'text', parameter_name: 'nombre', text: 'Ana' },
            { type: 'text', parameter_name: 'numero', text: 'F-9' },
          ] },
        ] },
      });
    } finally {
      await admin.context().close();
      await graph.close();
    }
  });
}
