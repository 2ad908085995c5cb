// A second start of the app on a phone: the open conversation loaded again in a browser
// that has loaded it before, on Lighthouse's mobile throttling (150 ms round trips,
// 1.6 Mbit/s down, CPU slowed 4×), once with the service worker serving the client's
// files from its cache and once bypassing it (the browser's HTTP cache alone, which
// asks the server whether each file changed). Prints, for each, the median time to a
// hydrated page and where the client's files came from. Against a running server
// (CHARLA_LH_URL). Asserts nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

import { BASE, CHROME, firstConversation, signIn } from './session.mjs';

const RUNS = Number(process.env.CHARLA_LH_RUNS || 5);

async function hydrated(page) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true', { timeout: 60_000 });
}

const THROTTLE = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

// One start of the app: the browser launched on its profile (its caches and service
// worker kept from earlier starts), the page opened, the browser closed again.
async function start(profile, url, cookies, { bypass, throttle, sources }) {
  const browser = await puppeteer.launch({ executablePath: CHROME, userDataDir: profile, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 412, height: 823, isMobile: true, hasTouch: true, deviceScaleFactor: 1.75 });
    await page.setCookie(...cookies);
    const cdp = await page.createCDPSession();
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass });
    cdp.on('Network.responseReceived', ({ response }) => {
      const path = new URL(response.url).pathname;
      if (!sources || !path.startsWith('/pkg/')) return;
      const from = response.serviceWorkerResponseSource
        || (response.fromDiskCache ? 'http-cache' : response.status === 304 ? 'revalidated' : 'network');
      sources.set(from, (sources.get(from) || 0) + 1);
    });
    if (throttle) {
      await cdp.send('Network.emulateNetworkConditions', THROTTLE);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    }
    const started = Date.now();
    await page.goto(url);
    await hydrated(page);
    const took = Date.now() - started;
    if (!bypass) await page.evaluate(async () => navigator.serviceWorker.ready);
    return took;
  } finally {
    await browser.close();
  }
}

async function measure(url, cookies, bypass) {
  const profile = await mkdtemp(join(tmpdir(), 'charla-second-start-'));
  try {
    // Two unthrottled starts: the worker installs, then fills its cache.
    for (let i = 0; i < 2; i++) await start(profile, url, cookies, { bypass });
    const times = [];
    const sources = new Map();
    for (let i = 0; i < RUNS; i++) times.push(await start(profile, url, cookies, { bypass, throttle: true, sources }));
    times.sort((a, b) => a - b);
    const perRun = [...sources.entries()].map(([k, v]) => `${k} ${Math.round(v / RUNS)}`).join(', ');
    return { median: times[Math.floor(times.length / 2)], times, perRun };
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

const cookies = await signIn();
const url = `${BASE}${await firstConversation(cookies)}`;
console.log(`Second start of ${url.replace(BASE, '')}: the browser relaunched on its profile, ${RUNS} runs each, slow 4G and CPU ×4:\n`);
console.log('| client files | to hydrated, median ms | each run ms | /pkg/ answers per start |');
console.log('|---|---|---|---|');
for (const [name, bypass] of [["from the service worker's cache", false], ['HTTP cache only (worker bypassed)', true]]) {
  const r = await measure(url, cookies, bypass);
  console.log(`| ${name} | ${r.median} | ${r.times.join(', ')} | ${r.perRun} |`);
}
