//! The invitation email, through the real mail servers the email channel's tests use:
//! an agent added through the API (or Ajustes) receives her link at the server's public
//! address, in Spanish and English, and the link in the email is the one that works.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::email::{address, mail_servers, read_mailbox, SMTP_PORT};
use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    if mail_servers().await {
        the_invitation_is_emailed(Backend::Sqlite).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    if mail_servers().await {
        the_invitation_is_emailed(Backend::Postgres).await;
    }
}

async fn the_invitation_is_emailed(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |config| {
        config.notify.smtp_url = Some(format!("smtp://127.0.0.1:{SMTP_PORT}"));
        config.notify.mail_from = "Charla <avisos@example.org>".into();
        config.public_url = Some("https://charla.example.org/".into());
    })
    .await
    else {
        return;
    };
    let account = app.account_id().await;
    let admin = app.api_token(ADMIN).await;
    let mail = address("nueva");
    let (status, added) = call(
        &app,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/accounts/{account}/agents"),
        Some(json!({"name": "Nueva Agente", "email": mail, "role": "agent"})),
    )
    .await;
    assert_eq!(status, 200, "{added}");
    let mails = read_mailbox(&mail, 1).await;
    assert_eq!(mails.len(), 1);
    let text = mails[0].body_text(0).unwrap().into_owned();
    assert!(mails[0]
        .subject()
        .unwrap()
        .contains("Te han invitado a Charla"));
    assert!(
        text.contains("Hola, Nueva Agente") && text.contains("Hello Nueva Agente"),
        "{text}"
    );
    let link = text
        .split_whitespace()
        .find(|w| w.starts_with("https://charla.example.org/invitation/"))
        .unwrap_or_else(|| panic!("a link at the public address: {text}"));
    let token = link.rsplit('/').next().unwrap();
    let res = app
        .call(
            None,
            "invitation/accept",
            &[
                ("token", token),
                ("password", "una clave larga"),
                ("confirmation", "una clave larga"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    app.sign_in_with(&mail, "una clave larga").await;
    let (_, agents) = call(
        &app,
        Some(&admin),
        Method::GET,
        &format!("/api/v1/accounts/{account}/agents"),
        None,
    )
    .await;
    let her = agents
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == Value::String(mail.clone()))
        .cloned()
        .unwrap();
    assert_eq!(her["confirmed"], true);
}
