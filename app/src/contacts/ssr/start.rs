//! Nueva conversación (S11): an agent starts a conversation with a contact through an
//! email or WhatsApp inbox. The conversation is assigned to the agent, the first
//! message is stored with its outbox row in the same transaction (so the channel's
//! worker delivers it), and older open conversations of the contact in that inbox get a
//! note that the thread continues in the new one (S12).
use sqlx::Row;

use crate::agents::AgentProfile;
use crate::contacts::model::{FirstMessage, InboxChoice, SUBJECT_MAX_CHARS};
use crate::contacts::ssr::store::{self, fill_missing_in_tx, identity_in_tx};
use crate::conversations::model::{ConversationSummary, MessageExtra};
use crate::conversations::ssr::access::summary_in_tx;
use crate::conversations::ssr::messages::{
    add_activity_in_tx, emit_message, insert_attachments_in_tx, insert_outgoing_in_tx,
    message_in_tx, Author, OutgoingRow,
};
use crate::conversations::ssr::routing::{open_conversation_in_tx, superseded, NewConversation};
use crate::conversations::ssr::templates::{offered_templates, template_message};
use crate::db::{now_ms, Db};
use crate::domain::template::TemplateChoice;
use crate::domain::{ChannelKind, EmailAddress, MessageBody, PhoneNumber};
use crate::error::AppError;
use crate::live::hub::Hub;
use crate::storage::uploads::take_in_tx;

