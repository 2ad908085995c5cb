//! A contact's notes through Chatwoot's API (`/contacts/{id}/notes`): the contact
//! book's own rules (any agent reads and writes, the author changes her own, the author
//! or an administrator deletes), the text as `content`, bare or under `note`.
use serde_json::Value;

use super::body::{field, fields};
use super::render;
use super::Caller;
use crate::chatwoot::model as cw;
use crate::contacts::model::ContactNote;
use crate::contacts::ssr::notes;
use crate::error::AppError;

fn shape(
    note: ContactNote,
    account_id: i64,
    team: &[crate::agents::model::AgentProfile],
) -> cw::ContactNote {
    cw::ContactNote {
        id: note.id,
        content: note.body,
        account_id,
        contact_id: note.contact_id,
        user: note
            .author_id
            .and_then(|id| team.iter().find(|a| a.id == id))
            .map(render::agent),
        created_at: note.created_at.div_euclid(1000),
        updated_at: note.updated_at.div_euclid(1000),
    }
}

/// Every agent the account has had: a note keeps its author after she leaves the team.
async fn team(caller: &Caller<'_>) -> Result<Vec<crate::agents::model::AgentProfile>, AppError> {
    let rows = sqlx::query(
        "SELECT id, account_id, email, name, display_name, role, availability FROM agents \
         WHERE account_id = $1",
    )
    .bind(caller.agent.account_id)
    .fetch_all(&caller.db().pool)
    .await?;
    Ok(rows
        .iter()
        .map(crate::agents::ssr::profile_from_row)
        .collect::<Result<_, _>>()?)
}

/// The `content` of a body, required.
fn content(body: &Value) -> Result<String, AppError> {
    field::<String>(fields(body, "note")?, "content")?
        .ok_or(AppError::validation("content", "required"))
}

pub async fn list(caller: &Caller<'_>, contact_id: i64) -> Result<Vec<cw::ContactNote>, AppError> {
    let listed = notes::list(caller.db(), caller.agent, contact_id).await?;
    let team = team(caller).await?;
    let account = caller.agent.account_id;
    Ok(listed
        .into_iter()
        .map(|n| shape(n, account, &team))
        .collect())
}

pub async fn get(
    caller: &Caller<'_>,
    contact_id: i64,
    id: i64,
) -> Result<cw::ContactNote, AppError> {
    let note = notes::get(caller.db(), caller.agent, contact_id, id).await?;
    Ok(shape(note, caller.agent.account_id, &team(caller).await?))
}

pub async fn create(
    caller: &Caller<'_>,
    contact_id: i64,
    body: &Value,
) -> Result<cw::ContactNote, AppError> {
    let note = notes::add(caller.db(), caller.agent, contact_id, &content(body)?).await?;
    Ok(shape(note, caller.agent.account_id, &team(caller).await?))
}

pub async fn update(
    caller: &Caller<'_>,
    contact_id: i64,
    id: i64,
    body: &Value,
) -> Result<cw::ContactNote, AppError> {
    let note = notes::update(caller.db(), caller.agent, contact_id, id, &content(body)?).await?;
    Ok(shape(note, caller.agent.account_id, &team(caller).await?))
}

pub async fn remove(caller: &Caller<'_>, contact_id: i64, id: i64) -> Result<(), AppError> {
    notes::remove(caller.db(), caller.agent, contact_id, id).await
}
