//! Informes: the period, the scope and business hours are kept in the address (a
//! report can be bookmarked or shared); the figures, the charts with their data
//! tables, and the CSV downloads of the same report.
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

use super::charts::{AgentsChart, HeatMap, TimeChart, VolumeChart};
use super::model::{duration_text, Period, Report, ReportQuery, Scope, ScopeOptions, Spread};
use super::{load_report, save_report_time_zone};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{encode_query, error_text};

const KEYS: [&str; 5] = ["period", "from", "to", "scope", "bh"];

fn query_of(p: &ParamsMap) -> ReportQuery {
    let get = |k: &str| p.get(k).unwrap_or_default();
    let period = get("period");
    ReportQuery {
        period: Period::parse(
            if period.is_empty() { "30" } else { &period },
            &get("from"),
            &get("to"),
        ),
        scope: Scope::parse(&get("scope")),
        business_hours: get("bh") == "1",
    }
}

/// The address's parameters with one changed (empty: left out).
fn address(p: &ParamsMap, key: &str, value: &str) -> String {
    let pairs: Vec<String> = KEYS
        .iter()
        .filter_map(|k| {
            let v = if *k == key {
                value.to_owned()
            } else {
                p.get(k).unwrap_or_default()
            };
            (!v.is_empty()).then(|| format!("{k}={}", encode_query(&v)))
        })
        .collect();
    pairs.join("&")
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(query_of));
    let reload = RwSignal::new(0_u32);
    let data = Resource::new(move || (query.get(), reload.get()), |(q, _)| load_report(q));
    let navigate = use_navigate();
    let set = move |key: &'static str, value: String| {
        let to = format!(
            "/reports?{}",
            params.with_untracked(|p| address(p, key, &value))
        );
        navigate(
            &to,
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let period_key = move || params.with(|p| p.get("period").unwrap_or_else(|| "30".into()));
    let custom = move || period_key() == "custom";
    let csv = move |kind: &str| {
        format!(
            "/api/reports/export.csv?kind={kind}&{}",
            params.with(|p| address(p, "", ""))
        )
    };
    let set_period = set.clone();
    let set_from = set.clone();
    let set_to = set.clone();
    let set_scope = set.clone();
    view! {
        <div class="reports">
            <header class="page-header">
                <h1>{t!(i18n, reports_title)}</h1>
                <div class="page-actions">
                    <a class="button secondary" href=move || csv("days") download="informe-dias.csv">{t!(i18n, reports_csv_days)}</a>
                    <a class="button secondary" href=move || csv("agents") download="informe-agentes.csv">{t!(i18n, reports_csv_agents)}</a>
                    <a class="button secondary" href=move || csv("conversations") download="conversaciones.csv">{t!(i18n, reports_csv_conversations)}</a>
                </div>
            </header>
            <div class="report-filters" role="group" aria-label=move || t_string!(i18n, reports_filters)>
                <div class="field">
                    <label for="report-period">{t!(i18n, reports_period)}</label>
                    <select id="report-period" prop:value=period_key on:change=move |ev| set_period("period", event_target_value(&ev))>
                        <option value="today">{t!(i18n, reports_today)}</option>
                        <option value="7">{t!(i18n, reports_last_7)}</option>
                        <option value="30">{t!(i18n, reports_last_30)}</option>
                        <option value="90">{t!(i18n, reports_last_90)}</option>
                        <option value="custom">{t!(i18n, reports_custom)}</option>
                    </select>
                </div>
                <Show when=custom>
                    <div class="field">
                        <label for="report-from">{t!(i18n, reports_from)}</label>
                        <input id="report-from" type="date" prop:value=move || params.with(|p| p.get("from").unwrap_or_default())
                            on:change={let set_from = set_from.clone(); move |ev| set_from("from", event_target_value(&ev))} />
                    </div>
                    <div class="field">
                        <label for="report-to">{t!(i18n, reports_to)}</label>
                        <input id="report-to" type="date" prop:value=move || params.with(|p| p.get("to").unwrap_or_default())
                            on:change={let set_to = set_to.clone(); move |ev| set_to("to", event_target_value(&ev))} />
                    </div>
                </Show>
                <Transition>
                    {move || {
                        let set_scope = set_scope.clone();
                        Suspend::new(async move {
                            let options = data.await.map(|r| r.options).unwrap_or_default();
                            view! { <ScopeSelect options on_change=Callback::new(move |v: String| set_scope("scope", v)) /> }
                        })
                    }}
                </Transition>
                <label class="check">
                    <input type="checkbox" prop:checked=move || query.get().business_hours
                        on:change=move |ev| set("bh", if event_target_checked(&ev) { "1".into() } else { String::new() }) />
                    {t!(i18n, reports_business_hours)}
                </label>
            </div>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(report) => view! { <ReportView report reload /> }.into_any(),
                        Err(AppError::Validation { .. }) => view! { <p role="alert" class="error">{t!(i18n, reports_error_period)}</p> }.into_any(),
                        Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn ScopeSelect(options: ScopeOptions, on_change: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let current = move || params.with(|p| p.get("scope").unwrap_or_default());
    let group = |label: String, kind: &'static str, list: Vec<super::model::Named>| {
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|n| view! { <option value=format!("{kind}:{}", n.id)>{n.name}</option> })
                .collect_view();
            view! { <optgroup label=label>{items}</optgroup> }
        })
    };
    view! {
        <div class="field">
            <label for="report-scope">{t!(i18n, reports_scope)}</label>
            <select id="report-scope" prop:value=current on:change=move |ev| on_change.run(event_target_value(&ev))>
                <option value="">{t!(i18n, reports_scope_account)}</option>
                {group(t_string!(i18n, reports_inboxes).to_string(), "inbox", options.inboxes)}
                {group(t_string!(i18n, reports_agents).to_string(), "agent", options.agents)}
                {group(t_string!(i18n, reports_teams).to_string(), "team", options.teams)}
                {group(t_string!(i18n, reports_labels).to_string(), "label", options.labels)}
            </select>
        </div>
    }
}

