//! The search page (`/search?q=…`): every message the agent may see containing the
//! words, fragments and "phrases", newest first, a page at a time, with filters kept
//! in the address (channel, sender, notes, dates) so a search can be bookmarked.
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;

use super::model::{terms, MessageHit, MessageQuery, NotesFilter, SenderFilter};
use super::{search_messages, Hits};
use crate::domain::ChannelKind;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::encode_query;
use crate::ui::time::{day_start, display_offset};
use crate::ui::{channel_text, error_text};

const DAY_MS: i64 = 86_400_000;

/// The query an address holds; dates are days in the display time zone.
fn query_of(params: &ParamsMap, offset: i32) -> MessageQuery {
    let get = |k: &str| params.get(k).filter(|v| !v.trim().is_empty());
    MessageQuery {
        text: get("q").unwrap_or_default(),
        inbox_id: get("inbox").and_then(|v| v.parse().ok()),
        channel: get("channel").and_then(|v| ChannelKind::parse(&v)),
        sender: match get("sender").as_deref() {
            Some("customer") => SenderFilter::Customer,
            Some("agents") => SenderFilter::Agents,
            _ => SenderFilter::Anyone,
        },
        agent_id: get("sender").and_then(|v| named_agent(&v)),
        notes: match get("notes").as_deref() {
            Some("only") => NotesFilter::OnlyNotes,
            Some("none") => NotesFilter::NoNotes,
            _ => NotesFilter::Both,
        },
        since: get("from").and_then(|d| day_start(&d, offset)),
        until: get("to")
            .and_then(|d| day_start(&d, offset))
            .map(|t| t + DAY_MS),
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let field = move |k: &'static str| params.with(|p| p.get(k).unwrap_or_default());
    let hits = RwSignal::new(Vec::<MessageHit>::new());
    let next = RwSignal::new(None::<i64>);
    let state = RwSignal::new(Searching::Idle);
    let asked = StoredValue::new(0_u64);
    let load = move |query: MessageQuery, before: Option<i64>| {
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        state.set(Searching::Busy);
        leptos::task::spawn_local(async move {
            let answer = search_messages(query, before).await;
            if asked.get_value() != ticket {
                return;
            }
            match answer {
                Ok(page) => {
                    hits.update(|list| list.extend(page.items));
                    next.set(page.next);
                    state.set(Searching::Done);
                }
                Err(err) => state.set(Searching::Failed(err)),
            }
        });
    };
    // Searched in the browser only: dates are days in the agent's own time zone.
    Effect::new(move |_| {
        let query = params.with(|p| query_of(p, display_offset()));
        hits.set(Vec::new());
        next.set(None);
        if terms(&query.text).is_empty() {
            state.set(if query.text.trim().is_empty() {
                Searching::Idle
            } else {
                Searching::Failed(AppError::validation("q", "query_too_short"))
            });
            return;
        }
        load(query, None);
    });
    let more = move |_| {
        let query = params.with_untracked(|p| query_of(p, display_offset()));
        load(query, next.get_untracked());
    };
    let q_field = NodeRef::<leptos::html::Input>::new();
    let from_field = NodeRef::<leptos::html::Input>::new();
    let to_field = NodeRef::<leptos::html::Input>::new();
    let selects: [NodeRef<leptos::html::Select>; 3] = std::array::from_fn(|_| NodeRef::new());
    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut pairs: Vec<(String, String)> = Vec::new();
        for input in [q_field, from_field, to_field] {
            if let Some(el) = input.get_untracked() {
                pairs.push((el.name(), el.value()));
            }
        }
        for select in selects {
            if let Some(el) = select.get_untracked() {
                pairs.push((el.name(), el.value()));
            }
        }
        if let Some(inbox) = params.with_untracked(|p| p.get("inbox")) {
            pairs.push(("inbox".into(), inbox));
        }
        navigate(&url_of(&pairs), Default::default());
    };
    // The account's agents, for "written by" one of them.
    let team = crate::agents::fetched_team();
    let select = move |k: usize,
                       name: &'static str,
                       id: &'static str,
                       label: String,
                       options: Vec<(String, String)>| {
        let current = field(name);
        view! {
            <label for=id>{label}</label>
            <select id=id name=name node_ref=selects[k]>
                {options.into_iter().map(|(value, text)| view! {
                    <option selected=current == value value=value>{text}</option>
                }).collect_view()}
            </select>
        }
    };
    view! {
        <section class="search-page">
            <h1>{t!(i18n, search_title)}</h1>
            <form role="search" class="search-form" action="/search" method="get" on:submit=on_submit>
                <label for="search-page-q">{t!(i18n, search_label)}</label>
                <input id="search-page-q" node_ref=q_field type="search" name="q" value=move || field("q") autocomplete="off" />
                <div class="search-filters">
                    {move || select(0, "channel", "search-channel", t_string!(i18n, search_channel).into(), {
                        let mut options = vec![(String::new(), t_string!(i18n, search_any).to_string())];
                        options.extend(ChannelKind::ALL.iter().map(|c| (c.as_str().to_owned(), channel_text(i18n, *c).to_string())));
                        options
                    })}
                    {move || select(1, "sender", "search-sender", t_string!(i18n, search_sender).into(), {
                        let mut options = vec![
                            (String::new(), t_string!(i18n, search_anyone).to_string()),
                            ("customer".into(), t_string!(i18n, search_sender_customer).to_string()),
                            ("agents".into(), t_string!(i18n, search_sender_agents).to_string()),
                        ];
                        options.extend(team.get().into_iter().map(|a| (agent_value(a.id), a.shown_name().to_owned())));
                        options
                    })}
                    {move || select(2, "notes", "search-notes", t_string!(i18n, search_notes).into(), vec![
                        (String::new(), t_string!(i18n, search_notes_both).to_string()),
                        ("only".into(), t_string!(i18n, search_notes_only).to_string()),
                        ("none".into(), t_string!(i18n, search_notes_none).to_string()),
                    ])}
                    <label for="search-from">{t!(i18n, search_from)}</label>
                    <input id="search-from" node_ref=from_field type="date" name="from" value=move || field("from") />
                    <label for="search-to">{t!(i18n, search_to)}</label>
                    <input id="search-to" node_ref=to_field type="date" name="to" value=move || field("to") />
                </div>
                <button type="submit">{t!(i18n, search_submit)}</button>
            </form>
            <div role="status" class="search-status">
                {move || match state.get() {
                    Searching::Idle => String::new(),
                    Searching::Busy => t_string!(i18n, search_searching).to_string(),
                    Searching::Failed(err) => error_text(i18n, &err),
                    Searching::Done if hits.with(Vec::is_empty) => t_string!(i18n, search_nothing).to_string(),
                    Searching::Done => String::new(),
                }}
            </div>
            {move || view! { <Hits hits=hits.get() /> }}
            <Show when=move || next.get().is_some()>
                <button type="button" class="secondary" on:click=more>{t!(i18n, search_more)}</button>
            </Show>
        </section>
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Searching {
    Idle,
    Busy,
    Done,
    Failed(AppError),
}

/// The sender filter's value for one named agent, and back.
fn agent_value(id: i64) -> String {
    format!("agent-{id}")
}

fn named_agent(value: &str) -> Option<i64> {
    value.strip_prefix("agent-")?.parse().ok()
}

/// The search page's address for these fields (empty ones left out).
fn url_of(pairs: &[(String, String)]) -> String {
    let query = pairs
        .iter()
        .filter(|(name, value)| !name.is_empty() && !value.trim().is_empty())
        .map(|(name, value)| format!("{name}={}", encode_query(value.trim())))
        .collect::<Vec<_>>()
        .join("&");
    format!("/search?{query}")
}
