//! The signed-in layout: navigation (sidebar on desktop, bottom bar on a phone), the
//! agent's panel (availability, language, sign out) and the live connection state.
mod availability;
mod palette;
mod shortcuts;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::{Outlet, Redirect, A};

use crate::auth::{load_session, Logout, SessionInfo};
use crate::i18n::*;
use crate::live::{provide_live, LiveStatus};
use crate::notifications::{NotificationBell, Notifications};
use crate::search::SearchBox;
use crate::ui::{role_text, LanguageSwitch};
use availability::AvailabilitySelect;

/// The signed-in layout. A page rendered by the server gets the session synchronously
/// (no async boundary above the pages, so their resources hydrate in order); after a
/// client-side navigation it is loaded; without one, back to the sign-in page.
#[component]
pub fn Shell() -> impl IntoView {
    if let Some(info) = SharedValue::new(server_session).into_inner() {
        return view! { <Layout info /> }.into_any();
    }
    let session = Resource::new(|| (), |_| load_session());
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(Some(info)) => view! { <Layout info /> }.into_any(),
                    _ => view! { <Redirect path="/login" /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// On the server: the session the middleware resolved for this page request.
fn server_session() -> Option<SessionInfo> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()?
            .extensions
            .get::<SessionInfo>()
            .cloned()
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
fn Layout(info: SessionInfo) -> impl IntoView {
    let i18n = use_i18n();
    let live = provide_live(info.last_event_id);
    provide_context(info.agent.clone());
    crate::conversations::queue::OfflineQueue::provide(info.agent.id);
    let notifications = Notifications::load();
    let menu_open = RwSignal::new(false);
    let agent = info.agent;
    let role = agent.role;
    follow_own_changes(agent.id, live.resync);
    Effect::new(move |_| crate::ui::service_worker::register());
    view! {
        <div class="app" class:menu-open=move || menu_open.get()>
            <header class="topbar">
                <span class="brand">{t!(i18n, app_name)}</span>
                <LiveIndicator status=live.status />
                <NotificationBell notifications panel_id="notifications-top" />
                <button
                    type="button"
                    class="menu-toggle"
                    aria-controls="account-panel"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    {t!(i18n, menu)}
                </button>
            </header>
            <nav class="sidebar" aria-label=move || t_string!(i18n, nav_main)>
                <span class="brand">{t!(i18n, app_name)}</span>
                <SearchBox />
                <A href="/conversations">{t!(i18n, nav_conversations)}</A>
                <A href="/contacts">{t!(i18n, nav_contacts)}</A>
                <A href="/search" attr:class="nav-search">{t!(i18n, nav_search)}</A>
                <Show when=move || role.is_admin()>
                    <A href="/reports" attr:class="nav-reports">{t!(i18n, nav_reports)}</A>
                </Show>
                <A href="/settings">{t!(i18n, nav_settings)}</A>
            </nav>
            <section id="account-panel" class="account-panel">
                <div class="desktop-only">
                    <LiveIndicator status=live.status />
                    <NotificationBell notifications panel_id="notifications-panel" />
                </div>
                <p class="agent-name">{agent.shown_name().to_owned()}</p>
                <p class="muted">{move || role_text(i18n, role)}</p>
                <AvailabilitySelect agent_id=agent.id initial=agent.availability />
                <LanguageSwitch />
                // A plain form, not an ActionForm: signing out loads the sign-in page
                // afresh (the server answers 302), which also drops this page's state and
                // socket, and keeps the form decoder (serde_qs) out of the main WASM.
                <form method="post" action=Logout::PATH>
                    <button type="submit" class="secondary">{t!(i18n, sign_out)}</button>
                </form>
            </section>
            <main class="content" on:click=move |_| menu_open.set(false)>
                <Outlet />
            </main>
            <palette::CommandPalette agent_id=agent.id sign_out_path=Logout::PATH />
            <shortcuts::Shortcuts />
        </div>
    }
}

#[component]
fn LiveIndicator(status: RwSignal<LiveStatus>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match status.get() {
        LiveStatus::Live => t_string!(i18n, live_connected),
        LiveStatus::Connecting => t_string!(i18n, live_connecting),
        LiveStatus::Offline => t_string!(i18n, live_offline),
    };
    let class = move || match status.get() {
        LiveStatus::Live => "live live-on",
        LiveStatus::Connecting => "live live-connecting",
        LiveStatus::Offline => "live live-off",
    };
    view! {
        <span role="status" class=class>
            {text}
        </span>
    }
}

/// Changes an administrator makes to me: a new inbox or one taken away reloads the
/// lists; a new role reloads the page; deactivation signs me out.
fn follow_own_changes(me: i64, resync: RwSignal<u64>) {
    crate::live::on_event(move |envelope| match &envelope.event {
        crate::events::LiveEvent::MembershipChanged { agent_id, .. } if *agent_id == me => {
            resync.update(|n| *n += 1);
        }
        crate::events::LiveEvent::AgentChanged { agent_id, .. } if *agent_id == me => {
            #[cfg(feature = "hydrate")]
            {
                let location = window().location();
                let _ = location.reload();
            }
        }
        _ => {}
    });
}