fn shown(value: Option<i64>) -> String {
    value.map(duration_text).unwrap_or_else(|| "—".into())
}

#[component]
fn ReportView(report: Report, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let s = report.summary.clone();
    let count = |label: String, value: i64| {
        view! { <div class="figure"><dt>{label}</dt><dd>{value}</dd></div> }
    };
    let time = |label: String, value: Option<i64>| {
        view! { <div class="figure"><dt>{label}</dt><dd>{shown(value)}</dd></div> }
    };
    let text = |label: String, value: Option<String>| {
        view! { <div class="figure"><dt>{label}</dt><dd>{value.unwrap_or_else(|| "—".into())}</dd></div> }
    };
    let spread = |median: String, p90: String, v: Spread| {
        view! { {time(median, v.median)} {time(p90, v.p90)} }
    };
    let first: Vec<(String, Option<i64>)> = report
        .days
        .iter()
        .map(|d| (d.date.clone(), d.first_response_mean))
        .collect();
    let resolution: Vec<(String, Option<i64>)> = report
        .days
        .iter()
        .map(|d| (d.date.clone(), d.resolution_mean))
        .collect();
    let weekdays: Vec<String> = [
        t_string!(i18n, reports_wd_mon),
        t_string!(i18n, reports_wd_tue),
        t_string!(i18n, reports_wd_wed),
        t_string!(i18n, reports_wd_thu),
        t_string!(i18n, reports_wd_fri),
        t_string!(i18n, reports_wd_sat),
        t_string!(i18n, reports_wd_sun),
    ]
    .into_iter()
    .map(|w| w.to_string())
    .collect();
    let t = |s: &str| s.to_string();
    view! {
        <p class="muted">{t!(i18n, reports_range, from = report.from.clone(), to = report.to.clone(), zone = report.time_zone.clone())}</p>
        <section class="report-summary" aria-labelledby="report-summary-title">
            <h2 id="report-summary-title">{t!(i18n, reports_summary)}</h2>
            <dl class="figures">
                {count(t(t_string!(i18n, reports_opened)), s.opened)}
                {count(t(t_string!(i18n, reports_resolved)), s.resolved)}
                {count(t(t_string!(i18n, reports_reopened)), s.reopened)}
                {count(t(t_string!(i18n, reports_received)), s.received)}
                {count(t(t_string!(i18n, reports_sent)), s.sent)}
                {count(t(t_string!(i18n, reports_waiting_now)), s.waiting_now)}
                {spread(t(t_string!(i18n, reports_first_response_median)), t(t_string!(i18n, reports_first_response_p90)), s.first_response)}
                {spread(t(t_string!(i18n, reports_reply_median)), t(t_string!(i18n, reports_reply_p90)), s.reply)}
                {spread(t(t_string!(i18n, reports_resolution_median)), t(t_string!(i18n, reports_resolution_p90)), s.resolution)}
                {text(t(t_string!(i18n, reports_csat_score)), s.csat_score().map(|v| format!("{v} %")))}
                {text(t(t_string!(i18n, reports_csat_mean)), s.csat_mean_text())}
                {text(t(t_string!(i18n, reports_csat_rate)), s.csat_response_rate().map(|v| format!("{v} % ({} / {})", s.csat_answered, s.csat_sent)))}
            </dl>
        </section>
        <section class="report-charts" aria-labelledby="report-charts-title">
            <h2 id="report-charts-title">{t!(i18n, reports_charts)}</h2>
            <VolumeChart days=report.days.clone() />
            <TimeChart days=first title=t(t_string!(i18n, reports_chart_first_response)) />
            <TimeChart days=resolution title=t(t_string!(i18n, reports_chart_resolution)) />
            <HeatMap heat=report.heat.clone() weekdays />
            <AgentsChart agents=report.agents.clone() />
        </section>
        <TimeZoneForm zone=report.time_zone.clone() reload />
    }
}

/// The account's time zone, where the report's days begin and end.
#[component]
fn TimeZoneForm(zone: String, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let value = RwSignal::new(zone);
    let save = Action::new(move |zone: &String| save_report_time_zone(zone.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    view! {
        <details class="report-zone">
            <summary>{t!(i18n, reports_time_zone)}</summary>
            <form on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(value.get_untracked());
            }>
                <label>
                    {t!(i18n, reports_time_zone_field)}
                    <input type="text" required maxlength="64" prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="primary">{t!(i18n, reports_save_zone)}</button>
                {move || match save.value().get() {
                    Some(Err(AppError::Validation { .. })) => Some(view! { <p role="alert" class="error">{t!(i18n, hours_error_zone)}</p> }.into_any()),
                    Some(Err(err)) => Some(view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any()),
                    Some(Ok(_)) => Some(view! { <p role="status">{t!(i18n, reports_zone_saved)}</p> }.into_any()),
                    None => None,
                }}
            </form>
        </details>
    }
}
