//! `widget.js`: the script a customer's site includes to show the chat.
use axum::response::IntoResponse;

/// `<script src="https://charla.example/widget.js" data-token="…" async></script>`:
/// a launcher button that opens the chat in an iframe.
pub async fn embed_script() -> impl IntoResponse {
    (
        [
            (
                http::header::CONTENT_TYPE,
                "application/javascript; charset=utf-8",
            ),
            (http::header::CACHE_CONTROL, "public, max-age=300"),
        ],
        EMBED_JS,
    )
}

// The chat frame is third-party on the customer's site, where browsers deny or
// partition its storage: the visitor token lives in the host page's own localStorage,
// written here, and crosses to the frame by postMessage (checked both ways: only the
// frame we made, only from Charla's origin). The host may pass its signed-in user with
// `data-identifier` / `data-identifier-hash` (and `data-email`, `data-name`), with
// `window.charlaSettings`, or later with `Charla.setUser(identifier, {identifier_hash,
// email, name})`; `Charla.reset()` forgets the visitor (call it on sign-out).
const EMBED_JS: &str = r#"(function () {
  var script = document.currentScript;
  if (!script || window.Charla) return;
  var token = script.getAttribute('data-token');
  var origin = new URL(script.src).origin;
  var label = script.getAttribute('data-label') || 'Chat';
  var key = 'charla:visitor:' + token;
  var settings = window.charlaSettings || {};
  function attr(name) { return script.getAttribute('data-' + name) || null; }
  function person(identifier, attrs) {
    attrs = attrs || {};
    if (!identifier) return null;
    return { identifier: String(identifier), identifier_hash: String(attrs.identifier_hash || attrs.identifierHash || ''),
      email: attrs.email || null, name: attrs.name || null };
  }
  var user = attr('identifier')
    ? person(attr('identifier'), { identifier_hash: attr('identifier-hash'), email: attr('email'), name: attr('name') })
    : person(settings.identifier, settings);
  function load() { try { return window.localStorage.getItem(key); } catch (e) { return null; } }
  function save(visitor) {
    try {
      if (visitor) window.localStorage.setItem(key, visitor); else window.localStorage.removeItem(key);
    } catch (e) { /* storage off: the visitor lasts this page only */ }
  }
  var frame = null;
  var memory = load();
  function hand() {
    if (!frame || !frame.contentWindow) return;
    frame.contentWindow.postMessage(JSON.stringify({ charla: 'init', visitor: memory, user: user, page: location.href, open: frame.style.display !== 'none' }), origin);
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
  button.style.cssText = 'position:fixed;right:20px;bottom:20px;z-index:2147483000;min-width:56px;min-height:56px;' +
    'border-radius:28px;border:0;padding:0 20px;background:#1f6feb;color:#fff;font:600 16px system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 16px rgba(0,0,0,.25)';
  function setOpen(open) {
    if (open && !frame) {
      frame = document.createElement('iframe');
      frame.src = origin + '/widget/' + encodeURIComponent(token);
      frame.title = label;
      frame.allow = 'microphone';
      frame.style.cssText = 'position:fixed;right:20px;bottom:88px;z-index:2147483000;width:min(380px,calc(100vw - 40px));' +
        'height:min(600px,calc(100vh - 120px));border:0;border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.25);background:#fff';
      document.body.appendChild(frame);
    } else if (frame) {
      if ((frame.style.display !== 'none') === open) return;
      frame.style.display = open ? 'block' : 'none';
      // The frame counts what it shows as read only while it is open.
      if (frame.contentWindow) frame.contentWindow.postMessage(JSON.stringify({ charla: 'shown', open: open, page: location.href }), origin);
    }
    button.setAttribute('aria-expanded', String(open));
  }
  button.addEventListener('click', function () {
    setOpen(!frame || frame.style.display === 'none');
  });
  window.Charla = {
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    toggle: function () { button.click(); },
    setUser: function (identifier, attrs) { user = person(identifier, attrs); hand(); },
    reset: function () { user = null; memory = null; save(null); hand(); }
  };
  document.body.appendChild(button);
})();
"#;
