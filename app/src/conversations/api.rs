//! The inbox's server functions: thin, each resolves the session and calls one
//! service in `ssr`, which checks visibility and the domain rules.
// A server function's arguments are its request's fields, and the macro repeats them
// in the client's function, where an attribute on the function does not reach.
#![allow(clippy::too_many_arguments)]
mod triage;
pub use triage::*;

use super::model::*;
use crate::domain::{ConversationStatus, Priority};
use crate::error::AppError;
use crate::wire::Json;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::ssr;

#[cfg(feature = "ssr")]
use crate::auth::permission::signed_in;

#[server(endpoint = "conversations/list", input = Json, output = Json)]
pub async fn list_conversations(
    tab: Tab,
    status: ConversationStatus,
    after: Option<Cursor>,
    #[server(default)] filter: ListFilter,
) -> Result<ConversationPage, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::list::page(&state.db, (&agent).into(), tab, status, after, filter).await
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
            ssr::detail::detail(&state.db, (&agent).into(), id, state.settings.uploads).await
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
    /// The message of this conversation she answers.
    #[server(default)]
    reply_to: Option<i64>,
    /// Who wrote it, for a reply queued offline and sent later (maybe by the service
    /// worker, with no page open): refused if someone else has signed in since.
    #[server(default)]
    written_by: Option<i64>,
) -> Result<MessageView, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            if written_by.is_some_and(|author| author != agent.id) {
                return Err(AppError::Forbidden);
            }
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
                reply_to,
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
            ssr::actions::retry(&state.db, &state.hub, &agent, conversation_id, message_id).await
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

#[server(endpoint = "conversations/priority", input = Json, output = Json)]
pub async fn set_conversation_priority(
    id: i64,
    priority: Priority,
) -> Result<ConversationSummary, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::actions::set_priority(&state.db, &state.hub, &agent, id, priority).await
        }
        .await,
    )
}

/// Mutes the conversation (blocks its customer and resolves it), or unmutes it.
#[server(endpoint = "conversations/mute", input = Json, output = Json)]
pub async fn set_conversation_muted(id: i64, muted: bool) -> Result<ConversationSummary, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::muting::set_muted(&state.db, &state.hub, &agent, id, muted).await
        }
        .await,
    )
}

/// Puts the conversation in a team's queue, or in none.
#[server(endpoint = "conversations/team", input = Json, output = Json)]
pub async fn set_conversation_team(
    id: i64,
    team_id: Option<i64>,
) -> Result<ConversationSummary, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::actions::set_team(&state.db, &state.hub, &agent, id, team_id).await
        }
        .await,
    )
}

/// The whole set of labels the conversation should have.
#[server(endpoint = "conversations/labels", input = Json, output = Json)]
pub async fn set_conversation_labels(
    id: i64,
    label_ids: Vec<i64>,
) -> Result<ConversationSummary, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::actions::set_labels(&state.db, &state.hub, &agent, id, &label_ids).await
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
                ssr::actions::mark_read(&state.db, &state.hub, &agent, id).await
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

/// Sets the custom attribute values given (an empty one clears its key) on a
/// conversation the agent sees; answers all its values.
#[server(endpoint = "conversations/attributes", input = Json, output = Json)]
pub async fn set_conversation_attributes(
    id: i64,
    values: crate::attributes::model::AttributeValues,
) -> Result<crate::attributes::model::AttributeValues, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let change = crate::attributes::ssr::Change::Merge(values);
            ssr::attributes::set(&state.db, &state.hub, &agent, id, change).await
        }
        .await,
    )
}
