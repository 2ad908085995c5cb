import assert from 'node:assert/strict';
// Shared helpers for Charla's browser tests (node:test + playwright-core).
//
// No browser is downloaded: playwright-core drives Debian's /usr/bin/chromium
// (installed by scripts/setup.sh). The tests run against a server that is already
// up: `cargo leptos end-to-end --release --precompress --split` builds and starts it, then runs
// `node --test` in end2end/ (it does not wait for the server: see waitForServer).
import { after, before } from 'node:test';
import { mkdir, writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.CHARLA_E2E_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');

export const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844, isMobile: true, hasTouch: true },
];

export const DEMO = {
  admin: { email: 'admin@charla.local', password: 'charla-demo' },
  agent: { email: 'lucia@charla.local', password: 'charla-demo' },
};

/** Timeout for single waits (locators, navigations, hydration). */
export const STEP_TIMEOUT = 30_000;
/** Timeout for one whole test() case: a few steps of STEP_TIMEOUT each. */
export const TEST_TIMEOUT = 90_000;

const CHROMIUM = process.env.CHARLA_CHROMIUM || '/usr/bin/chromium';
const RESULTS_DIR = new URL('../test-results/', import.meta.url);

/** Launches Debian's Chromium headless. */
export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // "Grabar audio": a fake microphone (a beep), allowed without a prompt.
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
  });
}

/**
 * A fresh browser context (own cookies) with the viewport and locale given,
 * and a page in it. Close it with `page.context().close()`.
 */
export async function newPage(browser, viewport, { locale = 'es-ES', colorScheme = 'light' } = {}) {
  const context = await browser.newContext({
    viewport: { width: viewport.width, height: viewport.height },
    isMobile: Boolean(viewport.isMobile),
    hasTouch: Boolean(viewport.hasTouch),
    locale,
    colorScheme,
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  // Kept for the failure report of withPage().
  page.charlaErrors = [];
  page.on('pageerror', (err) => page.charlaErrors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.charlaErrors.push(`console.error: ${msg.text()}`);
  });
  return page;
}

/** Waits until the WASM client has hydrated: <html data-hydrated="true">. */
export async function waitForHydration(page, { timeout = STEP_TIMEOUT } = {}) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true', null, {
    timeout,
  });
}

/** Resolves once `pathname` of the page's URL satisfies `want` (string or RegExp). */
export async function waitForPath(page, want, { timeout = STEP_TIMEOUT } = {}) {
  const ok = (url) => {
    const path = new URL(url).pathname;
    return typeof want === 'string' ? path === want : want.test(path);
  };
  await page.waitForURL(ok, { timeout });
}

/** Polls BASE_URL until the server answers (cargo-leptos starts tests right after spawning it). */
export async function waitForServer({ timeout = 120_000 } = {}) {
  const deadline = Date.now() + timeout;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${BASE_URL}/login`, { redirect: 'manual' });
      if (res.status < 500) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.cause?.code || err.message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server at ${BASE_URL} did not answer within ${timeout} ms (${last})`);
}

/**
 * The visible main navigation landmark (Spanish "Principal"; "Main" accepted in English).
 * Visible-only, so a desktop sidebar and a phone drawer may both exist in the DOM.
 */
export function mainNav(page) {
  return page
    .getByRole('navigation', { name: /^(Principal|Main)$/ })
    .filter({ visible: true })
    .first();
}

/** The first visible button with exactly this accessible name (string) or matching RegExp. */
export function button(page, name) {
  const opts = typeof name === 'string' ? { name, exact: true } : { name };
  return page.getByRole('button', opts).filter({ visible: true }).first();
}

/**
 * On a phone the main navigation may be collapsed behind a "Menú" button:
 * if no link of the main navigation is visible, click that button and wait for them.
 */
