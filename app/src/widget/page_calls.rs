//! The host page's calls that change what the team knows of the visitor (Chatwoot's
//! `setCustomAttributes`, `setConversationCustomAttributes`, `setLabel` and their
//! removals). The launcher hands them to the frame; they wait here until the visitor
//! has a contact and a conversation (her first message), then go to the server.
use std::cell::RefCell;

use leptos::prelude::*;

use super::model::{HostUser, PageCall};
#[cfg(feature = "ssr")]
use super::ssr;
use super::{host, WidgetState};
use crate::error::AppError;
use crate::wire::Json;

/// Applies the calls to the visitor's contact and latest conversation.
#[server(endpoint = "widget/page_calls", input = Json, output = Json)]
pub async fn widget_page_calls(
    token: String,
    visitor: String,
    calls: Vec<PageCall>,
    #[server(default)] user: Option<HostUser>,
) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let state = crate::state::app_state()?;
            let parts = use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
            let address = crate::wire::request::client_address(&parts, state.settings.trust_proxy);
            let sender = ssr::Sender {
                token: &token,
                visitor: Some(&visitor),
                user: user.as_ref(),
                address: address.as_deref(),
            };
            ssr::page_calls::apply(
                &state.db,
                &state.settings.secrets,
                &state.hub,
                &state.widget_guard,
                sender,
                &calls,
            )
            .await
        }
        .await,
    )
}

thread_local! {
    /// Calls not sent yet (she has not written, or the page has not opened).
    static PENDING: RefCell<Vec<PageCall>> = const { RefCell::new(Vec::new()) };
    /// Sends what is pending, once the page knows who she is.
    static FLUSH: RefCell<Option<Callback<()>>> = const { RefCell::new(None) };
}

/// Calls from the host page: kept, and sent at once if she is known.
pub fn receive(calls: Vec<PageCall>) {
    PENDING.with(|p| p.borrow_mut().extend(calls));
    if let Some(flush) = FLUSH.with(|f| *f.borrow()) {
        flush.run(());
    }
}

/// Sends pending calls whenever the visitor is known (now, or after her first message).
pub fn watch(
    token: Memo<String>,
    visitor: RwSignal<Option<String>>,
    state: RwSignal<Option<WidgetState>>,
    user: StoredValue<Option<HostUser>>,
) {
    let flush = Callback::new(move |()| {
        let identified = state.with_untracked(|s| s.as_ref().is_some_and(|s| s.identified));
        let Some(visitor) = visitor.get_untracked().filter(|_| identified) else {
            return;
        };
        let calls = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
        if calls.is_empty() {
            return;
        }
        let token = token.get_untracked();
        let user = user.get_value();
        leptos::task::spawn_local(async move {
            // A page may have said more than one request carries while she had not
            // written: in order, a request's worth at a time.
            for chunk in calls.chunks(super::model::PAGE_CALLS_MAX) {
                let sent =
                    widget_page_calls(token.clone(), visitor.clone(), chunk.to_vec(), user.clone());
                if let Err(err) = sent.await {
                    leptos::logging::warn!("Charla: the page's call was refused: {err}");
                    host::tell("error", serde_json::json!({ "error": err.to_string() }));
                }
            }
        });
    });
    FLUSH.with(|f| *f.borrow_mut() = Some(flush));
    Effect::new(move |_| {
        let known = state.with(|s| s.as_ref().is_some_and(|s| s.identified))
            && visitor.with(Option::is_some);
        if known {
            flush.run(());
        }
    });
}
