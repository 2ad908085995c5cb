//! Where the visitor token lives. Opened as a page of its own, the widget keeps it in
//! its localStorage. Inside the embed's frame it is a third party on the customer's
//! site, where browsers deny (Chromium with third-party cookies blocked) or partition
//! (Safari, Firefox) that storage; there the host page's `widget.js` keeps the token in
//! the site's own first-party storage and hands it over by postMessage, with the host's
//! signed-in user if it passes one. Messages count only from the parent window.
use serde::Deserialize;

use crate::widget::HostUser;

/// What the host page hands over.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Handover {
    #[serde(default)]
    pub visitor: Option<String>,
    #[serde(default)]
    pub user: Option<HostUser>,
}

#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Deserialize)]
struct FromHost {
    charla: String,
    /// `shown`: whether the host shows the frame (its launcher opened or closed it).
    #[serde(default)]
    open: Option<bool>,
    /// The host page's address (the chat was opened on it).
    #[serde(default)]
    page: Option<String>,
    #[serde(flatten)]
    handover: Handover,
    /// `calls`: what the page's script asked (`page_calls`).
    #[serde(default)]
    calls: Vec<super::PageCall>,
}

thread_local! {
    /// Whether the host shows the frame (a page of its own always is).
    static SHOWN: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
    /// Whether the host window has handed a visitor over: a popout's opener that never
    /// does (any page may open this address) is told nothing.
    static HANDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The origin of the page that handed her over: a popout's opener may navigate
    /// elsewhere while the popout stays, so what goes to it goes to that origin only.
    static HANDED_BY: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    /// The host page's address, as it last said.
    static PAGE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The page the chat is open on: the host's (as it says, or as the browser's referrer
/// tells), or, for a page of its own, the one that linked to it.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub fn page() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        PAGE.with(|p| p.borrow().clone()).or_else(|| {
            let referrer = leptos::prelude::document().referrer();
            (!referrer.is_empty()).then_some(referrer)
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// Whether the host shows the frame (its launcher has it open; a page of its own
/// always is), whether or not the page is in view.
pub fn opened_by_host() -> bool {
    SHOWN.with(|s| s.get())
}

/// Whether the visitor can see the chat now: the page is visible and, inside the
/// embed, the host has not closed the frame.
pub fn shown() -> bool {
    #[cfg(feature = "hydrate")]
    {
        SHOWN.with(|s| s.get()) && !leptos::prelude::document().hidden()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// How long a frame waits for the host page before opening as a newcomer (an older
/// cached `widget.js` never answers).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const WAIT_MS: u32 = 1500;

/// Whether the widget runs inside another page (the embed), not as a page of its own.
pub fn embedded() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let own = leptos::prelude::window();
        match own.parent() {
            Ok(Some(parent)) => !js_sys::Object::is(&parent, &own),
            _ => false,
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// The window that opened this page (the launcher's popout), if any: it hands over the
/// visitor as a parent does.
pub fn popped_out() -> bool {
    #[cfg(feature = "hydrate")]
    {
        !embedded() && opener().is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

#[cfg(feature = "hydrate")]
fn opener() -> Option<web_sys::Window> {
    use wasm_bindgen::JsCast;
    // A cross-origin window is not `instanceof Window` here: no checked cast.
    let opener = leptos::prelude::window().opener().ok()?;
    (!opener.is_null() && !opener.is_undefined()).then(|| opener.unchecked_into())
}

/// The page that hands the visitor over: the embedding page, or the popout's opener.
#[cfg(feature = "hydrate")]
fn host_window() -> Option<web_sys::Window> {
    if embedded() {
        leptos::prelude::window().parent().ok().flatten()
    } else {
        opener()
    }
}

/// Calls `on_handover` with each hand-over from the host page: the first one, or
/// `None` if none comes in time, then any later one (`Charla.setUser`, `Charla.reset`);
/// `on_shown` with whether the host's launcher opened (or closed) the frame, and
/// `on_calls` with the page's calls (`page_calls`).
pub fn listen(
    on_handover: impl Fn(Option<Handover>) + 'static,
    on_shown: impl Fn(bool) + 'static,
    on_calls: impl Fn(Vec<super::PageCall>) + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        use std::rc::Rc;
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        let own = leptos::prelude::window();
        let Some(parent) = host_window() else {
            on_handover(None);
            return;
        };
        let on_handover = Rc::new(on_handover);
        let answered = Rc::new(Cell::new(false));
        let listener = {
            let (on_handover, answered) = (on_handover.clone(), answered.clone());
            let parent = parent.clone();
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                if !ev.source().is_some_and(|s| js_sys::Object::is(&s, &parent)) {
                    return;
                }
                let Some(text) = ev.data().as_string() else {
                    return;
                };
                let Ok(message) = serde_json::from_str::<FromHost>(&text) else {
                    return;
                };
                if message.page.is_some() {
                    PAGE.with(|p| *p.borrow_mut() = message.page.clone());
                }
                if message.charla == "init" {
                    // A late hand-over reloads the page (`on_handover`), which then
                    // waits for it: until then this page speaks for a visitor it found
                    // on its own, and tells that window nothing.
                    if !answered.replace(true) {
                        HANDED.with(|h| h.set(true));
                        HANDED_BY.with(|h| *h.borrow_mut() = Some(ev.origin()));
                    }
                    if let Some(open) = message.open {
                        SHOWN.with(|s| s.set(open));
                    }
                    on_handover(Some(message.handover));
                } else if message.charla == "calls" && HANDED.with(|h| h.get()) {
                    // Only from the window that handed her over: another opener's
                    // calls never reach a visitor this page found on its own.
                    on_calls(message.calls);
                } else if message.charla == "shown" {
                    let open = message.open.unwrap_or(true);
                    SHOWN.with(|s| s.set(open));
                    on_shown(open);
                }
            })
        };
        let _ = own.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
        // The page lives as long as the listener: nothing to drop it for.
        listener.forget();
        // Nothing of hers in it: said to any opener, which may then hand her over.
        let _ = parent.post_message(
            &wasm_bindgen::JsValue::from_str(r#"{"charla":"ready"}"#),
            "*",
        );
        leptos::task::spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(WAIT_MS).await;
            if !answered.replace(true) {
                on_handover(None);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (on_handover, on_shown, on_calls);
}

/// The token a page of its own kept (never read inside a frame).
pub fn load(token: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .local_storage()
            .ok()
            .flatten()?
            .get_item(&storage_key(token))
            .ok()
            .flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = token;
        None
    }
}

/// Keeps (or, with `None`, forgets) the visitor token: in the host page when embedded.
pub fn keep(token: &str, visitor: Option<&str>) {
    #[cfg(feature = "hydrate")]
    {
        // A page of its own keeps her token itself; a popout whose opener handed her
        // over leaves it to that page (its sign-out, `reset`, must end her here too).
        if !embedded() && !HANDED.with(|h| h.get()) {
            if let Some(storage) = leptos::prelude::window().local_storage().ok().flatten() {
                let _ = match visitor {
                    Some(v) => storage.set_item(&storage_key(token), v),
                    None => storage.remove_item(&storage_key(token)),
                };
            }
        }
        post(&serde_json::json!({ "charla": "visitor", "visitor": visitor }));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (token, visitor);
}

#[cfg(feature = "hydrate")]
fn storage_key(token: &str) -> String {
    format!("charla:visitor:{token}")
}

/// Tells the host page what happened in the chat (`on-message`, `on-start-conversation`,
/// `error`), which its launcher fires as window events for the site's scripts.
pub fn tell(name: &str, data: serde_json::Value) {
    #[cfg(feature = "hydrate")]
    post(&serde_json::json!({ "charla": "event", "name": name, "data": data }));
    #[cfg(not(feature = "hydrate"))]
    let _ = (name, data);
}

/// To the host window: what goes is this visitor's own token and messages, which only
/// the page that embeds the frame (any origin: it made or gave that token, and a frame
/// goes with its page) or the origin that handed the popout her token receives.
#[cfg(feature = "hydrate")]
fn post(value: &serde_json::Value) {
    if !embedded() && !HANDED.with(|h| h.get()) {
        return;
    }
    let target = if embedded() {
        "*".to_owned()
    } else {
        match HANDED_BY.with(|h| h.borrow().clone()) {
            Some(origin) => origin,
            None => return,
        }
    };
    if let Some(host) = host_window() {
        let _ = host.post_message(
            &wasm_bindgen::JsValue::from_str(&value.to_string()),
            &target,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_messages_read_back() {
        let text = r#"{"charla":"init","visitor":"abc","user":{"identifier":"42","identifier_hash":"ff","email":null,"name":"Eva"}}"#;
        let message: FromHost = serde_json::from_str(text).unwrap();
        assert_eq!(message.charla, "init");
        assert_eq!(message.handover.visitor.as_deref(), Some("abc"));
        assert_eq!(message.handover.user.unwrap().name.as_deref(), Some("Eva"));
        let bare: FromHost =
            serde_json::from_str(r#"{"charla":"init","visitor":null,"user":null}"#).unwrap();
        assert_eq!(bare.handover, Handover::default());
    }
}
