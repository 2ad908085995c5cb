//! Handlers: administrators' writes on teams, team members and inbox members.
use axum::Json;
use serde_json::{json, Value};

use super::account::{text, wrapped};
use super::caller::{ApiAgent, Body, Ids};
use super::error::{ApiError, ApiResult};
use app::chatwoot::model as cw;
use app::chatwoot::ssr::memberships::{self, Change};
use app::error::AppError;

/// `user_ids` of a members call: a list of agent ids (numbers or numeric strings).
fn user_ids(body: &Value) -> Result<Vec<i64>, ApiError> {
    let list = body
        .get("user_ids")
        .and_then(Value::as_array)
        .ok_or_else(|| AppError::validation("user_ids", "required"))?;
    list.iter()
        .map(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                .ok_or_else(|| AppError::validation("user_ids", "invalid").into())
        })
        .collect()
}

async fn save_team(api: &ApiAgent, id: Option<i64>, body: &Value) -> ApiResult<cw::Team> {
    let fields = wrapped(body, "team");
    Ok(Json(
        memberships::save_team(
            &api.caller(),
            id,
            text(fields, "name"),
            text(fields, "description"),
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/teams", tag = "teams", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::TeamBody, responses((status = 200, body = cw::Team), super::openapi::Refusals))]
pub async fn create_team(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<cw::Team> {
    save_team(&api, None, &body).await
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/teams/{id}", tag = "teams", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::TeamBody, responses((status = 200, body = cw::Team), super::openapi::Refusals))]
pub async fn update_team(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<cw::Team> {
    save_team(&api, Some(id), &body).await
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/teams/{id}", tag = "teams", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), responses((status = 200, description = "Deleted; its conversations stay, without a team"), super::openapi::Refusals))]
pub async fn delete_team(api: ApiAgent, Ids((_, id)): Ids<(i64, i64)>) -> Result<(), ApiError> {
    Ok(memberships::remove_team(&api.caller(), id).await?)
}

async fn team_members(
    api: &ApiAgent,
    id: i64,
    body: &Value,
    how: Change,
) -> ApiResult<Vec<cw::Agent>> {
    let ids = user_ids(body)?;
    Ok(Json(
        memberships::change_team_members(&api.caller(), id, &ids, how).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/teams/{id}/team_members", tag = "teams", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::UserIdsBody, responses((status = 200, description = "The agents who joined", body = Vec<cw::Agent>), super::openapi::Refusals))]
pub async fn add_team_members(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<Vec<cw::Agent>> {
    team_members(&api, id, &body, Change::Add).await
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/teams/{id}/team_members", tag = "teams", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::UserIdsBody, responses((status = 200, body = Vec<cw::Agent>), super::openapi::Refusals))]
pub async fn set_team_members(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> ApiResult<Vec<cw::Agent>> {
    team_members(&api, id, &body, Change::Replace).await
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/teams/{id}/team_members", tag = "teams", params(("account_id" = i64, Path, description = "The account"), ("id" = i64, Path)), request_body = super::openapi::UserIdsBody, responses((status = 200, description = "They left the team"), super::openapi::Refusals))]
pub async fn remove_team_members(
    api: ApiAgent,
    Ids((_, id)): Ids<(i64, i64)>,
    Body(body): Body<Value>,
) -> Result<(), ApiError> {
    let _members = team_members(&api, id, &body, Change::Remove).await?;
    Ok(())
}

async fn inbox_members(api: &ApiAgent, body: &Value, how: Change) -> ApiResult<Value> {
    let inbox = body
        .get("inbox_id")
        .and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .ok_or_else(|| AppError::validation("inbox_id", "required"))?;
    let ids = user_ids(body)?;
    let members = memberships::change_inbox_members(&api.caller(), inbox, &ids, how).await?;
    Ok(Json(json!({ "payload": members })))
}

#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/inbox_members", tag = "inboxes", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::InboxMembersBody, responses((status = 200, body = super::openapi::AgentPayload), super::openapi::Refusals))]
pub async fn add_inbox_members(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<Value> {
    inbox_members(&api, &body, Change::Add).await
}

#[utoipa::path(patch, path = "/api/v1/accounts/{account_id}/inbox_members", tag = "inboxes", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::InboxMembersBody, responses((status = 200, body = super::openapi::AgentPayload), super::openapi::Refusals))]
pub async fn set_inbox_members(api: ApiAgent, Body(body): Body<Value>) -> ApiResult<Value> {
    inbox_members(&api, &body, Change::Replace).await
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/inbox_members", tag = "inboxes", params(("account_id" = i64, Path, description = "The account")), request_body = super::openapi::InboxMembersBody, responses((status = 200, description = "They left the inbox"), super::openapi::Refusals))]
pub async fn remove_inbox_members(api: ApiAgent, Body(body): Body<Value>) -> Result<(), ApiError> {
    let _members = inbox_members(&api, &body, Change::Remove).await?;
    Ok(())
}
