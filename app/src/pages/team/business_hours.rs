//! An inbox's business hours (issue 31): the switch, the time zone, each weekday's
//! opening and closing time, holidays, and the out-of-office reply; saved together.
use leptos::prelude::*;

use crate::domain::business_hours::{clock_text, parse_clock, BusinessHours, DayHours};
use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::{inbox_business_hours, save_inbox_business_hours};
use crate::ui::error_text;

/// One weekday's row: open or not, and its two times as typed.
#[derive(Clone, Copy)]
struct DayRow {
    open: RwSignal<bool>,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

fn day_name(i18n: leptos_i18n::I18nContext<Locale>, day: usize) -> String {
    match day {
        0 => t_string!(i18n, weekday_monday),
        1 => t_string!(i18n, weekday_tuesday),
        2 => t_string!(i18n, weekday_wednesday),
        3 => t_string!(i18n, weekday_thursday),
        4 => t_string!(i18n, weekday_friday),
        5 => t_string!(i18n, weekday_saturday),
        _ => t_string!(i18n, weekday_sunday),
    }
    .to_string()
}

fn refusal(i18n: leptos_i18n::I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { field, .. } if field == "time_zone" => {
            t_string!(i18n, hours_error_zone).to_string()
        }
        AppError::Validation { field, .. } if field == "days" => {
            t_string!(i18n, hours_error_days).to_string()
        }
        AppError::Validation { field, .. } if field == "holidays" => {
            t_string!(i18n, hours_error_holidays).to_string()
        }
        other => error_text(i18n, other),
    }
}

#[component]
pub fn BusinessHoursForm(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let enabled = RwSignal::new(false);
    let zone = RwSignal::new(String::new());
    let holidays = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let rows: Vec<DayRow> = (0..7)
        .map(|_| DayRow {
            open: RwSignal::new(false),
            from: RwSignal::new("09:00".to_owned()),
            to: RwSignal::new("18:00".to_owned()),
        })
        .collect();
    let rows = StoredValue::new(rows);
    // Nothing to save until the saved values are in (as the other inbox switches).
    let loaded = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let show = move |hours: BusinessHours| {
        enabled.set(hours.enabled);
        zone.set(hours.time_zone);
        holidays.set(hours.holidays.join("\n"));
        message.set(hours.out_of_office);
        rows.with_value(|rows| {
            for (row, day) in rows.iter().zip(hours.days) {
                row.open.set(day.is_some());
                if let Some(day) = day {
                    row.from.set(clock_text(day.open));
                    row.to.set(clock_text(day.close));
                }
            }
        });
    };
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match inbox_business_hours(inbox_id).await {
                Ok(hours) => {
                    show(hours);
                    loaded.set(true);
                }
                Err(err) => failure.set(Some(refusal(i18n, &err))),
            }
        });
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let mut days = Vec::with_capacity(7);
        for row in rows.get_value() {
            if !row.open.get_untracked() {
                days.push(None);
                continue;
            }
            match (
                parse_clock(&row.from.get_untracked()),
                parse_clock(&row.to.get_untracked()),
            ) {
                (Some(open), Some(close)) => days.push(Some(DayHours { open, close })),
                _ => {
                    failure.set(Some(refusal(
                        i18n,
                        &AppError::validation("days", "invalid"),
                    )));
                    return;
                }
            }
        }
        let hours = BusinessHours {
            enabled: enabled.get_untracked(),
            time_zone: zone.get_untracked(),
            days,
            holidays: holidays
                .get_untracked()
                .lines()
                .map(str::to_owned)
                .collect(),
            out_of_office: message.get_untracked(),
        };
        if let Err((field, code)) = hours.checked() {
            failure.set(Some(refusal(i18n, &AppError::validation(field, code))));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_inbox_business_hours(inbox_id, hours).await {
                Ok(()) => {
                    failure.set(None);
                    saved.set(true);
                }
                Err(err) => failure.set(Some(refusal(i18n, &err))),
            }
        });
    };
    let id = move |what: &str| format!("inbox-{inbox_id}-hours-{what}");
    let day_rows = move || {
        rows.get_value()
            .into_iter()
            .enumerate()
            .map(|(day, row)| {
                let name = day_name(i18n, day);
                let (open_id, from_id, to_id) = (
                    id(&format!("open-{day}")),
                    id(&format!("from-{day}")),
                    id(&format!("to-{day}")),
                );
                let from_label = t_string!(i18n, hours_opens, day = name.clone()).to_string();
                let to_label = t_string!(i18n, hours_closes, day = name.clone()).to_string();
                view! {
                    <div class="hours-day">
                        <span class="field checkbox">
                            <input id=open_id.clone() type="checkbox" prop:checked=move || row.open.get()
                                on:change=move |ev| row.open.set(event_target_checked(&ev)) />
                            <label for=open_id>{name}</label>
                        </span>
                        <input id=from_id type="time" aria-label=from_label prop:value=move || row.from.get()
                            disabled=move || !row.open.get() on:input=move |ev| row.from.set(event_target_value(&ev)) />
                        <input id=to_id type="time" aria-label=to_label prop:value=move || row.to.get()
                            disabled=move || !row.open.get() on:input=move |ev| row.to.set(event_target_value(&ev)) />
                    </div>
                }
            })
            .collect_view()
    };
    let (on_id, zone_id, holidays_id, message_id) =
        (id("on"), id("zone"), id("holidays"), id("message"));
    view! {
        <details class="business-hours">
            <summary>{t!(i18n, hours_title)}</summary>
            <form class="stack" on:submit=save>
                <p class="hint muted">{t!(i18n, hours_help)}</p>
                <div class="field checkbox">
                    <input id=on_id.clone() type="checkbox" prop:checked=move || enabled.get()
                        disabled=move || !loaded.get() on:change=move |ev| enabled.set(event_target_checked(&ev)) />
                    <label for=on_id>{t!(i18n, hours_enabled)}</label>
                </div>
                <div class="field">
                    <label for=zone_id.clone()>{t!(i18n, hours_zone)}</label>
                    <input id=zone_id type="text" autocomplete="off" placeholder="Europe/Madrid"
                        prop:value=move || zone.get() on:input=move |ev| zone.set(event_target_value(&ev)) />
                </div>
                <fieldset>
                    <legend>{t!(i18n, hours_week)}</legend>
                    {day_rows}
                </fieldset>
                <div class="field">
                    <label for=holidays_id.clone()>{t!(i18n, hours_holidays)}</label>
                    <textarea id=holidays_id rows="2" placeholder="2026-12-25" prop:value=move || holidays.get()
                        on:input=move |ev| holidays.set(event_target_value(&ev))></textarea>
                </div>
                <div class="field">
                    <label for=message_id.clone()>{t!(i18n, hours_message)}</label>
                    <textarea id=message_id rows="3" prop:value=move || message.get()
                        on:input=move |ev| message.set(event_target_value(&ev))></textarea>
                </div>
                <div class="form-actions">
                    <button type="submit" class="secondary" disabled=move || !loaded.get()>{t!(i18n, hours_save)}</button>
                </div>
                <p role="status" class="muted">{move || saved.get().then(|| t_string!(i18n, hours_saved))}</p>
                {move || failure.get().map(|text| view! { <p role="alert" class="error">{text}</p> })}
            </form>
        </details>
    }
}