/// Email and WhatsApp inboxes the agent works (administrators: every one).
async fn startable_inboxes(
    db: &Db,
    agent: &AgentProfile,
) -> Result<Vec<(i64, String, ChannelKind)>, AppError> {
    let rows = sqlx::query(
        "SELECT i.id, i.name, i.channel_kind FROM inboxes i WHERE i.account_id = $1 \
         AND i.channel_kind IN ('email', 'whatsapp') \
         AND ($2 = 1 OR i.id IN (SELECT inbox_id FROM inbox_members WHERE agent_id = $3)) ORDER BY i.name, i.id",
    )
    .bind(agent.account_id)
    .bind(agent.role.is_admin() as i64)
    .bind(agent.id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("channel_kind")?;
            Ok((
                r.try_get("id")?,
                r.try_get("name")?,
                ChannelKind::parse(&kind).ok_or_else(|| sqlx::Error::Decode(kind.into()))?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

/// The channel of an inbox the agent may start conversations in (for the header file
/// of a first template, uploaded before the conversation exists).
pub async fn startable_channel(
    db: &Db,
    agent: &AgentProfile,
    inbox_id: i64,
) -> Result<ChannelKind, AppError> {
    startable_inboxes(db, agent)
        .await?
        .into_iter()
        .find(|(id, _, _)| *id == inbox_id)
        .map(|(_, _, channel)| channel)
        .ok_or(AppError::NotFound)
}

pub async fn options(
    db: &Db,
    agent: &AgentProfile,
    contact_id: i64,
) -> Result<Vec<InboxChoice>, AppError> {
    let contact = store::get(db, agent.account_id, contact_id).await?;
    let mut choices = Vec::new();
    for (id, name, channel) in startable_inboxes(db, agent).await? {
        let (to, templates) = match channel {
            ChannelKind::Email => (contact.email.clone(), Vec::new()),
            _ => (contact.phone.clone(), offered_templates(db, id).await?),
        };
        choices.push(InboxChoice {
            id,
            name,
            channel,
            to,
            templates,
        });
    }
    Ok(choices)
}

/// The recipient as the channel identifies it: (kind, external id, email, phone).
type Recipient = (
    &'static str,
    String,
    Option<EmailAddress>,
    Option<PhoneNumber>,
);

fn recipient(
    channel: ChannelKind,
    to: &str,
    country: &str,
    known_phone: Option<&str>,
) -> Result<Recipient, AppError> {
    match channel {
        ChannelKind::Email => {
            let email =
                EmailAddress::parse(to).map_err(|e| AppError::validation("to", e.code()))?;
            Ok(("email", email.as_str().to_owned(), Some(email), None))
        }
        ChannelKind::WhatsApp => {
            // The contact's own number counts as it is stored, even in a range
            // libphonenumber does not know yet (WhatsApp gave it, so it exists).
            let digits: String = to.chars().filter(char::is_ascii_digit).collect();
            let own = known_phone
                .filter(|p| !digits.is_empty() && p.trim_start_matches('+') == digits)
                .map(|p| PhoneNumber::from_e164(p.to_owned()));
            let phone = match own {
                Some(phone) => phone,
                None => PhoneNumber::parse(to, country)
                    .map_err(|e| AppError::validation("to", e.code()))?,
            };
            // WhatsApp identifies customers by their number without "+" (the wa_id).
            Ok(("whatsapp", phone.digits().to_owned(), None, Some(phone)))
        }
        ChannelKind::WebChat | ChannelKind::Api => {
            Err(AppError::validation("inbox_id", "unsupported"))
        }
    }
}

/// The first message's stored form.
struct FirstStored {
    body: MessageBody,
    content_type: &'static str,
    extra: MessageExtra,
    subject: Option<String>,
    header_file: Option<i64>,
}

async fn first_message(
    db: &Db,
    agent: &AgentProfile,
    inbox_id: i64,
    channel: ChannelKind,
    first: &FirstMessage,
) -> Result<FirstStored, AppError> {
    match (channel, first) {
        (ChannelKind::Email, FirstMessage::Email { subject, body }) => {
            let subject = subject.trim();
            if subject.is_empty() {
                return Err(AppError::validation("subject", "required"));
            }
            if subject.chars().count() > SUBJECT_MAX_CHARS {
                return Err(AppError::validation("subject", "too_long"));
            }
            let body = MessageBody::parse(body).map_err(|c| AppError::validation("body", c))?;
            let extra = MessageExtra::Email {
                subject: subject.to_owned(),
                quoted: None,
                html: None,
            };
            Ok(FirstStored {
                body,
                content_type: "text",
                extra,
                subject: Some(subject.to_owned()),
                header_file: None,
            })
        }
        (
            ChannelKind::WhatsApp,
            FirstMessage::Template {
                template_id,
                params,
                header_file,
            },
        ) => {
            let choice = TemplateChoice {
                template_id: *template_id,
                params: params.clone(),
                header_file: *header_file,
            };
            let template = template_message(db, agent, inbox_id, &choice).await?;
            Ok(FirstStored {
                body: template.body,
                content_type: "template",
                extra: template.extra,
                subject: None,
                header_file: template.header_file,
            })
        }
        // A new WhatsApp conversation must open with a template; an email needs a subject.
        _ => Err(AppError::validation("message", "invalid")),
    }
}

pub struct StartRequest {
    pub contact_id: i64,
    pub inbox_id: i64,
    pub to: String,
    pub first: FirstMessage,
}

pub async fn start(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    default_country: &str,
    request: StartRequest,
) -> Result<ConversationSummary, AppError> {
    let contact = store::get(db, agent.account_id, request.contact_id).await?;
    let channel = startable_channel(db, agent, request.inbox_id).await?;
    let (kind, external_id, email, phone) = recipient(
        channel,
        &request.to,
        default_country,
        contact.phone.as_deref(),
    )?;
    let FirstStored {
        body,
        content_type,
        extra,
        subject,
        header_file,
    } = first_message(db, agent, request.inbox_id, channel, &request.first).await?;

    // An address of another contact would send this contact's conversation to them.
    let owner: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM contacts WHERE account_id = $1 AND id <> $2 AND (email = $3 OR phone_e164 = $4)",
    )
    .bind(agent.account_id)
    .bind(contact.id)
    .bind(email.as_ref().map(EmailAddress::as_str))
    .bind(phone.as_ref().map(PhoneNumber::as_str))
    .fetch_optional(&db.pool)
    .await?;
    if owner.is_some() {
        return Err(AppError::Conflict {
            field: "to".to_owned(),
        });
    }

    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let identity =
        identity_in_tx(&mut tx, contact.id, request.inbox_id, kind, &external_id).await?;
    fill_missing_in_tx(&mut tx, contact.id, email.as_ref(), phone.as_ref()).await?;
    let older = superseded(tx.conn(), request.inbox_id, contact.id).await?;
    let opened = open_conversation_in_tx(
        &mut tx,
        NewConversation {
            account_id: agent.account_id,
            inbox_id: request.inbox_id,
            contact_id: contact.id,
            identity_id: Some(identity),
            assignee_id: Some(agent.id),
            subject: subject.as_deref(),
        },
    )
    .await?;
    let row = OutgoingRow {
        body: body.as_str(),
        private: false,
        idempotency_key: None,
        content_type,
        extra: Some(&extra),
        reply_to: None,
    };
    let message_id =
        insert_outgoing_in_tx(&mut tx, Author::Agent(agent), &opened, &row, now).await?;
    if let Some(file) = header_file {
        // Uploaded before the conversation existed, so pending on none.
        let owner = format!("agent:{}", agent.id);
        let taken = take_in_tx(&mut tx, &owner, None, &[file]).await?;
        insert_attachments_in_tx(&mut tx, message_id, &taken, now).await?;
    }
    let message = message_in_tx(tx.conn(), message_id).await?;
    emit_message(&mut tx, &opened, &message).await?;
    for old in older {
        let note = MessageExtra::ContinuedIn {
            conversation_id: opened.id,
            display_id: opened.display_id,
        };
        add_activity_in_tx(&mut tx, old, &format!("→ #{}", opened.display_id), &note).await?;
    }
    let summary = summary_in_tx(tx.conn(), opened.id).await?;
    hub.commit(tx).await?;
    Ok(summary)
}
