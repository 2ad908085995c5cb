//! The HTML document and the route table.
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::path;

use crate::auth::LoginPage;
use crate::contacts::{ContactDetailsPage, ContactsPage};
use crate::conversations::{ChatView, ConversationsLayout, NoConversationSelected};
use crate::i18n::*;
use crate::pages::{NotFound, ProfilePage, SettingsPage, TeamAdminPage};
use crate::shell::Shell;
use crate::widget::WidgetPage;

/// The document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    page_policy_header();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
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
    // Runs only in the browser, once hydrated: tests wait for it before clicking.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <I18nContextProvider>
            <Stylesheet id="leptos" href="/pkg/charla.css" />
            <Title text="Charla" />
            <Router>
                <Routes fallback=NotFound>
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/widget/:token") view=WidgetPage />
                    <ParentRoute path=path!("") view=Shell>
                        <Route path=path!("") view=|| view! { <Redirect path="/conversations" /> } />
                        <ParentRoute path=path!("/conversations") view=ConversationsLayout>
                            <Route path=path!("") view=NoConversationSelected />
                            <Route path=path!(":id") view=ChatView />
                        </ParentRoute>
                        <Route path=path!("/contacts") view=ContactsPage />
                        <Route path=path!("/contacts/:id") view=ContactDetailsPage />
                        <Route path=path!("/settings") view=SettingsPage />
                        <Route path=path!("/settings/team") view=TeamAdminPage />
                        <Route path=path!("/settings/profile") view=ProfilePage />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}
