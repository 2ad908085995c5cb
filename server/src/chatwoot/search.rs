//! Handlers: Chatwoot's search (`/search` and one kind at a time).
use axum::Json;

use super::caller::{ApiAgent, Params};
use super::error::ApiResult;
use app::chatwoot::model as cw;
use app::chatwoot::ssr::search;

fn question(params: &Params) -> Result<(String, i64), super::error::ApiError> {
    let q = params.get("q").unwrap_or_default().to_owned();
    Ok((q, params.number("page")?.unwrap_or(1)))
}

fn answer(payload: cw::SearchPayload) -> ApiResult<cw::SearchResults> {
    Ok(Json(cw::SearchResults { payload }))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/search", tag = "search", params(("account_id" = i64, Path, description = "The account"), ("q" = String, Query, description = "A conversation's number, a contact's name, email or phone, words of messages")), responses((status = 200, body = cw::SearchResults, description = "The first page of each kind"), super::openapi::Refusals))]
pub async fn all(api: ApiAgent, params: Params) -> ApiResult<cw::SearchResults> {
    let (q, _) = question(&params)?;
    answer(search::all(&api.caller(), &q).await?)
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/search/contacts", tag = "search", params(("account_id" = i64, Path, description = "The account"), ("q" = String, Query), ("page" = Option<i64>, Query, description = "From 1, 15 a page")), responses((status = 200, body = cw::SearchResults), super::openapi::Refusals))]
pub async fn contacts(api: ApiAgent, params: Params) -> ApiResult<cw::SearchResults> {
    let (q, page) = question(&params)?;
    answer(cw::SearchPayload {
        contacts: Some(search::contacts(&api.caller(), &q, page).await?),
        ..Default::default()
    })
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/search/conversations", tag = "search", params(("account_id" = i64, Path, description = "The account"), ("q" = String, Query), ("page" = Option<i64>, Query, description = "From 1, 15 a page")), responses((status = 200, body = cw::SearchResults), super::openapi::Refusals))]
pub async fn conversations(api: ApiAgent, params: Params) -> ApiResult<cw::SearchResults> {
    let (q, page) = question(&params)?;
    answer(cw::SearchPayload {
        conversations: Some(search::conversations(&api.caller(), &q, page).await?),
        ..Default::default()
    })
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/search/messages", tag = "search", params(("account_id" = i64, Path, description = "The account"), ("q" = String, Query), ("page" = Option<i64>, Query, description = "From 1, 15 a page")), responses((status = 200, body = cw::SearchResults), super::openapi::Refusals))]
pub async fn messages(api: ApiAgent, params: Params) -> ApiResult<cw::SearchResults> {
    let (q, page) = question(&params)?;
    answer(cw::SearchPayload {
        messages: Some(search::messages(&api.caller(), &q, page).await?),
        ..Default::default()
    })
}
