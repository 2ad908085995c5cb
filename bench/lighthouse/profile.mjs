// Where the main thread goes while a page loads and hydrates, on a CPU slowed 4× as
// Lighthouse's mobile preset does: the long tasks (start and length) and the functions
// (JavaScript and WebAssembly) that took the most self time in them, from Chromium's
// sampling profiler. Against a server already running at CHARLA_LH_URL
// (scripts/lighthouse.sh --profile starts one). CHARLA_LH_PAGES picks pages as in run.mjs.
// Prints figures; asserts nothing.
import puppeteer from 'puppeteer-core';

import { BASE, CHROME, firstConversation, signIn } from './session.mjs';

const SLOWDOWN = Number(process.env.CHARLA_LH_SLOWDOWN || 4);

// Self time per function from a CPU profile: each sample is charged to the node it hit.
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const f = node.callFrame;
    const where = f.url ? f.url.replace(BASE, '').replace(/\?.*$/, '') : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    totals.set(key, (totals.get(key) || 0) + (profile.timeDeltas[i] || 0) / 1000);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

async function profilePage(browser, name, path, cookies) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 412, height: 823, isMobile: true, hasTouch: true, deviceScaleFactor: 1.75 });
  if (cookies) await context.setCookie(...cookies);
  await page.evaluateOnNewDocument(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask', buffered: true });
    window.__lcp = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const el = e.element;
        const name = el ? `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className ? '.' + String(el.className).split(' ')[0] : ''}` : '(removed)';
        window.__lcp.push(`${name} ${e.size}px² @${Math.round(e.startTime)}`);
      }
    }).observe({ type: 'largest-contentful-paint', buffered: true });
  });
  const cdp = await page.createCDPSession();
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: SLOWDOWN });
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await page.goto(`${BASE}${path}`, { waitUntil: 'load' });
  await page.waitForSelector('html[data-hydrated]', { timeout: 30000 });
  await new Promise((r) => setTimeout(r, 1500));
  const { profile } = await cdp.send('Profiler.stop');
  const timing = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((p) => [p.name, Math.round(p.startTime)]));
    const wasm = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.wasm'))
      .map((r) => `${r.name.replace(location.origin, '')} ${Math.round(r.startTime)}→${Math.round(r.responseEnd)} ms`);
    return { dcl: Math.round(nav.domContentLoadedEventEnd), load: Math.round(nav.loadEventEnd), paint, wasm, longTasks: window.__longTasks, lcp: window.__lcp };
  });
  await context.close();
  const blocking = timing.longTasks.reduce((sum, [, d]) => sum + Math.max(0, d - 50), 0);
  console.log(`\n## ${name} (${path}), CPU ×${SLOWDOWN}`);
  console.log(`first contentful paint ${timing.paint['first-contentful-paint']} ms, DOMContentLoaded ${timing.dcl} ms, load ${timing.load} ms`);
  console.log(`largest contentful paint candidates: ${timing.lcp.join('; ')}`);
  console.log(`WASM fetched: ${timing.wasm.length} files, ${timing.wasm.slice(0, 3).join('; ')}${timing.wasm.length > 3 ? '; …' : ''}`);
  console.log(`long tasks [start ms, length ms]: ${JSON.stringify(timing.longTasks)}; blocking time over 50 ms: ${blocking} ms`);
  console.log('top self time (ms):');
  for (const [fn, ms] of selfTimes(profile).slice(0, 25)) console.log(`  ${ms.toFixed(1).padStart(8)}  ${fn}`);
}

const browser = await puppeteer.launch({
  executablePath: CHROME,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  const cookies = await signIn();
  const pages = [
    ['sign-in', '/login', null],
    ['inbox', '/conversations', cookies],
    ['conversation', await firstConversation(cookies), cookies],
    ['contacts', '/contacts', cookies],
  ];
  const only = (process.env.CHARLA_LH_PAGES || '').split(',').filter(Boolean);
  for (const [name, path, jar] of pages.filter(([n]) => only.length === 0 || only.includes(n))) {
    await profilePage(browser, name, path, jar);
  }
} finally {
  await browser.close();
}
