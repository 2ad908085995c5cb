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
use crate::pages::{NotFound, ProfilePage, SettingsPage, TeamAdminPage};
use crate::shell::Shell;
use crate::widget::WidgetPage;

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
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
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
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} />
                    <Route path=path!("/widget/:token") view={Lazy::<WidgetRoute>::new()} />
                    <ParentRoute path=path!("") view=Shell>
                        <Route path=path!("") view=|| view! { <Redirect path="/conversations" /> } />
                        <ParentRoute path=path!("/conversations") view=Inbox>
                            <Route path=path!("") view=NoConversationSelected />
                            <Route path=path!(":id") view={Lazy::<ChatRoute>::new()} />
                        </ParentRoute>
                        <Route path=path!("/contacts") view={Lazy::<ContactsRoute>::new()} />
                        <Route path=path!("/contacts/:id") view={Lazy::<ContactDetailsRoute>::new()} />
                        <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} />
                        <Route path=path!("/settings/team") view={Lazy::<TeamRoute>::new()} />
                        <Route path=path!("/settings/profile") view={Lazy::<ProfileRoute>::new()} />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

// Pages an agent opens now and then, and the visitor's widget, which an agent never
// opens: their code is split out of the main WASM (`cargo leptos ... --split`) and
// fetched when the route is first shown, so the conversations page downloads less
// (BENCHMARKS.md, client weight). Each page loads its own data, so `data` is empty.
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
    /// inbox fetches it in the background as soon as the list is ([`Inbox`]), so
    /// opening a conversation does not wait for it.
    ChatRoute => ChatView
}

/// Fetches the chat's code ahead of the first click (a no-op on the server).
async fn preload_chat() {
    ChatRoute::preload().await;
}

/// The inbox list, which starts [`preload_chat`]: the route table owns the split, so
/// the list itself need not know the chat is loaded apart.
#[component]
fn Inbox() -> impl IntoView {
    // Effects run only in the browser, once the list has hydrated.
    Effect::new(|_| leptos::task::spawn_local(preload_chat()));
    view! { <ConversationsLayout /> }
}

lazy_page! {
    /// The sign-in page: an agent sees it once a session, and it is not on the way to
    /// the inbox, so it is not in the main WASM either.
    LoginRoute => LoginPage
}
lazy_page! { WidgetRoute => WidgetPage }
lazy_page! { ContactsRoute => ContactsPage }
lazy_page! { ContactDetailsRoute => ContactDetailsPage }
lazy_page! { SettingsRoute => SettingsPage }
lazy_page! { TeamRoute => TeamAdminPage }
lazy_page! { ProfileRoute => ProfilePage }
