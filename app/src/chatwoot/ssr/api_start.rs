//! API inboxes from the Application API, as Chatwoot's integrations use them: a
//! contact's identity in an API inbox (its `contact_inbox`, whose `source_id` the
//! Client API takes) and a conversation an agent or a program opens there, with an
//! optional first message through the one send path every reply takes.
use super::Caller;
use crate::chatwoot::model as cw;
use crate::chatwoot::ssr::render;
use crate::contacts::ssr::store::{self, identity_in_tx};
use crate::conversations::model::ConversationSummary;
use crate::conversations::ssr::messages::{self, Outgoing};
use crate::conversations::ssr::routing::{open_conversation_in_tx, NewConversation};
use crate::db::WriteTx;
use crate::domain::{ChannelKind, MessageBody};
use crate::error::AppError;
use crate::inboxes::model::InboxView;
use crate::secrets::token::{new_token, token_hash};
use crate::widget::ssr::identity::{self, IDENTIFIER_MAX_CHARS};

/// The API inbox `inbox_id`, if the caller works it.
pub async fn api_inbox_of(
    caller: &Caller<'_>,
    inbox_id: i64,
) -> Result<Option<InboxView>, AppError> {
    Ok(crate::inboxes::ssr::manage::mine(caller.db(), caller.agent)
        .await?
        .into_iter()
        .find(|i| i.id == inbox_id && i.channel == ChannelKind::Api))
}

fn checked_source(source_id: Option<&str>) -> Result<Option<&str>, AppError> {
    match source_id.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > IDENTIFIER_MAX_CHARS || s.contains('/') => {
            Err(AppError::validation("source_id", "invalid"))
        }
        Some(s) => Ok(Some(s)),
    }
}

/// The contact's identity in the API inbox: the one `source_id` names (made if new),
/// else her latest there, else a new one. Returns the identity and the `source_id`
/// when it is known here (stored only as its hash, it is shown when given or made).
async fn identity_in(
    tx: &mut WriteTx,
    inbox_id: i64,
    contact_id: i64,
    source_id: Option<&str>,
) -> Result<(i64, Option<String>), AppError> {
    if let Some(source) = source_id {
        let id = identity_in_tx(tx, contact_id, inbox_id, "visitor", &token_hash(source))
            .await
            .map_err(|err| match err {
                AppError::Conflict { .. } => AppError::Conflict {
                    field: "source_id".to_owned(),
                },
                other => other,
            })?;
        return Ok((id, Some(source.to_owned())));
    }
    let latest: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM contact_identities WHERE contact_id = $1 AND inbox_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(contact_id)
    .bind(inbox_id)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(id) = latest {
        return Ok((id, None));
    }
    let token = new_token();
    let id = identity_in_tx(tx, contact_id, inbox_id, "visitor", &token_hash(&token)).await?;
    Ok((id, Some(token)))
}

/// `POST /contacts/{id}/contact_inboxes` (and `POST /contacts` with an API inbox's
/// `inbox_id`): the contact's identity there, with the `source_id` for the Client API.
pub async fn contact_inbox(
    caller: &Caller<'_>,
    contact_id: i64,
    inbox_id: i64,
    source_id: Option<&str>,
) -> Result<cw::ContactInbox, AppError> {
    let source_id = checked_source(source_id)?;
    let inbox = api_inbox_of(caller, inbox_id)
        .await?
        .ok_or(AppError::NotFound)?;
    store::get(caller.db(), caller.agent.account_id, contact_id).await?;
    // An identifier already held (by an identity or a verified customer's session)
    // names its owner only.
    if let Some(source) = source_id {
        if let Some((_, owner)) = identity::by_token(caller.db(), inbox.id, source).await? {
            if owner != contact_id {
                return Err(AppError::Conflict {
                    field: "source_id".to_owned(),
                });
            }
            return Ok(cw::ContactInbox {
                source_id: Some(source.to_owned()),
                inbox: render::inbox_slim(&inbox),
            });
        }
    }
    let mut tx = caller.db().begin_write().await?;
    let (_, source) = identity_in(&mut tx, inbox.id, contact_id, source_id).await?;
    tx.finish().await?;
    Ok(cw::ContactInbox {
        source_id: source,
        inbox: render::inbox_slim(&inbox),
    })
}

/// `POST /conversations` in an API inbox: for `contact_id`, or the contact `source_id`
/// names there; assigned to the agent who opens it (as S11's); the first message, if
/// any, is her reply.
pub async fn start(
    caller: &Caller<'_>,
    inbox: &InboxView,
    body: &cw::NewConversationBody,
) -> Result<ConversationSummary, AppError> {
    let source_id = checked_source(body.source_id.as_deref())?;
    let state = caller.state;
    let account = caller.agent.account_id;
    let known = match source_id {
        Some(source) => identity::by_token(caller.db(), inbox.id, source).await?,
        None => None,
    };
    let contact_id = match (body.contact_id, known) {
        (Some(contact), Some((_, owner))) if contact != owner => {
            return Err(AppError::Conflict {
                field: "source_id".to_owned(),
            })
        }
        (Some(contact), _) => contact,
        (None, Some((_, owner))) => owner,
        (None, None) => return Err(AppError::validation("contact_id", "required")),
    };
    store::get(caller.db(), account, contact_id).await?;
    let first = match body.message.as_ref().and_then(|m| m.content.as_deref()) {
        Some(text) => {
            Some(MessageBody::parse(text).map_err(|code| AppError::validation("content", code))?)
        }
        None => None,
    };
    let mut tx = state.db.begin_write().await?;
    let identity_id = match known {
        // Hers already (an identity, or a verified customer's session of one).
        Some((identity, _)) => identity,
        None => {
            identity_in(&mut tx, inbox.id, contact_id, source_id)
                .await?
                .0
        }
    };
    let opened = open_conversation_in_tx(
        &mut tx,
        NewConversation {
            account_id: account,
            inbox_id: inbox.id,
            contact_id,
            identity_id: Some(identity_id),
            assignee_id: (caller.agent.id != 0).then_some(caller.agent.id),
            subject: None,
        },
    )
    .await?;
    state.hub.commit(tx).await?;
    if let Some(body) = first {
        let outgoing = Outgoing {
            body: Some(body),
            private: false,
            idempotency_key: None,
            mentions: Vec::new(),
            attachments: Vec::new(),
            reply_to: None,
        };
        messages::send(&state.db, &state.hub, caller.agent, opened.id, outgoing).await?;
    }
    let mut conn = state.db.pool.acquire().await?;
    Ok(crate::conversations::ssr::access::summary_in_tx(&mut conn, opened.id).await?)
}
