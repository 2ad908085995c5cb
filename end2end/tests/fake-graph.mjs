// A local stand-in for Meta's Graph API (WhatsApp Cloud API) for the browser tests:
// it checks the bearer token, records what Charla sends in Meta's wire format, answers
// with message ids as Meta does, and serves paged message templates. The Rust
// integration tests have their own (server/tests/api/fake_graph.rs); this one lets the
// Playwright suite drive the same flow against the running server.
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';

export const GRAPH = {
  token: 'EAAG-e2e-token',
  phoneNumberId: '1098765432',
  wabaId: '2098765432',
  appSecret: 'e2e-app-secret',
  verifyToken: 'e2e-verify',
  version: 'v21.0',
};

/** `sha256=<hex>` as Meta signs a webhook body. */
export function sign(body, secret = GRAPH.appSecret) {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export async function startFakeGraph({ templates = [] } = {}) {
  const sent = [];
  const ids = [];
  // Media uploads as Meta's endpoint receives them (multipart fields, the file's size).
  const media = [];
  // Customers' files Meta holds (id → {bytes, mime}); lookups wait while `held`.
  const files = new Map();
  let held = null;
  let next = 0;
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const raw = bytes.toString('utf8');
      const answer = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${GRAPH.token}`) {
        return answer(401, { error: { message: 'Invalid OAuth access token', type: 'OAuthException', code: 190 } });
      }
      const url = new URL(req.url, 'http://fake');
      const parts = url.pathname.split('/').filter(Boolean);
      if (req.method === 'GET' && parts[0] === 'files' && files.has(parts[1])) {
        const file = files.get(parts[1]);
        res.writeHead(200, { 'content-type': file.mime });
        return res.end(file.bytes);
      }
      if (req.method === 'GET' && parts.length === 2 && files.has(parts[1])) {
        const file = files.get(parts[1]);
        const lookup = () => answer(200, {
          messaging_product: 'whatsapp', url: `http://127.0.0.1:${server.address().port}/files/${parts[1]}`,
          mime_type: file.mime, sha256: '', file_size: file.bytes.length, id: parts[1],
        });
        return held ? held.then(lookup) : lookup();
      }
      if (req.method === 'POST' && parts[2] === 'messages') {
        const body = JSON.parse(raw || '{}');
        sent.push(body);
        next += 1;
        const id = `wamid.e2e${Date.now()}${next}`;
        ids.push(id);
        return answer(200, {
          messaging_product: 'whatsapp',
          // A number comes in `to`, a business-scoped user id in `recipient`.
          contacts: [body.to ? { input: body.to, wa_id: body.to } : { input: body.recipient, user_id: body.recipient }],
          messages: [{ id }],
        });
      }
      if (req.method === 'POST' && parts[2] === 'media') {
        const boundary = /boundary=([^;]+)/.exec(req.headers['content-type'] || '')?.[1];
        if (!boundary) return answer(400, { error: { message: '(#100) Param file must be a file', type: 'OAuthException', code: 100 } });
        const fields = {};
        for (const part of bytes.toString('latin1').split(`--${boundary}`)) {
          const [head, ...rest] = part.split('\r\n\r\n');
          const name = /name="([^"]+)"/.exec(head || '')?.[1];
          if (!name) continue;
          const body = rest.join('\r\n\r\n').replace(/\r\n$/, '');
          if (name === 'file') {
            fields.file = {
              file_name: /filename="([^"]*)"/.exec(head)?.[1],
              content_type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1],
              size: Buffer.byteLength(body, 'latin1'),
            };
          } else {
            fields[name] = body;
          }
        }
        next += 1;
        const id = `media.e2e${next}`;
        media.push({ id, ...fields });
        return answer(200, { id });
      }
      if (req.method === 'GET' && parts[2] === 'message_templates') {
        const after = Number(url.searchParams.get('after') || 0);
        const page = { data: templates.slice(after, after + 1), paging: { cursors: { after: String(after + 1) } } };
        if (after + 1 < templates.length) {
          page.paging.next = `http://127.0.0.1:${server.address().port}${url.pathname}?limit=1&after=${after + 1}`;
        }
        return answer(200, page);
      }
      return answer(400, { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100 } });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    sent,
    media,
    /** A file a customer sent, as Meta keeps it for download. */
    addFile: (id, bytes, mime) => files.set(id, { bytes, mime }),
    /** Meta is slow: media lookups wait until the returned function is called. */
    holdFiles: () => {
      let release;
      held = new Promise((resolve) => { release = resolve; });
      return () => { held = null; release(); };
    },
    lastId: () => ids[ids.length - 1],
    // Charla keeps its connections to Meta alive; closing them lets close() end now.
    close: () => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); }),
  };
}
