//! Business hours and the out-of-office reply (issue 31), on both databases: a
//! customer who writes while the team is away gets the inbox's reply once per
//! conversation, through the channel, and the agents see a line saying so; inside the
//! hours nothing is sent; bad hours are refused and change nothing.
use reqwest::Method;
use serde_json::{json, Value};

use crate::client_api::{api_inbox, call, customer_writes};
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(
    a_customer_outside_the_hours_gets_the_reply_once,
    inside_the_hours_nothing_is_sent,
    bad_hours_are_refused,
    the_widget_says_the_team_is_away,
);

const AWAY: &str = "Estamos fuera del horario; te respondemos mañana a primera hora.";

fn hours(days: Value, message: &str) -> Value {
    json!({"enabled": true, "time_zone": "Europe/Madrid", "days": days, "holidays": [], "out_of_office": message})
}

pub(crate) async fn set_hours(
    app: &TestApp,
    cookie: &str,
    inbox: &Value,
    hours: Value,
) -> (u16, Value) {
    let res = client()
        .post(app.url("/api/team/save_inbox_business_hours"))
        .header("cookie", cookie)
        .json(&json!({"id": inbox["id"], "hours": hours}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn messages(app: &TestApp, token: &str, number: i64) -> Vec<Value> {
    let account = app.account_id().await;
    let (_, page) = call(
        app,
        Some(token),
        Method::GET,
        &format!("/api/v1/accounts/{account}/conversations/{number}/messages"),
        None,
    )
    .await;
    page["payload"].as_array().unwrap().clone()
}

async fn a_customer_outside_the_hours_gets_the_reply_once(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let signed = app.sign_in(ADMIN).await;
    let (inbox, base) = api_inbox(&app, &admin, "").await;
    // Closed every day: whenever the test runs, the team is away.
    let (status, _) = set_hours(
        &app,
        &signed.cookie,
        &inbox,
        hours(json!([null, null, null, null, null, null, null]), AWAY),
    )
    .await;
    assert_eq!(status, 200);
    let first = customer_writes(&app, &base, &["Hola, ¿seguís ahí?", "¿Hola?"])
        .await
        .0;
    let said = messages(&app, &admin, first).await;
    let replies: Vec<&Value> = said.iter().filter(|m| m["content"] == AWAY).collect();
    assert_eq!(replies.len(), 1, "once per conversation: {said:?}");
    assert_eq!(replies[0]["message_type"], 1);
    assert!(
        replies[0]["sender"].is_null(),
        "nobody of the team wrote it"
    );
    let lines = said.iter().filter(|m| m["message_type"] == 2).count();
    assert_eq!(lines, 1, "the agents are told: {said:?}");
    // It went out through the channel: the customer reads it.
    let stored: String = sqlx::query_scalar(
        "SELECT o.state FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.body = $1",
    )
    .bind(AWAY)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert!(["pending", "done"].contains(&stored.as_str()), "{stored}");

    // Another conversation gets its own.
    let second = customer_writes(&app, &base, &["Otra consulta"]).await.0;
    let said = messages(&app, &admin, second).await;
    assert_eq!(said.iter().filter(|m| m["content"] == AWAY).count(), 1);
}

async fn inside_the_hours_nothing_is_sent(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let signed = app.sign_in(ADMIN).await;
    let (inbox, base) = api_inbox(&app, &admin, "").await;
    let always = json!({"open": 0, "close": 1440});
    let (status, _) = set_hours(
        &app,
        &signed.cookie,
        &inbox,
        hours(
            json!([always, always, always, always, always, always, always]),
            AWAY,
        ),
    )
    .await;
    assert_eq!(status, 200);
    let number = customer_writes(&app, &base, &["Buenos días"]).await.0;
    let said = messages(&app, &admin, number).await;
    assert_eq!(said.len(), 1, "only hers: {said:?}");
}

async fn bad_hours_are_refused(app: TestApp) {
    let admin = app.api_token(ADMIN).await;
    let signed = app.sign_in(ADMIN).await;
    let (inbox, _) = api_inbox(&app, &admin, "").await;
    let closed = json!([null, null, null, null, null, null, null]);
    let (status, _) = set_hours(&app, &signed.cookie, &inbox, hours(closed.clone(), AWAY)).await;
    assert_eq!(status, 200);
    let mut unknown = hours(closed.clone(), "otro");
    unknown["time_zone"] = json!("Mars/Olympus");
    let backwards = hours(
        json!([{"open": 600, "close": 540}, null, null, null, null, null, null]),
        "otro",
    );
    let mut holiday = hours(closed, "otro");
    holiday["holidays"] = json!(["2026-13-01"]);
    for (bad, field) in [
        (unknown, "time_zone"),
        (backwards, "days"),
        (holiday, "holidays"),
    ] {
        let (status, body) = set_hours(&app, &signed.cookie, &inbox, bad).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains(field), "{body}");
    }
    let res = client()
        .post(app.url("/api/team/inbox_business_hours"))
        .header("cookie", &signed.cookie)
        .json(&json!({"id": inbox["id"]}))
        .send()
        .await
        .unwrap();
    let kept: Value = res.json().await.unwrap();
    assert_eq!(kept["out_of_office"], AWAY, "nothing changed");
}

/// The web chat's widget says whether the team is in: away outside the hours, not
/// inside them nor without hours.
async fn the_widget_says_the_team_is_away(app: TestApp) {
    let signed = app.sign_in(ADMIN).await;
    let token = app.web_chat_token().await;
    let inbox: i64 = sqlx::query_scalar("SELECT id FROM inboxes WHERE web_token = $1")
        .bind(&token)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let inbox = json!({"id": inbox});
    let away = || async {
        let state: app::widget::model::WidgetState = app
            .ok("", "widget/open", json!({"token": token, "visitor": null}))
            .await;
        state.presence == app::domain::offline::TeamPresence::Closed
    };
    assert!(!away().await, "no hours: always in");
    let closed = json!([null, null, null, null, null, null, null]);
    set_hours(&app, &signed.cookie, &inbox, hours(closed, "")).await;
    assert!(away().await);
    let always = json!({"open": 0, "close": 1440});
    let open = json!([always, always, always, always, always, always, always]);
    set_hours(&app, &signed.cookie, &inbox, hours(open, "")).await;
    assert!(!away().await);
}
