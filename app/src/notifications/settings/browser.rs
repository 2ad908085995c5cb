//! This browser's Push API (through its service worker): whether it has one, the
//! subscription it holds, subscribing with the server's key, unsubscribing.
use crate::notifications::model::PushSubscriptionInput;

/// Why push could not be turned on here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub enum PushRefusal {
    /// No service worker, Push API or Notification API in this browser.
    Unsupported,
    /// She (or the browser's settings) refused notifications for Charla.
    Denied,
    /// The browser's push service did not answer.
    Failed,
}

#[cfg(feature = "hydrate")]
mod js {
    use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    pub fn get(target: &JsValue, key: &str) -> Option<JsValue> {
        Reflect::get(target, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
    }

    /// `target[method](...args)`, awaited when it gives a promise.
    pub async fn call(
        target: &JsValue,
        method: &str,
        args: &[JsValue],
    ) -> Result<JsValue, JsValue> {
        let function: Function = get(target, method)
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| JsValue::from_str(method))?;
        let list = Array::new();
        for arg in args {
            list.push(arg);
        }
        let out = function.apply(target, &list)?;
        match out.dyn_into::<Promise>() {
            Ok(promise) => JsFuture::from(promise).await,
            Err(value) => Ok(value),
        }
    }

    /// The service worker's registration once it is active.
    pub async fn registration() -> Option<JsValue> {
        let container = get(&leptos::prelude::window().navigator(), "serviceWorker")?;
        let ready: Promise = get(&container, "ready")?.dyn_into().ok()?;
        JsFuture::from(ready).await.ok()
    }

    pub async fn push_manager() -> Option<JsValue> {
        get(&registration().await?, "pushManager")
    }

    pub fn options(key: &[u8]) -> JsValue {
        let options = Object::new();
        let _ = Reflect::set(&options, &"userVisibleOnly".into(), &JsValue::TRUE);
        let _ = Reflect::set(
            &options,
            &"applicationServerKey".into(),
            &Uint8Array::from(key).into(),
        );
        options.into()
    }
}

/// The browser has what Web Push needs.
pub fn supported() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let window: wasm_bindgen::JsValue = leptos::prelude::window().into();
        js::get(&window, "PushManager").is_some()
            && js::get(&window, "Notification").is_some()
            && js::get(&leptos::prelude::window().navigator(), "serviceWorker").is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// The endpoint of the subscription this browser holds, if any.
pub async fn current_endpoint() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let manager = js::push_manager().await?;
        let subscription = js::call(&manager, "getSubscription", &[]).await.ok()?;
        js::get(&subscription, "endpoint")?.as_string()
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Asks for permission and subscribes with the server's VAPID key (base64url).
pub async fn subscribe(key: &str) -> Result<PushSubscriptionInput, PushRefusal> {
    #[cfg(feature = "hydrate")]
    {
        if !supported() {
            return Err(PushRefusal::Unsupported);
        }
        let key = base64url(key).ok_or(PushRefusal::Failed)?;
        let window: wasm_bindgen::JsValue = leptos::prelude::window().into();
        let notification = js::get(&window, "Notification").ok_or(PushRefusal::Unsupported)?;
        let permission = js::call(&notification, "requestPermission", &[])
            .await
            .ok()
            .and_then(|p| p.as_string());
        if permission.as_deref() != Some("granted") {
            return Err(PushRefusal::Denied);
        }
        let manager = js::push_manager().await.ok_or(PushRefusal::Unsupported)?;
        let subscription = js::call(&manager, "subscribe", &[js::options(&key)])
            .await
            .map_err(|err| {
                leptos::logging::warn!("push subscription failed: {err:?}");
                PushRefusal::Failed
            })?;
        let json = js::call(&subscription, "toJSON", &[])
            .await
            .ok()
            .and_then(|j| js_sys::JSON::stringify(&j).ok())
            .and_then(|s| s.as_string())
            .ok_or(PushRefusal::Failed)?;
        #[derive(serde::Deserialize)]
        struct Keys {
            p256dh: String,
            auth: String,
        }
        #[derive(serde::Deserialize)]
        struct Raw {
            endpoint: String,
            keys: Keys,
        }
        let raw: Raw = serde_json::from_str(&json).map_err(|_| PushRefusal::Failed)?;
        Ok(PushSubscriptionInput {
            endpoint: raw.endpoint,
            p256dh: raw.keys.p256dh,
            auth: raw.keys.auth,
        })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        Err(PushRefusal::Unsupported)
    }
}

/// Drops this browser's subscription; the endpoint it had.
pub async fn unsubscribe() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let manager = js::push_manager().await?;
        let subscription = js::call(&manager, "getSubscription", &[]).await.ok()?;
        let endpoint = js::get(&subscription, "endpoint")?.as_string();
        let _ = js::call(&subscription, "unsubscribe", &[]).await;
        endpoint
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// Decodes base64url (with or without padding).
#[cfg(feature = "hydrate")]
fn base64url(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .ok()
}
