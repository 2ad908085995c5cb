//! `POST /conversations`: an agent starts a conversation with a contact in an email or
//! WhatsApp inbox (S11), with its first message: an email's text, or a WhatsApp
//! template (free text cannot open a conversation there: the 24-hour window is
//! closed until the customer writes); or in an API inbox (`api_start`). Then the
//! status, assignee and team asked.
use super::conversations::one;
use super::messages::template_choice;
use super::Caller;
use crate::attributes::model::AttributeModel;
use crate::chatwoot::model as cw;
use crate::contacts::model::{FirstMessage, SUBJECT_MAX_CHARS};
use crate::contacts::ssr::start::{self, StartRequest};
use crate::contacts::ssr::store;
use crate::conversations::ssr::actions;
use crate::domain::{ChannelKind, ConversationStatus};
use crate::error::AppError;

pub async fn create(
    caller: &Caller<'_>,
    body: &cw::NewConversationBody,
) -> Result<cw::Conversation, AppError> {
    let account = caller.agent.account_id;
    let status = body
        .status
        .as_deref()
        .map(|s| {
            ConversationStatus::parse(s).ok_or_else(|| AppError::validation("status", "invalid"))
        })
        .transpose()?;
    // Checked before the conversation exists: a refused value starts nothing.
    if let Some(values) = attribute_values(body)? {
        let model = AttributeModel::Conversation;
        crate::attributes::ssr::check(caller.db(), account, model, &values).await?;
    }
    if let Some(inbox) = super::api_start::api_inbox_of(caller, body.inbox_id).await? {
        let row = super::api_start::start(caller, &inbox, body).await?;
        return settle(caller, body, row, status).await;
    }
    let contact_id = body
        .contact_id
        .ok_or_else(|| AppError::validation("contact_id", "required"))?;
    let contact = store::get(caller.db(), account, contact_id).await?;
    let channel = start::startable_channel(caller.db(), caller.agent, body.inbox_id).await?;
    let message = body
        .message
        .as_ref()
        .ok_or_else(|| AppError::validation("message", "required"))?;
    let (to, first) = match channel {
        ChannelKind::Email => {
            let text = message.content.clone().unwrap_or_default();
            let subject = message
                .subject
                .clone()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or_else(|| subject_from(&text));
            let to = body
                .source_id
                .clone()
                .or(contact.email.clone())
                .unwrap_or_default();
            (
                to,
                FirstMessage::Email {
                    subject,
                    body: text,
                },
            )
        }
        _ => {
            let Some(template) = &message.template_params else {
                return Err(AppError::validation("message", "template_required"));
            };
            let choice = template_choice(caller, body.inbox_id, template).await?;
            let to = body
                .source_id
                .clone()
                .or(contact.phone.clone())
                .unwrap_or_default();
            (
                to,
                FirstMessage::Template {
                    template_id: choice.template_id,
                    params: choice.params,
                    header_file: None,
                },
            )
        }
    };
    let state = caller.state;
    let request = StartRequest {
        contact_id,
        inbox_id: body.inbox_id,
        to,
        first,
    };
    let country = &state.settings.default_country;
    let row = start::start(&state.db, &state.hub, caller.agent, country, request).await?;
    settle(caller, body, row, status).await
}

/// The conversation exists from here on: the assignee, team and status asked change it
/// as an agent would.
async fn settle(
    caller: &Caller<'_>,
    body: &cw::NewConversationBody,
    mut row: crate::conversations::model::ConversationSummary,
    status: Option<ConversationStatus>,
) -> Result<cw::Conversation, AppError> {
    let state = caller.state;
    if body.assignee_id.is_some_and(|id| id != caller.agent.id) {
        row = actions::assign(
            &state.db,
            &state.hub,
            caller.agent,
            row.id,
            body.assignee_id,
        )
        .await?;
    }
    if body.team_id.is_some() {
        row = actions::set_team(&state.db, &state.hub, caller.agent, row.id, body.team_id).await?;
    }
    if let Some(status) = status.filter(|s| *s != row.status) {
        row =
            actions::set_status(&state.db, &state.hub, caller.agent, row.id, status, None).await?;
    }
    if let Some(values) = attribute_values(body)? {
        let change = crate::attributes::ssr::Change::Merge(values);
        crate::conversations::ssr::attributes::set(
            &state.db,
            &state.hub,
            caller.agent,
            row.id,
            change,
        )
        .await?;
    }
    one(caller, row).await
}

/// `custom_attributes` of a new conversation: an object, or nothing.
fn attribute_values(
    body: &cw::NewConversationBody,
) -> Result<Option<crate::attributes::model::AttributeValues>, AppError> {
    match &body.custom_attributes {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Object(map)) if map.is_empty() => Ok(None),
        Some(serde_json::Value::Object(map)) => Ok(Some(map.clone())),
        Some(_) => Err(AppError::validation("custom_attributes", "invalid")),
    }
}

/// An email's subject from its text when none is given: the first line, shortened.
fn subject_from(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    line.chars().take(SUBJECT_MAX_CHARS.min(80)).collect()
}
