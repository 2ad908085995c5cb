//! Inbound email: each email inbox's mailbox is polled over IMAP; every unseen message
//! is parsed, threaded (In-Reply-To / References into the conversation that holds the
//! earlier message, else the S12 routing rule) and stored through the same `receive`
//! service as every channel, and only then marked seen. A crash between storing and
//! marking leaves it unseen; the next poll finds its Message-ID stored and skips it.
use std::collections::HashMap;
use std::time::Duration;

use super::imap;
use super::inbox::{self, EmailInbox};
use super::parse::{parse, ParsedMail};
use super::Email;
use crate::contacts::ssr::store::{customer_in_tx, CustomerProfile};
use crate::conversations::model::MessageExtra;
use crate::conversations::ssr::messages::{
    add_activity_in_tx, external_id_stored, receive_in_tx, Inbound, NewAttachment,
};
use crate::conversations::ssr::routing::{
    conversation_for_inbound, reopens_resolved, successor_of,
};
use crate::db::now_ms;
use crate::domain::EmailAddress;
use crate::error::AppError;
use crate::storage::Files;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PollSummary {
    pub stored: usize,
    pub duplicates: usize,
    pub automatic: usize,
    pub unreadable: usize,
    /// Left unseen, to be tried again next time.
    pub failed: usize,
}

enum Outcome {
    Stored,
    Duplicate,
    Automatic,
    Unreadable,
}

async fn store(email: &Email, inbox: &EmailInbox, raw: &[u8]) -> Result<Outcome, AppError> {
    let Some(mail) = parse(raw, &inbox.from_address) else {
        return Ok(Outcome::Unreadable);
    };
    if let Some(why) = mail.automatic {
        tracing::info!(inbox = inbox.id, why, id = %mail.message_id, "automatic email not stored");
        return Ok(Outcome::Automatic);
    }
    if external_id_stored(&email.db, inbox.id, &mail.message_id).await? {
        return Ok(Outcome::Duplicate);
    }
    let mut attachments = Vec::new();
    for (name, mime, bytes) in &mail.files {
        let name = crate::storage::clean_file_name(name).unwrap_or_else(|| "adjunto".to_owned());
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("bin");
        let key = Files::new_key(inbox.account_id, ext);
        if let Err(err) = email.files.put(&key, bytes.clone()).await {
            tracing::error!(error = %err, "storing an email attachment failed");
            for file in &attachments {
                let NewAttachment { storage_key, .. } = file;
                let _ = email.files.delete(storage_key).await;
            }
            return Err(AppError::Internal);
        }
        attachments.push(NewAttachment {
            file_name: name,
            content_type: mime.clone(),
            byte_size: bytes.len() as i64,
            storage_key: key,
            duration_ms: None,
        });
    }
    let result = store_in_db(email, inbox, &mail, &attachments).await;
    if result.is_err() {
        for file in &attachments {
            let _ = email.files.delete(&file.storage_key).await;
        }
        if external_id_stored(&email.db, inbox.id, &mail.message_id)
            .await
            .unwrap_or(false)
        {
            return Ok(Outcome::Duplicate);
        }
    }
    result.map(|()| Outcome::Stored)
}

async fn store_in_db(
    email: &Email,
    inbox: &EmailInbox,
    mail: &ParsedMail,
    attachments: &[NewAttachment],
) -> Result<(), AppError> {
    let address = mail.from_address.to_ascii_lowercase();
    let profile = CustomerProfile {
        name: mail.from_name.clone(),
        email: EmailAddress::parse(&address).ok(),
        phone: None,
    };
    let mut tx = email.db.begin_write().await?;
    // The conversation that holds the message this one answers, if any.
    let mut threaded = None;
    for id in &mail.thread_ids {
        threaded = sqlx::query_scalar::<_, i64>(
            "SELECT conversation_id FROM messages WHERE inbox_id = $1 AND external_id = $2 ORDER BY id LIMIT 1",
        )
        .bind(inbox.id)
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
        if threaded.is_some() {
            break;
        }
    }
    let (identity, contact) = customer_in_tx(
        &mut tx,
        inbox.account_id,
        inbox.id,
        "email",
        &address,
        &profile,
    )
    .await?;
    // Anyone can write In-Reply-To and References: a thread is joined only by its own
    // contact's mail. Another sender's opens (or joins) her own conversation, which
    // says why.
    let mut refused = None;
    if let Some(id) = threaded {
        let (owner, display_id): (i64, i64) =
            sqlx::query_as("SELECT contact_id, display_id FROM conversations WHERE id = $1")
                .bind(id)
                .fetch_one(tx.conn())
                .await?;
        if owner != contact {
            tracing::warn!(
                inbox = inbox.id,
                conversation = id,
                "email named another contact's thread; kept apart"
            );
            refused = Some(display_id);
            threaded = None;
        }
    }
    // A reply to a thread another conversation has taken over goes to the newest one
    // (the thread's headers stay on the message, so the agent's answer threads too);
    // a resolved newest one follows the inbox's rule, as any other customer message.
    let successor = match threaded {
        Some(id) => successor_of(tx.conn(), id).await?,
        None => None,
    };
    let conversation = match successor {
        Some((id, status))
            if status != "resolved" || reopens_resolved(tx.conn(), inbox.id).await? =>
        {
            id
        }
        _ => {
            conversation_for_inbound(&mut tx, inbox.account_id, inbox.id, contact, Some(identity))
                .await?
        }
    };
    if !mail.subject.is_empty() {
        sqlx::query("UPDATE conversations SET subject = $1 WHERE id = $2 AND subject IS NULL")
            .bind(mail.subject.chars().take(200).collect::<String>())
            .bind(conversation)
            .execute(tx.conn())
            .await?;
    }
    let extra = MessageExtra::Email {
        subject: mail.subject.clone(),
        quoted: mail.quoted.clone(),
        html: mail.html.clone(),
    };
    let body: String = mail
        .shown
        .chars()
        .take(crate::domain::MessageBody::MAX_CHARS)
        .collect();
    let inbound = Inbound {
        body: &body,
        external_id: Some(&mail.message_id),
        content_type: "text",
        extra: Some(&extra),
        attachments,
        at: mail.date.unwrap_or_else(now_ms),
    };
    receive_in_tx(&mut tx, conversation, contact, &inbound).await?;
    if let Some(display_id) = refused {
        let note = MessageExtra::ThreadRefused { display_id };
        add_activity_in_tx(&mut tx, conversation, &format!("≠ #{display_id}"), &note).await?;
    }
    tx.commit(&email.hub).await?;
    Ok(())
}

