//! What the inbox list and the open chat share: the list's tab, status and filter as
//! they stand in the address, the conversation just marked unread, and the words for
//! a conversation's status (also shown in a contact's history) and priority.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::conversations::model::{ListFilter, ListSort};
use crate::domain::{ChannelKind, ConversationStatus, Priority};
use crate::i18n::*;

pub fn priority_text(i18n: leptos_i18n::I18nContext<Locale>, priority: Priority) -> &'static str {
    match priority {
        Priority::None => t_string!(i18n, priority_none),
        Priority::Low => t_string!(i18n, priority_low),
        Priority::Medium => t_string!(i18n, priority_medium),
        Priority::High => t_string!(i18n, priority_high),
        Priority::Urgent => t_string!(i18n, priority_urgent),
    }
}

/// The list filter as it stands in the address (`label`, `priority`, `inbox`,
/// `channel`, `waiting`, `team`, `assignee`, `unread`, the date ranges, `sort`); anything
/// it cannot read is left out.
pub fn filter_from(query: &leptos_router::params::ParamsMap) -> ListFilter {
    ListFilter {
        label_id: query.get("label").and_then(|l| l.parse().ok()),
        priority: query.get("priority").and_then(|p| Priority::parse(&p)),
        inbox_id: query.get("inbox").and_then(|i| i.parse().ok()),
        channel: query.get("channel").and_then(|c| ChannelKind::parse(&c)),
        waiting: query.get("waiting").as_deref() == Some("1"),
        assignee_id: query.get("assignee").and_then(|a| a.parse().ok()),
        team_id: query.get("team").and_then(|t| t.parse().ok()),
        unread: query.get("unread").as_deref() == Some("1"),
        created_since: query.get("created_since").and_then(|v| v.parse().ok()),
        created_until: query.get("created_until").and_then(|v| v.parse().ok()),
        active_since: query.get("active_since").and_then(|v| v.parse().ok()),
        active_until: query.get("active_until").and_then(|v| v.parse().ok()),
        sort: query
            .get("sort")
            .and_then(|s| ListSort::parse(&s))
            .unwrap_or_default(),
    }
}

/// The address of the list for a tab, status and filter.
pub fn list_query(tab: &str, status: &str, filter: ListFilter) -> String {
    let mut query = format!("?tab={tab}&status={status}");
    if let Some(label) = filter.label_id {
        query.push_str(&format!("&label={label}"));
    }
    if let Some(priority) = filter.priority {
        query.push_str(&format!("&priority={priority}"));
    }
    if let Some(inbox) = filter.inbox_id {
        query.push_str(&format!("&inbox={inbox}"));
    }
    if let Some(channel) = filter.channel {
        query.push_str(&format!("&channel={channel}"));
    }
    if filter.waiting {
        query.push_str("&waiting=1");
    }
    if let Some(team) = filter.team_id {
        query.push_str(&format!("&team={team}"));
    }
    if let Some(assignee) = filter.assignee_id {
        query.push_str(&format!("&assignee={assignee}"));
    }
    if filter.unread {
        query.push_str("&unread=1");
    }
    for (name, value) in [
        ("created_since", filter.created_since),
        ("created_until", filter.created_until),
        ("active_since", filter.active_since),
        ("active_until", filter.active_until),
    ] {
        if let Some(value) = value {
            query.push_str(&format!("&{name}={value}"));
        }
    }
    if filter.sort != ListSort::default() {
        query.push_str(&format!("&sort={}", filter.sort.as_str()));
    }
    query
}

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
    list_query(&tab, &status, filter_from(&query))
}
