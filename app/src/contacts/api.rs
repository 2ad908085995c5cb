//! The contact book's server functions: thin, each resolves the session and calls one
//! service in `ssr`.
use super::model::*;
#[cfg(feature = "ssr")]
use super::ssr;
use crate::conversations::model::ConversationSummary;
use crate::domain::ContactInput;
use crate::error::AppError;
use crate::wire::Json;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::permission::signed_in;

#[server(endpoint = "contacts/list", input = Json, output = Json)]
pub async fn list_contacts(
    query: String,
    sort: ContactSort,
    after: Option<ContactCursor>,
) -> Result<ContactPage, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let query = crate::domain::ContactQuery::parse(&query);
            ssr::search::page(
                &state.db,
                agent.account_id,
                query.as_ref(),
                sort,
                after.as_ref(),
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "contacts/get", input = Json, output = Json)]
pub async fn get_contact(id: i64) -> Result<ContactDetail, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let contact = ssr::store::get(&state.db, agent.account_id, id).await?;
            Ok(ContactDetail {
                label_ids: ssr::labels::of(&state.db, contact.id).await?,
                contact,
                can_delete: agent.role.is_admin(),
            })
        }
        .await,
    )
}

/// The whole set of labels the contact should have; answers the set now on it.
#[server(endpoint = "contacts/labels", input = Json, output = Json)]
pub async fn set_contact_labels(id: i64, label_ids: Vec<i64>) -> Result<Vec<i64>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::labels::set(&state.db, agent.account_id, id, &label_ids).await
        }
        .await,
    )
}

/// Creates (`id: None`) or updates a contact.
#[server(endpoint = "contacts/save", input = Json, output = Json)]
pub async fn save_contact(id: Option<i64>, input: ContactInput) -> Result<ContactRow, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let country = &state.settings.default_country;
            match id {
                None => {
                    ssr::store::create(
                        &state.db,
                        &state.hub,
                        agent.account_id,
                        &input,
                        country,
                        Default::default(),
                    )
                    .await
                }
                Some(id) => {
                    ssr::store::update(
                        &state.db,
                        &state.hub,
                        agent.account_id,
                        id,
                        &input,
                        country,
                        Default::default(),
                    )
                    .await
                }
            }
        }
        .await,
    )
}

#[server(endpoint = "contacts/history", input = Json, output = Json)]
pub async fn contact_history(
    id: i64,
    after: Option<HistoryCursor>,
) -> Result<HistoryPage, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::store::get(&state.db, agent.account_id, id).await?;
            let (items, next) = ssr::history::page(&state.db, (&agent).into(), id, after).await?;
            Ok(HistoryPage { items, next })
        }
        .await,
    )
}

#[server(endpoint = "contacts/start_options", input = Json, output = Json)]
pub async fn start_options(id: i64) -> Result<Vec<InboxChoice>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::start::options(&state.db, &agent, id).await
        }
        .await,
    )
}

/// "Enviar mensaje" in Nueva conversación.
#[server(endpoint = "contacts/start", input = Json, output = Json)]
pub async fn start_conversation(
    contact_id: i64,
    inbox_id: i64,
    to: String,
    first: FirstMessage,
) -> Result<ConversationSummary, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let request = ssr::start::StartRequest {
                contact_id,
                inbox_id,
                to,
                first,
            };
            let country = state.settings.default_country.clone();
            ssr::start::start(&state.db, &state.hub, &agent, &country, request).await
        }
        .await,
    )
}

/// Merges a web-chat visitor into the contact her typed email names (an agent's
/// decision; the widget never merges); the id of the contact she now belongs to.
#[server(endpoint = "contacts/merge_claimed", input = Json, output = Json)]
pub async fn merge_claimed(id: i64) -> Result<i64, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::merge::merge_into_claimed(&state.db, &state.hub, &agent, id).await
        }
        .await,
    )
}

/// Merges contact `id` into `into` (any agent, as Chatwoot): her conversations, labels,
/// attributes and the email or phone `into` lacks move over and `id` is gone; `into`.
#[server(endpoint = "contacts/merge", input = Json, output = Json)]
pub async fn merge_contact(id: i64, into: i64) -> Result<i64, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::merge::merge_contacts(&state.db, &state.hub, &agent, into, id).await?;
            Ok(into)
        }
        .await,
    )
}

/// Erases the contact and everything about it (administrators; the name typed again).
#[server(endpoint = "contacts/delete", input = Json, output = Json)]
pub async fn delete_contact(id: i64, confirmation: String) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let files = state.settings.files.clone();
            ssr::delete::delete_contact(&state.db, &state.hub, &files, &agent, id, &confirmation)
                .await
        }
        .await,
    )
}

/// Sets the custom attribute values given (an empty one clears its key) on a contact;
/// answers all its values.
#[server(endpoint = "contacts/attributes", input = Json, output = Json)]
pub async fn set_contact_attributes(
    id: i64,
    values: crate::attributes::model::AttributeValues,
) -> Result<crate::attributes::model::AttributeValues, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let change = crate::attributes::ssr::Change::Merge(values);
            ssr::attributes::set(&state.db, &state.hub, agent.account_id, id, change).await
        }
        .await,
    )
}

/// The contact's notes, the latest first.
#[server(endpoint = "contacts/notes", input = Json, output = Json)]
pub async fn contact_notes(id: i64) -> Result<Vec<ContactNote>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::notes::list(&state.db, &agent, id).await
        }
        .await,
    )
}

/// Writes a note on the contact.
#[server(endpoint = "contacts/add_note", input = Json, output = Json)]
pub async fn add_contact_note(id: i64, body: String) -> Result<ContactNote, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::notes::add(&state.db, &agent, id, &body).await
        }
        .await,
    )
}

/// Deletes a note (its author, or an administrator).
#[server(endpoint = "contacts/remove_note", input = Json, output = Json)]
pub async fn remove_contact_note(id: i64, note_id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::notes::remove(&state.db, &agent, id, note_id).await
        }
        .await,
    )
}
