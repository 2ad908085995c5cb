// Page load of the conversations page (issue 9, item 6), measured in headless Chromium
// with the CPU slowed 4× (DevTools' throttling), on a desktop and a phone viewport,
// from a cold cache each time. It prints a table; no figure is asserted. It does fail
// when the page never paints or never hydrates.
//
// Figures: first contentful paint (the server-rendered list) and interactive (the WASM
// client has hydrated: event handlers are attached, <html data-hydrated="true">), both
// in ms from navigation start. Network is loopback, unthrottled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  DEMO,
  TEST_TIMEOUT,
  VIEWPORTS,
  newPage,
  sharedBrowser,
  signIn,
  waitForHydration,
  waitForPath,
} from './helpers.mjs';

const RUNS = Number(process.env.CHARLA_PAGELOAD_RUNS || 5);
const THROTTLE = 4;

const browser = sharedBrowser();

/** Records when the client marks itself hydrated, before any page script runs. */
function recordHydration() {
  const mark = () => {
    if (document.documentElement?.dataset.hydrated === 'true' && !window.charlaHydratedAt) {
      window.charlaHydratedAt = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, { attributes: true, subtree: true });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function cookiesOf(viewport) {
  const page = await newPage(browser(), viewport);
  await signIn(page, DEMO.admin.email, DEMO.admin.password);
  await waitForPath(page, /^\/conversations/);
  const cookies = await page.context().cookies();
  await page.context().close();
  return cookies;
}

async function oneLoad(viewport, cookies) {
  const page = await newPage(browser(), viewport);
  const context = page.context();
  try {
    await context.addCookies(cookies);
    await context.addInitScript(recordHydration);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => {
      bytes += e.encodedDataLength;
    });
    await page.goto(`${BASE_URL}/conversations`);
    await waitForHydration(page);
    // Interactive means the list answers a click: the tab buttons are live.
    await page.getByRole('tab', { name: /Todas/ }).first().waitFor();
    const figures = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      hydrated: window.charlaHydratedAt,
    }));
    return { ...figures, bytes };
  } finally {
    await context.close();
  }
}

test('page load of the conversations page, CPU throttled 4× (figures printed)', { timeout: TEST_TIMEOUT * 4 }, async () => {
  const rows = [];
  for (const viewport of VIEWPORTS) {
    const cookies = await cookiesOf(viewport);
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await oneLoad(viewport, cookies));
    for (const run of runs) {
      assert.ok(run.fcp > 0, `${viewport.name}: no first contentful paint`);
      assert.ok(run.hydrated > 0, `${viewport.name}: never hydrated`);
    }
    rows.push([
      viewport.name,
      `${viewport.width}×${viewport.height}`,
      median(runs.map((r) => r.fcp)).toFixed(0),
      Math.max(...runs.map((r) => r.fcp)).toFixed(0),
      median(runs.map((r) => r.hydrated)).toFixed(0),
      Math.max(...runs.map((r) => r.hydrated)).toFixed(0),
      (median(runs.map((r) => r.bytes)) / 1024).toFixed(0),
    ]);
  }
  const header = [
    'viewport',
    'size',
    'first paint ms (median)',
    'first paint ms (worst)',
    'interactive ms (median)',
    'interactive ms (worst)',
    'KB transferred',
  ];
  const lines = [
    '',
    `### Page load: /conversations, cold cache, CPU ${THROTTLE}× slower, ${RUNS} loads per viewport`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---|').join('')}`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  console.log(lines.join('\n'));
});
