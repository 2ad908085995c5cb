//! A conversation's messages through the API: a window of its history, and a new
//! message (a reply, a private note or a WhatsApp template) through the one send path
//! every reply takes, with its rules (the 24-hour window among them).
use serde_json::Value;

use super::conversations::{resolve, shape_with, Catalog};
use super::render::{self, MessageContext};
use super::Caller;
use crate::chatwoot::model as cw;
use crate::conversations::model::MessageView;
use crate::conversations::ssr::messages;
use crate::domain::template::{Slot, TemplateChoice};
use crate::domain::MessageBody;
use crate::error::AppError;

/// The longest `echo_id` kept as the message's idempotency key.
pub(super) const ECHO_ID_MAX: usize = 100;

pub async fn list(
    caller: &Caller<'_>,
    display_id: i64,
    before: Option<i64>,
    after: Option<i64>,
) -> Result<(cw::MessagesMeta, Vec<cw::Message>), AppError> {
    let row = resolve(caller, display_id).await?;
    let items = messages::window(caller.db(), caller.viewer(), row.id, before, after).await?;
    // The conversation's shape reads the account's agents once; the messages use them too.
    let catalog = Catalog::load(caller).await?;
    let conversation = shape_with(caller, &catalog, vec![row]).await?.remove(0);
    let agents = &catalog.agents;
    let shaped = items
        .iter()
        .map(|m| shape(caller, m, display_id, &conversation.meta.sender, agents))
        .collect();
    let meta = cw::MessagesMeta {
        labels: conversation.labels,
        additional_attributes: serde_json::json!({}),
        contact: conversation.meta.sender,
        assignee: conversation.meta.assignee,
        agent_last_seen_at: seen_text(conversation.agent_last_seen_at),
        assignee_last_seen_at: seen_text(conversation.assignee_last_seen_at),
    };
    Ok((meta, shaped))
}

/// Chatwoot gives these two as timestamps in text (Unix seconds 0: never).
fn seen_text(secs: i64) -> Option<String> {
    (secs > 0).then(|| crate::ui::time::iso_instant(secs * 1000))
}

pub(super) fn shape(
    caller: &Caller<'_>,
    message: &MessageView,
    display_id: i64,
    contact: &cw::Contact,
    agents: &[crate::agents::model::AgentProfile],
) -> cw::Message {
    render::message(
        message,
        &MessageContext {
            account_id: caller.agent.account_id,
            display_id,
            base_url: caller.base_url,
            contact,
            agents,
            with_sender_ids: false,
        },
    )
}

/// What a client sends to add a message.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub content: Option<String>,
    /// `outgoing` (default) or `incoming`.
    pub message_type: Option<String>,
    pub private: bool,
    pub template: Option<cw::TemplateParams>,
    pub echo_id: Option<String>,
    /// Files already stored as the caller's pending uploads.
    pub attachments: Vec<i64>,
    /// `content_attributes.in_reply_to`: the message of the conversation it answers.
    pub in_reply_to: Option<i64>,
}

/// A customer's message written by a program: only in an API inbox (customers of other
/// channels write through their channel), as the conversation's contact, through the
/// same `receive_in_tx` as every channel's inbound message.
async fn incoming_message(
    caller: &Caller<'_>,
    row: &crate::conversations::model::ConversationSummary,
    new: &NewMessage,
) -> Result<MessageView, AppError> {
    if row.channel != crate::domain::ChannelKind::Api {
        return Err(AppError::validation(
            "message_type",
            "incoming_needs_api_inbox",
        ));
    }
    if new.private || new.template.is_some() {
        return Err(AppError::validation("message_type", "invalid"));
    }
    if !new.attachments.is_empty() {
        return Err(AppError::validation("attachments", "unsupported"));
    }
    let body = MessageBody::parse(new.content.as_deref().unwrap_or_default())
        .map_err(|code| AppError::validation("content", code))?;
    let state = caller.state;
    let mut tx = state.db.begin_write().await?;
    let message = messages::receive_in_tx(
        &mut tx,
        row.id,
        row.contact_id,
        &messages::Inbound::text(body.as_str()),
    )
    .await?;
    state.hub.commit(tx).await?;
    Ok(message)
}