export async function openNavIfCollapsed(page) {
  const firstLink = mainNav(page).getByRole('link').filter({ visible: true }).first();
  // Wait for the shell: either the links or the toggle that reveals them.
  await firstLink.or(button(page, /^(Menú|Menu)$/)).first().waitFor({ state: 'visible' });
  if (await firstLink.isVisible()) return;
  await button(page, /^(Menú|Menu)$/).click();
  await firstLink.waitFor({ state: 'visible' });
}

/**
 * Registers before/after hooks that wait for the server and share one Chromium per
 * test file; returns a getter for it.
 */
export function sharedBrowser() {
  let browser;
  before(async () => {
    await waitForServer();
    browser = await launch();
  }, { timeout: 180_000 });
  after(async () => {
    await browser?.close();
  });
  return () => browser;
}

/** A fresh context signed in as `who`, hydrated on the page it lands on. */
export async function signedInPage(browser, viewport, who) {
  const page = await newPage(browser, viewport);
  await signIn(page, who.email, who.password);
  await waitForPath(page, /^(?!\/login$)/);
  await waitForHydration(page);
  return page;
}

/** Goes to /login, waits for hydration, fills the form and submits it (does not wait for the outcome). */
export async function signIn(page, email, password) {
  await page.goto(`${BASE_URL}/login`);
  await waitForHydration(page);
  await page.getByLabel('Correo electrónico', { exact: true }).fill(email);
  await page.getByLabel('Contraseña', { exact: true }).fill(password);
  await button(page, 'Iniciar sesión').click();
}

/**
 * Runs `fn(page)` in a fresh context; on failure saves a screenshot to
 * end2end/test-results/<name>.png and prints the page's errors, then rethrows.
 */
export async function withPage(browser, viewport, name, fn, options) {
  const page = await newPage(browser, viewport, options);
  try {
    await fn(page);
  } catch (err) {
    try {
      await mkdir(RESULTS_DIR, { recursive: true });
      const file = new URL(`${name.replace(/[^\w.-]+/g, '_')}.png`, RESULTS_DIR);
      await writeFile(file, await page.screenshot({ fullPage: true, timeout: 5_000 }));
      console.error(`# screenshot: ${file.pathname} (url ${page.url()})`);
    } catch (shotErr) {
      console.error(`# no screenshot: ${shotErr.message}`);
    }
    for (const line of page.charlaErrors) console.error(`# ${line}`);
    throw err;
  } finally {
    await page.context().close();
  }
}

/**
 * The agent's panel (name, availability, language, sign out) is always shown on a
 * desktop; on a phone it opens from the "Menú" button in the top bar.
 */
export async function openAccountPanel(page) {
  const signOut = button(page, /^(Cerrar sesión|Sign out)$/);
  // Either the panel or its toggle shows once the shell has loaded.
  await button(page, /^(Cerrar sesión|Sign out|Menú|Menu)$/).waitFor({ state: 'visible' });
  if (await signOut.isVisible()) return;
  await button(page, /^(Menú|Menu)$/).click();
  await signOut.waitFor({ state: 'visible' });
}

/**
 * Picks an availability in the agent's panel and waits until the server has stored it:
 * the picker shows the choice at once, and leaving or closing the page before the
 * server answers would cancel the call.
 */
export async function pickAvailability(page, value) {
  await openAccountPanel(page);
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/set_availability') && r.ok());
  await page.getByLabel('Disponibilidad', { exact: true }).selectOption(value);
  await saved;
}

/**
 * The chat's message with this text once the server has stored it. A reply or note
 * shows at once as an optimistic copy (a negative `data-message-id`) until the server
 * confirms it; leaving the page before that would cancel the send.
 */
export function confirmedMessage(page, text) {
  return page
    .locator('.message-list .message[data-message-id]:not([data-message-id^="-"])', { hasText: text })
    .first();
}

