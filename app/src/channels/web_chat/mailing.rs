//! Replies by email to a website visitor who has left (issue 31). The database queues
//! every agent's public reply in a web-chat conversation (`widget_mailings`); this
//! worker takes the ones older than the wait (`CHARLA_WIDGET_EMAIL_AFTER_SECONDS`)
//! that she has still not read, and sends them, one mail per conversation, to the
//! address she left, through the email inbox her web-chat inbox names; a line in the
//! conversation tells the agents. Read ones, and those of an inbox that mails nobody
//! or of a visitor without an address, are dropped. A conversation's rows are leased
//! right before its mail (two replicas never send the same one) and marked sent only
//! under that lease; a failure is tried again later, with a longer wait each time,
//! and given up after a few.
use lettre::message::{Mailbox, MultiPart};
use lettre::AsyncTransport;
use sqlx::Row;
use std::collections::BTreeMap;
use std::time::Duration;

use crate::channels::email::inbox::{self, EmailInbox};
use crate::channels::email::smtp::{html_of, message_id_for, transport};
use crate::channels::outbound::{Failure, OutboundPolicy};
use crate::conversations::model::MessageExtra;
use crate::conversations::ssr::messages::add_activity_in_tx;
use crate::db::inbox_settings::{part, Settings};
use crate::db::{now_ms, placeholders, Db};
use crate::domain::offline::OfflineSettings;
use crate::error::AppError;
use crate::i18n::*;
use crate::live::hub::Hub;
use crate::secrets::SecretBox;

/// How long a claimed row stays with its worker before another may take it over.
const LEASE_MS: i64 = 120_000;
/// Temporary failures tried again at most this many times, then given up.
const MAX_ATTEMPTS: i64 = 6;

#[derive(Clone)]
pub struct Mailing {
    pub db: Db,
    pub hub: Hub,
    pub secrets: SecretBox,
    pub outbound: OutboundPolicy,
    /// How long an unread reply waits before it is mailed.
    pub after: Duration,
}

/// Rows taken per pass.
const PER_PASS: i64 = 100;
/// Full passes run back to back (a backlog drains) before the worker rests anyway.
const PASSES_IN_A_ROW: usize = 20;

