//! The invitation email, where the server has an SMTP setting (`CHARLA_SMTP_URL`):
//! sent once, after the agent is saved, in Spanish and English (she has chosen no
//! language yet). A failed send is logged and lost on purpose: the administrator can
//! always copy a new link from Ajustes, so the invitation itself never depends on SMTP.
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncTransport, Message};

use crate::agents::AgentProfile;
use crate::db::Db;
use crate::notifications::ssr::email::{transport, SystemMail};
use crate::state::InvitationMail;

/// The email's subject and text: Spanish, then English (she has chosen no language).
pub fn compose(account: &str, name: &str, link: &str) -> (String, String) {
    use crate::i18n::*;
    let days = super::invite::INVITATION_TTL_MS / (24 * 3600 * 1000);
    let subject = format!(
        "{} · {}",
        td_string!(Locale::es, invitation_email_subject, account = account),
        td_string!(Locale::en, invitation_email_subject, account = account)
    );
    let part = |l: Locale| {
        format!(
            "{}\n\n{}\n\n{link}\n",
            td_string!(l, notify_email_greeting, name = name),
            td_string!(l, invitation_email_body, account = account, days = days)
        )
    };
    (
        subject,
        format!("{}\n---\n\n{}", part(Locale::es), part(Locale::en)),
    )
}

/// Sends it in the background; the request does not wait for SMTP.
pub fn send_later(db: &Db, setting: Option<&InvitationMail>, agent: &AgentProfile, token: &str) {
    let Some(setting) = setting.cloned() else {
        return;
    };
    let link = format!(
        "{}{}",
        setting.base_url,
        crate::agents::invitation_path(token)
    );
    let (db, agent) = (db.clone(), agent.clone());
    tokio::spawn(async move {
        let account: String = sqlx::query_scalar("SELECT name FROM accounts WHERE id = $1")
            .bind(agent.account_id)
            .fetch_one(&db.pool)
            .await
            .unwrap_or_default();
        let mail = SystemMail {
            url: setting.smtp_url,
            from: setting.from,
        };
        if let Err(err) = send(&mail, &account, &agent.name, &agent.email, &link).await {
            tracing::warn!(%err, agent = agent.id, "invitation email not sent; a new link can be copied from Ajustes");
        }
    });
}

async fn send(
    mail: &SystemMail,
    account: &str,
    name: &str,
    email: &str,
    link: &str,
) -> Result<(), String> {
    let (smtp, from) = transport(mail)?;
    let to = Mailbox::new(
        Some(name.to_owned()),
        email.parse().map_err(|e| format!("{e}"))?,
    );
    let (subject, text) = compose(account, name, link);
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(text)
        .map_err(|e| e.to_string())?;
    smtp.send(message).await.map_err(|e| e.to_string())?;
    Ok(())
}
