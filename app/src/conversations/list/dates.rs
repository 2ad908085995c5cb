//! The list's date ranges (created, last activity): the agent picks days in her own
//! time zone; the address keeps the instants they begin and end at, so a shared or
//! saved view means the same range for everyone.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::conversations::inbox_state::filter_from;
use crate::conversations::model::ListFilter;
use crate::domain::Millis;
use crate::i18n::*;
use crate::ui::time::{day_start, iso_day, TimeZone};

const DAY_MS: Millis = 86_400_000;

/// Which bound of which range a date field sets.
#[derive(Clone, Copy)]
enum Bound {
    CreatedSince,
    CreatedUntil,
    ActiveSince,
    ActiveUntil,
}

impl Bound {
    fn get(self, f: &ListFilter) -> Option<Millis> {
        match self {
            Bound::CreatedSince => f.created_since,
            Bound::CreatedUntil => f.created_until,
            Bound::ActiveSince => f.active_since,
            Bound::ActiveUntil => f.active_until,
        }
    }

    fn set(self, f: &mut ListFilter, at: Option<Millis>) {
        match self {
            Bound::CreatedSince => f.created_since = at,
            Bound::CreatedUntil => f.created_until = at,
            Bound::ActiveSince => f.active_since = at,
            Bound::ActiveUntil => f.active_until = at,
        }
    }

    /// An "until" day includes the whole day: it ends where the next one begins.
    fn end(self) -> bool {
        matches!(self, Bound::CreatedUntil | Bound::ActiveUntil)
    }
}

#[component]
pub(super) fn DateRanges(filter: ListFilter, go: Callback<ListFilter>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let tz = use_context::<TimeZone>().map(|z| z.0);
    let field = move |bound: Bound, label: String| {
        let shown = move || {
            let offset = tz.map(|z| z.get()).unwrap_or(0);
            bound
                .get(&filter)
                .map(|t| iso_day(if bound.end() { t - 1 } else { t }, offset))
                .unwrap_or_default()
        };
        let change = move |ev: leptos::ev::Event| {
            let offset = tz.map(|z| z.get_untracked()).unwrap_or(0);
            let at = day_start(&event_target_value(&ev), offset).map(|t| {
                if bound.end() {
                    t + DAY_MS
                } else {
                    t
                }
            });
            // From the filter in the address now: another change may have just landed.
            let mut next = query.with_untracked(filter_from);
            bound.set(&mut next, at);
            go.run(next);
        };
        view! {
            <label class="date-filter">
                <span>{label}</span>
                <input type="date" prop:value=shown on:change=change />
            </label>
        }
    };
    // Folded away unless a date is in force: four more fields would push the list
    // itself out of a short screen.
    let open = [
        Bound::CreatedSince,
        Bound::CreatedUntil,
        Bound::ActiveSince,
        Bound::ActiveUntil,
    ]
    .iter()
    .any(|b| b.get(&filter).is_some());
    view! {
        <details class="date-filters" open=open>
            <summary>{t!(i18n, date_filters)}</summary>
            <div class="date-fields">
                {field(Bound::CreatedSince, t_string!(i18n, created_since_label).into())}
                {field(Bound::CreatedUntil, t_string!(i18n, created_until_label).into())}
                {field(Bound::ActiveSince, t_string!(i18n, active_since_label).into())}
                {field(Bound::ActiveUntil, t_string!(i18n, active_until_label).into())}
            </div>
        </details>
    }
}
