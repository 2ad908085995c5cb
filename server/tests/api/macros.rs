//! Macros (issue 32), on both databases: an agent keeps her own and the team's shared
//! ones (another's personal macro is not found, a shared one is changed only by its
//! author or an administrator); a bad macro is refused naming its part; running one
//! applies its actions with the agent's own permissions, credited to her, in one
//! transaction: a conversation she cannot see is not found, and a macro that cannot
//! run whole (WhatsApp's closed window, a label deleted since) changes nothing.
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use app::automation::macros::Macro;
use app::conversations::model::ConversationSummary;
use app::domain::Priority;
use app::error::AppError;
use app::labels::Label;

on_both_backends!(
    macros_are_the_agents_own_or_shared,
    a_macro_runs_whole_with_the_agents_permissions,
);

async fn save(app: &TestApp, cookie: &str, id: Option<i64>, saved: Value) -> reqwest::Response {
    app.call_json(
        Some(cookie),
        "macros/save",
        json!({"id": id, "saved": saved}),
    )
    .await
}

async fn saved(app: &TestApp, cookie: &str, saved: Value) -> Macro {
    let res = save(app, cookie, None, saved).await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn names(app: &TestApp, cookie: &str) -> Vec<String> {
    let list: Vec<Macro> = app.ok(cookie, "macros/list", json!({})).await;
    list.into_iter().map(|m| m.name).collect()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn label(app: &TestApp, admin: &str, name: &str) -> Label {
    app.ok(
        admin,
        "labels/save",
        json!({"id": null, "name": name, "color": "#1f77b4"}),
    )
    .await
}

async fn macros_are_the_agents_own_or_shared(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let marcos = app.sign_in(MARCOS).await;
    label(&app, &admin.cookie, "facturación").await;
    let mine = saved(
        &app,
        &lucia.cookie,
        json!({"name": "Mía", "actions": [{"action_name": "resolve_conversation"}]}),
    )
    .await;
    assert_eq!(
        mine.visibility.as_str(),
        "personal",
        "personal unless said otherwise"
    );
    assert!(mine.editable);
    let shared = saved(
        &app,
        &admin.cookie,
        json!({"name": "Facturas", "visibility": "global", "actions": [
            {"action_name": "add_label", "action_params": ["facturación"]},
            {"action_name": "change_priority", "action_params": ["high"]}]}),
    )
    .await;

    assert_eq!(names(&app, &lucia.cookie).await, ["Facturas", "Mía"]);
    assert_eq!(names(&app, &marcos.cookie).await, ["Facturas"]);
    assert_eq!(names(&app, &admin.cookie).await, ["Facturas"]);
    let listed: Vec<Macro> = app.ok(&lucia.cookie, "macros/list", json!({})).await;
    assert!(
        !listed[0].editable,
        "a shared one is its author's or an administrator's"
    );

    // Another's personal macro is not found; a shared one she did not write, forbidden.
    let res = app
        .call_json(
            Some(&marcos.cookie),
            "macros/remove",
            json!({"id": mine.id}),
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = save(&app, &lucia.cookie, Some(shared.id), shared.input_json()).await;
    assert_eq!(res.status(), 403);
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "macros/remove",
            json!({"id": shared.id}),
        )
        .await;
    assert_eq!(res.status(), 403);

    // Bad macros name their part and change nothing.
    let before = count(&app, "SELECT COUNT(*) FROM macros").await;
    for (bad, field, code) in [
        (
            json!({"name": "x", "actions": [{"action_name": "add_label", "action_params": ["no-existe"]}]}),
            "actions",
            "unknown_reference",
        ),
        (
            json!({"name": "x", "actions": [{"action_name": "send_webhook_event", "action_params": ["https://example.com"]}]}),
            "actions",
            "unknown",
        ),
        (
            json!({"name": "  ", "actions": [{"action_name": "resolve_conversation"}]}),
            "name",
            "required",
        ),
        (json!({"name": "x", "actions": []}), "actions", "required"),
    ] {
        let res = save(&app, &lucia.cookie, None, bad.clone()).await;
        assert_eq!(res.status(), 422, "{bad}");
        assert_eq!(
            res.json::<AppError>().await.unwrap(),
            AppError::validation(field, code)
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM macros").await, before);

    // Her own she changes (and may share); deleted, it is gone.
    let mut changed = mine.input_json();
    changed["name"] = json!("Cerrar");
    changed["visibility"] = json!("global");
    let res = save(&app, &lucia.cookie, Some(mine.id), changed).await;
    assert_eq!(res.status(), 200);
    assert_eq!(names(&app, &marcos.cookie).await, ["Cerrar", "Facturas"]);
    let _: () = app
        .ok(&lucia.cookie, "macros/remove", json!({"id": mine.id}))
        .await;
    assert_eq!(names(&app, &lucia.cookie).await, ["Facturas"]);
}

trait AsInput {
    fn input_json(&self) -> Value;
}

impl AsInput for Macro {
    fn input_json(&self) -> Value {
        serde_json::to_value(self.input()).unwrap()
    }
}

async fn first_in(app: &TestApp, channel: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         WHERE i.channel_kind = $1 AND c.status <> 'resolved' ORDER BY c.id LIMIT 1",
    )
    .bind(channel)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn run(app: &TestApp, cookie: &str, id: i64, conversation: i64) -> reqwest::Response {
    app.call_json(
        Some(cookie),
        "macros/run",
        json!({"id": id, "conversation_id": conversation}),
    )
    .await
}

/// Messages, labels and the priority of a conversation: what a refused run must keep.
async fn state_of(app: &TestApp, conversation: i64) -> (i64, i64, i64) {
    let messages = count(
        app,
        &format!("SELECT COUNT(*) FROM messages WHERE conversation_id = {conversation}"),
    )
    .await;
    let labels = count(
        app,
        &format!("SELECT COUNT(*) FROM conversation_labels WHERE conversation_id = {conversation}"),
    )
    .await;
    let priority: i64 = sqlx::query_scalar("SELECT priority FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    (messages, labels, priority)
}

async fn a_macro_runs_whole_with_the_agents_permissions(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let lucia_id = app.agent_id(LUCIA).await;
    let billing = label(&app, &admin.cookie, "facturación").await;
    let invoices = saved(
        &app,
        &admin.cookie,
        json!({"name": "Facturas", "visibility": "global", "actions": [
            {"action_name": "add_label", "action_params": ["facturación"]},
            {"action_name": "change_priority", "action_params": ["high"]},
            {"action_name": "assign_agent", "action_params": [lucia_id]},
            {"action_name": "add_private_note", "action_params": ["Revisar la factura"]}]}),
    )
    .await;

    let chat = first_in(&app, "web_chat").await;
    let res = run(&app, &lucia.cookie, invoices.id, chat).await;
    assert_eq!(res.status(), 200);
    let after: ConversationSummary = res.json().await.unwrap();
    assert_eq!(after.label_ids, vec![billing.id]);
    assert_eq!(after.priority, Priority::High);
    assert_eq!(after.assignee_id, Some(lucia_id));
    let (author, private): (Option<i64>, i64) = sqlx::query_as(
        "SELECT sender_agent_id, private FROM messages WHERE conversation_id = $1 AND body = 'Revisar la factura'",
    )
    .bind(chat)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!((author, private), (Some(lucia_id), 1), "her note, private");
    let line: String = sqlx::query_scalar(
        "SELECT content_attributes FROM messages WHERE conversation_id = $1 AND direction = 'activity' \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(chat)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let line: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(line["kind"], "macro_ran");
    assert_eq!(line["name"], "Facturas");
    assert_eq!(
        line["actions"],
        json!([
            "add_label",
            "change_priority",
            "assign_agent",
            "add_private_note"
        ])
    );

    // A conversation she cannot see (the email inbox is Marcos's): not found, untouched.
    let hidden = first_in(&app, "email").await;
    let before = state_of(&app, hidden).await;
    let res = run(&app, &lucia.cookie, invoices.id, hidden).await;
    assert_eq!(res.status(), 404);
    assert_eq!(state_of(&app, hidden).await, before);

    // A reply on WhatsApp with the window closed: the whole macro is refused.
    let whatsapp = first_in(&app, "whatsapp").await;
    let day_ago = app::db::now_ms() - 25 * 3_600_000;
    sqlx::query(
        "UPDATE conversations SET last_customer_message_at = $1 WHERE contact_id = \
         (SELECT contact_id FROM conversations WHERE id = $2)",
    )
    .bind(day_ago)
    .bind(whatsapp)
    .execute(&app.state.db.pool)
    .await
    .unwrap();
    let answer = saved(
        &app,
        &lucia.cookie,
        json!({"name": "Responder", "actions": [
            {"action_name": "add_label", "action_params": ["facturación"]},
            {"action_name": "send_message", "action_params": ["Ya está resuelto"]}]}),
    )
    .await;
    let before = state_of(&app, whatsapp).await;
    let res = run(&app, &lucia.cookie, answer.id, whatsapp).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<AppError>().await.unwrap(),
        AppError::validation("body", "window_closed")
    );
    assert_eq!(
        state_of(&app, whatsapp).await,
        before,
        "nothing of it applied"
    );

    // A label deleted since it was saved: refused whole, naming the actions.
    let other = sqlx::query_scalar::<_, i64>(
        "SELECT c.id FROM conversations c JOIN inboxes i ON i.id = c.inbox_id \
         WHERE i.channel_kind = 'web_chat' AND c.id <> $1 ORDER BY c.id LIMIT 1",
    )
    .bind(chat)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let _: () = app
        .ok(&admin.cookie, "labels/remove", json!({"id": billing.id}))
        .await;
    let before = state_of(&app, other).await;
    let res = run(&app, &lucia.cookie, invoices.id, other).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<AppError>().await.unwrap(),
        AppError::validation("actions", "unknown_reference")
    );
    assert_eq!(state_of(&app, other).await, before);
}
