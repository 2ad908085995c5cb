// A push service on loopback, speaking what Chromium's own (FCM) speaks to Charla:
// RFC 8030 requests with an RFC 8291 (aes128gcm) body and a VAPID authorization. It
// holds the browser's side of a subscription (its P-256 key and auth secret, made
// here as a browser makes them), decrypts what Charla sends, and hands the plaintext
// to the test, which delivers it to the page's service worker through the DevTools
// protocol as the browser would. Headless Chromium cannot reach a real push service:
// this is the one faked third party.
import http from 'node:http';
import crypto from 'node:crypto';

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/** RFC 8291 decryption of one message for the subscription (`ecdh`, `auth`). */
export function decrypt(body, ecdh, auth) {
  const salt = body.subarray(0, 16);
  const idlen = body[20];
  const serverPublic = body.subarray(21, 21 + idlen);
  const ciphertext = body.subarray(21 + idlen);
  const shared = ecdh.computeSecret(serverPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), serverPublic]);
  const ikm = Buffer.from(crypto.hkdfSync('sha256', shared, auth, keyInfo, 32));
  const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with a 0x02 delimiter, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end).toString('utf8');
}

/** Starts the service; `next()` resolves with the next message's plaintext and headers. */
export async function startPushService() {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = crypto.randomBytes(16);
  const waiting = [];
  const arrived = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let message;
      try {
        message = { headers: req.headers, text: decrypt(Buffer.concat(chunks), ecdh, auth) };
      } catch (err) {
        message = { headers: req.headers, error: err.message };
      }
      res.writeHead(201).end();
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else arrived.push(message);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}/push/${crypto.randomUUID()}`;
  return {
    // What `PushSubscription.toJSON()` gives for it.
    subscription: { endpoint, expirationTime: null, keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) } },
    next: () => (arrived.length ? Promise.resolve(arrived.shift()) : new Promise((resolve) => waiting.push(resolve))),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * A page script standing in for the browser's PushManager: `subscribe` checks it was
 * given the server's key and returns the push service's subscription; `getSubscription`
 * returns it once made.
 */
export function pushManagerStub(subscription) {
  const state = { subscription, made: false, key: null };
  PushManager.prototype.subscribe = async function (options) {
    state.key = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey)));
    if (!options.userVisibleOnly || new Uint8Array(options.applicationServerKey).length !== 65) {
      throw new DOMException('bad options', 'InvalidAccessError');
    }
    state.made = true;
    return made();
  };
  PushManager.prototype.getSubscription = async function () {
    return state.made ? made() : null;
  };
  function made() {
    return {
      endpoint: state.subscription.endpoint,
      toJSON: () => state.subscription,
      unsubscribe: async () => {
        state.made = false;
        return true;
      },
    };
  }
  window.__pushStub = state;
}