/** The conversation list at `query` once the page is live (its socket says "En vivo"). */
export async function openConversationList(page, query = 'tab=all&status=open') {
  await page.goto(`${BASE_URL}/conversations?${query}`);
  await waitForHydration(page);
  await page.getByRole('status').filter({ hasText: 'En vivo' }).filter({ visible: true }).first().waitFor();
  return page.getByRole('list', { name: 'Lista de conversaciones' });
}

/** The list's filters, behind "Filtros y orden" unless one is in force. */
export async function openFilters(page) {
  const panel = page.locator('details.filter-panel');
  if ((await panel.getAttribute('open')) === null) await panel.locator(':scope > summary').click();
  return panel;
}

/**
 * Changes one control of the list's filters and waits until the list has loaded and
 * been drawn for the new address (its counts come last), so that the next change
 * starts from a settled list rather than racing the reload this one set off.
 */
export async function filterList(page, pattern, change) {
  const panel = await openFilters(page);
  const counted = page.waitForResponse((r) => r.url().endsWith('/api/conversations/counts'));
  await change(panel);
  await page.waitForURL(pattern);
  await counted;
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
}

/** Marcos, the demo's second agent (web chat and email). */
export const MARCOS = { email: 'marcos@charla.local', password: DEMO.agent.password };

/** A server function called with the page's session; fails the test on an error status. */
export async function api(page, path, data) {
  const res = await page.request.post(`${BASE_URL}/api/${path}`, { data });
  assert.ok(res.ok(), `${path}: ${res.status()} ${await res.text()}`);
  return res.json();
}

/** The demo web-chat inbox's own chat page (Ajustes links it), for a visitor to open. */
export async function widgetUrl(page) {
  await page.goto(`${BASE_URL}/settings`);
  await waitForHydration(page);
  const link = page.getByRole('link', { name: 'Abrir la página de chat' }).first();
  return new URL(await link.getAttribute('href'), BASE_URL).toString();
}

/** A new visitor writes her first message in the widget at `url` (its form asks her name). */
export async function visitorWrites(visitor, url, name, text) {
  await visitor.goto(url);
  await waitForHydration(visitor);
  await visitor.getByLabel('Nombre', { exact: true }).fill(name);
  await visitor.getByLabel('Mensaje', { exact: true }).fill(text);
  await button(visitor, 'Enviar').click();
  await visitor.getByRole('log').getByText(text).waitFor();
}

/** Opens, from Sin asignar, the conversation of the visitor with this name. */
export async function openUnassigned(page, name) {
  await page.goto(`${BASE_URL}/conversations?tab=unassigned&status=open`);
  await waitForHydration(page);
  await page.getByRole('list', { name: 'Lista de conversaciones' }).getByRole('link').filter({ hasText: name }).click();
  await page.getByRole('heading', { name, level: 2 }).waitFor();
}

/**
 * The notification the page's service worker shows with this title ({ body, url }),
 * waiting up to 10 s; `null` if none shows. (An async predicate cannot be given to
 * `waitForFunction`: the promise it returns counts as truthy at once.)
 */
export async function shownNotification(page, title, tries = 100) {
  for (let i = 0; i < tries; i += 1) {
    const shown = await page.evaluate(async (want) => {
      const registration = await navigator.serviceWorker.ready;
      const found = (await registration.getNotifications()).find((n) => n.title === want);
      return found ? { body: found.body, url: found.data && found.data.url } : null;
    }, title);
    if (shown) return shown;
    await page.waitForTimeout(100);
  }
  return null;
}

/** A receiver on 127.0.0.1 that keeps every request (webhooks, API inboxes' URLs). */
export async function startReceiver(path = '/hook') {
  const { createServer } = await import('node:http');
  const got = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}${path}`, got, close: () => server.close() };
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Serious and critical axe-core violations (WCAG 2.1 A/AA) on the page as it is now, one line each. */
export async function axeViolations(page) {
  const { AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  // A page axe could not read (no rule passed) is a failure too, not a clean bill.
  if (result.passes.length < 10) return [`axe passed only ${result.passes.length} rules`];
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(', ')}`);
}
