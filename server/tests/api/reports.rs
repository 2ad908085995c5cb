//! Informes (issue 31), on both databases: the figures follow their definitions
//! (first response and replies exclude notes, bots and automatic messages; a reopened
//! conversation's resolution is timed from its reopening; days are the account's time
//! zone; business hours count only open time), whatever path wrote the rows — an
//! import straight into the tables, or a customer and an agent through the API — and
//! the CSV downloads say the same.
use reqwest::Method;
use serde_json::{json, Value};

use crate::client_api::{api_inbox, call, customer_writes};
use crate::helpers::*;
use crate::on_both_backends;
use app::reports::model::Report;

on_both_backends!(
    the_figures_follow_their_definitions,
    days_are_the_account_s_time_zone,
    business_hours_count_only_open_time,
    a_conversation_through_the_api_is_measured,
    the_csv_files_say_the_same,
    bad_periods_and_zones_change_nothing,
);

/// 2026-11-10T10:00:00Z, a Tuesday.
pub(crate) const T0: i64 = 1_794_304_800_000;
pub(crate) const S: i64 = 1000;
pub(crate) const DAY: i64 = 86_400_000;

pub(crate) struct Rows<'a> {
    app: &'a TestApp,
    account: i64,
    pub(crate) inbox: i64,
    contact: i64,
}

impl Rows<'_> {
    pub(crate) async fn new<'a>(app: &'a TestApp, name: &str) -> Rows<'a> {
        let admin = app.api_token(ADMIN).await;
        let (inbox, _) = api_inbox(app, &admin, "").await;
        let inbox = inbox["id"].as_i64().unwrap();
        sqlx::query("UPDATE inboxes SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(inbox)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        let contact: i64 = sqlx::query_scalar("SELECT MIN(id) FROM contacts")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        Rows {
            account: app.account_id().await,
            app,
            inbox,
            contact,
        }
    }

    async fn conversation(&self, assignee: Option<i64>, at: i64) -> i64 {
        // The account's next number, as the app takes it, so later conversations do not clash.
        let number: i64 = sqlx::query_scalar(
            "UPDATE accounts SET next_conversation_number = next_conversation_number + 1 WHERE id = $1 \
             RETURNING next_conversation_number - 1",
        )
        .bind(self.account)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap();
        sqlx::query_scalar(
            "INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, assignee_id, status, \
             last_activity_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $6, $6) RETURNING id",
        )
        .bind(self.account)
        .bind(number)
        .bind(self.inbox)
        .bind(self.contact)
        .bind(assignee)
        .bind(at)
        .fetch_one(&self.app.state.db.pool)
        .await
        .unwrap()
    }

    /// `who`: `None` a customer's message; `Some(None)` an automatic (or bot) one;
    /// `Some(Some(agent))` an agent's.
    async fn message(&self, conversation: i64, who: Option<Option<i64>>, private: bool, at: i64) {
        let direction = if who.is_none() {
            "incoming"
        } else {
            "outgoing"
        };
        sqlx::query(
            "INSERT INTO messages (account_id, inbox_id, conversation_id, direction, private, sender_agent_id, \
             body, content_type, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'texto', 'text', $7, $7)",
        )
        .bind(self.account)
        .bind(self.inbox)
        .bind(conversation)
        .bind(direction)
        .bind(private as i64)
        .bind(who.flatten())
        .bind(at)
        .execute(&self.app.state.db.pool)
        .await
        .unwrap();
    }

    async fn status(&self, conversation: i64, status: &str, at: i64) {
        sqlx::query("UPDATE conversations SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status)
            .bind(at)
            .bind(conversation)
            .execute(&self.app.state.db.pool)
            .await
            .unwrap();
    }
}

async fn report(
    app: &TestApp,
    cookie: &str,
    period: Value,
    scope: Value,
    business: bool,
) -> Report {
    app.ok(
        cookie,
        "reports/get",
        json!({"query": {"period": period, "scope": scope, "business_hours": business}}),
    )
    .await
}

fn november() -> Value {
    json!({"Custom": {"from": "2026-11-01", "to": "2026-11-30"}})
}

