//! CSV export and import of the contact book: plain HTTP routes beside the server
//! functions because a file is a raw body (import) or a streamed download (export).
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::header;

use crate::extract::Agent;
use app::contacts::ssr::csv_io;
use app::state::AppState;

/// `GET /api/contacts/export.csv`: the whole book, streamed a batch at a time.
pub async fn export(State(state): State<AppState>, Agent(session): Agent) -> Response {
    let account_id = session.agent.account_id;
    let db = state.db.clone();
    let header_line = futures::stream::once(async {
        Ok::<_, std::io::Error>(Bytes::from_static(csv_io::EXPORT_HEADER.as_bytes()))
    });
    let rows = futures::stream::unfold(Some(0_i64), move |after| {
        let db = db.clone();
        async move {
            let after = after?;
            match csv_io::export_batch(&db, account_id, after).await {
                Ok(Some((chunk, last))) => Some((Ok(Bytes::from(chunk)), Some(last))),
                Ok(None) => None,
                Err(err) => Some((Err(std::io::Error::other(err.to_string())), None)),
            }
        }
    });
    use futures::StreamExt;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"contactos.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(header_line.chain(rows)),
    )
        .into_response()
}

/// `POST /api/contacts/import` with the CSV file as the body: all rows or none.
pub async fn import(State(state): State<AppState>, Agent(session): Agent, body: Bytes) -> Response {
    match csv_io::import(
        &state.db,
        session.agent.account_id,
        &body,
        &state.settings.default_country,
    )
    .await
    {
        Ok(report) => Json(report).into_response(),
        Err(err) => err.into_response(),
    }
}
