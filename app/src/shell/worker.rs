//! The service worker (`/sw.js`): registered once the signed-in app runs in a browser
//! that has them, so Charla can be installed and can show notifications.

/// Registers `/sw.js` for the whole site; a browser without service workers, or a
/// refusal (a private window may refuse), leaves the app as it was.
pub fn register() {
    #[cfg(feature = "hydrate")]
    {
        use js_sys::{Function, Promise, Reflect};
        use wasm_bindgen::{JsCast, JsValue};

        let navigator = leptos::prelude::window().navigator();
        let Ok(container) = Reflect::get(&navigator, &JsValue::from_str("serviceWorker")) else {
            return;
        };
        if container.is_undefined() || container.is_null() {
            return;
        }
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