/// The month the definition tests read: three conversations of one inbox.
pub(crate) async fn seed_month(rows: &Rows<'_>, admin: i64, lucia: i64) {
    // A: a note, an automatic message and then the agent (first response 600 s); the
    // customer writes twice more and is answered 300 s after her first; resolved at
    // 2000 s, reopened at 3000 s and resolved again 500 s later.
    let a = rows.conversation(Some(admin), T0).await;
    rows.message(a, None, false, T0).await;
    rows.message(a, Some(Some(admin)), true, T0 + 60 * S).await;
    rows.message(a, Some(None), false, T0 + 120 * S).await;
    rows.message(a, Some(Some(admin)), false, T0 + 600 * S)
        .await;
    rows.message(a, None, false, T0 + 1000 * S).await;
    rows.message(a, None, false, T0 + 1100 * S).await;
    rows.message(a, Some(Some(admin)), false, T0 + 1300 * S)
        .await;
    rows.status(a, "resolved", T0 + 2000 * S).await;
    rows.status(a, "open", T0 + 3000 * S).await;
    rows.status(a, "resolved", T0 + 3500 * S).await;
    // B, the next day: Lucía answers in 120 s.
    let b = rows.conversation(None, T0 + DAY).await;
    rows.message(b, None, false, T0 + DAY).await;
    rows.message(b, Some(Some(lucia)), false, T0 + DAY + 120 * S)
        .await;
    // C, started by the agent: the customer's answer is responded to 120 s later.
    let c = rows.conversation(Some(admin), T0 + 2 * DAY).await;
    rows.message(c, Some(Some(admin)), false, T0 + 2 * DAY)
        .await;
    rows.message(c, None, false, T0 + 2 * DAY + 60 * S).await;
    rows.message(c, Some(Some(admin)), false, T0 + 2 * DAY + 180 * S)
        .await;
}

async fn the_figures_follow_their_definitions(app: TestApp) {
    let rows = Rows::new(&app, "Informes").await;
    let (admin, lucia) = (app.agent_id(ADMIN).await, app.agent_id(LUCIA).await);
    seed_month(&rows, admin, lucia).await;
    let cookie = app.sign_in(ADMIN).await.cookie;
    let r = report(
        &app,
        &cookie,
        november(),
        json!({"Inbox": rows.inbox}),
        false,
    )
    .await;
    let s = &r.summary;
    assert_eq!(
        (r.from.as_str(), r.to.as_str(), r.days.len()),
        ("2026-11-01", "2026-11-30", 30)
    );
    assert_eq!((s.opened, s.resolved, s.reopened), (3, 2, 1));
    assert_eq!(
        (s.received, s.sent),
        (5, 5),
        "notes and automatic messages are not sent by the team"
    );
    assert_eq!(
        (
            s.first_response.count,
            s.first_response.median,
            s.first_response.p90
        ),
        (3, Some(120), Some(600))
    );
    assert_eq!(
        (s.reply.count, s.reply.median, s.reply.p90),
        (4, Some(210), Some(600))
    );
    assert_eq!(
        (s.resolution.count, s.resolution.median, s.resolution.p90),
        (2, Some(1250), Some(2000))
    );
    let day = |date: &str| r.days.iter().find(|d| d.date == date).unwrap().clone();
    let tenth = day("2026-11-10");
    assert_eq!(
        (tenth.opened, tenth.resolved, tenth.received, tenth.sent),
        (1, 2, 3, 2)
    );
    assert_eq!(
        (tenth.first_response_mean, tenth.resolution_mean),
        (Some(600), Some(1250))
    );
    assert_eq!(day("2026-11-11").first_response_mean, Some(120));
    // Tuesday 10:00, Wednesday 10:00, Thursday 10:00 (UTC, the account's zone).
    assert_eq!((r.heat[1][10], r.heat[2][10], r.heat[3][10]), (1, 1, 1));
    let agent = |id: i64| r.agents.iter().find(|a| a.agent_id == id).unwrap().clone();
    let (a, l) = (agent(admin), agent(lucia));
    assert_eq!((a.resolved, a.sent, a.first_response.count), (2, 4, 2));
    assert_eq!(
        (l.resolved, l.sent, l.first_response.median),
        (0, 1, Some(120))
    );
    // By agent: Lucía's own figures only.
    let hers = report(&app, &cookie, november(), json!({"Agent": lucia}), false).await;
    assert_eq!(
        (hers.summary.sent, hers.summary.first_response.count),
        (1, 1)
    );
    // By label: only the conversations that carry it.
    let label: app::labels::Label = app
        .ok(
            &cookie,
            "labels/save",
            json!({"id": null, "name": "informe", "color": "#1f77b4"}),
        )
        .await;
    let a_id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM conversations WHERE inbox_id = $1")
        .bind(rows.inbox)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO conversation_labels (conversation_id, label_id, created_at) VALUES ($1, $2, $3)")
        .bind(a_id)
        .bind(label.id)
        .bind(T0)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let labelled = report(&app, &cookie, november(), json!({"Label": label.id}), false).await;
    let ls = &labelled.summary;
    assert_eq!((ls.opened, ls.resolved, ls.received, ls.sent), (1, 2, 3, 2));
    assert_eq!(ls.first_response.median, Some(600));
    // Outside the period nothing counts.
    let october = json!({"Custom": {"from": "2026-10-01", "to": "2026-10-31"}});
    let before = report(&app, &cookie, october, json!({"Inbox": rows.inbox}), false).await;
    assert_eq!((before.summary.opened, before.summary.sent), (0, 0));
}

