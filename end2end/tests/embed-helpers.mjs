// The website chat as a customer's site embeds it: the snippet from Ajustes, a host
// page on another origin, a visitor whose chat frame is denied third-party storage.
import http from 'node:http';
import { BASE_URL, newPage, waitForHydration } from './helpers.mjs';

export const CHARLA_ORIGIN = new URL(BASE_URL).origin;

/** The embed snippet exactly as Ajustes shows it (its origin is filled in after hydration). */
export async function embedSnippet(page) {
  await page.goto(`${BASE_URL}/settings`);
  await waitForHydration(page);
  const code = page.locator('.embed pre code').first();
  await page.waitForFunction(() => /src="https?:\/\//.test(document.querySelector('.embed pre code')?.textContent || ''));
  return code.innerText();
}

/** A customer's site on another origin: every path is a page with the snippet (and any `data-` attributes from the query). */
export async function hostSite(snippet) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let tag = snippet;
    for (const [key, value] of url.searchParams) {
      const attr = key.replace(/[^a-z-]/g, '');
      tag = tag.replace('<script ', `<script data-${attr}="${value.replace(/"/g, '&quot;')}" `);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Tienda ${url.pathname}</title></head>` +
      `<body><main><h1>Tienda de ejemplo</h1><a href="/otra">Otra página</a></main>${tag}</body></html>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  // `localhost` is another site than 127.0.0.1 for the browser: the frame is third-party.
  const url = `http://localhost:${server.address().port}`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * A browser context whose Charla frames, when third-party, are denied storage: Chromium
 * 156 already denies it by default (a probe here got SecurityError with and without the
 * third-party-cookie settings); the init script keeps the test meaningful on a Chromium
 * that partitions instead.
 */
export async function visitorPage(browser, vp) {
  const page = await newPage(browser, vp);
  await page.context().addInitScript((charla) => {
    if (window === window.top || location.origin !== charla) return;
    const deny = () => {
      throw new DOMException("Failed to read the 'localStorage' property from 'Window': Access is denied for this document.", 'SecurityError');
    };
    Object.defineProperty(window, 'localStorage', { get: deny, configurable: true });
    Object.defineProperty(window, 'sessionStorage', { get: deny, configurable: true });
  }, CHARLA_ORIGIN);
  return page;
}

/** Opens the launcher on the host page; the chat frame, hydrated. */
export async function openChat(page) {
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  const frame = page.frameLocator('iframe[title="Chat"]');
  await frame.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' });
  // The page has loaded what the host handed over (the greeting's form or the history).
  await frame.getByLabel('Mensaje', { exact: true }).waitFor();
  return frame;
}

/** Chatwoot's installation snippet, as its settings page gives it, pointed at Charla (`extra`: the site's own script before it). */
export function chatwootSnippet(token, extra = '') {
  return `<script>
  window.chatwootSettings = { launcherTitle: 'Habla con nosotros', position: 'left' };
  window.addEventListener('chatwoot:ready', function () { window.__chatwootReady = true; });
  ${extra}
  (function(d,t) {
    var BASE_URL="${CHARLA_ORIGIN}";
    var g=d.createElement(t),s=d.getElementsByTagName(t)[0];
    g.src=BASE_URL+"/packs/js/sdk.js";
    g.defer = true;
    g.async = true;
    s.parentNode.insertBefore(g,s);
    g.onload=function(){
      window.chatwootSDK.run({
        websiteToken: '${token}',
        baseUrl: BASE_URL
      })
    }
  })(document,"script");
</script>`;
}
