//! The worker that sends rules' emails to teammates (`automation_mails`, queued in the
//! rule's transaction by [`super::outreach`]) through the server's own SMTP setting:
//! claims due rows with a lease (another replica's crashed claims expire), sends one
//! email each, retries with backoff, then fails — a failure is also the rule's last
//! error, shown on its card. An agent who may no longer see the conversation (or was
//! deactivated) is not mailed.
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Row;

use crate::auth::permission::sees_inbox;
use crate::db::{now_ms, placeholders, Db};
use crate::i18n::*;
use crate::notifications::ssr::email::{transport, SystemMail};
use crate::notifications::ssr::texts::locale_of;

/// Rows claimed at once (each may wait for SMTP's 30 s timeout within the lease).
const BATCH: i64 = 5;
/// A claim is another replica's for this long.
const LEASE_MS: i64 = 300_000;
/// Sent and failed emails are kept this long (their state and error), then removed.
pub const KEPT_MS: i64 = 7 * 24 * 3600 * 1000;
/// How often old ones are removed.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Waits before each retry; after the last one the email has failed.
pub const BACKOFF_SECS: &[i64] = &[30, 120, 600, 3600];
/// How often the worker looks.
const POLL: Duration = Duration::from_secs(1);

type Sender = (AsyncSmtpTransport<Tokio1Executor>, Mailbox);

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// Runs the worker for the life of the process (`public_url`: where links point).
pub fn spawn(db: Db, mail: Option<SystemMail>, public_url: String) {
    let sender = match mail.as_ref().map(transport) {
        Some(Ok(sender)) => Some(sender),
        Some(Err(err)) => {
            tracing::error!(%err, "rules' emails to teammates are off");
            None
        }
        None => None,
    };
    tokio::spawn(async move {
        let mut pruned = tokio::time::Instant::now() - PRUNE_EVERY;
        loop {
            if let Err(err) = run_once(&db, sender.as_ref(), &public_url).await {
                tracing::warn!(error = %err, "rules' emails failed; retrying");
            }
            if pruned.elapsed() >= PRUNE_EVERY {
                pruned = tokio::time::Instant::now();
                if let Err(err) = prune(&db, now_ms() - KEPT_MS).await {
                    tracing::warn!(error = %err, "removing old rules' emails failed");
                }
            }
            tokio::time::sleep(POLL).await;
        }
    });
}

/// Removes sent and failed emails made before `before`; how many.
pub async fn prune(db: &Db, before: i64) -> Result<u64, sqlx::Error> {
    let _turn = db.write_turn().await;
    let done =
        sqlx::query("DELETE FROM automation_mails WHERE state <> 'pending' AND created_at < $1")
            .bind(before)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected())
}

struct Due {
    id: i64,
    rule_id: Option<i64>,
    rule_name: String,
    email: String,
    name: String,
    locale: String,
    number: i64,
    conversation_id: i64,
    message: String,
    attempts: i64,
    /// Deactivated, or no longer one who sees the conversation's inbox.
    skip: bool,
}

/// Sends every due email once; what it did.
pub async fn run_once(
    db: &Db,
    sender: Option<&Sender>,
    public_url: &str,
) -> Result<Pass, sqlx::Error> {
    let now = now_ms();
    let ids: Vec<i64> = {
        let _turn = db.write_turn().await;
        sqlx::query_scalar(
            "UPDATE automation_mails SET claimed_until = $1 WHERE id IN (SELECT id FROM automation_mails \
             WHERE state = 'pending' AND next_attempt_at <= $2 AND (claimed_until IS NULL OR claimed_until < $2) \
             ORDER BY id LIMIT $3) AND (claimed_until IS NULL OR claimed_until < $2) RETURNING id",
        )
        .bind(now + LEASE_MS)
        .bind(now)
        .bind(BATCH)
        .fetch_all(&db.pool)
        .await?
    };
    let mut pass = Pass::default();
    if ids.is_empty() {
        return Ok(pass);
    }
    for due in read(db, &ids).await? {
        let outcome = if due.skip {
            pass.skipped += 1;
            Outcome::Skipped
        } else if let Some((transport, from)) = sender {
            match compose(&due, from, public_url) {
                Some(message) => match transport.send(message).await {
                    Ok(_) => Outcome::Sent,
                    Err(err) => Outcome::Failed(err.to_string()),
                },
                None => Outcome::Failed(format!("address {}", due.email)),
            }
        } else {
            Outcome::Failed("CHARLA_SMTP_URL is not set".into())
        };
        match &outcome {
            Outcome::Sent => pass.sent += 1,
            Outcome::Failed(_) => pass.failed += 1,
            Outcome::Skipped => {}
        }
        record(db, &due, &outcome, sender.is_some()).await?;
    }
    Ok(pass)
}

