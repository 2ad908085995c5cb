//! An agent's reply, note or template: permission and the 24-hour window checked,
//! then one transaction stores the message, its outbox row, mentions, files and events.
//! An idempotency key makes a retried request harmless.

use super::read::{attach_files, attach_people, by_idempotency_key};
use super::store::{
    emit_message, insert_attachments_in_tx, insert_outgoing_in_tx, preview_of, Author, OutgoingRow,
};
use crate::agents::AgentProfile;
use crate::conversations::model::{ConversationSummary, MessageView, QuotedMessage};
use crate::conversations::ssr::access::{inbox_teammates, visible_conversation, Viewer};
use crate::conversations::ssr::routing::last_inbound_at;
use crate::db::{now_ms, Db};
use crate::domain::whatsapp::Window;
use crate::domain::{ChannelKind, DeliveryStatus, MessageBody, MessageDirection};
use crate::error::AppError;
use crate::live::hub::Hub;
use crate::notifications::model::NotificationKind;
use crate::notifications::ssr::{notify_in_tx, Notice};

/// What an agent writes in the composer.
pub struct Outgoing {
    /// `None` only when files go without text.
    pub body: Option<MessageBody>,
    pub private: bool,
    pub idempotency_key: Option<String>,
    pub mentions: Vec<i64>,
    /// The agent's pending uploads for this conversation.
    pub attachments: Vec<i64>,
    /// The message of this conversation she answers (quoted above hers; on WhatsApp,
    /// the customer sees it as a reply to that message).
    pub reply_to: Option<i64>,
}

/// Responder / Nota privada: stores the message (and, for a reply, its outbox row).
pub async fn send(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    outgoing: Outgoing,
) -> Result<MessageView, AppError> {
    let viewer = Viewer::from(agent);
    let conversation = visible_conversation(db, viewer, conversation_id).await?;
    // A retried request is caught by the idempotency key's unique index when it is
    // inserted again (see `store_outgoing`), not by a read before every send.
    if !outgoing.private {
        if let Err(closed) = free_form_allowed(db, &conversation).await {
            // A retry of a reply stored while the window was open still gets its answer.
            if let Some(key) = &outgoing.idempotency_key {
                if let Some(existing) = by_idempotency_key(db, conversation_id, key).await? {
                    return Ok(existing);
                }
            }
            return Err(closed);
        }
    }
    // Mentions only in notes, and only of teammates who can see this inbox.
    let mentions: Vec<i64> = if outgoing.private && !outgoing.mentions.is_empty() {
        inbox_teammates(db, agent.account_id, conversation.inbox_id)
            .await?
            .into_iter()
            .map(|(id, _)| id)
            .filter(|id| outgoing.mentions.contains(id))
            .collect()
    } else {
        Vec::new()
    };
    if outgoing.body.is_none() && outgoing.attachments.is_empty() {
        return Err(AppError::validation("body", "required"));
    }
    let quoted = match outgoing.reply_to {
        Some(id) => Some(quotable(db, conversation_id, id, outgoing.private).await?),
        None => None,
    };
    let draft = OutgoingRow {
        body: outgoing.body.as_ref().map_or("", MessageBody::as_str),
        private: outgoing.private,
        idempotency_key: outgoing.idempotency_key.as_deref(),
        content_type: "text",
        extra: None,
        reply_to: quoted.as_ref(),
    };
    let files = Files {
        owner: format!("agent:{}", agent.id),
        ids: &outgoing.attachments,
    };
    store_outgoing(
        db,
        hub,
        Author::Agent(agent),
        &conversation,
        &draft,
        &mentions,
        &files,
    )
    .await
}

/// A message may quote only a message of its own conversation; one the customer sees
/// never quotes a private note or an activity line (its id would reach her through the
/// Client API and the inbox's webhook).
async fn quotable(
    db: &Db,
    conversation_id: i64,
    message_id: i64,
    private: bool,
) -> Result<QuotedMessage, AppError> {
    let row: Option<(String, i64, String)> = sqlx::query_as(
        "SELECT body, private, direction FROM messages WHERE id = $1 AND conversation_id = $2",
    )
    .bind(message_id)
    .bind(conversation_id)
    .fetch_optional(&db.pool)
    .await?;
    let body = row
        .filter(|(_, note, direction)| private || (*note == 0 && direction != "activity"))
        .map(|(body, ..)| body);
    match body {
        Some(body) => Ok(QuotedMessage::new(message_id, &body)),
        None => Err(AppError::validation("reply_to", "not_found")),
    }
}

/// What an agent bot sends through the API: a reply or a note, text only.
pub struct BotReply {
    pub body: MessageBody,
    pub private: bool,
    pub idempotency_key: Option<String>,
    /// The message of the conversation it answers.
    pub reply_to: Option<i64>,
}

/// An agent bot's message in a conversation it may answer (the caller checked that
/// the conversation's inbox is connected to it): the 24-hour window holds for it as
/// for anyone, and it takes the one path every message takes.
pub async fn send_as_bot(
    db: &Db,
    hub: &Hub,
    bot: Author<'_>,
    conversation: &ConversationSummary,
    reply: BotReply,
) -> Result<MessageView, AppError> {
    if let Some(key) = &reply.idempotency_key {
        if let Some(existing) = by_idempotency_key(db, conversation.id, key).await? {
            return Ok(existing);
        }
    }
    if !reply.private {
        free_form_allowed(db, conversation).await?;
    }
    let quoted = match reply.reply_to {
        Some(id) => Some(quotable(db, conversation.id, id, reply.private).await?),
        None => None,
    };
    let draft = OutgoingRow {
        body: reply.body.as_str(),
        private: reply.private,
        idempotency_key: reply.idempotency_key.as_deref(),
        content_type: "text",
        extra: None,
        reply_to: quoted.as_ref(),
    };
    let files = Files {
        owner: String::new(),
        ids: &[],
    };
    store_outgoing(db, hub, bot, conversation, &draft, &[], &files).await
}

