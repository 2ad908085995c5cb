//! Inbound email: each email inbox's mailbox is polled over IMAP, one unseen message at
//! a time (sized first: a mail over `CHARLA_EMAIL_MAX_MB` is not downloaded but
//! recorded as refused from its headers); each is parsed, its files checked as uploads
//! are, threaded (In-Reply-To / References into the conversation that holds the
//! earlier message, else the S12 routing rule) and stored through the same `receive`
//! service as every channel, and only then marked seen. A crash between storing and
//! marking leaves it unseen; the next poll finds its Message-ID stored and skips it.
use super::inbox::EmailInbox;
use super::parse::{parse, ParsedMail};
use super::Email;
use super::{attachments, imap};
use crate::channels::web_chat::answers;
use crate::contacts::ssr::store::{customer_in_tx, CustomerProfile};
use crate::conversations::model::MessageExtra;
use crate::conversations::ssr::messages::{
    add_activity_in_tx, external_id_stored, receive_in_tx, Inbound,
};
use crate::conversations::ssr::routing::{
    conversation_for_inbound, reopens_resolved, successor_of, Routed,
};
use crate::db::now_ms;
use crate::domain::attachment::FileRefusal;
use crate::domain::EmailAddress;
use crate::error::AppError;
use crate::storage::NewAttachment;

mod watch;

pub use watch::spawn;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PollSummary {
    pub stored: usize,
    pub duplicates: usize,
    pub automatic: usize,
    pub unreadable: usize,
    /// Larger than the limit: not downloaded, recorded from their headers.
    pub refused: usize,
    /// Left unseen, to be tried again next time.
    pub failed: usize,
}

enum Outcome {
    Stored,
    Duplicate,
    Automatic,
    Unreadable,
    Refused,
}

/// How much of a refused mail's header block is read (sender, subject, ids).
const REFUSED_HEADER_BYTES: u64 = 64 * 1024;

/// What is recorded of one mail besides its headers.
struct Content<'a> {
    body: String,
    extra: MessageExtra,
    attachments: &'a [NewAttachment],
    /// Its files that were not kept, said in an activity line after it.
    refused_files: Vec<FileRefusal>,
}

/// One mail taken in whole (it is within the limit). `raw` is dropped once parsed, so
/// at most the mail and then its files are held.
async fn store(email: &Email, inbox: &EmailInbox, raw: Vec<u8>) -> Result<Outcome, AppError> {
    let parsed = parse(&raw, &inbox.from_address);
    drop(raw);
    let Some(mut mail) = parsed else {
        return Ok(Outcome::Unreadable);
    };
    if let Some(why) = mail.automatic {
        tracing::info!(inbox = inbox.id, why, id = %mail.message_id, "automatic email not stored");
        return Ok(Outcome::Automatic);
    }
    if external_id_stored(&email.db, inbox.id, &mail.message_id).await? {
        return Ok(Outcome::Duplicate);
    }
    let parts = std::mem::take(&mut mail.files);
    let (attachments, refused_files) =
        attachments::store(&email.files, inbox.account_id, &email.uploads, parts).await?;
    let content = Content {
        body: mail
            .shown
            .chars()
            .take(crate::domain::MessageBody::MAX_CHARS)
            .collect(),
        extra: MessageExtra::Email {
            subject: mail.subject.clone(),
            quoted: mail.quoted.take(),
            html: mail.html.take(),
        },
        attachments: &attachments,
        refused_files,
    };
    let result = store_in_db(email, inbox, &mail, content).await;
    if !matches!(result, Ok(true)) {
        attachments::discard(&email.files, &attachments).await;
    }
    if matches!(result, Ok(false)) {
        return Ok(Outcome::Duplicate);
    }
    settle(email, inbox, &mail, result.map(|_| ()), Outcome::Stored).await
}

/// One mail over the limit, known by its header block only: recorded as a message of
/// its sender (its subject as the text) saying it was not downloaded and why, so the
/// agents know it came; automatic mail still records nothing.
async fn refuse(
    email: &Email,
    inbox: &EmailInbox,
    header: &[u8],
    byte_size: u64,
) -> Result<Outcome, AppError> {
    tracing::warn!(
        inbox = inbox.id,
        bytes = byte_size,
        limit = email.max_mail_bytes,
        "email larger than the limit not downloaded"
    );
    let Some(mail) = parse(header, &inbox.from_address) else {
        return Ok(Outcome::Unreadable);
    };
    if mail.automatic.is_some() {
        return Ok(Outcome::Automatic);
    }
    if external_id_stored(&email.db, inbox.id, &mail.message_id).await? {
        return Ok(Outcome::Duplicate);
    }
    let content = Content {
        body: mail.subject.chars().take(200).collect(),
        extra: MessageExtra::MailRefused {
            byte_size,
            limit_bytes: email.max_mail_bytes,
        },
        attachments: &[],
        refused_files: Vec::new(),
    };
    let result = store_in_db(email, inbox, &mail, content).await;
    if matches!(result, Ok(false)) {
        return Ok(Outcome::Duplicate);
    }
    settle(email, inbox, &mail, result.map(|_| ()), Outcome::Refused).await
}

/// A failed store whose Message-ID is stored after all (another poller took the same
/// mail at the same moment) is a duplicate; any other failure stays an error.
async fn settle(
    email: &Email,
    inbox: &EmailInbox,
    mail: &ParsedMail,
    result: Result<(), AppError>,
    done: Outcome,
) -> Result<Outcome, AppError> {
    match result {
        Ok(()) => Ok(done),
        Err(_)
            if external_id_stored(&email.db, inbox.id, &mail.message_id)
                .await
                .unwrap_or(false) =>
        {
            Ok(Outcome::Duplicate)
        }
        Err(err) => Err(err),
    }
}

