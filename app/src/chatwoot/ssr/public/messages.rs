//! Client API messages: the conversation's (never a private note or an activity line),
//! the customer's new one through the same `receive_in_tx` as every channel's, and her
//! answer to a survey card.
use crate::agents::model::AgentProfile;
use crate::auth::permission::Viewer;
use crate::chatwoot::model::{Contact, PublicMessage, PublicMessageBody};
use crate::chatwoot::ssr::render::{self, MessageContext};
use crate::conversations::model::MessageView;
use crate::conversations::ssr::messages::{
    message_in_tx, receive_in_tx, window, Inbound, WINDOW_BEFORE,
};
use crate::conversations::ssr::survey;
use crate::db::Db;
use crate::domain::{MessageBody, MessageDirection};
use crate::error::AppError;
use crate::state::AppState;

use super::Customer;

/// The messages a customer sees: neither notes nor activity lines.
pub fn chat(messages: &[MessageView]) -> impl Iterator<Item = &MessageView> {
    messages
        .iter()
        .filter(|m| !m.private && m.direction != MessageDirection::Activity)
}

/// What turning messages into the Client API's shape needs, read once.
pub struct Shaper {
    pub contact: Contact,
    agents: Vec<AgentProfile>,
    account_id: i64,
    base_url: String,
    /// `{base}/public/api/v1/inboxes/{identifier}/contacts/{source_id}`.
    files_base: String,
}

impl Shaper {
    pub async fn load(db: &Db, customer: &Customer, base_url: &str) -> Result<Shaper, AppError> {
        let account_id = customer.inbox.account_id;
        let identifier: String = sqlx::query_scalar("SELECT web_token FROM inboxes WHERE id = $1")
            .bind(customer.inbox.id)
            .fetch_one(&db.pool)
            .await?;
        Ok(Shaper {
            contact: super::contacts::record(db, customer).await?,
            agents: crate::agents::ssr::list_team(db, account_id).await?,
            account_id,
            base_url: base_url.to_owned(),
            files_base: format!(
                "{base_url}/public/api/v1/inboxes/{}/contacts/{}",
                crate::ui::encode_query(&identifier),
                crate::ui::encode_query(&customer.source_id)
            ),
        })
    }

    pub fn message(&self, view: &MessageView, number: i64) -> PublicMessage {
        let shaped = render::message(
            view,
            &MessageContext {
                account_id: self.account_id,
                display_id: number,
                base_url: &self.base_url,
                contact: &self.contact,
                agents: &self.agents,
                with_sender_ids: false,
            },
        );
        let template = matches!(
            view.extra,
            Some(crate::conversations::model::MessageExtra::Template { .. })
        );
        PublicMessage {
            id: shaped.id,
            content: shaped.content,
            message_type: if template { 3 } else { shaped.message_type },
            content_type: shaped.content_type,
            content_attributes: shaped.content_attributes,
            created_at: shaped.created_at,
            conversation_id: number,
            attachments: shaped
                .attachments
                .into_iter()
                .map(|mut file| {
                    // The contact's own address for it, not the agents'.
                    file.data_url = format!("{}/attachments/{}", self.files_base, file.id);
                    file.thumb_url = file.data_url.clone();
                    file
                })
                .collect(),
            sender: shaped.sender,
        }
    }
}

/// A page of the conversation's messages, oldest first: the latest, or those before
/// the message `before`.
pub async fn list(
    db: &Db,
    customer: &Customer,
    number: i64,
    before: Option<i64>,
    base_url: &str,
) -> Result<Vec<PublicMessage>, AppError> {
    let id = customer.conversation(db, number).await?;
    let system = AgentProfile::system(customer.inbox.account_id);
    // Windows further back until a page of what she may see is full (notes and
    // activity lines are not hers), so a run of them never ends her paging early.
    let mut page: Vec<MessageView> = Vec::new();
    let mut cursor = before;
    for _ in 0..MAX_WINDOWS {
        let window = window(db, Viewer::from(&system), id, cursor, None).await?;
        let last = (window.len() as i64) < WINDOW_BEFORE;
        cursor = window.iter().map(|m| m.id).min();
        page.extend(chat(&window).cloned());
        if last || page.len() as i64 >= WINDOW_BEFORE {
            break;
        }
    }
    page.sort_by_key(|m| m.id);
    let extra = page.len().saturating_sub(WINDOW_BEFORE as usize);
    page.drain(..extra);
    let shaper = Shaper::load(db, customer, base_url).await?;
    Ok(page.iter().map(|m| shaper.message(m, number)).collect())
}