/// WhatsApp (S7): a free-form reply only inside the 24-hour window; templates and
/// notes are always allowed. Other channels have no window.
async fn free_form_allowed(db: &Db, conversation: &ConversationSummary) -> Result<(), AppError> {
    if conversation.channel != ChannelKind::WhatsApp {
        return Ok(());
    }
    let mut conn = db.pool.acquire().await?;
    let last = last_inbound_at(&mut conn, conversation.inbox_id, conversation.contact_id).await?;
    if Window::at(last, now_ms()).is_open() {
        Ok(())
    } else {
        Err(AppError::validation("body", "window_closed"))
    }
}

/// An approved WhatsApp template, allowed whether the 24-hour window is open or not.
pub async fn send_template(
    db: &Db,
    hub: &Hub,
    agent: &AgentProfile,
    conversation_id: i64,
    choice: &crate::domain::template::TemplateChoice,
    idempotency_key: Option<String>,
) -> Result<MessageView, AppError> {
    let conversation = visible_conversation(db, Viewer::from(agent), conversation_id).await?;
    if conversation.channel != ChannelKind::WhatsApp {
        return Err(AppError::validation("template_id", "invalid"));
    }
    if let Some(key) = &idempotency_key {
        if let Some(existing) = by_idempotency_key(db, conversation_id, key).await? {
            return Ok(existing);
        }
    }
    let template = crate::conversations::ssr::templates::template_message(
        db,
        agent,
        conversation.inbox_id,
        choice,
    )
    .await?;
    let draft = OutgoingRow {
        body: template.body.as_str(),
        private: false,
        idempotency_key: idempotency_key.as_deref(),
        content_type: "template",
        extra: Some(&template.extra),
        reply_to: None,
    };
    let header: Vec<i64> = template.header_file.into_iter().collect();
    let files = Files {
        owner: format!("agent:{}", agent.id),
        ids: &header,
    };
    store_outgoing(
        db,
        hub,
        Author::Agent(agent),
        &conversation,
        &draft,
        &[],
        &files,
    )
    .await
}

/// Uploads an agent sends with a message.
struct Files<'a> {
    owner: String,
    ids: &'a [i64],
}

/// One transaction: the message, its outbox row, mentions and notifications, events.
async fn store_outgoing(
    db: &Db,
    hub: &Hub,
    author: Author<'_>,
    conversation: &ConversationSummary,
    draft: &OutgoingRow<'_>,
    mentions: &[i64],
    files: &Files<'_>,
) -> Result<MessageView, AppError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let message_id = match insert_outgoing_in_tx(&mut tx, author, conversation, draft, now).await {
        Ok(id) => id,
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
            // The same request raced in twice: answer with the one that won.
            drop(tx);
            let key = draft.idempotency_key.unwrap_or_default();
            return by_idempotency_key(db, conversation.id, key)
                .await?
                .ok_or(AppError::Internal);
        }
        Err(err) => return Err(err.into()),
    };
    if !files.ids.is_empty() {
        let taken = crate::storage::uploads::take_in_tx(
            &mut tx,
            &files.owner,
            Some(conversation.id),
            files.ids,
        )
        .await?;
        insert_attachments_in_tx(&mut tx, message_id, &taken, now).await?;
        if draft.body.is_empty() && !draft.private {
            sqlx::query("UPDATE conversations SET last_message_preview = $1 WHERE id = $2")
                .bind(preview_of("", &taken))
                .bind(conversation.id)
                .execute(tx.conn())
                .await?;
        }
    }
    for agent_id in mentions {
        sqlx::query("INSERT INTO mentions (message_id, agent_id, created_at) VALUES ($1, $2, $3)")
            .bind(message_id)
            .bind(agent_id)
            .bind(now)
            .execute(tx.conn())
            .await?;
    }
    // Built from what was just inserted rather than read back (two statements less on
    // every send); only mentions and files come from their tables.
    let mut message = [MessageView {
        id: message_id,
        conversation_id: conversation.id,
        inbox_id: conversation.inbox_id,
        direction: MessageDirection::Outgoing,
        private: draft.private,
        sender_kind: author.kind(),
        sender_name: Some(author.name()),
        sender_id: author.agent_id().or(author.bot_id()),
        body: draft.body.to_owned(),
        delivery_status: (!draft.private).then_some(DeliveryStatus::Sending),
        delivery_error: None,
        created_at: now,
        mentions: Vec::new(),
        extra: draft.extra.cloned(),
        reaction: None,
        reply_to: draft.reply_to.cloned(),
        attachments: Vec::new(),
    }];
    if !mentions.is_empty() {
        attach_people(tx.conn(), &mut message).await?;
    }
    if !files.ids.is_empty() {
        attach_files(tx.conn(), &mut message).await?;
    }
    let [message] = message;
    if !mentions.is_empty() {
        let notice = Notice {
            kind: NotificationKind::Mention,
            conversation_id: conversation.id,
            message_id: Some(message.id),
            actor_agent_id: author.agent_id(),
            preview: Some(message.body.clone()),
        };
        notify_in_tx(&mut tx, &notice, mentions).await?;
    }
    emit_message(&mut tx, conversation, &message).await?;
    hub.commit(tx).await?;
    Ok(message)
}
