//! The rules' server functions (administrators): each resolves the session and calls
//! one service.
use leptos::prelude::*;

use super::model::{AutomationRule, Trial};
use crate::domain::automation::RuleInput;
use crate::error::AppError;
use crate::wire::Json;
#[cfg(feature = "ssr")]
use {super::ssr, crate::auth::permission::admin_session};

/// The account's rules, in the order they run.
#[server(endpoint = "automation/list", input = Json, output = Json)]
pub async fn list_automation_rules() -> Result<Vec<AutomationRule>, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::store::list(&state.db, admin.account_id).await
        }
        .await,
    )
}

/// Creates (`id: None`, last in order) or changes a rule; a bad one is refused whole.
#[server(endpoint = "automation/save", input = Json, output = Json)]
pub async fn save_automation_rule(
    id: Option<i64>,
    rule: RuleInput,
) -> Result<AutomationRule, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            let outbound = &state.settings.outbound;
            ssr::store::save(&state.db, outbound, admin.account_id, id, &rule).await
        }
        .await,
    )
}

/// Deletes a rule (what it did stays in the conversations' activity).
#[server(endpoint = "automation/remove", input = Json, output = Json)]
pub async fn remove_automation_rule(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::store::remove(&state.db, admin.account_id, id).await
        }
        .await,
    )
}

/// Switches a rule on (checking what it names) or off (always possible).
#[server(endpoint = "automation/switch", input = Json, output = Json)]
pub async fn switch_automation_rule(id: i64, active: bool) -> Result<AutomationRule, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::store::switch(&state.db, admin.account_id, id, active).await
        }
        .await,
    )
}

/// Moves a rule one place up (or down) in the order they run; the rules after it.
#[server(endpoint = "automation/move", input = Json, output = Json)]
pub async fn move_automation_rule(id: i64, up: bool) -> Result<Vec<AutomationRule>, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::order::move_rule(&state.db, admin.account_id, id, up).await
        }
        .await,
    )
}

/// What a rule (saved or not) would have done over the latest conversations; changes
/// nothing.
#[server(endpoint = "automation/try", input = Json, output = Json)]
pub async fn try_automation_rule(rule: RuleInput) -> Result<Trial, AppError> {
    crate::error::with_status(
        async move {
            let (state, admin) = admin_session()?;
            ssr::trial::try_rule(&state.db, admin.account_id, &rule).await
        }
        .await,
    )
}
