//! The site's service worker (`public/sw.js`): registered once the signed-in app runs
//! in a browser that has them (so Charla can be installed and show notifications), and
//! the messages between it and a page: what a page hands it to do when no page may be
//! open, and what it tells the pages back.

/// Registers `/sw.js` for the whole site; a browser without service workers, or a
/// refusal (a private window may refuse), leaves the app as it was.
pub fn register() {
    #[cfg(feature = "hydrate")]
    {
        use js_sys::{Function, Promise, Reflect};
        use wasm_bindgen::{JsCast, JsValue};

        let Some(container) = container() else { return };
        let Some(register) = Reflect::get(&container, &JsValue::from_str("register"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        else {
            return;
        };
        let Ok(promise) = register
            .call1(&container, &JsValue::from_str("/sw.js"))
            .and_then(|p| p.dyn_into::<Promise>())
        else {
            return;
        };
        leptos::task::spawn_local(async move {
            if let Err(err) = wasm_bindgen_futures::JsFuture::from(promise).await {
                leptos::logging::warn!("service worker not registered: {err:?}");
            }
        });
    }
}

/// Hands `message` to the service worker that controls this page; a page it does not
/// control (no support, refused, the very first visit) keeps to what it does itself.
pub fn post(message: &serde_json::Value) {
    #[cfg(feature = "hydrate")]
    {
        use js_sys::{Function, Reflect, JSON};
        use wasm_bindgen::{JsCast, JsValue};

        let Some(container) = container() else { return };
        let Some(controller) = Reflect::get(&container, &JsValue::from_str("controller"))
            .ok()
            .filter(|c| !c.is_undefined() && !c.is_null())
        else {
            return;
        };
        let Ok(message) = JSON::parse(&message.to_string()) else {
            return;
        };
        if let Some(post) = Reflect::get(&controller, &JsValue::from_str("postMessage"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = post.call1(&controller, &message);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = message;
}

/// Calls `handle` with every message the service worker sends this page, as JSON.
#[cfg(feature = "hydrate")]
pub fn on_message(handle: impl Fn(serde_json::Value) + 'static) {
    use js_sys::{Function, Reflect, JSON};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};

    let Some(container) = container() else { return };
    let listener = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let data = Reflect::get(&event, &JsValue::from_str("data")).unwrap_or(JsValue::NULL);
        let text = JSON::stringify(&data).ok().and_then(|s| s.as_string());
        if let Some(value) = text.and_then(|t| serde_json::from_str(&t).ok()) {
            handle(value);
        }
    });
    if let Some(add) = Reflect::get(&container, &JsValue::from_str("addEventListener"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    {
        let _ = add.call2(
            &container,
            &JsValue::from_str("message"),
            listener.as_ref().unchecked_ref(),
        );
    }
    // Listens for as long as the page lives.
    listener.forget();
}

#[cfg(feature = "hydrate")]
fn container() -> Option<wasm_bindgen::JsValue> {
    let navigator = leptos::prelude::window().navigator();
    js_sys::Reflect::get(
        &navigator,
        &wasm_bindgen::JsValue::from_str("serviceWorker"),
    )
    .ok()
    .filter(|c| !c.is_undefined() && !c.is_null())
}
