//! The reports' server functions (administrators: a lead reads how the team is doing).
use leptos::prelude::*;

use super::model::{Report, ReportQuery};
use crate::error::AppError;
use crate::wire::Json;
#[cfg(feature = "ssr")]
use {super::ssr, crate::auth::permission::admin_session};

/// A period's report for the account, an inbox, an agent, a team or a label.
#[server(endpoint = "reports/get", input = Json, output = Json)]
pub async fn load_report(query: ReportQuery) -> Result<Report, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = admin_session()?;
            ssr::report(&state.db, agent.account_id, &query).await
        }
        .await,
    )
}

/// Sets the account's time zone, where its reports' days begin.
#[server(endpoint = "reports/time_zone", input = Json, output = Json)]
pub async fn save_report_time_zone(time_zone: String) -> Result<String, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = admin_session()?;
            ssr::save_time_zone(&state.db, agent.account_id, &time_zone).await
        }
        .await,
    )
}
