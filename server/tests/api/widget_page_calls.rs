//! The website's script on the visitor, through Chatwoot's SDK: custom attributes on
//! her contact and conversation, labels the account defines put on and taken off;
//! a malformed call refuses the batch and changes nothing.
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use app::widget::WidgetSent;

on_both_backends!(the_page_sets_what_the_team_knows_of_her);

async fn stored(app: &TestApp, sql: &str, id: i64) -> Value {
    let text: String = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

async fn labels_of(app: &TestApp, conversation: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT l.name FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id \
         WHERE cl.conversation_id = $1 ORDER BY l.name",
    )
    .bind(conversation)
    .fetch_all(&app.state.db.pool)
    .await
    .unwrap()
}

async fn the_page_sets_what_the_team_knows_of_her(app: TestApp) {
    let token = app.web_chat_token().await;
    let admin = app.sign_in(ADMIN).await;
    let _: Value = app
        .ok(
            &admin.cookie,
            "labels/save",
            json!({"id": null, "name": "vip", "color": "#1f77b4"}),
        )
        .await;
    let sent: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "Hola", "name": "Eva", "email": null}),
        )
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    let contact: i64 = sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let calls = |calls: Value| json!({"token": token, "visitor": sent.visitor, "calls": calls});

    let _: () = app
        .ok(
            "",
            "widget/page_calls",
            calls(json!([
                {"name": "setCustomAttributes", "arg": {"plan": "oro", "empresa": "Acme"}},
                {"name": "setConversationCustomAttributes", "arg": {"pedido": "A-7"}},
                {"name": "setLabel", "arg": "vip"},
                {"name": "setLabel", "arg": "no-existe"},
                {"name": "deleteCustomAttribute", "arg": "empresa"},
            ])),
        )
        .await;
    let contact_sql = "SELECT custom_attributes FROM contacts WHERE id = $1";
    let conversation_sql = "SELECT custom_attributes FROM conversations WHERE id = $1";
    assert_eq!(
        stored(&app, contact_sql, contact).await,
        json!({"plan": "oro"})
    );
    assert_eq!(
        stored(&app, conversation_sql, conversation).await,
        json!({"pedido": "A-7"})
    );
    assert_eq!(
        labels_of(&app, conversation).await,
        vec!["vip"],
        "a label nobody defined is left alone"
    );

    // A malformed call refuses the batch: the label stays.
    let res = app
        .call_json(
            None,
            "widget/page_calls",
            calls(json!([
                {"name": "removeLabel", "arg": "vip"},
                {"name": "setCustomAttributes", "arg": "no es un objeto"},
            ])),
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .call_json(
            None,
            "widget/page_calls",
            calls(json!([{"name": "setLocale", "arg": "en"}])),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(labels_of(&app, conversation).await, vec!["vip"]);

    let _: () = app
        .ok(
            "",
            "widget/page_calls",
            calls(json!([
                {"name": "removeLabel", "arg": "vip"},
                {"name": "deleteConversationCustomAttribute", "arg": "pedido"},
            ])),
        )
        .await;
    assert!(labels_of(&app, conversation).await.is_empty());
    assert_eq!(
        stored(&app, conversation_sql, conversation).await,
        json!({})
    );

    // Another visitor's token reaches nothing of hers.
    let other: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": null, "body": "Otra", "name": null, "email": null}),
        )
        .await;
    let _: () = app
        .ok(
            "",
            "widget/page_calls",
            json!({"token": token, "visitor": other.visitor,
            "calls": [{"name": "setCustomAttributes", "arg": {"plan": "bronce"}}]}),
        )
        .await;
    assert_eq!(
        stored(&app, contact_sql, contact).await,
        json!({"plan": "oro"})
    );
}
