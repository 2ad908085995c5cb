//! The report's charts as plain SVG drawn by the page (no charting library in the
//! client): each is an image with a name for screen readers and, under it, the table
//! of the figures it draws.
use leptos::prelude::*;

use super::model::{duration_text, AgentRow, DayRow};
use crate::i18n::*;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 20.0;

fn top_of(max: i64) -> f64 {
    max.max(1) as f64
}

/// Conversations opened and resolved per day, side by side.
#[component]
pub fn VolumeChart(days: Vec<DayRow>) -> impl IntoView {
    let i18n = use_i18n();
    let max = days
        .iter()
        .map(|d| d.opened.max(d.resolved))
        .max()
        .unwrap_or(0);
    let top = top_of(max);
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let bar = (slot * 0.4).max(0.5);
    let plot = HEIGHT - BOTTOM;
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = LEFT + i as f64 * slot;
            let h1 = plot * d.opened as f64 / top;
            let h2 = plot * d.resolved as f64 / top;
            view! {
                <rect class="series-a" x=x y={plot - h1} width=bar height=h1 />
                <rect class="series-b" x={x + bar} width=bar y={plot - h2} height=h2 />
            }
        })
        .collect_view();
    let first = days.first().map(|d| d.date.clone()).unwrap_or_default();
    let last = days.last().map(|d| d.date.clone()).unwrap_or_default();
    let rows = days
        .into_iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{d.date}</th>
                    <td>{d.opened}</td>
                    <td>{d.resolved}</td>
                    <td>{d.received}</td>
                    <td>{d.sent}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{t!(i18n, reports_chart_volume)}</figcaption>
            <svg role="img" viewBox=format!("0 0 {WIDTH} {HEIGHT}") aria-label=move || t_string!(i18n, reports_chart_volume)>
                <text class="axis" x="0" y="12">{max}</text>
                <text class="axis" x="0" y=plot>"0"</text>
                {bars}
                <text class="axis" x=LEFT y={HEIGHT - 4.0}>{first}</text>
                <text class="axis" x=WIDTH y={HEIGHT - 4.0} text-anchor="end">{last}</text>
            </svg>
            <p class="legend">
                <span class="key series-a"></span>{t!(i18n, reports_opened)}
                <span class="key series-b"></span>{t!(i18n, reports_resolved)}
            </p>
            <details>
                <summary>{t!(i18n, reports_show_data)}</summary>
                <table class="report-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, reports_day)}</th>
                            <th scope="col">{t!(i18n, reports_opened)}</th>
                            <th scope="col">{t!(i18n, reports_resolved)}</th>
                            <th scope="col">{t!(i18n, reports_received)}</th>
                            <th scope="col">{t!(i18n, reports_sent)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

/// A mean duration per day as a line (days without one are left out).
#[component]
pub fn TimeChart(days: Vec<(String, Option<i64>)>, title: String) -> impl IntoView {
    let i18n = use_i18n();
    let max = days.iter().filter_map(|d| d.1).max().unwrap_or(0);
    let top = top_of(max);
    let step = (WIDTH - LEFT) / days.len().max(1) as f64;
    let plot = HEIGHT - BOTTOM;
    let points: Vec<(f64, f64)> = days
        .iter()
        .enumerate()
        .filter_map(|(i, (_, v))| {
            v.map(|v| (LEFT + (i as f64 + 0.5) * step, plot - plot * v as f64 / top))
        })
        .collect();
    let line = points
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    let dots = points
        .into_iter()
        .map(|(x, y)| view! { <circle class="series-a" cx=x cy=y r="2.5" /> })
        .collect_view();
    let first = days.first().map(|d| d.0.clone()).unwrap_or_default();
    let last = days.last().map(|d| d.0.clone()).unwrap_or_default();
    let rows = days
        .into_iter()
        .map(|(date, v)| {
            view! {
                <tr>
                    <th scope="row">{date}</th>
                    <td>{v.map(duration_text).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let label = title.clone();
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <svg role="img" viewBox=format!("0 0 {WIDTH} {HEIGHT}") aria-label=label>
                <text class="axis" x="0" y="12">{(max > 0).then(|| duration_text(max))}</text>
                <polyline class="line" points=line />
                {dots}
                <text class="axis" x=LEFT y={HEIGHT - 4.0}>{first}</text>
                <text class="axis" x=WIDTH y={HEIGHT - 4.0} text-anchor="end">{last}</text>
            </svg>
            <details>
                <summary>{t!(i18n, reports_show_data)}</summary>
                <table class="report-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, reports_day)}</th>
                            <th scope="col">{t!(i18n, reports_mean)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

/// Conversations opened by weekday and hour: darker is busier.
#[component]
pub fn HeatMap(heat: Vec<Vec<i64>>, weekdays: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let max = heat.iter().flatten().copied().max().unwrap_or(0);
    let top = top_of(max);
    let cell = (WIDTH - LEFT) / 24.0;
    let cells = heat
        .iter()
        .enumerate()
        .flat_map(|(d, hours)| {
            hours.iter().enumerate().map(move |(h, v)| {
                let opacity = if *v == 0 { 0.06 } else { 0.2 + 0.8 * *v as f64 / top };
                view! {
                    <rect class="heat" x={LEFT + h as f64 * cell} y={d as f64 * 22.0} width={cell - 2.0}
                        height="20" fill-opacity=format!("{opacity:.2}") />
                }
            })
        })
        .collect_view();
    let names = weekdays
        .iter()
        .enumerate()
        .map(|(d, name)| view! { <text class="axis" x="0" y={d as f64 * 22.0 + 14.0}>{name.clone()}</text> })
        .collect_view();
    let rows = heat
        .into_iter()
        .zip(weekdays)
        .map(|(hours, name)| {
            let cells = hours
                .into_iter()
                .map(|v| view! { <td>{v}</td> })
                .collect_view();
            view! { <tr><th scope="row">{name}</th>{cells}</tr> }
        })
        .collect_view();
    let hours = (0..24)
        .map(|h| view! { <th scope="col">{h}</th> })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{t!(i18n, reports_chart_heat)}</figcaption>
            <svg role="img" viewBox=format!("0 0 {WIDTH} {}", 7.0 * 22.0 + 16.0) aria-label=move || t_string!(i18n, reports_chart_heat)>
                {names}
                {cells}
                <text class="axis" x=LEFT y={7.0 * 22.0 + 12.0}>"0 h"</text>
                <text class="axis" x=WIDTH y={7.0 * 22.0 + 12.0} text-anchor="end">"23 h"</text>
            </svg>
            <details>
                <summary>{t!(i18n, reports_show_data)}</summary>
                <div class="table-scroll">
                    <table class="report-table">
                        <thead><tr><th scope="col">{t!(i18n, reports_weekday)}</th>{hours}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

fn spread_cell(value: Option<i64>) -> String {
    value.map(duration_text).unwrap_or_else(|| "—".into())
}

/// Agents side by side: conversations resolved as bars, and their figures.
#[component]
pub fn AgentsChart(agents: Vec<AgentRow>) -> impl IntoView {
    let i18n = use_i18n();
    let max = agents.iter().map(|a| a.resolved).max().unwrap_or(0);
    let top = top_of(max);
    let height = 24.0 * agents.len().max(1) as f64;
    let label_width = 160.0;
    let bars = agents
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let w = (WIDTH - label_width - 40.0) * a.resolved as f64 / top;
            let y = i as f64 * 24.0;
            view! {
                <text class="axis" x="0" y={y + 15.0}>{a.name.clone()}</text>
                <rect class="series-b" x=label_width y={y + 3.0} width=w height="16" />
                <text class="axis" x={label_width + w + 4.0} y={y + 15.0}>{a.resolved}</text>
            }
        })
        .collect_view();
    let rows = agents
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <th scope="row">{a.name}</th>
                    <td>{a.resolved}</td>
                    <td>{a.sent}</td>
                    <td>{spread_cell(a.first_response.median)}</td>
                    <td>{spread_cell(a.first_response.p90)}</td>
                    <td>{spread_cell(a.resolution.median)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <figcaption>{t!(i18n, reports_chart_agents)}</figcaption>
            <svg role="img" viewBox=format!("0 0 {WIDTH} {height}") aria-label=move || t_string!(i18n, reports_chart_agents)>
                {bars}
            </svg>
            <div class="table-scroll">
                <table class="report-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, reports_agent)}</th>
                            <th scope="col">{t!(i18n, reports_resolved)}</th>
                            <th scope="col">{t!(i18n, reports_sent)}</th>
                            <th scope="col">{t!(i18n, reports_first_response_median)}</th>
                            <th scope="col">{t!(i18n, reports_first_response_p90)}</th>
                            <th scope="col">{t!(i18n, reports_resolution_median)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </figure>
    }
}
