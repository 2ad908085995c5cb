// Lighthouse's mobile preset (simulated slow 4G, 4× CPU slowdown, Moto G-sized screen)
// over Charla's main pages, in Debian's Chromium, against a server already running at
// CHARLA_LH_URL (scripts/lighthouse.sh starts one). Prints the median of
// CHARLA_LH_RUNS runs per page and the audits that failed; asserts nothing.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const BASE = (process.env.CHARLA_LH_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
const RUNS = Number(process.env.CHARLA_LH_RUNS || 3);
const CHROME = process.env.CHARLA_CHROMIUM || '/usr/bin/chromium';
const EMAIL = process.env.CHARLA_LH_EMAIL || 'admin@charla.local';
const PASSWORD = process.env.CHARLA_LH_PASSWORD || 'charla-demo';

async function signIn() {
  const res = await fetch(`${BASE}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: BASE },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD }),
    redirect: 'manual',
  });
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (!res.ok || cookies.length === 0) throw new Error(`sign-in failed: HTTP ${res.status} ${await res.text()}`);
  return cookies.join('; ');
}

async function firstConversation(cookie) {
  const html = await (await fetch(`${BASE}/conversations?tab=all&status=open`, { headers: { cookie } })).text();
  const id = html.match(/href="\/conversations\/(\d+)/)?.[1];
  if (!id) throw new Error('no conversation in the list');
  return `/conversations/${id}`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function audit(port, url, cookie) {
  const flags = {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility', 'best-practices'],
    extraHeaders: cookie ? { Cookie: cookie } : undefined,
  };
  const { lhr } = await lighthouse(url, flags);
  const num = (id) => lhr.audits[id]?.numericValue ?? NaN;
  const failed = Object.values(lhr.categories)
    .flatMap((c) => c.auditRefs.filter((r) => r.weight > 0).map((r) => lhr.audits[r.id]))
    .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual')
    .filter((a) => !['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'speed-index', 'cumulative-layout-shift'].includes(a.id))
    .map((a) => {
      // Which elements, for the audits that name them (contrast, target size, …).
      const where = (a.details?.items || [])
        .map((i) => i.node?.selector || (a.id === 'errors-in-console' ? `${i.source}: ${i.description}` : null))
        .filter(Boolean)
        .slice(0, 3);
      return where.length ? `${a.id} (${where.join(', ')})` : a.id;
    });
  return {
    performance: Math.round(lhr.categories.performance.score * 100),
    accessibility: Math.round(lhr.categories.accessibility.score * 100),
    bestPractices: Math.round(lhr.categories['best-practices'].score * 100),
    fcp: num('first-contentful-paint'),
    lcp: num('largest-contentful-paint'),
    tbt: num('total-blocking-time'),
    cls: num('cumulative-layout-shift'),
    si: num('speed-index'),
    kib: num('total-byte-weight') / 1024,
    failed,
    mainThread: lhr.audits['mainthread-work-breakdown']?.details?.items
      ?.slice(0, 4)
      .map((i) => `${i.groupLabel || i.group} ${Math.round(i.duration)} ms`),
    lcpElement: lhr.audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.selector,
    longTasks: lhr.audits['long-tasks']?.details?.items
      ?.slice(0, 4)
      .map((i) => `${(i.url || '').replace(BASE, '') || 'other'} @${Math.round(i.startTime)} ${Math.round(i.duration)} ms`),
    bootup: lhr.audits['bootup-time']?.details?.items
      ?.slice(0, 3)
      .map((i) => `${i.url.replace(BASE, '')} ${Math.round(i.scripting)} ms`),
  };
}

const chrome = await chromeLauncher.launch({
  chromePath: CHROME,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const cookie = await signIn();
  const pages = [
    ['sign-in', '/login', null],
    ['inbox', '/conversations', cookie],
    ['conversation', await firstConversation(cookie), cookie],
    ['contacts', '/contacts', cookie],
  ];
  const rows = [];
  const notes = [];
  // CHARLA_LH_PAGES=inbox,contacts: only those.
  const only = (process.env.CHARLA_LH_PAGES || '').split(',').filter(Boolean);
  for (const [name, path, jar] of pages.filter(([n]) => only.length === 0 || only.includes(n))) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await audit(chrome.port, `${BASE}${path}`, jar));
    const m = (k) => median(runs.map((r) => r[k]));
    rows.push([name, m('performance'), m('accessibility'), m('bestPractices'), m('fcp').toFixed(0), m('lcp').toFixed(0), m('tbt').toFixed(0), m('cls').toFixed(3), m('si').toFixed(0), m('kib').toFixed(0)]);
    const failed = [...new Set(runs.flatMap((r) => r.failed))];
    notes.push(`- ${name}: failed audits: ${failed.join(', ') || 'none'}; LCP element: ${runs[0].lcpElement}; long tasks: ${runs[0].longTasks?.join(', ')}; main thread: ${runs[0].mainThread?.join(', ')}; scripts: ${runs[0].bootup?.join(', ')}`);
  }
  const header = ['page', 'performance', 'accessibility', 'best practices', 'FCP ms', 'LCP ms', 'TBT ms', 'CLS', 'speed index ms', 'KiB'];
  console.log([
    '',
    `### Lighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } })).default.version}, mobile preset, median of ${RUNS} runs`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---|').join('')}`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    ...notes,
  ].join('\n'));
} finally {
  await chrome.kill();
}
