//! Email notifications (issue 29) through the server's own SMTP setting, delivered by
//! the real mail servers the email channel's tests use: mentions and assignments an
//! agent has not seen within the delay reach her mailbox grouped in one email with
//! their links; nothing while she is active, nothing for what she opened.
use std::time::Duration;

use crate::email::{address, mail_servers, read_mailbox, SMTP_PORT};
use crate::helpers::*;
use crate::push::{mention, shared_conversation};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    if mail_servers().await {
        unseen_mentions_are_emailed_once_grouped(Backend::Sqlite).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    if mail_servers().await {
        unseen_mentions_are_emailed_once_grouped(Backend::Postgres).await;
    }
}

async fn state_of(app: &TestApp, agent: i64) -> Vec<Option<String>> {
    sqlx::query_scalar("SELECT email_state FROM notifications WHERE agent_id = $1 ORDER BY id")
        .bind(agent)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap()
}

/// Waits (bounded) until none of the agent's notifications is pending.
async fn settled(app: &TestApp, agent: i64) -> Vec<Option<String>> {
    for _ in 0..200 {
        let states = state_of(app, agent).await;
        if !states.iter().any(|s| s.as_deref() == Some("pending")) {
            return states;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "email notifications still pending: {:?}",
        state_of(app, agent).await
    );
}

async fn unseen_mentions_are_emailed_once_grouped(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |config| {
        config.notify.smtp_url = Some(format!("smtp://127.0.0.1:{SMTP_PORT}"));
        config.notify.mail_from = "Charla <avisos@example.org>".into();
        config.notify.email_after_secs = 1;
        config.public_url = Some("https://charla.example.org".into());
    })
    .await
    else {
        return;
    };
    let (marcos_id, lucia_id) = (app.agent_id(MARCOS).await, app.agent_id(LUCIA).await);
    let (conversation, number) = shared_conversation(&app).await;
    let (marcos_mail, lucia_mail) = (address("marcos"), address("lucia"));
    for (id, mail) in [(marcos_id, &marcos_mail), (lucia_id, &lucia_mail)] {
        sqlx::query("UPDATE agents SET email = $1, availability = 'offline' WHERE id = $2")
            .bind(mail)
            .bind(id)
            .execute(&app.state.db.pool)
            .await
            .unwrap();
    }
    let lucia = sign_in_as(&app, &lucia_mail).await;

    // Two mentions Marcos does not see: one email with both.
    mention(
        &app,
        &lucia,
        conversation,
        marcos_id,
        "revisa la factura 1234",
    )
    .await;
    mention(&app, &lucia, conversation, marcos_id, "y el abono 77").await;
    assert_eq!(
        settled(&app, marcos_id).await,
        [Some("sent".into()), Some("sent".into())]
    );
    let mails = read_mailbox(&marcos_mail, 1).await;
    assert_eq!(mails.len(), 1, "grouped into one email");
    let mail = &mails[0];
    assert_eq!(mail.subject().unwrap(), "Charla: 2 notificaciones sin ver");
    let text = mail.body_text(0).unwrap();
    assert!(
        text.contains("revisa la factura 1234") && text.contains("y el abono 77"),
        "{text}"
    );
    assert!(
        text.contains(&format!("te mencionó en #{number}")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "https://charla.example.org/conversations/{conversation}?tab=all"
        )),
        "{text}"
    );

    // Active in the app ("En línea"): no email.
    let marcos = sign_in_as(&app, &marcos_mail).await;
    sqlx::query("UPDATE agents SET availability = 'online' WHERE id = $1")
        .bind(lucia_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    mention(&app, &marcos, conversation, lucia_id, "¿lo ves?").await;
    assert_eq!(settled(&app, lucia_id).await, [Some("skipped".into())]);

    // Seen in the app (she opened the conversation) before the delay: no email.
    sqlx::query("UPDATE agents SET availability = 'offline' WHERE id = $1")
        .bind(lucia_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    mention(&app, &marcos, conversation, lucia_id, "otra más").await;
    let _: () = app
        .ok(
            &lucia,
            "conversations/read",
            serde_json::json!({"id": conversation, "read": true}),
        )
        .await;
    assert_eq!(
        settled(&app, lucia_id).await,
        [Some("skipped".into()), Some("skipped".into())]
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let unseen = crate::email::unseen_count(&lucia_mail).await;
    assert_eq!(unseen, 0, "nothing reached Lucía");
}

/// Signs in with the email the test gave the agent.
async fn sign_in_as(app: &TestApp, email: &str) -> String {
    app.sign_in_with(email, PASSWORD).await.cookie
}