/// The most history windows one page reads.
const MAX_WINDOWS: usize = 20;

/// The customer writes in her conversation (a resolved one reopens).
pub async fn create(
    state: &AppState,
    customer: &Customer,
    number: i64,
    address: Option<&str>,
    body: &PublicMessageBody,
    base_url: &str,
) -> Result<PublicMessage, AppError> {
    let (db, hub) = (&state.db, &state.hub);
    let content = MessageBody::parse_beside_files(
        body.content.as_deref().unwrap_or_default(),
        !body.attachments.is_empty(),
    )
    .map_err(|code| AppError::validation("content", code))?;
    let id = customer.conversation(db, number).await?;
    state.widget_guard.message(customer.inbox.id, address)?;
    let mut tx = db.begin_write().await?;
    let files = if body.attachments.is_empty() {
        Vec::new()
    } else {
        crate::storage::uploads::take_in_tx(
            &mut tx,
            &customer.uploader_owner(),
            None,
            &body.attachments,
        )
        .await?
    };
    let inbound = Inbound {
        attachments: &files,
        ..Inbound::text(content.as_ref().map_or("", MessageBody::as_str))
    };
    let message = receive_in_tx(&mut tx, id, customer.contact_id, &inbound).await?;
    hub.commit(tx).await?;
    let shaper = Shaper::load(db, customer, base_url).await?;
    let mut shaped = shaper.message(&message, number);
    if let Some(echo) = &body.echo_id {
        shaped.content_attributes["echo_id"] = serde_json::Value::String(echo.clone());
    }
    Ok(shaped)
}

/// The customer answers a survey card through Chatwoot's `submitted_values`
/// (`{"csat_survey_response": {"rating": 1-5, "feedback_message": "…"}}`), once, as
/// from the widget or the survey page; a message of hers that asks nothing has nothing
/// to submit to (422), another's is not found.
pub async fn submit(
    state: &AppState,
    customer: &Customer,
    number: i64,
    message_id: i64,
    body: &serde_json::Value,
    base_url: &str,
) -> Result<PublicMessage, AppError> {
    let db = &state.db;
    let id = customer.conversation(db, number).await?;
    let visible: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM messages WHERE id = $1 AND conversation_id = $2 AND private = 0",
    )
    .bind(message_id)
    .bind(id)
    .fetch_optional(&db.pool)
    .await?;
    visible.ok_or(AppError::NotFound)?;
    let response = body
        .get("submitted_values")
        .and_then(|v| v.get("csat_survey_response"))
        .filter(|v| v.is_object())
        .ok_or(AppError::validation("submitted_values", "required"))?;
    let rating = match response.get("rating") {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .and_then(|r| u8::try_from(r).ok())
    .ok_or(AppError::validation("rating", "invalid"))?;
    let comment = match response.get("feedback_message") {
        None | Some(serde_json::Value::Null) => "",
        Some(serde_json::Value::String(text)) => text.as_str(),
        Some(_) => return Err(AppError::validation("feedback_message", "invalid")),
    };
    let token = match survey::token_of_message(db, id, message_id).await {
        Err(AppError::NotFound) => return Err(AppError::validation("submitted_values", "invalid")),
        other => other?,
    };
    // The survey names its fields as the widget's form does; here they are Chatwoot's.
    survey::answer(db, &state.hub, &token, rating, comment)
        .await
        .map_err(|err| match err {
            AppError::Validation { field, code } if field == "comment" => {
                AppError::validation("feedback_message", &code)
            }
            other => other,
        })?;
    let mut conn = db.pool.acquire().await?;
    let message = message_in_tx(&mut conn, message_id).await?;
    drop(conn);
    let shaper = Shaper::load(db, customer, base_url).await?;
    Ok(shaper.message(&message, number))
}
