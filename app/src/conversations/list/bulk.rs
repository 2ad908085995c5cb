//! Selecting conversations in the list (a checkbox per row, shift-click for a range,
//! one for the whole page) and the bar of actions for the selection.
use leptos::prelude::*;

use crate::agents::AgentProfile;
use crate::conversations::bulk_update;
use crate::conversations::inbox_state::priority_text;
use crate::conversations::model::{BulkAction, BulkOutcome, ConversationSummary};
use crate::domain::{ConversationStatus, Priority};
use crate::i18n::*;
use crate::labels::LabelCatalog;
use crate::teams::TeamCatalog;
use crate::ui::error_text;
use crate::ui::time::now;

/// The selected conversations' ids, and the row a shift-click extends from.
#[derive(Clone, Copy)]
pub struct Selection {
    pub ids: RwSignal<Vec<i64>>,
    anchor: StoredValue<Option<i64>>,
}

impl Selection {
    pub fn new() -> Self {
        Selection {
            ids: RwSignal::new(Vec::new()),
            anchor: StoredValue::new(None),
        }
    }

    pub fn has(&self, id: i64) -> bool {
        self.ids.with(|ids| ids.contains(&id))
    }

    /// A row's checkbox changed; with shift, every row between the last one clicked
    /// and this one takes the same state.
    pub fn toggle(&self, id: i64, on: bool, range: bool, rows: &[ConversationSummary]) {
        let position = |id: i64| rows.iter().position(|c| c.id == id);
        let span: Vec<i64> = match (
            range,
            self.anchor.get_value().and_then(position),
            position(id),
        ) {
            (true, Some(a), Some(b)) => rows[a.min(b)..=a.max(b)].iter().map(|c| c.id).collect(),
            _ => vec![id],
        };
        self.ids.update(|ids| {
            ids.retain(|x| !span.contains(x));
            if on {
                ids.extend(span);
            }
        });
        self.anchor.set_value(Some(id));
    }
}

