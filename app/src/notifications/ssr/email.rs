//! Email notifications through the server's own SMTP setting: mentions and
//! assignments an agent has not seen in the app within a few minutes reach her as one
//! email per pass (grouped, each with its link). None while she is active ("En línea"),
//! none for what she read, none for a conversation she may no longer see.
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Row;

use super::texts::{locale_of, title};
use crate::auth::permission::sees_inbox;
use crate::db::{now_ms, placeholders, Db};
use crate::i18n::*;
use crate::notifications::model::NotificationKind;

/// Due notifications whose agents a pass takes at once (with all they have pending).
const BATCH: i64 = 2000;
/// A claim is another replica's for this long.
const LEASE_MS: i64 = 120_000;
/// An email lists at most this many; the rest are counted.
const LISTED: usize = 20;

/// The server's SMTP setting for its own mail (`CHARLA_SMTP_URL`, `CHARLA_MAIL_FROM`).
#[derive(Debug, Clone)]
pub struct SystemMail {
    /// lettre's URL form: `smtp://user:pass@host:587?tls=required`, `smtps://…`.
    pub url: String,
    pub from: String,
}

/// How the email worker runs.
#[derive(Debug, Clone)]
pub struct EmailNotices {
    /// `None`: no SMTP setting; what is due is marked skipped.
    pub mail: Option<SystemMail>,
    /// Where links point (`CHARLA_PUBLIC_URL`).
    pub public_url: String,
    /// Unseen this long before it is emailed (`CHARLA_NOTIFY_EMAIL_AFTER_SECONDS`).
    pub after: Duration,
    /// How often the worker looks.
    pub every: Duration,
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub emails: usize,
    pub notifications: usize,
    pub skipped: usize,
}

/// A ready transport for the setting, or why not.
pub fn transport(
    mail: &SystemMail,
) -> Result<(AsyncSmtpTransport<Tokio1Executor>, Mailbox), String> {
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&mail.url)
        .map_err(|e| format!("CHARLA_SMTP_URL: {e}"))?
        .timeout(Some(Duration::from_secs(30)))
        .build();
    let from: Mailbox = mail
        .from
        .parse()
        .map_err(|e| format!("CHARLA_MAIL_FROM: {e}"))?;
    Ok((transport, from))
}

/// Runs the worker for the life of the process.
pub fn spawn(db: Db, notices: EmailNotices) {
    let sender = match notices.mail.as_ref().map(transport) {
        Some(Ok(sender)) => Some(sender),
        Some(Err(err)) => {
            tracing::error!(%err, "email notifications are off");
            None
        }
        None => None,
    };
    tokio::spawn(async move {
        loop {
            if let Err(err) = run_once(&db, &notices, sender.as_ref()).await {
                tracing::warn!(error = %err, "email notifications failed; retrying");
            }
            tokio::time::sleep(notices.every).await;
        }
    });
}

struct Due {
    id: i64,
    agent_id: i64,
    email: String,
    name: String,
    locale: String,
    /// Read, active now, or no longer hers to see.
    skip: bool,
    heading: String,
    line: String,
    link: String,
}

/// Emails what is due now, one email per agent; what it did.
pub async fn run_once(
    db: &Db,
    notices: &EmailNotices,
    sender: Option<&(AsyncSmtpTransport<Tokio1Executor>, Mailbox)>,
) -> Result<Pass, sqlx::Error> {
    let now = now_ms();
    let ids: Vec<i64> = {
        let _turn = db.write_turn().await;
        sqlx::query_scalar(
            // Everything pending for each agent with something due: one email says it all.
            "UPDATE notifications SET email_claimed_until = $1 WHERE email_state = 'pending' \
             AND (email_claimed_until IS NULL OR email_claimed_until < $3) AND agent_id IN \
             (SELECT agent_id FROM notifications WHERE email_state = 'pending' AND created_at <= $2 \
             AND (email_claimed_until IS NULL OR email_claimed_until < $3) ORDER BY created_at, id LIMIT $4) \
             RETURNING id",
        )
        .bind(now + LEASE_MS)
        .bind(now - notices.after.as_millis() as i64)
        .bind(now)
        .bind(BATCH)
        .fetch_all(&db.pool)
        .await?
    };
    if ids.is_empty() {
        return Ok(Pass::default());
    }
    let mut pass = Pass::default();
    let Some((transport, from)) = sender else {
        pass.skipped = ids.len();
        set_state(db, &ids, "skipped").await?;
        return Ok(pass);
    };
    let due = read(db, &ids, &notices.public_url).await?;
    let skipped: Vec<i64> = due.iter().filter(|d| d.skip).map(|d| d.id).collect();
    pass.skipped = skipped.len();
    set_state(db, &skipped, "skipped").await?;
    let mut agents: Vec<i64> = due.iter().filter(|d| !d.skip).map(|d| d.agent_id).collect();
    agents.sort_unstable();
    agents.dedup();
    for agent in agents {
        let hers: Vec<&Due> = due
            .iter()
            .filter(|d| !d.skip && d.agent_id == agent)
            .collect();
        let ids: Vec<i64> = hers.iter().map(|d| d.id).collect();
        match compose(&hers, from, &notices.public_url) {
            Some(message) => match transport.send(message).await {
                Ok(_) => {
                    pass.emails += 1;
                    pass.notifications += ids.len();
                    set_state(db, &ids, "sent").await?;
                }
                Err(err) => {
                    // Kept pending: tried again once the claim runs out.
                    tracing::warn!(agent, error = %err, "notification email not sent");
                }
            },
            None => set_state(db, &ids, "skipped").await?,
        }
    }
    Ok(pass)
}