pub async fn create(
    caller: &Caller<'_>,
    display_id: i64,
    new: NewMessage,
) -> Result<cw::Message, AppError> {
    let incoming = match new.message_type.as_deref().unwrap_or("outgoing") {
        "outgoing" => false,
        "incoming" => true,
        _ => return Err(AppError::validation("message_type", "invalid")),
    };
    let row = resolve(caller, display_id).await?;
    // Answering a message is an agent's reply or note; said plainly rather than
    // dropped where it cannot be kept.
    if new.in_reply_to.is_some() && (incoming || new.template.is_some()) {
        return Err(AppError::validation(
            "content_attributes",
            "in_reply_to_not_here",
        ));
    }
    if incoming {
        let sent = incoming_message(caller, &row, &new).await?;
        let catalog = Catalog::load(caller).await?;
        let conversation = shape_with(caller, &catalog, vec![row]).await?.remove(0);
        return Ok(shape(
            caller,
            &sent,
            display_id,
            &conversation.meta.sender,
            &catalog.agents,
        ));
    }
    let key = new
        .echo_id
        .filter(|k| !k.is_empty() && k.len() <= ECHO_ID_MAX);
    let state = caller.state;
    let sent = match &new.template {
        Some(template) => {
            if new.private {
                return Err(AppError::validation("private", "template_is_public"));
            }
            let choice = template_choice(caller, row.inbox_id, template).await?;
            messages::send_template(&state.db, &state.hub, caller.agent, row.id, &choice, key)
                .await?
        }
        None => {
            let body = MessageBody::parse_beside_files(
                new.content.as_deref().unwrap_or_default(),
                !new.attachments.is_empty(),
            )
            .map_err(|code| AppError::validation("content", code))?;
            let outgoing = messages::Outgoing {
                body,
                private: new.private,
                idempotency_key: key,
                mentions: Vec::new(),
                attachments: new.attachments,
                reply_to: new.in_reply_to,
            };
            messages::send(&state.db, &state.hub, caller.agent, row.id, outgoing)
                .await
                .map_err(|err| super::account::rename_field(err, "body", "content"))
                .map_err(|err| {
                    super::account::rename_field(err, "reply_to", "content_attributes")
                })?
        }
    };
    // The conversation's shape reads the account's agents once; the messages use them too.
    let catalog = Catalog::load(caller).await?;
    let conversation = shape_with(caller, &catalog, vec![row]).await?.remove(0);
    let agents = &catalog.agents;
    Ok(shape(
        caller,
        &sent,
        display_id,
        &conversation.meta.sender,
        agents,
    ))
}

/// Chatwoot's `template_params` (a template by name and language, its values by
/// variable name under `processed_params`, or its `body`, `header` and `buttons`) as
/// the inbox's approved template and its values in Charla's order.
pub async fn template_choice(
    caller: &Caller<'_>,
    inbox_id: i64,
    params: &cw::TemplateParams,
) -> Result<TemplateChoice, AppError> {
    let offered =
        crate::conversations::ssr::templates::offered_templates(caller.db(), inbox_id).await?;
    let template = offered
        .iter()
        .filter(|t| t.name == params.name)
        .find(|t| params.language.as_ref().is_none_or(|l| *l == t.language))
        .ok_or_else(|| AppError::validation("template_params.name", "unknown"))?;
    let processed = &params.processed_params;
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let mut buttons = processed
        .get("buttons")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter();
    let values = template
        .slots()
        .into_iter()
        .map(|slot| match slot {
            Slot::Body(name) => text(
                processed
                    .get("body")
                    .and_then(|b| b.get(&name))
                    .or_else(|| processed.get(&name)),
            ),
            Slot::Header(name) => text(processed.get("header").and_then(|h| h.get(&name))),
            Slot::Button { .. } => text(buttons.next().as_ref().and_then(|b| b.get("parameter"))),
        })
        .collect();
    Ok(TemplateChoice {
        template_id: template.id,
        params: values,
        header_file: None,
    })
}
