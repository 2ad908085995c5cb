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
  function fire(name, detail) {
    var ev;
    try { ev = new CustomEvent(name, { detail: detail }); } catch (e) { ev = document.createEvent('CustomEvent'); ev.initCustomEvent(name, false, false, detail); }
    window.dispatchEvent(ev);
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
    var frame = null, popup = null;
    var memory = load();
    function isOpen() { return !!frame && frame.style.display !== 'none'; }
    // The page's calls wait for a chat window to take them (the frame opens on demand).
    var calls = [], ready = null;
    function handTo(win) {
      win.postMessage(JSON.stringify({ charla: 'init', visitor: memory, user: user, page: location.href, open: win === popup || isOpen() }), origin);
      ready = win;
      flush();
    }
    function flush() {
      if (ready && ready.closed) ready = null;
      if (!ready || !calls.length) return;
      ready.postMessage(JSON.stringify({ charla: 'calls', calls: calls }), origin);
      calls = [];
    }
    function hand() { if (frame && frame.contentWindow) handTo(frame.contentWindow); }
    // What the chat says happened, told to the page as window events (`o.emit`).
    var events = { 'on-message': 1, 'on-start-conversation': 1, 'error': 1 };
    function emit(name, detail) { if (o.emit) o.emit(name, detail); }
    window.addEventListener('message', function (ev) {
      if (ev.origin !== origin || typeof ev.data !== 'string' || !ev.source) return;
      // Only our frame, or the window our popout opened, speaks for the chat.
      if (!(frame && ev.source === frame.contentWindow) && !(popup && ev.source === popup)) return;
      var data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      if (!data || typeof data.charla !== 'string') return;
      if (data.charla === 'ready') handTo(ev.source);
      else if (data.charla === 'visitor') { memory = typeof data.visitor === 'string' ? data.visitor : null; save(memory); }
      else if (data.charla === 'event' && events[data.name] === 1) emit(data.name, data.data === undefined ? null : data.data);
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
        emit('opened', null);
      } else if (frame) {
        if (isOpen() === open) return;
        frame.style.display = open ? 'block' : 'none';
        emit(open ? 'opened' : 'closed', null);
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
      ready = null;
      if (frame) {
        var shown = isOpen();
        frame.parentNode && frame.parentNode.removeChild(frame);
        frame = null;
        if (shown) emit('closed', null);
      }
      button.setAttribute('aria-expanded', 'false');
    }
    return {
      open: function () { setOpen(true); },
      close: function () { setOpen(false); },
      toggle: function () { setOpen(!isOpen()); },
      isOpen: isOpen,
      setUser: function (identifier, attrs) {
        var next = person(identifier, attrs);
        if (next && !next.identifier_hash && window.console) console.info('Charla: setUser without identifier_hash: the name and email are kept as what the visitor says, not as a verified identity');
        var changed = JSON.stringify(next) !== JSON.stringify(user);
        var wasOpen = isOpen();
        // Someone else signed in on the site: she starts as a new visitor.
        if (user && next && user.identifier !== next.identifier) { memory = null; save(null); }
        user = next;
        if (changed && frame) { drop(); if (wasOpen) setOpen(true); } else hand();
      },
      reset: function () {
        user = null; memory = null; save(null); calls = []; drop();
        if (popup && !popup.closed) popup.close();
        popup = null;
      },
      call: function (name, arg) { calls.push({ name: name, arg: arg === undefined ? null : arg }); flush(); },
      bubble: function (show) { button.style.display = show ? '' : 'none'; },
      // The chat in a window of its own, as the same visitor: it asks this page (its
      // opener) for her token as the frame does, so the token never travels in an
      // address. The frame closes, as Chatwoot's does.
      popout: function () {
        var opened = window.open(base + '/widget/' + encodeURIComponent(token), 'charla-chat', 'popup,width=400,height=640');
        if (!opened) return;
        popup = opened;
        // One window speaks for her: the frame and its socket go.
        drop();
      }
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
    emit: function (name, detail) { fire('charla:' + name, detail); },
    token: script.getAttribute('data-token'),
    origin: new URL(script.src).origin,
    label: script.getAttribute('data-label') || 'Chat',
    user: attr('identifier')
      ? person(attr('identifier'), { identifier_hash: attr('identifier-hash'), email: attr('email'), name: attr('name') })
      : person(settings.identifier, settings)
  });
  window.Charla = { open: chat.open, close: chat.close, toggle: chat.toggle, setUser: chat.setUser, reset: chat.reset };
  ['setCustomAttributes', 'deleteCustomAttribute', 'setConversationCustomAttributes', 'deleteConversationCustomAttribute', 'setLabel', 'removeLabel']
    .forEach(function (name) { window.Charla[name] = function (arg) { chat.call(name, arg); }; });
})();
"#
);

// Chatwoot's SDK surface: `window.chatwootSettings` (`launcherTitle`, `position`,
// `hideMessageBubble`) read at `run`; `$chatwoot.toggle('open' | 'close')`,
// `toggleBubbleVisibility('show' | 'hide')`, `popoutChatWindow()`, `setUser(identifier,
// {identifier_hash, email, name})`, `reset()`, `setCustomAttributes`,
// `setConversationCustomAttributes`, `setLabel` and their removals do what they do
// there (the last ones reach the chat when it next opens and apply once she has
// written); the locale and colour scheme are not taken from the page and say so once
// in the console. `chatwoot:ready`
// fires on `window` once the page has loaded and `$chatwoot` is there; then
// `chatwoot:on-message` (each new message, `detail` the message),
// `chatwoot:on-start-conversation`, `chatwoot:error`, `chatwoot:opened` and
// `chatwoot:closed`, as Chatwoot's. Charla's own `widget.js` fires the same as `charla:…`.
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
        emit: function (name, detail) { fire('chatwoot:' + name, detail); },
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
        setLabel: function (label) { chat.call('setLabel', label); },
        removeLabel: function (label) { chat.call('removeLabel', label); },
        setCustomAttributes: function (values) { chat.call('setCustomAttributes', values); },
        deleteCustomAttribute: function (key) { chat.call('deleteCustomAttribute', key); },
        setConversationCustomAttributes: function (values) { chat.call('setConversationCustomAttributes', values); },
        deleteConversationCustomAttribute: function (key) { chat.call('deleteConversationCustomAttribute', key); }
      };
      Object.defineProperty(api, 'isOpen', { get: chat.isOpen, enumerable: true });
      window.$chatwoot = api;
      // As Chatwoot's, `chatwoot:ready` comes after the page has loaded, so a handler
      // added by the page's own scripts hears it.
      function ready() { fire('chatwoot:ready', null); }
      if (document.readyState === 'complete') setTimeout(ready, 0); else window.addEventListener('load', ready);
    }
  };
})();
"#
);
