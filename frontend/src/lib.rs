//! The WASM entry point: hydrates the server-rendered page. Asynchronously, because
//! some routes are lazy (split into their own WASM chunks, fetched before they hydrate).
#![recursion_limit = "512"]
use leptos::prelude::*;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // The release client's std aborts at the panic site without calling any hook
    // (scripts/setup.sh, wasm-release-std), so the hook and its formatting are left out.
    #[cfg(not(panic = "immediate-abort"))]
    console_error_panic_hook::set_once();
    // What `leptos::mount::hydrate_lazy` does, plus a mark once everything, a lazy
    // page included, has hydrated: until then its buttons do nothing, and the browser
    // tests wait for it before clicking.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}
