//! Customers' files fetched from Meta after the webhook has answered. The message is
//! stored at once, marked `FileComing` (Meta wants its answer within seconds, and a
//! slow or unreachable Graph must neither hold the text back nor make Meta deliver it
//! again); its file is fetched right after, or by the worker of any replica under a
//! lease, retried with backoff, and joins the message with one `MessageUpdated` event.
use std::time::Duration;

use sqlx::Row;

use super::super::inbox;
use super::super::webhook::MediaRef;
use super::super::WhatsApp;
use super::media::{fetch_media, NotFetched};
use crate::conversations::model::MessageExtra;
use crate::conversations::ssr::messages::insert_attachments_in_tx;
use crate::db::{now_ms, Db, WriteTx};
use crate::error::AppError;
use crate::storage::NewAttachment;

/// How long a taken row stays with its fetcher: the Graph client's two requests may
/// take a minute each, and storing the file some more.
const LEASE_MS: i64 = 300_000;
/// Tries before the message is marked as missing its file: about half a day with the
/// backoff below, well within the 30 days Meta keeps a customer's media.
const MAX_ATTEMPTS: i64 = 12;
const IDLE: Duration = Duration::from_secs(2);

/// A file waiting for its fetch, held under the lease `lease` (its `locked_until`,
/// which also proves the holder: a fetcher whose lease ran out changes nothing).
pub(super) struct Queued {
    message_id: i64,
    inbox_id: i64,
    media: MediaRef,
    kind: String,
    attempts: i64,
    lease: i64,
}

/// Leaves the message's file to fetch (in the transaction that stores the message),
/// leased to the webhook's own fetch (`fetch_now`); the worker takes it only if that
/// never finishes.
pub(super) async fn enqueue_in_tx(
    tx: &mut WriteTx,
    message_id: i64,
    inbox_id: i64,
    media: &MediaRef,
    kind: &str,
) -> Result<Queued, sqlx::Error> {
    let now = now_ms();
    // The customer's own name for it: what PostgreSQL's text takes, kept short.
    let file_name = media
        .file_name
        .as_deref()
        .map(|n| n.replace('\0', "").chars().take(255).collect::<String>());
    let queued = Queued {
        message_id,
        inbox_id,
        media: MediaRef {
            file_name,
            ..media.clone()
        },
        kind: kind.to_owned(),
        attempts: 1,
        lease: now + LEASE_MS,
    };
    sqlx::query(
        "INSERT INTO whatsapp_media (message_id, inbox_id, media_id, mime_type, file_name, voice, kind, \
         attempts, next_attempt_at, locked_until) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9)",
    )
    .bind(message_id)
    .bind(inbox_id)
    .bind(&queued.media.id)
    .bind(queued.media.mime_type.as_deref())
    .bind(queued.media.file_name.as_deref())
    .bind(i64::from(media.voice))
    .bind(kind)
    .bind(now)
    .bind(queued.lease)
    .execute(tx.conn())
    .await?;
    Ok(queued)
}

const RETURNING: &str =
    "RETURNING message_id, inbox_id, media_id, mime_type, file_name, voice, kind, attempts";

/// Takes the oldest due row whose lease is free.
async fn take(db: &Db, now: i64) -> Result<Option<Queued>, sqlx::Error> {
    let free = "(locked_until IS NULL OR locked_until < $2)";
    let sql = format!(
        "UPDATE whatsapp_media SET locked_until = $1, attempts = attempts + 1 \
         WHERE message_id = (SELECT message_id FROM whatsapp_media WHERE next_attempt_at <= $2 AND {free} \
         ORDER BY next_attempt_at LIMIT 1) AND {free} {RETURNING}"
    );
    let lease = now + LEASE_MS;
    let _turn = db.write_turn().await;
    let row = sqlx::query(&sql)
        .bind(lease)
        .bind(now)
        .fetch_optional(&db.pool)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(Queued {
        message_id: row.try_get("message_id")?,
        inbox_id: row.try_get("inbox_id")?,
        media: MediaRef {
            id: row.try_get("media_id")?,
            mime_type: row.try_get("mime_type")?,
            file_name: row.try_get("file_name")?,
            voice: row.try_get::<i64, _>("voice")? != 0,
        },
        kind: row.try_get("kind")?,
        attempts: row.try_get("attempts")?,
        lease,
    }))
}

/// Backoff after the `attempts`th failure: 30 s, 1 min, 2 min, … up to 4 h.
fn backoff_ms(attempts: i64) -> i64 {
    30_000_i64
        .saturating_mul(1 << attempts.clamp(1, 20).saturating_sub(1))
        .min(4 * 3_600_000)
}

/// Fetches one file and records the outcome. An error of Charla's own (the database,
/// the inbox's sealed settings) is tried again with the same backoff and limit.
async fn fetch_one(wa: &WhatsApp, queued: Queued) {
    if let Err(err) = try_fetch(wa, &queued).await {
        tracing::error!(message = queued.message_id, error = %err, "recording a WhatsApp file failed");
        let outcome = if queued.attempts >= MAX_ATTEMPTS {
            finish(wa, &queued, None, Some("not recorded"))
                .await
                .map(|_| ())
        } else {
            later(wa, &queued, &err.to_string()).await
        };
        if let Err(err) = outcome {
            tracing::error!(message = queued.message_id, error = %err, "WhatsApp file left to its lease");
        }
    }
}