/// One pass over an inbox's unseen mail.
pub async fn poll(email: &Email, inbox: &EmailInbox) -> Result<PollSummary, String> {
    let mut session = imap::login(&inbox.imap, &inbox.imap_password).await?;
    let summary = poll_session(email, inbox, &mut session).await?;
    let _ = session.logout().await;
    Ok(summary)
}

async fn poll_session(
    email: &Email,
    inbox: &EmailInbox,
    session: &mut imap::Session,
) -> Result<PollSummary, String> {
    let messages = imap::unseen(session, &inbox.imap_mailbox).await?;
    let mut summary = PollSummary::default();
    for (uid, raw) in messages {
        match store(email, inbox, &raw).await {
            Ok(outcome) => {
                match outcome {
                    Outcome::Stored => summary.stored += 1,
                    Outcome::Duplicate => summary.duplicates += 1,
                    Outcome::Automatic => summary.automatic += 1,
                    Outcome::Unreadable => summary.unreadable += 1,
                }
                imap::mark_seen(session, uid).await?;
            }
            Err(err) => {
                tracing::warn!(inbox = inbox.id, uid, error = %err, "email not stored; left unseen for the next poll");
                summary.failed += 1;
            }
        }
    }
    Ok(summary)
}

/// One cycle of an inbox's watcher: poll, then wait for new mail — in IDLE where the
/// server supports it (woken as soon as mail arrives), else for the poll interval.
async fn cycle(email: &Email, inbox: &EmailInbox) -> Result<(), String> {
    let every = Duration::from_secs(u64::from(inbox.poll_interval_secs));
    let mut session = imap::login(&inbox.imap, &inbox.imap_password).await?;
    let summary = poll_session(email, inbox, &mut session).await?;
    if summary != PollSummary::default() {
        tracing::info!(inbox = inbox.id, ?summary, "email poll");
    }
    if imap::supports_idle(&mut session).await {
        let session = imap::idle(session, every).await?;
        let mut session = session;
        let _ = session.logout().await;
    } else {
        let _ = session.logout().await;
        tokio::time::sleep(every).await;
    }
    Ok(())
}

/// Keeps one watcher per configured email inbox (settings are re-read every cycle).
pub fn spawn(email: Email) {
    tokio::spawn(async move {
        let mut watchers: HashMap<i64, tokio::task::JoinHandle<()>> = HashMap::new();
        let mut tick = tokio::time::interval(Duration::from_secs(2));
        loop {
            tick.tick().await;
            watchers.retain(|_, task| !task.is_finished());
            let ids = match inbox::all_ids(&email.db).await {
                Ok(ids) => ids,
                Err(err) => {
                    tracing::warn!(error = %err, "listing email inboxes failed");
                    continue;
                }
            };
            for id in ids {
                if watchers.contains_key(&id) {
                    continue;
                }
                let email = email.clone();
                watchers.insert(id, tokio::spawn(async move { watch(email, id).await }));
            }
        }
    });
}

/// Runs until the inbox is gone or not set up for receiving.
async fn watch(email: Email, id: i64) {
    let mut failures = 0_u32;
    loop {
        let config = match inbox::load(&email.db, &email.secrets, id).await {
            Ok(Some(config)) if config.can_receive() => config,
            Ok(_) => return,
            Err(err) => {
                tracing::warn!(inbox = id, error = %err, "loading an email inbox failed");
                tokio::time::sleep(Duration::from_secs(10)).await;
                continue;
            }
        };
        match cycle(&email, &config).await {
            Ok(()) => failures = 0,
            Err(err) => {
                failures = failures.saturating_add(1);
                let wait = Duration::from_secs(
                    u64::from(config.poll_interval_secs).min(5 * 2_u64.pow(failures.min(6))),
                );
                tracing::warn!(inbox = id, error = %err, "email poll failed; will retry");
                tokio::time::sleep(wait).await;
            }
        }
    }
}
