//! `GET /api/reports/export.csv?kind=days|agents|conversations` with the report page's
//! own parameters (`period`, `from`, `to`, `scope`, `bh`): the report a lead is looking
//! at as a file. Administrators only, as the page. Conversations are streamed a batch
//! at a time.
use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::header;

use crate::extract::Agent;
use app::error::AppError;
use app::reports::model::{Period, ReportQuery, Scope};
use app::reports::ssr::{self, csv};
use app::state::AppState;

fn query_of(params: &HashMap<String, String>) -> ReportQuery {
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or_default();
    let period = match get("period") {
        "" => "30",
        other => other,
    };
    ReportQuery {
        period: Period::parse(period, get("from"), get("to")),
        scope: Scope::parse(get("scope")),
        business_hours: get("bh") == "1",
    }
}

fn file(name: &str, body: Body) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

pub async fn export(
    State(state): State<AppState>,
    Agent(session): Agent,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if !session.agent.role.is_admin() {
        return AppError::Forbidden.into_response();
    }
    let account_id = session.agent.account_id;
    let query = query_of(&params);
    let kind = params.get("kind").map(String::as_str).unwrap_or("days");
    match kind {
        "days" | "agents" => {
            let report = match ssr::report(&state.db, account_id, &query).await {
                Ok(report) => report,
                Err(err) => return err.into_response(),
            };
            let (name, text) = match kind {
                "days" => ("informe-dias.csv", csv::days(&report)),
                _ => ("informe-agentes.csv", csv::agents(&report)),
            };
            match text {
                Ok(text) => file(name, Body::from(text)),
                Err(err) => err.into_response(),
            }
        }
        "conversations" => {
            let export = match csv::conversations_export(&state.db, account_id, &query).await {
                Ok(export) => std::sync::Arc::new(export),
                Err(err) => return err.into_response(),
            };
            let db = state.db.clone();
            let header_line = futures::stream::once(async {
                Ok::<_, std::io::Error>(Bytes::from_static(csv::CONVERSATIONS_HEADER.as_bytes()))
            });
            let rows = futures::stream::unfold(Some(0_i64), move |after| {
                let (db, export) = (db.clone(), export.clone());
                async move {
                    let after = after?;
                    match csv::conversations_batch(&db, account_id, &export, after).await {
                        Ok(Some((chunk, last))) => Some((Ok(Bytes::from(chunk)), Some(last))),
                        Ok(None) => None,
                        Err(err) => Some((Err(std::io::Error::other(err.to_string())), None)),
                    }
                }
            });
            use futures::StreamExt;
            file(
                "conversaciones.csv",
                Body::from_stream(header_line.chain(rows)),
            )
        }
        _ => AppError::validation("kind", "invalid").into_response(),
    }
}