/// "Select all on this page" and, with a selection, the actions on it.
#[component]
pub(super) fn BulkBar(
    selection: Selection,
    items: RwSignal<Vec<ConversationSummary>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let catalog = use_context::<LabelCatalog>();
    let labels = move || catalog.map(|c| c.0.get()).unwrap_or_default();
    // The account's labels as choices (the add and the remove menus offer the same).
    let label_options = move || {
        view! {
            <For each=labels key=|l| (l.id, l.name.clone()) let:label>
                <option value=label.id.to_string()>{label.name}</option>
            </For>
        }
    };
    let team_catalog = use_context::<TeamCatalog>();
    let teams = move || team_catalog.map(|c| c.0.get()).unwrap_or_default();
    let team = RwSignal::new(Vec::<AgentProfile>::new());
    let outcome = RwSignal::new(None::<BulkOutcome>);
    let error = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let count = move || selection.ids.with(Vec::len);
    let any_selected = move || count() > 0;
    let all_selected = move || {
        let n = items.with(Vec::len);
        n > 0 && items.with(|list| list.iter().all(|c| selection.has(c.id)))
    };
    let select_page = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        selection.ids.set(if on {
            items.with(|l| l.iter().map(|c| c.id).collect())
        } else {
            Vec::new()
        });
    };
    // The team is fetched once a selection exists (most list views never need it).
    Effect::new(move |_| {
        if count() > 0 && team.with_untracked(Vec::is_empty) {
            leptos::task::spawn_local(async move {
                if let Ok(list) = crate::agents::list_team().await {
                    team.set(list);
                }
            });
        }
    });
    let run = move |action: BulkAction| {
        let ids = selection.ids.get_untracked();
        if ids.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        outcome.set(None);
        leptos::task::spawn_local(async move {
            match bulk_update(ids, action).await {
                Ok(done) => {
                    error.set(None);
                    selection
                        .ids
                        .set(done.refused.iter().map(|r| r.id).collect());
                    outcome.set(Some(done));
                }
                Err(err) => {
                    outcome.set(None);
                    error.set(Some(err));
                }
            }
            busy.set(false);
        });
    };
    // A choice in one of the bar's menus runs at once; the menu goes back to "Choose…".
    let on_choice = move |parse: fn(&str) -> Option<BulkAction>| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            if let Some(action) = parse(&value) {
                run(action);
            }
            let select = event_target::<leptos::web_sys::HtmlSelectElement>(&ev);
            select.set_value("");
        }
    };
    let assign = on_choice(|v| match v {
        "" => None,
        "none" => Some(BulkAction::Assign { assignee_id: None }),
        id => id.parse().ok().map(|id| BulkAction::Assign {
            assignee_id: Some(id),
        }),
    });
    let set_team = on_choice(|v| match v {
        "" => None,
        "none" => Some(BulkAction::SetTeam { team_id: None }),
        id => id
            .parse()
            .ok()
            .map(|id| BulkAction::SetTeam { team_id: Some(id) }),
    });
    let add_label = on_choice(|v| {
        v.parse()
            .ok()
            .map(|label_id| BulkAction::AddLabel { label_id })
    });
    let remove_label = on_choice(|v| {
        v.parse()
            .ok()
            .map(|label_id| BulkAction::RemoveLabel { label_id })
    });
    let priority =
        on_choice(|v| Priority::parse(v).map(|priority| BulkAction::SetPriority { priority }));
    let snooze = on_choice(|v| {
        let hour = 3_600_000;
        let snoozed_until = match v {
            "1h" => Some(now() + hour),
            "tomorrow" => Some(now() + 24 * hour),
            "reply" => None,
            _ => return None,
        };
        Some(BulkAction::SetStatus {
            status: ConversationStatus::Snoozed,
            snoozed_until,
        })
    });
    let set_status = move |status: ConversationStatus| {
        run(BulkAction::SetStatus {
            status,
            snoozed_until: None,
        })
    };
    let refused_text = move |done: &BulkOutcome| {
        let names = items.with_untracked(|list| {
            done.refused
                .iter()
                .map(|r| {
                    let number = list
                        .iter()
                        .find(|c| c.id == r.id)
                        .map(|c| c.display_id)
                        .unwrap_or(r.id);
                    let why = match r.reason.as_str() {
                        "assignee_not_member" => t_string!(i18n, refusal_assignee_not_member),
                        "too_many_labels" => t_string!(i18n, refusal_too_many_labels),
                        _ => t_string!(i18n, refusal_not_found),
                    };
                    format!("#{number} ({why})")
                })
                .collect::<Vec<_>>()
                .join(", ")
        });
        td_string!(
            i18n.get_locale(),
            bulk_refused,
            count = done.refused.len(),
            list = names
        )
        .to_string()
    };
    view! {
        <div class="bulk">
            <label class="select-page">
                <input type="checkbox" prop:checked=all_selected on:change=select_page />
                <span>{t!(i18n, select_page)}</span>
            </label>
            <Show when=any_selected>
                <div class="bulk-bar" role="group" aria-label=move || t_string!(i18n, bulk_actions)>
                    <span class="bulk-count" aria-live="polite">
                        {move || td_string!(i18n.get_locale(), bulk_selected, count = count()).to_string()}
                    </span>
                    <label>
                        <span>{t!(i18n, bulk_assign)}</span>
                        <select on:change=assign disabled=busy>
                            <option value="">{t!(i18n, bulk_choose)}</option>
                            <option value="none">{t!(i18n, nobody)}</option>
                            <For each=move || team.get() key=|a| a.id let:agent>
                                <option value=agent.id.to_string()>{agent.name}</option>
                            </For>
                        </select>
                    </label>
                    <label>
                        <span>{t!(i18n, bulk_team)}</span>
                        <select on:change=set_team disabled=busy>
                            <option value="">{t!(i18n, bulk_choose)}</option>
                            <option value="none">{t!(i18n, no_team)}</option>
                            <For each=teams key=|t| (t.id, t.name.clone()) let:team>
                                <option value=team.id.to_string()>{team.name}</option>
                            </For>
                        </select>
                    </label>
                    <label>
                        <span>{t!(i18n, bulk_add_label)}</span>
                        <select on:change=add_label disabled=busy>
                            <option value="">{t!(i18n, bulk_choose)}</option>
                            {label_options()}
                        </select>
                    </label>
                    <label>
                        <span>{t!(i18n, bulk_remove_label)}</span>
                        <select on:change=remove_label disabled=busy>
                            <option value="">{t!(i18n, bulk_choose)}</option>
                            {label_options()}
                        </select>
                    </label>
                    <label>
                        <span>{t!(i18n, priority_label)}</span>
                        <select on:change=priority disabled=busy>
                            <option value="">{t!(i18n, bulk_choose)}</option>
                            {Priority::ALL
                                .iter()
                                .map(|p| {
                                    let p = *p;
                                    view! { <option value=p.as_str()>{move || priority_text(i18n, p)}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{t!(i18n, snooze)}</span>
                        <select on:change=snooze disabled=busy>
                            <option value="">{t!(i18n, bulk_choose)}</option>
                            <option value="1h">{t!(i18n, snooze_hour)}</option>
                            <option value="tomorrow">{t!(i18n, snooze_tomorrow)}</option>
                            <option value="reply">{t!(i18n, snooze_reply)}</option>
                        </select>
                    </label>
                    <button type="button" class="secondary" disabled=busy on:click=move |_| set_status(ConversationStatus::Resolved)>
                        {t!(i18n, resolve)}
                    </button>
                    <button type="button" class="secondary" disabled=busy on:click=move |_| set_status(ConversationStatus::Open)>
                        {t!(i18n, reopen)}
                    </button>
                    <button type="button" class="secondary" on:click=move |_| selection.ids.set(Vec::new())>
                        {t!(i18n, clear_selection)}
                    </button>
                </div>
            </Show>
            <p role="status" class="muted bulk-status">
                {move || outcome.get().map(|done| td_string!(i18n.get_locale(), bulk_done, count = done.updated.len()).to_string())}
            </p>
            {move || {
                outcome
                    .get()
                    .filter(|done| !done.refused.is_empty())
                    .map(|done| view! { <p role="alert" class="error">{refused_text(&done)}</p> })
            }}
            {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
        </div>
    }
}
