//! The HTML document and the route table.
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{lazy_route, path, Lazy, LazyRoute};

use crate::auth::LoginPage;
use crate::contacts::details::ContactDetailsPage;
use crate::contacts::list::ContactsPage;
use crate::conversations::chat::ChatView;
use crate::conversations::list::{ConversationsLayout, NoConversationSelected};
use crate::i18n::*;
use crate::pages::{
    AutomationPage, MacrosPage, NotFound, ProfilePage, SettingsPage, TeamAdminPage,
};
use crate::reports::ReportsPage;
use crate::search::SearchPage;
use crate::shell::Shell;
use crate::widget::{SurveyPage, WidgetPage};

/// The document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    page_policy_header();
    #[cfg(feature = "ssr")]
    let theme = crate::ui::theme::requested();
    #[cfg(not(feature = "ssr"))]
    let theme: Option<&str> = None;
    view! {
        <!DOCTYPE html>
        <html data-theme=theme>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content="Charla" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/charla-192.png" />
                <meta name="theme-color" content="#1a5fd0" />
                <AutoReload options=options.clone() />
                <DeferredHydration options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Starts the WASM client once the browser is idle (2 s at the latest), as leptos's
/// `<HydrationScripts defer=true>` does, but without the `<link rel="preload">` hints that
/// component writes for the client's JS and WASM and for every WASM chunk of a lazy page
/// (up to 63 for an open conversation). A preload starts downloading at once, before the
/// page's own content has painted; on a phone's connection Lighthouse then counts the
/// WASM (270 KB compressed) as something the largest paint waited for, 2.4–3.7 s instead
/// of under 1 s. The server's HTML is the page until then: links and plain forms work.
#[component]
fn DeferredHydration(options: LeptosOptions) -> impl IntoView {
    // cargo-leptos names the WASM after the output name; a plain wasm-bindgen run adds `_bg`.
    let wasm = if option_env!("LEPTOS_OUTPUT_NAME").is_some() {
        options.output_name.to_string()
    } else {
        format!("{}_bg", options.output_name)
    };
    let script = format!(
        "(function (pkg, js, wasm) {{\
         const start = () => import(`/${{pkg}}/${{js}}.js`).then((m) =>\
         m.default({{ module_or_path: `/${{pkg}}/${{wasm}}.wasm` }}).then(() => m.hydrate()));\
         if ('requestIdleCallback' in window) window.requestIdleCallback(start, {{ timeout: 2000 }});\
         else start();\
         }})({:?}, {:?}, {:?});",
        options.site_pkg_dir.as_ref(),
        options.output_name.as_ref(),
        wasm
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{script}</script> }
}

/// Sends the page's Content-Security-Policy, built around the nonce leptos_axum made
/// for this response (it puts the same nonce on every inline script it writes).
#[cfg(feature = "ssr")]
fn page_policy_header() {
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(value) = http::HeaderValue::from_str(&crate::csp::page_policy(&nonce)) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    crate::ui::time::provide_time_zone();
    view! {
        <I18nContextProvider ssr_lang_header_getter=crate::ui::language::server_languages()>
            <crate::ui::language::RememberLanguage />
            <Stylesheet id="leptos" href="/pkg/charla.css" />
            <Title text="Charla" />
            <Router>
                <Routes fallback=NotFound>
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/invitation/:token") view=crate::agents::invitation::InvitationPage />
                    <Route path=path!("/widget/:token") view={Lazy::<WidgetRoute>::new()} />
                    <Route path=path!("/survey/:token") view=SurveyPage />
                    <ParentRoute path=path!("") view=Shell>
                        <Route path=path!("") view=|| view! { <Redirect path="/conversations" /> } />
                        <ParentRoute path=path!("/conversations") view=Inbox>
                            <Route path=path!("") view=NoConversationSelected />
                            <Route path=path!(":id") view={Lazy::<ChatRoute>::new()} />
                        </ParentRoute>
                        <Route path=path!("/contacts") view={Lazy::<ContactsRoute>::new()} />
                        <Route path=path!("/contacts/:id") view={Lazy::<ContactsRoute>::new()} />
                        <Route path=path!("/search") view={Lazy::<ContactsRoute>::new()} />
                        <Route path=path!("/reports") view={Lazy::<AdminRoute>::new()} />
                        <Route path=path!("/settings") view=SettingsPage />
                        <Route path=path!("/settings/team") view={Lazy::<AdminRoute>::new()} />
                        <Route path=path!("/settings/profile") view=ProfilePage />
                        <Route path=path!("/settings/automation") view={Lazy::<AdminRoute>::new()} />
                        <Route path=path!("/settings/macros") view={Lazy::<AdminRoute>::new()} />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

// Large pages an agent opens now and then, and the visitor's widget, which an agent
// never opens: their code is split out of the main WASM (`cargo leptos ... --split`) and
// fetched when the route is first shown, so the conversations page downloads less
// (BENCHMARKS.md, client weight). Each page loads its own data, so `data` is empty.
// Small pages (sign-in, Ajustes, Mi perfil) stay in the main WASM: every split point
// multiplies the chunks the others load (wasm-split makes one per set of split points
// sharing code), and each chunk is one more request and module to start on a phone
// (BENCHMARKS.md, "Phone users").
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        $(#[$doc])*
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page! {
    /// The open conversation (chat, composer, recorder, file and template pickers): most
    /// of the client's code. Split out so the inbox list is interactive sooner; the
    /// inbox fetches it at the agent's first move ([`Inbox`]), so opening a
    /// conversation seldom waits for it.
    ChatRoute => ChatView
}

/// Fetches the chat's code ahead of the first click.
#[cfg(feature = "hydrate")]
async fn preload_chat() {
    ChatRoute::preload().await;
}

/// The inbox list, which starts [`preload_chat`]: the route table owns the split, so
/// the list itself need not know the chat is loaded apart.
#[component]
fn Inbox() -> impl IntoView {
    // Effects run only in the browser, once the list has hydrated.
    Effect::new(|_| preload_chat_on_intent());
    view! { <ConversationsLayout /> }
}

/// Fetches the chat's code when the agent first moves (a pointer over the page, a touch,
/// focus moving, a key), not as soon as the list has started: its WASM chunks are
/// compiled and instantiated on the main thread, which on a slow phone is a long task of
/// its own right after the list's, making the page slower to answer the agent's first
/// tap (Lighthouse's blocking time). A move comes a moment before the click on a
/// conversation, which then seldom waits for the code.
fn preload_chat_on_intent() {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        thread_local! {
            static ARMED: Cell<bool> = const { Cell::new(false) };
            static STARTED: Cell<bool> = const { Cell::new(false) };
        }
        if ARMED.replace(true) {
            return;
        }
        for event in [
            "pointerover",
            "pointerdown",
            "touchstart",
            "focusin",
            "keydown",
        ] {
            // Kept for the page's life: the flag makes every later event a no-op.
            let _ = window_event_listener_untyped(event, |_| {
                if !STARTED.replace(true) {
                    leptos::task::spawn_local(preload_chat());
                }
            });
        }
    }
}

lazy_page! { WidgetRoute => WidgetPage }
lazy_page! {
    /// Contactos, one contact and Buscar: one split point for the three.
    ContactsRoute => ContactPages
}
lazy_page! {
    /// Informes, Equipo y bandejas, Automatización and Macros (pages opened now and
    /// then, mostly by administrators): one split point for the four.
    AdminRoute => AdminPages
}

// Pages that share a split point: each split point multiplies the chunks the others
// load (wasm-split makes one per set of split points sharing code), and the open
// conversation paid for it (BENCHMARKS.md, "Measured again 2026-12-07"). The route
// chosen is read once: each route makes its own page.
#[component]
fn ContactPages() -> impl IntoView {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    if path.starts_with("/contacts/") {
        view! { <ContactDetailsPage /> }.into_any()
    } else if path.starts_with("/search") {
        view! { <SearchPage /> }.into_any()
    } else {
        view! { <ContactsPage /> }.into_any()
    }
}

#[component]
fn AdminPages() -> impl IntoView {
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    if path.starts_with("/reports") {
        view! { <ReportsPage /> }.into_any()
    } else if path.starts_with("/settings/automation") {
        view! { <AutomationPage /> }.into_any()
    } else if path.starts_with("/settings/macros") {
        view! { <MacrosPage /> }.into_any()
    } else {
        view! { <TeamAdminPage /> }.into_any()
    }
}