async fn days_are_the_account_s_time_zone(app: TestApp) {
    let rows = Rows::new(&app, "Zonas").await;
    let cookie = app.sign_in(ADMIN).await.cookie;
    // 2026-12-01T00:30Z: December in UTC, still November 30 in New York.
    let late = rows.conversation(None, 1_796_085_000_000).await;
    rows.message(late, None, false, 1_796_085_000_000).await;
    let scope = json!({"Inbox": rows.inbox});
    let utc = report(&app, &cookie, november(), scope.clone(), false).await;
    assert_eq!(utc.summary.opened, 0);
    let zone: String = app
        .ok(
            &cookie,
            "reports/time_zone",
            json!({"time_zone": "America/New_York"}),
        )
        .await;
    assert_eq!(zone, "America/New_York");
    let ny = report(&app, &cookie, november(), scope, false).await;
    assert_eq!(
        (
            ny.summary.opened,
            ny.summary.received,
            ny.time_zone.as_str()
        ),
        (1, 1, "America/New_York")
    );
    let last = ny.days.last().unwrap();
    assert_eq!((last.date.as_str(), last.opened), ("2026-11-30", 1));
    // Monday 19:00 in New York.
    assert_eq!(ny.heat[0][19], 1);
}

async fn business_hours_count_only_open_time(app: TestApp) {
    let rows = Rows::new(&app, "Horario").await;
    let cookie = app.sign_in(ADMIN).await.cookie;
    let hours = json!({"enabled": true, "time_zone": "Europe/Madrid",
        "days": [{"open": 540, "close": 1080}, {"open": 540, "close": 1080}, {"open": 540, "close": 1080},
                 {"open": 540, "close": 1080}, {"open": 540, "close": 1080}, null, null],
        "holidays": [], "out_of_office": ""});
    let _: Value = app
        .ok(
            &cookie,
            "team/save_inbox_business_hours",
            json!({"id": rows.inbox, "hours": hours}),
        )
        .await;
    let admin = app.agent_id(ADMIN).await;
    // Monday 2026-11-09 17:30 in Madrid (16:30Z), answered Tuesday 09:30 (08:30Z):
    // 16 hours by the clock, one working hour.
    let asked = T0 - DAY + (6 * 60 + 30) * 60 * S;
    let answered = T0 - 90 * 60 * S;
    let c = rows.conversation(Some(admin), asked).await;
    rows.message(c, None, false, asked).await;
    rows.message(c, Some(Some(admin)), false, answered).await;
    app::reports::ssr::business::fill_all(&app.state.db)
        .await
        .unwrap();
    let scope = json!({"Inbox": rows.inbox});
    let clock = report(&app, &cookie, november(), scope.clone(), false).await;
    assert_eq!(clock.summary.first_response.median, Some(16 * 3600));
    let open = report(&app, &cookie, november(), scope, true).await;
    assert_eq!(open.summary.first_response.median, Some(3600));
    assert_eq!(open.summary.reply.median, Some(3600));
}

