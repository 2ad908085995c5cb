//! Chatwoot's `/macros`: the macros the caller may run (the account's shared ones and
//! her own), created and changed through the same service as the page (checked whole;
//! a refusal names the part; `PATCH` keeps what it does not send), and `execute` on a
//! list of conversations, run whole with her permissions. Chatwoot runs them later in
//! a job; here they are done when the answer comes, so a refusal is told.
use serde_json::Value;

use super::body::{field, fields};
use super::Caller;
use crate::automation::macros::ssr::{run, store};
use crate::automation::macros::Macro;
use crate::chatwoot::model as cw;
use crate::domain::automation::macros::{MacroInput, Visibility};
use crate::domain::automation::ActionInput;
use crate::error::AppError;

/// The most conversations one `execute` runs on.
pub const EXECUTE_MAX: usize = 100;

pub fn render(saved: &Macro, account_id: i64) -> cw::Macro {
    cw::Macro {
        id: saved.id,
        account_id,
        name: saved.name.clone(),
        visibility: saved.visibility.as_str().to_owned(),
        actions: serde_json::to_value(&saved.actions).unwrap_or_default(),
        created_by_id: saved.created_by_id,
    }
}

pub async fn list(caller: &Caller<'_>) -> Result<Vec<cw::Macro>, AppError> {
    let account = caller.agent.account_id;
    let macros = store::list(caller.db(), caller.agent).await?;
    Ok(macros.iter().map(|m| render(m, account)).collect())
}

pub async fn get(caller: &Caller<'_>, id: i64) -> Result<cw::Macro, AppError> {
    let saved = store::get(caller.db(), caller.agent, id).await?;
    Ok(render(&saved, caller.agent.account_id))
}

/// Creates (`id: None`) or changes a macro from Chatwoot's body (its fields at the
/// top, or under `macro`).
pub async fn save(
    caller: &Caller<'_>,
    id: Option<i64>,
    body: &Value,
) -> Result<cw::Macro, AppError> {
    let fields = fields(body, "macro")?;
    let mut input = match id {
        Some(id) => store::get(caller.db(), caller.agent, id).await?.input(),
        None => MacroInput {
            name: String::new(),
            visibility: Visibility::Personal,
            actions: Vec::new(),
        },
    };
    if let Some(name) = field::<String>(fields, "name")? {
        input.name = name;
    }
    if let Some(visibility) = field::<String>(fields, "visibility")? {
        input.visibility = Visibility::parse(&visibility)
            .ok_or_else(|| AppError::validation("visibility", "invalid"))?;
    }
    if let Some(actions) = field::<Vec<ActionInput>>(fields, "actions")? {
        input.actions = actions;
    }
    let saved = store::save(caller.db(), caller.agent, id, &input).await?;
    Ok(render(&saved, caller.agent.account_id))
}

pub async fn remove(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    store::remove(caller.db(), caller.agent, id).await
}

/// Runs the macro on each of `conversation_ids` in one transaction (every one must be
/// one the caller sees and the macro must run whole on each, or nothing changes).
pub async fn execute(caller: &Caller<'_>, id: i64, body: &Value) -> Result<(), AppError> {
    let ids: Vec<i64> = field(body, "conversation_ids")?
        .ok_or_else(|| AppError::validation("conversation_ids", "required"))?;
    if ids.is_empty() {
        return Err(AppError::validation("conversation_ids", "required"));
    }
    if ids.len() > EXECUTE_MAX {
        return Err(AppError::validation("conversation_ids", "too_many"));
    }
    run::run_on(caller.db(), &caller.state.hub, caller.agent, id, &ids).await?;
    Ok(())
}