/// Stores the mail (`true`), or finds it already in the chat it answers (`false`).
async fn store_in_db(
    email: &Email,
    inbox: &EmailInbox,
    mail: &ParsedMail,
    content: Content<'_>,
) -> Result<bool, AppError> {
    let address = mail.from_address.to_ascii_lowercase();
    let mut tx = email.db.begin_write().await?;
    // An answer to a reply mailed to a website visitor goes back to her chat.
    let widget =
        answers::thread_in_tx(&mut tx, inbox.account_id, &mail.thread_ids, &address).await?;
    let (conversation, contact, refused) = match widget {
        Some(thread) if answers::stored_in_tx(&mut tx, &thread, &mail.message_id).await? => {
            tx.finish().await?;
            return Ok(false);
        }
        Some(thread) => (thread.conversation_id.into(), thread.contact_id, None),
        None => email_conversation_in_tx(&mut tx, inbox, mail, &address).await?,
    };
    let inbound = Inbound {
        body: &content.body,
        external_id: Some(&mail.message_id),
        content_type: "text",
        extra: Some(&content.extra),
        attachments: content.attachments,
        at: mail.date.unwrap_or_else(now_ms),
        // The quoted mail travels in the message itself.
        reply_to_external: None,
    };
    let conversation_id = conversation.id;
    receive_in_tx(&mut tx, conversation, contact, &inbound).await?;
    if let Some(display_id) = refused {
        let note = MessageExtra::ThreadRefused { display_id };
        add_activity_in_tx(&mut tx, conversation_id, &format!("≠ #{display_id}"), &note).await?;
    }
    if !content.refused_files.is_empty() {
        let names: Vec<&str> = content
            .refused_files
            .iter()
            .map(attachments::refused_name)
            .collect();
        let text = format!("✕ {}", names.join(", "));
        let note = MessageExtra::FilesRefused {
            files: content.refused_files,
        };
        add_activity_in_tx(&mut tx, conversation_id, &text, &note).await?;
    }
    email.hub.commit(tx).await?;
    Ok(true)
}

/// The email conversation a mail belongs to, its contact, and the number of another
/// contact's conversation it named and was kept apart from.
async fn email_conversation_in_tx(
    tx: &mut crate::db::WriteTx,
    inbox: &EmailInbox,
    mail: &ParsedMail,
    address: &str,
) -> Result<(Routed, i64, Option<i64>), AppError> {
    let profile = CustomerProfile {
        name: mail.from_name.clone(),
        email: EmailAddress::parse(address).ok(),
        phone: None,
    };
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
    let (identity, contact) =
        customer_in_tx(tx, inbox.account_id, inbox.id, "email", address, &profile).await?;
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
            Routed::from(id)
        }
        _ => {
            conversation_for_inbound(tx, inbox.account_id, inbox.id, contact, Some(identity))
                .await?
        }
    };
    if !mail.subject.is_empty() {
        sqlx::query("UPDATE conversations SET subject = $1 WHERE id = $2 AND subject IS NULL")
            .bind(mail.subject.chars().take(200).collect::<String>())
            .bind(conversation.id)
            .execute(tx.conn())
            .await?;
    }
    Ok((conversation, contact, refused))
}

/// One pass over an inbox's unseen mail.
pub async fn poll(email: &Email, inbox: &EmailInbox) -> Result<PollSummary, String> {
    let mut session = imap::login(&email.outbound, &inbox.imap, &inbox.imap_password).await?;
    let summary = poll_session(email, inbox, &mut session).await?;
    let _ = session.logout().await;
    Ok(summary)
}

async fn poll_session(
    email: &Email,
    inbox: &EmailInbox,
    session: &mut imap::Session,
) -> Result<PollSummary, String> {
    // Only the numbers are listed; each message is then sized, fetched, stored and
    // marked seen before the next is touched, so one message is held at a time.
    let uids = imap::unseen_uids(session, &inbox.imap_mailbox).await?;
    let mut summary = PollSummary::default();
    for uid in uids {
        let Some(taken) = take(email, inbox, session, uid).await? else {
            continue;
        };
        match taken {
            Ok(outcome) => {
                match outcome {
                    Outcome::Stored => summary.stored += 1,
                    Outcome::Duplicate => summary.duplicates += 1,
                    Outcome::Automatic => summary.automatic += 1,
                    Outcome::Unreadable => summary.unreadable += 1,
                    Outcome::Refused => summary.refused += 1,
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

/// One message: its `RFC822.SIZE` first; within the limit it is fetched (never more
/// than the limit, whatever the size said) and stored, over it only its header block is
/// read and the refusal recorded. `None` when it is gone from the mailbox; an IMAP
/// error ends the poll, a storing error leaves this message for the next one.
async fn take(
    email: &Email,
    inbox: &EmailInbox,
    session: &mut imap::Session,
    uid: u32,
) -> Result<Option<Result<Outcome, AppError>>, String> {
    let max = email.max_mail_bytes;
    let Some(size) = imap::size_of(session, uid).await? else {
        return Ok(None);
    };
    let too_large = if size > max {
        size
    } else {
        let Some(raw) = imap::fetch_message(session, uid, max.saturating_add(1)).await? else {
            return Ok(None);
        };
        if raw.len() as u64 <= max {
            return Ok(Some(store(email, inbox, raw).await));
        }
        raw.len() as u64
    };
    let header = imap::fetch_header(session, uid, REFUSED_HEADER_BYTES)
        .await?
        .unwrap_or_default();
    Ok(Some(refuse(email, inbox, &header, too_large).await))
}