async fn a_conversation_through_the_api_is_measured(app: TestApp) {
    let token = app.api_token(ADMIN).await;
    let account = app.account_id().await;
    let (inbox, base) = api_inbox(&app, &token, "").await;
    let (number, _) = customer_writes(&app, &base, &["Hola", "¿Hay alguien?"]).await;
    let at = format!("/api/v1/accounts/{account}/conversations/{number}");
    for body in [
        json!({"content": "Una nota", "private": true}),
        json!({"content": "¡Hola! Te ayudo.", "message_type": "outgoing"}),
    ] {
        let (status, said) = call(
            &app,
            Some(&token),
            Method::POST,
            &format!("{at}/messages"),
            Some(body),
        )
        .await;
        assert_eq!(status, 200, "{said}");
    }
    let (status, _) = call(
        &app,
        Some(&token),
        Method::POST,
        &format!("{at}/toggle_status"),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(status, 200);
    let cookie = app.sign_in(ADMIN).await.cookie;
    let r = report(
        &app,
        &cookie,
        json!("Today"),
        json!({"Inbox": inbox["id"]}),
        false,
    )
    .await;
    let s = &r.summary;
    assert_eq!((s.opened, s.received, s.sent, s.resolved), (1, 2, 1, 1));
    assert_eq!(
        (s.first_response.count, s.reply.count, s.resolution.count),
        (1, 1, 1)
    );
    assert_eq!(s.waiting_now, 0);
}

async fn get_csv(app: &TestApp, cookie: &str, query: &str) -> (u16, String) {
    let res = client()
        .get(app.url(&format!("/api/reports/export.csv?{query}")))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn the_csv_files_say_the_same(app: TestApp) {
    let rows = Rows::new(&app, "Exportar").await;
    let (admin, lucia) = (app.agent_id(ADMIN).await, app.agent_id(LUCIA).await);
    seed_month(&rows, admin, lucia).await;
    let cookie = app.sign_in(ADMIN).await.cookie;
    let period = format!(
        "period=custom&from=2026-11-01&to=2026-11-30&scope=inbox:{}",
        rows.inbox
    );
    let (status, days) = get_csv(&app, &cookie, &format!("kind=days&{period}")).await;
    assert_eq!(status, 200, "{days}");
    let lines: Vec<&str> = days.lines().collect();
    assert_eq!(lines.len(), 31, "a header and 30 days");
    assert!(lines[0].starts_with("date,conversations_opened"));
    assert!(lines.contains(&"2026-11-10,1,2,3,2,600,1250"), "{days}");
    let (_, agents) = get_csv(&app, &cookie, &format!("kind=agents&{period}")).await;
    assert!(
        agents.lines().any(|l| l.ends_with(",0,1,120,120,,")),
        "{agents}"
    );
    let (_, conversations) = get_csv(&app, &cookie, &format!("kind=conversations&{period}")).await;
    let found: Vec<&str> = conversations.lines().skip(1).collect();
    assert_eq!(found.len(), 3, "{conversations}");
    assert!(
        found.iter().all(|l| l.contains(",Exportar,api,")),
        "{conversations}"
    );
    assert!(
        found[0].ends_with(",600"),
        "first response in seconds: {conversations}"
    );
    let agent = app.sign_in(LUCIA).await.cookie;
    assert_eq!(
        get_csv(&app, &agent, &format!("kind=days&{period}"))
            .await
            .0,
        403
    );
}

async fn bad_periods_and_zones_change_nothing(app: TestApp) {
    let cookie = app.sign_in(ADMIN).await.cookie;
    let backwards = json!({"query": {"period": {"Custom": {"from": "2026-11-30", "to": "2026-11-01"}}, "scope": "Account", "business_hours": false}});
    let res = app.call_json(Some(&cookie), "reports/get", backwards).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let too_long = json!({"query": {"period": {"Custom": {"from": "2020-01-01", "to": "2026-11-01"}}, "scope": "Account", "business_hours": false}});
    let res = app.call_json(Some(&cookie), "reports/get", too_long).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let unknown = json!({"query": {"period": {"Last": 7}, "scope": {"Inbox": 999_999}, "business_hours": false}});
    assert_eq!(
        app.call_json(Some(&cookie), "reports/get", unknown)
            .await
            .status(),
        404
    );
    let res = app
        .call_json(
            Some(&cookie),
            "reports/time_zone",
            json!({"time_zone": "Mars/Olympus"}),
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let r = report(&app, &cookie, json!({"Last": 7}), json!("Account"), false).await;
    assert_eq!(r.time_zone, "UTC", "the zone did not change");
    assert_eq!(r.days.len(), 7);
}