enum Outcome {
    Sent,
    Skipped,
    Failed(String),
}

async fn read(db: &Db, ids: &[i64]) -> Result<Vec<Due>, sqlx::Error> {
    let sql = format!(
        "SELECT m.id, m.rule_id, m.rule_name, m.conversation_id, m.message, m.attempts, \
         c.display_id, a.email, a.name, COALESCE(a.locale, '') AS locale, a.active, \
         CASE WHEN {} THEN 1 ELSE 0 END AS visible \
         FROM automation_mails m JOIN agents a ON a.id = m.agent_id \
         JOIN conversations c ON c.id = m.conversation_id WHERE m.id IN ({}) ORDER BY m.id",
        sees_inbox("c.inbox_id"),
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Due {
                id: r.try_get("id")?,
                rule_id: r.try_get("rule_id")?,
                rule_name: r.try_get("rule_name")?,
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                locale: r.try_get("locale")?,
                number: r.try_get("display_id")?,
                conversation_id: r.try_get("conversation_id")?,
                message: r.try_get("message")?,
                attempts: r.try_get("attempts")?,
                skip: r.try_get::<i64, _>("active")? == 0 || r.try_get::<i64, _>("visible")? == 0,
            })
        })
        .collect()
}

/// The email; `None` when the agent's address does not parse.
fn compose(due: &Due, from: &Mailbox, public_url: &str) -> Option<Message> {
    let to: Mailbox = format!("{} <{}>", due.name.replace(['<', '>', '"'], ""), due.email)
        .parse()
        .or_else(|_| due.email.parse())
        .ok()?;
    let l = locale_of(&due.locale);
    let rule = due.rule_name.as_str();
    let subject = td_string!(l, automation_mail_subject, rule = rule, number = due.number);
    let link = format!(
        "{}/conversations/{}?tab=all",
        public_url.trim_end_matches('/'),
        due.conversation_id
    );
    let text = format!(
        "{}\n\n{}\n\n{}\n\n{}\n",
        td_string!(l, notify_email_greeting, name = due.name.as_str()),
        td_string!(l, automation_mail_intro, rule = rule, number = due.number),
        due.message,
        link
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject.to_string())
        .header(ContentType::TEXT_PLAIN)
        .body(text)
        .ok()
}

async fn record(db: &Db, due: &Due, outcome: &Outcome, can_retry: bool) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let (state, next, error) = match outcome {
        Outcome::Sent => ("sent", now, None),
        // Not sent to someone who may not see it: no error of the rule's.
        Outcome::Skipped => ("failed", now, Some("not allowed to see it".to_owned())),
        Outcome::Failed(err) => match BACKOFF_SECS.get(due.attempts as usize) {
            Some(wait) if can_retry => ("pending", now + wait * 1000, Some(err.clone())),
            _ => ("failed", now, Some(err.clone())),
        },
    };
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE automation_mails SET state = $1, attempts = attempts + 1, next_attempt_at = $2, \
         claimed_until = NULL, last_error = $3, sent_at = $4 WHERE id = $5",
    )
    .bind(state)
    .bind(next)
    .bind(
        error
            .as_deref()
            .map(|e| e.chars().take(300).collect::<String>()),
    )
    .bind((state == "sent").then_some(now))
    .bind(due.id)
    .execute(tx.conn())
    .await?;
    if let (Outcome::Failed(err), Some(rule)) = (outcome, due.rule_id) {
        let text = format!("email to {}: {err}", due.email);
        sqlx::query(
            "UPDATE automation_rules SET last_error = $1, last_error_at = $2 WHERE id = $3",
        )
        .bind(text.chars().take(500).collect::<String>())
        .bind(now)
        .bind(rule)
        .execute(tx.conn())
        .await?;
    }
    tx.finish().await
}
