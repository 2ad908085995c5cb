//! Parts of a page drawn a moment after it is interactive, in a task of their own: the
//! server leaves them out and hydration skips them. On a phone's slow CPU the browser
//! compiles each WebAssembly function the first time it runs, on the main thread, so
//! every control hydrated at once lengthens the page's one long start-up task; what is
//! not needed for the first look (the chat's secondary actions, the contact panel's
//! attributes) comes in its own short task instead.
use leptos::prelude::*;

/// Draws `children` in a task after the one that hydrated the page (or mounted it).
#[component]
pub fn Later(children: ChildrenFn) -> impl IntoView {
    let ready = RwSignal::new(false);
    Effect::new(move |_| {
        set_timeout(move || ready.set(true), std::time::Duration::ZERO);
    });
    view! { <Show when=move || ready.get()>{children()}</Show> }
}
