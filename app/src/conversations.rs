//! Conversaciones: the inbox list (Mías / Sin asignar / Todas), the chat view and the
//! composer. Server functions here are thin: they resolve the session and call the
//! services in `ssr`, which check visibility and the domain rules.
pub(crate) mod chat;
mod composer;
mod draft;
pub(crate) mod inbox_state;
pub(crate) mod list;
pub mod model;
pub mod queue;
#[cfg(feature = "ssr")]
pub mod ssr;
mod thread;

use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::wire::Json;
use leptos::prelude::*;
use model::*;

#[cfg(feature = "ssr")]
fn signed_in() -> Result<(crate::state::AppState, crate::agents::AgentProfile), AppError> {
    let session = crate::state::current_session()?;
    Ok((crate::state::app_state()?, session.agent))
}

#[server(endpoint = "conversations/list", input = Json, output = Json)]
pub async fn list_conversations(
    tab: Tab,
    status: ConversationStatus,
    after: Option<Cursor>,
) -> Result<ConversationPage, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::list::page(&state.db, (&agent).into(), tab, status, after).await
        }
        .await,
    )
}

#[server(endpoint = "conversations/counts", input = Json, output = Json)]
pub async fn conversation_counts(status: ConversationStatus) -> Result<TabCounts, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::list::counts(&state.db, (&agent).into(), status).await
        }
        .await,
    )
}

#[server(endpoint = "conversations/get", input = Json, output = Json)]
pub async fn get_conversation(id: i64) -> Result<ConversationDetail, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let summary = ssr::access::visible_conversation(&state.db, (&agent).into(), id).await?;
            let contact = sqlx::query_as::<_, (Option<String>, Option<String>)>(
                "SELECT email, phone_e164 FROM contacts WHERE id = $1",
            )
            .bind(summary.contact_id)
            .fetch_one(&state.db.pool)
            .await?;
            let whatsapp = match summary.channel {
                crate::domain::ChannelKind::WhatsApp => {
                    let mut conn = state.db.pool.acquire().await?;
                    Some(WhatsAppComposer {
                        last_inbound_at: ssr::routing::last_inbound_at(
                            &mut conn,
                            summary.inbox_id,
                            summary.contact_id,
                        )
                        .await?,
                        server_now: crate::db::now_ms(),
                        templates: crate::contacts::ssr::start::offered_templates(
                            &state.db,
                            summary.inbox_id,
                        )
                        .await?,
                    })
                }
                _ => None,
            };
            Ok(ConversationDetail {
                summary,
                contact_email: contact.0,
                contact_phone: contact.1,
                whatsapp,
                limits: state.settings.uploads,
            })
        }
        .await,
    )
}

#[server(endpoint = "conversations/messages", input = Json, output = Json)]
pub async fn conversation_messages(id: i64, before: Option<i64>) -> Result<MessagePage, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::messages::history(&state.db, (&agent).into(), id, before).await
        }
        .await,
    )
}

/// Responder (`private: false`) or Nota privada (`private: true`).
#[server(endpoint = "conversations/send", input = Json, output = Json)]
pub async fn send_message(
    conversation_id: i64,
    body: String,
    private: bool,
    idempotency_key: Option<String>,
    mentions: Vec<i64>,
    /// Pending uploads (ids from `POST /api/uploads`) to send with the text.
    #[server(default)]
    attachments: Vec<i64>,
) -> Result<MessageView, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let body =
                crate::domain::MessageBody::parse_beside_files(&body, !attachments.is_empty())
                    .map_err(|code| AppError::validation("body", code))?;
            if idempotency_key.as_ref().is_some_and(|k| k.len() > 100) {
                return Err(AppError::validation("idempotency_key", "invalid"));
            }
            let outgoing = ssr::messages::Outgoing {
                body,
                private,
                idempotency_key,
                mentions,
                attachments,
            };
            ssr::messages::send(&state.db, &state.hub, &agent, conversation_id, outgoing).await
        }
        .await,
    )
}

/// A WhatsApp template (S7): the one reply allowed once the 24-hour window has closed.
#[server(endpoint = "conversations/send_template", input = Json, output = Json)]
pub async fn send_template(
    conversation_id: i64,
    template_id: i64,
    params: Vec<String>,
    idempotency_key: Option<String>,
    /// The upload for an image, video or document header.
    #[server(default)]
    header_file: Option<i64>,
) -> Result<MessageView, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            if idempotency_key.as_ref().is_some_and(|k| k.len() > 100) {
                return Err(AppError::validation("idempotency_key", "invalid"));
            }
            ssr::messages::send_template(
                &state.db,
                &state.hub,
                &agent,
                conversation_id,
                &crate::domain::template::TemplateChoice {
                    template_id,
                    params,
                    header_file,
                },
                idempotency_key,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "conversations/retry", input = Json, output = Json)]
pub async fn retry_message(conversation_id: i64, message_id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::access::visible_conversation(&state.db, (&agent).into(), conversation_id).await?;
            let belongs: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM messages WHERE id = $1 AND conversation_id = $2",
            )
            .bind(message_id)
            .bind(conversation_id)
            .fetch_optional(&state.db.pool)
            .await?;
            if belongs.is_none() {
                return Err(AppError::NotFound);
            }
            crate::channels::outbox::retry(&state.db, &state.hub, message_id).await?;
            Ok(())
        }
        .await,
    )
}

#[server(endpoint = "conversations/assign", input = Json, output = Json)]
pub async fn assign_conversation(
    id: i64,
    assignee_id: Option<i64>,
) -> Result<ConversationSummary, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::actions::assign(&state.db, &state.hub, &agent, id, assignee_id).await
        }
        .await,
    )
}

#[server(endpoint = "conversations/status", input = Json, output = Json)]
pub async fn set_conversation_status(
    id: i64,
    status: ConversationStatus,
    snoozed_until: Option<i64>,
) -> Result<ConversationSummary, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::actions::set_status(&state.db, &state.hub, &agent, id, status, snoozed_until).await
        }
        .await,
    )
}

/// `read: true` when the agent opens it; `false` for "mark as unread".
#[server(endpoint = "conversations/read", input = Json, output = Json)]
pub async fn mark_conversation(id: i64, read: bool) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            if read {
                ssr::actions::mark_read(&state.db, &agent, id).await
            } else {
                ssr::actions::mark_unread(&state.db, &agent, id).await
            }
        }
        .await,
    )
}

/// Teammates who can see this conversation's inbox (for assignment and @mentions).
#[server(endpoint = "conversations/teammates", input = Json, output = Json)]
pub async fn conversation_teammates(id: i64) -> Result<Vec<Teammate>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let conversation =
                ssr::access::visible_conversation(&state.db, (&agent).into(), id).await?;
            Ok(
                ssr::access::inbox_teammates(&state.db, agent.account_id, conversation.inbox_id)
                    .await?
                    .into_iter()
                    .map(|(id, name)| Teammate { id, name })
                    .collect(),
            )
        }
        .await,
    )
}
