//! What the inbox list and the open chat share: the list's tab and status filter as
//! they stand in the address, the conversation just marked unread, and the words for
//! a conversation's status (also shown in a contact's history).
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::domain::ConversationStatus;
use crate::i18n::*;

pub fn status_text(
    i18n: leptos_i18n::I18nContext<Locale>,
    status: ConversationStatus,
) -> &'static str {
    match status {
        ConversationStatus::Open => t_string!(i18n, status_open),
        ConversationStatus::Pending => t_string!(i18n, status_pending),
        ConversationStatus::Snoozed => t_string!(i18n, status_snoozed),
        ConversationStatus::Resolved => t_string!(i18n, status_resolved),
    }
}

/// The conversation the agent just marked as unread (set by the chat view).
#[derive(Clone, Copy)]
pub struct MarkedUnread(pub RwSignal<Option<i64>>);

pub fn current_query() -> String {
    let query = use_query_map().get_untracked();
    let tab = query.get("tab").unwrap_or_else(|| "mine".into());
    let status = query.get("status").unwrap_or_else(|| "open".into());
    format!("?tab={tab}&status={status}")
}
