//! The top-level pages under the signed-in layout.
mod automation;
mod profile;
mod settings;
mod team;

pub use automation::{AutomationPage, MacrosPage};
pub use profile::ProfilePage;
pub use settings::SettingsPage;
pub use team::TeamAdminPage;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="login">
            <div class="login-card">
                <h1>{t!(i18n, not_found_title)}</h1>
                <A href="/conversations">{t!(i18n, back_home)}</A>
            </div>
        </main>
    }
}
