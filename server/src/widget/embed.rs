//! `widget.js`: the script a customer's site includes to show the chat; and
//! `/packs/js/sdk.js`, the same chat behind Chatwoot's own SDK (`chatwootSDK.run`,
//! `window.$chatwoot`), so a site that embedded Chatwoot switches by changing its base
//! URL and website token only.
use axum::response::IntoResponse;

fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (
                http::header::CONTENT_TYPE,
                "application/javascript; charset=utf-8",
            ),
            (http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
}

/// `<script src="https://charla.example/widget.js" data-token="…" async></script>`:
/// a launcher button that opens the chat in an iframe.
pub async fn embed_script() -> impl IntoResponse {
    script(EMBED_JS)
}

/// Chatwoot's snippet loads `BASE_URL + "/packs/js/sdk.js"` and calls
/// `window.chatwootSDK.run({websiteToken, baseUrl})`.
pub async fn chatwoot_sdk() -> impl IntoResponse {
    script(SDK_JS)
}

// The chat frame is third-party on the customer's site, where browsers deny or
// partition its storage: the visitor token lives in the host page's own localStorage,
// written here, and crosses to the frame by postMessage (checked both ways: only the
// frame we made, only from Charla's origin). Both scripts share this launcher.
macro_rules! launcher_js {
    () => {
        r#"
  function person(identifier, attrs) {
    attrs = attrs || {};
    if (!identifier) return null;
    return { identifier: String(identifier), identifier_hash: String(attrs.identifier_hash || attrs.identifierHash || ''),
      email: attrs.email || null, name: attrs.name || null };
  }
  function start(o) {
    // `base` is where the chat lives (it may have a path); `origin` is what its messages
    // must come from.
    var token = o.token, base = o.base || o.origin, origin = o.origin, label = o.label || 'Chat', user = o.user || null;
    var side = o.position === 'left' ? 'left' : 'right';
    var key = 'charla:visitor:' + token;
    function load() { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
    function save(visitor) {
      try {
        if (visitor) window.localStorage.setItem(key, visitor); else window.localStorage.removeItem(key);
      } catch (e) { /* storage off: the visitor lasts this page only */ }
    }
    var frame = null;
    var memory = load();
    function isOpen() { return !!frame && frame.style.display !== 'none'; }
    function hand() {
      if (!frame || !frame.contentWindow) return;
      frame.contentWindow.postMessage(JSON.stringify({ charla: 'init', visitor: memory, user: user, page: location.href, open: isOpen() }), origin);
    }
    window.addEventListener('message', function (ev) {
      if (!frame || ev.source !== frame.contentWindow || ev.origin !== origin || typeof ev.data !== 'string') return;
      var data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      if (!data || typeof data.charla !== 'string') return;
      if (data.charla === 'ready') hand();
      else if (data.charla === 'visitor') { memory = typeof data.visitor === 'string' ? data.visitor : null; save(memory); }
    });
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.setAttribute('aria-expanded', 'false');
    button.style.cssText = 'position:fixed;' + side + ':20px;bottom:20px;z-index:2147483000;min-width:56px;min-height:56px;' +
      'border-radius:28px;border:0;padding:0 20px;background:#1f6feb;color:#fff;font:600 16px system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25)';
    if (o.hidden) button.style.display = 'none';
    function setOpen(open) {
      if (open && !document.body) {
        document.addEventListener('DOMContentLoaded', function () { setOpen(open); });
        return;
      }
      if (open && !frame) {
        frame = document.createElement('iframe');
        frame.src = base + '/widget/' + encodeURIComponent(token);
        frame.title = label;
        frame.allow = 'microphone';
        frame.style.cssText = 'position:fixed;' + side + ':20px;bottom:88px;z-index:2147483000;width:min(380px,calc(100vw - 40px));' +
          'height:min(600px,calc(100vh - 120px));border:0;border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.25);background:#fff';
        document.body.appendChild(frame);
      } else if (frame) {
        if (isOpen() === open) return;
        frame.style.display = open ? 'block' : 'none';
        // The frame counts what it shows as read only while it is open.
        if (frame.contentWindow) frame.contentWindow.postMessage(JSON.stringify({ charla: 'shown', open: open, page: location.href }), origin);
      }
      button.setAttribute('aria-expanded', String(open));
    }
    button.addEventListener('click', function () { setOpen(!isOpen()); });
    function mount() { document.body.appendChild(button); }
    if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
    // A frame already talking as one visitor keeps her socket: another person, or
    // nobody, gets a new frame.
    function drop() {
      if (frame) { frame.parentNode && frame.parentNode.removeChild(frame); frame = null; }
      button.setAttribute('aria-expanded', 'false');
    }
    return {
      open: function () { setOpen(true); },
      close: function () { setOpen(false); },
      toggle: function () { setOpen(!isOpen()); },
      isOpen: isOpen,
      setUser: function (identifier, attrs) {
        var next = person(identifier, attrs);
        if (next && !next.identifier_hash && window.console) console.warn('Charla: setUser without identifier_hash is not verified; the visitor stays anonymous');
        var changed = JSON.stringify(next) !== JSON.stringify(user);
        var wasOpen = isOpen();
        user = next;
        if (changed && frame) { drop(); if (wasOpen) setOpen(true); } else hand();
      },
      reset: function () { user = null; memory = null; save(null); drop(); },
      bubble: function (show) { button.style.display = show ? '' : 'none'; },
      popout: function () { window.open(base + '/widget/' + encodeURIComponent(token), '_blank', 'noopener'); }
    };
  }
"#
    };
}

// The host may pass its signed-in user with `data-identifier` / `data-identifier-hash`
// (and `data-email`, `data-name`), with `window.charlaSettings`, or later with
// `Charla.setUser(identifier, {identifier_hash, email, name})`; `Charla.reset()`
// forgets the visitor (call it on sign-out).
const EMBED_JS: &str = concat!(
    r#"(function () {
  var script = document.currentScript;
  if (!script || window.Charla) return;
"#,
    launcher_js!(),
    r#"
  function attr(name) { return script.getAttribute('data-' + name) || null; }
  var settings = window.charlaSettings || {};
  var chat = start({
    token: script.getAttribute('data-token'),
    origin: new URL(script.src).origin,
    label: script.getAttribute('data-label') || 'Chat',
    user: attr('identifier')
      ? person(attr('identifier'), { identifier_hash: attr('identifier-hash'), email: attr('email'), name: attr('name') })
      : person(settings.identifier, settings)
  });
  window.Charla = { open: chat.open, close: chat.close, toggle: chat.toggle, setUser: chat.setUser, reset: chat.reset };
})();
"#
);

