// What the puppeteer benchmarks share: the server they measure (CHARLA_LH_URL), the
// Chromium they drive, a signed-in session's cookies and the open conversation's path.
export const BASE = (process.env.CHARLA_LH_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
export const CHROME = process.env.CHARLA_CHROMIUM || '/usr/bin/chromium';
const EMAIL = process.env.CHARLA_LH_EMAIL || 'admin@charla.local';
const PASSWORD = process.env.CHARLA_LH_PASSWORD || 'charla-demo';

export async function signIn() {
  const res = await fetch(`${BASE}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD }),
    redirect: 'manual',
  });
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0].split('='));
  if (!res.ok || cookies.length === 0) throw new Error(`sign-in failed: HTTP ${res.status}`);
  return cookies.map(([name, ...v]) => ({ name, value: v.join('='), url: BASE }));
}

export async function firstConversation(cookies) {
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const html = await (await fetch(`${BASE}/conversations?tab=all&status=open`, { headers: { cookie } })).text();
  const id = html.match(/href="\/conversations\/(\d+)/)?.[1];
  if (!id) throw new Error('no conversation in the list');
  return `/conversations/${id}`;
}
