//! The WASM entry point: hydrates the server-rendered page. Asynchronously, because
//! some routes are lazy (split into their own WASM chunks, fetched before they hydrate).
#![recursion_limit = "512"]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