// Chatwoot's SDK surface: `window.chatwootSettings` (`launcherTitle`, `position`,
// `hideMessageBubble`) read at `run`; `$chatwoot.toggle('open' | 'close')`,
// `toggleBubbleVisibility('show' | 'hide')`, `popoutChatWindow()`, `setUser(identifier,
// {identifier_hash, email, name})` and `reset()` do what they do there; the calls that
// write labels, custom attributes, the locale or the colour scheme from the page are not
// taken (a page's script is anyone's) and say so once in the console. `chatwoot:ready`
// fires on `window` once the page has loaded and `$chatwoot` is there.
const SDK_JS: &str = concat!(
    r#"(function () {
  if (window.chatwootSDK) return;
  var own = location.origin;
  try { if (document.currentScript && document.currentScript.src) own = new URL(document.currentScript.src).origin; } catch (e) { /* inlined: the page's */ }
"#,
    launcher_js!(),
    r#"
  var warned = {};
  function notTaken(name) {
    return function () {
      if (warned[name]) return;
      warned[name] = true;
      if (window.console) console.warn('Charla: $chatwoot.' + name + ' is not supported; set it from Charla or its API');
    };
  }
  window.chatwootSDK = {
    run: function (config) {
      if (window.$chatwoot && window.$chatwoot.hasLoaded) return;
      config = config || {};
      var settings = window.chatwootSettings || {};
      var origin = own, base = own;
      try {
        if (config.baseUrl) {
          var url = new URL(config.baseUrl, location.href);
          origin = url.origin;
          base = (url.origin + url.pathname).replace(/\/+$/, '');
        }
      } catch (e) { /* keep the script's */ }
      var chat = start({
        token: config.websiteToken,
        origin: origin,
        base: base,
        label: settings.launcherTitle || 'Chat',
        position: settings.position,
        hidden: !!settings.hideMessageBubble
      });
      var api = {
        hasLoaded: true,
        websiteToken: config.websiteToken,
        baseUrl: base,
        toggle: function (state) {
          if (state === 'open') chat.open(); else if (state === 'close') chat.close(); else chat.toggle();
        },
        toggleBubbleVisibility: function (visibility) {
          if (visibility === 'show' || visibility === 'hide') chat.bubble(visibility === 'show');
        },
        popoutChatWindow: chat.popout,
        setUser: function (identifier, attrs) { chat.setUser(identifier, attrs); },
        reset: chat.reset,
        setLocale: notTaken('setLocale'),
        setColorScheme: notTaken('setColorScheme'),
        setLabel: notTaken('setLabel'),
        removeLabel: notTaken('removeLabel'),
        setCustomAttributes: notTaken('setCustomAttributes'),
        deleteCustomAttribute: notTaken('deleteCustomAttribute'),
        setConversationCustomAttributes: notTaken('setConversationCustomAttributes'),
        deleteConversationCustomAttribute: notTaken('deleteConversationCustomAttribute')
      };
      Object.defineProperty(api, 'isOpen', { get: chat.isOpen, enumerable: true });
      window.$chatwoot = api;
      // As Chatwoot's, `chatwoot:ready` comes after the page has loaded, so a handler
      // added by the page's own scripts hears it.
      function fire() {
        var ready;
        try { ready = new CustomEvent('chatwoot:ready'); } catch (e) { ready = document.createEvent('Event'); ready.initEvent('chatwoot:ready', false, false); }
        window.dispatchEvent(ready);
      }
      if (document.readyState === 'complete') setTimeout(fire, 0); else window.addEventListener('load', fire);
    }
  };
})();
"#
);