/// Puts the row back for a later try, if this fetcher still holds it.
async fn later(wa: &WhatsApp, queued: &Queued, reason: &str) -> Result<(), AppError> {
    let _turn = wa.db.write_turn().await;
    sqlx::query(
        "UPDATE whatsapp_media SET next_attempt_at = $1, locked_until = NULL, last_error = $2 \
         WHERE message_id = $3 AND locked_until = $4",
    )
    .bind(now_ms() + backoff_ms(queued.attempts))
    .bind(reason.chars().take(500).collect::<String>())
    .bind(queued.message_id)
    .bind(queued.lease)
    .execute(&wa.db.pool)
    .await?;
    Ok(())
}

async fn try_fetch(wa: &WhatsApp, queued: &Queued) -> Result<(), AppError> {
    let outcome = match inbox::load(&wa.db, &wa.secrets, queued.inbox_id).await? {
        Some(inbox) => fetch_media(wa, &inbox, &queued.media, &queued.kind).await,
        None => Err(NotFetched::Refused("inbox removed".into())),
    };
    match outcome {
        Ok(file) => {
            let attached = finish(wa, queued, Some(&file), None).await;
            if !matches!(attached, Ok(true)) {
                // Nothing refers to the file (the message went, or the write failed).
                let _ = wa.files.delete(&file.storage_key).await;
            }
            attached.map(|_| ())
        }
        Err(NotFetched::Refused(reason)) => {
            finish(wa, queued, None, Some(&reason)).await.map(|_| ())
        }
        Err(NotFetched::Later(reason)) if queued.attempts >= MAX_ATTEMPTS => {
            tracing::warn!(message = queued.message_id, error = %reason, "WhatsApp file given up");
            finish(wa, queued, None, Some(&reason)).await.map(|_| ())
        }
        Err(NotFetched::Later(reason)) => {
            tracing::warn!(message = queued.message_id, error = %reason, "WhatsApp file not fetched yet");
            later(wa, queued, &reason).await
        }
    }
}

/// The file joins its message (or, with `refused`, the message says why it has none),
/// the row goes, and the agents' chats hear of it. `false` when the message is gone.
async fn finish(
    wa: &WhatsApp,
    queued: &Queued,
    file: Option<&NewAttachment>,
    refused: Option<&str>,
) -> Result<bool, AppError> {
    let mut tx = wa.db.begin_write().await?;
    let gone =
        sqlx::query("DELETE FROM whatsapp_media WHERE message_id = $1 AND locked_until = $2")
            .bind(queued.message_id)
            .bind(queued.lease)
            .execute(tx.conn())
            .await?
            .rows_affected()
            == 0;
    let Some(row) = sqlx::query("SELECT conversation_id, inbox_id FROM messages WHERE id = $1")
        .bind(queued.message_id)
        .fetch_optional(tx.conn())
        .await?
    else {
        tx.finish().await?;
        return Ok(false);
    };
    if gone {
        // This fetcher's lease ran out: another holds (or finished) it.
        tx.finish().await?;
        return Ok(false);
    }
    let conversation_id: i64 = row.try_get("conversation_id")?;
    let inbox_id: i64 = row.try_get("inbox_id")?;
    let now = now_ms();
    if let Some(file) = file {
        insert_attachments_in_tx(&mut tx, queued.message_id, std::slice::from_ref(file), now)
            .await?;
    }
    let extra = refused.map(|reason| MessageExtra::Unsupported {
        message_type: format!("{} ({reason})", queued.kind),
    });
    let extra = extra
        .map(|e| serde_json::to_string(&e))
        .transpose()
        .map_err(|_| AppError::Internal)?;
    // Only the mark this queue put there is replaced: a message that came with other
    // content (an ad's referral) keeps it when its file arrives.
    sqlx::query(
        "UPDATE messages SET content_attributes = CASE WHEN content_attributes = $1 THEN $2 ELSE content_attributes END, \
         updated_at = $3 WHERE id = $4",
    )
    .bind(file_coming_json())
    .bind(extra)
    .bind(now)
    .bind(queued.message_id)
    .execute(tx.conn())
    .await?;
    super::updated::message_updated_in_tx(&mut tx, queued.message_id, conversation_id, inbox_id)
        .await?;
    wa.hub.commit(tx).await?;
    Ok(true)
}

/// The stored form of `MessageExtra::FileComing`.
pub(super) fn file_coming_json() -> String {
    serde_json::to_string(&MessageExtra::FileComing).unwrap_or_default()
}

/// Fetches these messages' files now (their rows are leased to this), beside the
/// webhook's answer.
pub(super) fn fetch_now(wa: &WhatsApp, queued: Vec<Queued>) {
    if queued.is_empty() {
        return;
    }
    let wa = wa.clone();
    tokio::spawn(async move {
        for one in queued {
            fetch_one(&wa, one).await;
        }
    });
}

/// The worker: every file due (retries, and those whose first fetch never ran).
pub fn spawn(wa: WhatsApp) {
    tokio::spawn(async move {
        loop {
            loop {
                match take(&wa.db, now_ms()).await {
                    Ok(Some(queued)) => fetch_one(&wa, queued).await,
                    Ok(None) => break,
                    Err(err) => {
                        tracing::error!(error = %err, "taking a WhatsApp file to fetch failed");
                        break;
                    }
                }
            }
            tokio::time::sleep(IDLE).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_four_hours() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(5), 480_000);
        assert_eq!(backoff_ms(12), 4 * 3_600_000);
        assert_eq!(backoff_ms(60), 4 * 3_600_000);
    }

    #[test]
    fn the_mark_is_what_serde_stores() {
        assert_eq!(file_coming_json(), r#"{"kind":"file_coming"}"#);
    }
}