pub fn spawn(mailing: Mailing) {
    tokio::spawn(async move {
        let mut in_a_row = 0;
        loop {
            match run_pass(&mailing).await {
                Ok(pass) if pass.full && in_a_row < PASSES_IN_A_ROW => {
                    in_a_row += 1;
                    continue;
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "widget mailing pass failed"),
            }
            in_a_row = 0;
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
}

/// What a pass did: the mails it sent, and whether it took a full batch (more may wait).
#[derive(Debug, Clone, Copy)]
struct Pass {
    sent: usize,
    full: bool,
}

/// One pass: the rows due now, leased, mailed by conversation. Returns the mails sent.
pub async fn run_once(mailing: &Mailing) -> Result<usize, AppError> {
    Ok(run_pass(mailing).await?.sent)
}

async fn run_pass(mailing: &Mailing) -> Result<Pass, AppError> {
    let now = now_ms();
    let after = i64::try_from(mailing.after.as_millis()).unwrap_or(i64::MAX);
    let due = sqlx::query(
        "SELECT message_id, conversation_id FROM widget_mailings WHERE state = 'pending' \
         AND created_at <= $2 AND next_attempt_at <= $1 ORDER BY created_at LIMIT $3",
    )
    .bind(now)
    .bind(now.saturating_sub(after))
    .bind(PER_PASS)
    .fetch_all(&mailing.db.pool)
    .await?;
    let full = due.len() as i64 >= PER_PASS;
    let mut by_conversation: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for row in &due {
        by_conversation
            .entry(row.try_get("conversation_id")?)
            .or_default()
            .push(row.try_get("message_id")?);
    }
    let mut sent = 0;
    for (conversation, ids) in by_conversation {
        // Leased right before its mail, so a slow server never lets another replica
        // take rows this one is still sending.
        let Some((mut messages, attempts, lease)) = lease(&mailing.db, &ids).await? else {
            continue;
        };
        messages.sort_unstable();
        match conversation_once(mailing, conversation, &messages, attempts, lease).await {
            Ok(true) => sent += 1,
            Ok(false) => {}
            Err(err) => failed(&mailing.db, &messages, attempts, &err.to_string(), false).await?,
        }
    }
    Ok(Pass { sent, full })
}

/// Takes the rows that are still due: (ids, their most attempts, the lease's end).
async fn lease(db: &Db, ids: &[i64]) -> Result<Option<(Vec<i64>, i64, i64)>, AppError> {
    let now = now_ms();
    let until = now + LEASE_MS;
    let list = placeholders(3, ids.len());
    let sql = format!(
        "UPDATE widget_mailings SET next_attempt_at = $1, attempts = attempts + 1 \
         WHERE message_id IN ({list}) AND state = 'pending' AND next_attempt_at <= $2 \
         RETURNING message_id, attempts"
    );
    let mut query = sqlx::query(&sql).bind(until).bind(now);
    for id in ids {
        query = query.bind(*id);
    }
    let rows = {
        let _turn = db.write_turn().await;
        query.fetch_all(&db.pool).await?
    };
    if rows.is_empty() {
        return Ok(None);
    }
    let mut taken = Vec::new();
    let mut attempts = 0;
    for row in &rows {
        taken.push(row.try_get::<i64, _>("message_id")?);
        attempts = attempts.max(row.try_get::<i64, _>("attempts")?);
    }
    Ok(Some((taken, attempts, until)))
}

/// Who the mail goes to and through which inbox.
struct Recipient {
    account_id: i64,
    inbox_name: String,
    name: String,
    address: Option<String>,
    settings: OfflineSettings,
}

async fn recipient(db: &Db, conversation: i64) -> Result<Option<Recipient>, AppError> {
    let row = sqlx::query(
        "SELECT c.account_id, i.name AS inbox_name, i.settings, ct.name, \
         COALESCE(ct.email, ct.claimed_email) AS address FROM conversations c \
         JOIN inboxes i ON i.id = c.inbox_id JOIN contacts ct ON ct.id = c.contact_id WHERE c.id = $1",
    )
    .bind(conversation)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let settings: String = row.try_get("settings")?;
    let settings: Settings = serde_json::from_str(&settings).unwrap_or_default();
    Ok(Some(Recipient {
        account_id: row.try_get("account_id")?,
        inbox_name: row.try_get("inbox_name")?,
        name: row.try_get("name")?,
        address: row.try_get("address")?,
        settings: part(&settings, "offline"),
    }))
}

/// A reply as the mail quotes it.
struct Reply {
    id: i64,
    author: Option<String>,
    body: String,
}

/// The replies among `ids` she has not read yet (the rest are dropped from the queue).
async fn unread(db: &Db, ids: &[i64]) -> Result<Vec<Reply>, AppError> {
    let list = placeholders(1, ids.len());
    let sql = format!(
        "SELECT m.id, m.body, m.delivery_status, a.name AS author FROM messages m \
         LEFT JOIN agents a ON a.id = m.sender_agent_id WHERE m.id IN ({list}) ORDER BY m.id"
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let mut replies = Vec::new();
    let mut read = Vec::new();
    for row in query.fetch_all(&db.pool).await? {
        let id: i64 = row.try_get("id")?;
        let status: Option<String> = row.try_get("delivery_status")?;
        if status.as_deref() == Some("read") {
            read.push(id);
        } else {
            replies.push(Reply {
                id,
                author: row.try_get("author")?,
                body: row.try_get("body")?,
            });
        }
    }
    drop_rows(db, &read).await?;
    Ok(replies)
}

async fn drop_rows(db: &Db, ids: &[i64]) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let list = placeholders(1, ids.len());
    let sql = format!("DELETE FROM widget_mailings WHERE message_id IN ({list})");
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let _turn = db.write_turn().await;
    query.execute(&db.pool).await?;
    Ok(())
}

/// Records a failure: tried again later (with a longer wait each time) or given up.
async fn failed(
    db: &Db,
    ids: &[i64],
    attempts: i64,
    error: &str,
    permanent: bool,
) -> Result<(), AppError> {
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    let wait = 30_000 * (1_i64 << attempts.clamp(0, 8));
    let list = placeholders(4, ids.len());
    let sql = format!(
        "UPDATE widget_mailings SET state = $1, error = $2, next_attempt_at = $3 WHERE message_id IN ({list})"
    );
    let mut query = sqlx::query(&sql)
        .bind(if give_up { "failed" } else { "pending" })
        .bind(error.chars().take(500).collect::<String>())
        .bind(now_ms() + wait);
    for id in ids {
        query = query.bind(*id);
    }
    tracing::warn!(
        error,
        give_up,
        "mailing a reply to a website visitor failed"
    );
    let _turn = db.write_turn().await;
    query.execute(&db.pool).await?;
    Ok(())
}

/// Mails one conversation's unread replies; `Ok(true)` when a mail went out.
async fn conversation_once(
    mailing: &Mailing,
    conversation: i64,
    ids: &[i64],
    attempts: i64,
    lease: i64,
) -> Result<bool, AppError> {
    let db = &mailing.db;
    let Some(to) = recipient(db, conversation).await? else {
        drop_rows(db, ids).await?;
        return Ok(false);
    };
    let (Some(address), Some(through)) = (to.address.clone(), to.settings.email_inbox_id) else {
        drop_rows(db, ids).await?;
        return Ok(false);
    };
    let replies = unread(db, ids).await?;
    if replies.is_empty() {
        return Ok(false);
    }
    let ids: Vec<i64> = replies.iter().map(|r| r.id).collect();
    let email_inbox = match inbox::load(db, &mailing.secrets, through).await? {
        Some(inbox) if inbox.can_send() && inbox.account_id == to.account_id => inbox,
        _ => {
            failed(db, &ids, attempts, "email_not_configured", true).await?;
            return Ok(false);
        }
    };
    let earlier: Option<String> = sqlx::query_scalar(
        "SELECT mail_id FROM widget_mailings WHERE conversation_id = $1 AND mail_id IS NOT NULL \
         ORDER BY message_id DESC LIMIT 1",
    )
    .bind(conversation)
    .fetch_optional(&db.pool)
    .await?;
    let key = format!("{}\u{0}{}", email_inbox.id_salt, email_inbox.smtp_password);
    let mail_id = message_id_for(ids[0], &key, &email_inbox.from_address);
    let mail = match compose(&email_inbox, &to, &address, &replies, &mail_id, earlier) {
        Ok(mail) => mail,
        Err(error) => {
            failed(db, &ids, attempts, &error, true).await?;
            return Ok(false);
        }
    };
    let sent = match transport(&mailing.outbound, &email_inbox).await {
        Ok(transport) => transport
            .send(mail)
            .await
            .map_err(|err| (err.to_string(), err.is_permanent())),
        Err(err) => Err((err.detail, err.kind != Failure::Unreachable)),
    };
    if let Err((error, permanent)) = sent {
        failed(db, &ids, attempts, &error, permanent).await?;
        return Ok(false);
    }
    let mut tx = db.begin_write().await?;
    let list = placeholders(2, ids.len());
    let sql = format!(
        "UPDATE widget_mailings SET state = 'sent', mail_id = $1, error = NULL \
         WHERE state = 'pending' AND next_attempt_at = ${} AND message_id IN ({list})",
        ids.len() + 2
    );
    let mut query = sqlx::query(&sql).bind(&mail_id);
    for id in &ids {
        query = query.bind(*id);
    }
    query.bind(lease).execute(tx.conn()).await?;
    let extra = MessageExtra::MailedToVisitor {
        address: address.clone(),
    };
    add_activity_in_tx(&mut tx, conversation, &format!("✉ {address}"), &extra).await?;
    mailing.hub.commit(tx).await?;
    Ok(true)
}

fn compose(
    inbox: &EmailInbox,
    to: &Recipient,
    address: &str,
    replies: &[Reply],
    mail_id: &str,
    earlier: Option<String>,
) -> Result<lettre::Message, String> {
    let l = Locale::es;
    let from = Mailbox::new(
        Some(inbox.from_name.clone()).filter(|n| !n.is_empty()),
        inbox
            .from_address
            .parse()
            .map_err(|e| format!("from: {e}"))?,
    );
    let recipient = Mailbox::new(
        Some(to.name.clone()).filter(|n| !n.is_empty()),
        address.parse().map_err(|e| format!("to: {e}"))?,
    );
    let mut text = String::new();
    for reply in replies {
        let author = reply.author.as_deref().unwrap_or(&to.inbox_name);
        text.push_str(&format!("{author}:\n{}\n\n", reply.body));
    }
    text.push_str(&format!("-- \n{}\n", td_string!(l, mailing_footer)));
    let subject = td_string!(l, mailing_subject, inbox = to.inbox_name.as_str()).to_string();
    let mut builder = lettre::Message::builder()
        .from(from)
        .to(recipient)
        .subject(subject)
        .message_id(Some(format!("<{mail_id}>")));
    if let Some(earlier) = earlier {
        builder = builder
            .in_reply_to(format!("<{earlier}>"))
            .references(format!("<{earlier}>"));
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            text.clone(),
            html_of(&text),
        ))
        .map_err(|e| e.to_string())
}
