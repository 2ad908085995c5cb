//! Chatwoot's `/automation_rules` (administrators, as in Chatwoot): the account's rules
//! in Chatwoot's JSON, created and changed through the same service as the page (checked
//! whole; a refusal names the part), `PATCH` keeping what it does not send.
use serde_json::Value;

use super::body::{field, fields};
use super::Caller;
use crate::auth::permission::require_admin;
use crate::automation::model::AutomationRule;
use crate::automation::ssr::store;
use crate::chatwoot::model as cw;
use crate::domain::automation::{ActionInput, ConditionInput, RuleEvent, RuleInput};
use crate::error::AppError;

pub fn render(rule: &AutomationRule, account_id: i64) -> cw::AutomationRule {
    cw::AutomationRule {
        id: rule.id,
        account_id,
        name: rule.name.clone(),
        description: rule.description.clone(),
        event_name: serde_json::to_value(rule.event_name).unwrap_or(Value::Null),
        conditions: serde_json::to_value(&rule.conditions).unwrap_or_default(),
        actions: serde_json::to_value(&rule.actions).unwrap_or_default(),
        created_on: rule.created_at / 1000,
        active: rule.active,
    }
}

pub async fn list(caller: &Caller<'_>) -> Result<Vec<cw::AutomationRule>, AppError> {
    require_admin(caller.agent)?;
    let account = caller.agent.account_id;
    let rules = store::list(caller.db(), account).await?;
    Ok(rules.iter().map(|r| render(r, account)).collect())
}

pub async fn get(caller: &Caller<'_>, id: i64) -> Result<cw::AutomationRule, AppError> {
    require_admin(caller.agent)?;
    let account = caller.agent.account_id;
    Ok(render(
        &store::get(caller.db(), account, id).await?,
        account,
    ))
}

/// Creates (`id: None`) or changes a rule from Chatwoot's body (its fields at the top,
/// or under `automation_rule`).
pub async fn save(
    caller: &Caller<'_>,
    id: Option<i64>,
    body: &Value,
) -> Result<cw::AutomationRule, AppError> {
    require_admin(caller.agent)?;
    let account = caller.agent.account_id;
    let fields = fields(body, "automation_rule")?;
    // `{"active": …}` alone switches the rule, as the page's switch does (a rule naming
    // something gone can still be switched off).
    if let (Some(id), Some(object)) = (id, fields.as_object()) {
        if object.len() == 1 {
            if let Some(active) = field::<bool>(fields, "active")? {
                let rule = store::switch(caller.db(), account, id, active).await?;
                return Ok(render(&rule, account));
            }
        }
    }
    let mut input = match id {
        Some(id) => store::get(caller.db(), account, id).await?.input(),
        None => RuleInput {
            name: String::new(),
            description: String::new(),
            event_name: field::<RuleEvent>(fields, "event_name")?
                .ok_or_else(|| AppError::validation("event_name", "required"))?,
            conditions: Vec::new(),
            actions: Vec::new(),
            active: true,
            no_reply_minutes: None,
        },
    };
    if let Some(name) = field::<String>(fields, "name")? {
        input.name = name;
    }
    if let Some(description) = field::<String>(fields, "description")? {
        input.description = description;
    }
    if let Some(event) = field::<RuleEvent>(fields, "event_name")? {
        input.event_name = event;
    }
    if let Some(conditions) = field::<Vec<ConditionInput>>(fields, "conditions")? {
        input.conditions = conditions;
    }
    if let Some(actions) = field::<Vec<ActionInput>>(fields, "actions")? {
        input.actions = actions;
    }
    if let Some(active) = field::<bool>(fields, "active")? {
        input.active = active;
    }
    if let Some(minutes) = field::<u32>(fields, "no_reply_minutes")? {
        input.no_reply_minutes = Some(minutes);
    }
    let outbound = &caller.state.settings.outbound;
    let saved = store::save(caller.db(), outbound, account, id, &input).await?;
    Ok(render(&saved, account))
}

pub async fn remove(caller: &Caller<'_>, id: i64) -> Result<(), AppError> {
    require_admin(caller.agent)?;
    store::remove(caller.db(), caller.agent.account_id, id).await
}