async fn read(db: &Db, ids: &[i64], public_url: &str) -> Result<Vec<Due>, sqlx::Error> {
    let sql = format!(
        "SELECT {}, n.read_at, a.email, a.name, a.availability, a.active, \
         CASE WHEN {} THEN 1 ELSE 0 END AS visible {} WHERE n.id IN ({}) ORDER BY n.id",
        super::DETAIL_COLUMNS,
        sees_inbox("c.inbox_id"),
        super::DETAIL_FROM,
        placeholders(1, ids.len())
    );
    let mut query = sqlx::query(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    let base = public_url.trim_end_matches('/');
    query
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let locale: String = r.try_get("locale")?;
            let actor: Option<String> = r.try_get("actor_name")?;
            let body: String = r.try_get("body")?;
            let read_at: Option<i64> = r.try_get("read_at")?;
            let availability: String = r.try_get("availability")?;
            let kind = NotificationKind::parse(&kind).unwrap_or_default();
            let heading = title(
                kind,
                &locale,
                r.try_get("display_id")?,
                &actor.unwrap_or_default(),
            );
            let preview: String = body.chars().take(super::create::PREVIEW_CHARS).collect();
            let conversation: i64 = r.try_get("conversation_id")?;
            Ok(Due {
                id: r.try_get("id")?,
                agent_id: r.try_get("agent_id")?,
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                skip: read_at.is_some()
                    || availability == "online"
                    || r.try_get::<i64, _>("active")? == 0
                    || r.try_get::<i64, _>("visible")? == 0,
                locale,
                line: match preview.is_empty() {
                    true => heading.clone(),
                    false => format!("{heading}: «{preview}»"),
                },
                heading,
                link: format!("{base}/conversations/{conversation}?tab=all"),
            })
        })
        .collect()
}

/// One agent's email; `None` when her address does not parse.
fn compose(items: &[&Due], from: &Mailbox, public_url: &str) -> Option<Message> {
    let first = items.first()?;
    let to: Mailbox = format!(
        "{} <{}>",
        first.name.replace(['<', '>', '"'], ""),
        first.email
    )
    .parse()
    .or_else(|_| first.email.parse())
    .ok()?;
    let l = locale_of(&first.locale);
    let subject = match items.len() {
        1 => td_string!(l, notify_email_subject_one, title = first.heading.as_str()).to_string(),
        n => td_string!(l, notify_email_subject_many, count = n).to_string(),
    };
    let mut text = format!(
        "{}\n\n{}\n\n",
        td_string!(l, notify_email_greeting, name = first.name.as_str()),
        td_string!(l, notify_email_intro)
    );
    for item in items.iter().take(LISTED) {
        text.push_str(&format!("- {}\n  {}\n\n", item.line, item.link));
    }
    if items.len() > LISTED {
        text.push_str(&format!(
            "{}\n\n",
            td_string!(l, notify_email_more, count = items.len() - LISTED)
        ));
    }
    let profile = format!("{}/settings/profile", public_url.trim_end_matches('/'));
    text.push_str(&format!(
        "-- \n{}\n",
        td_string!(l, notify_email_footer, url = profile)
    ));
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(text)
        .ok()
}

async fn set_state(db: &Db, ids: &[i64], state: &str) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let _turn = db.write_turn().await;
    for chunk in ids.chunks(500) {
        let sql = format!(
            "UPDATE notifications SET email_state = $1, email_claimed_until = NULL WHERE id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(&sql).bind(state);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&db.pool).await?;
    }
    Ok(())
}
