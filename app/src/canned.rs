//! Canned responses: a shared list every agent can use from the composer (`/`);
//! administrators maintain it in Ajustes.
use crate::domain::canned::CannedResponse;
use crate::error::AppError;
use crate::wire::Json;
use leptos::prelude::*;

#[server(endpoint = "canned/list", input = Json, output = Json)]
pub async fn list_canned() -> Result<Vec<CannedResponse>, AppError> {
    crate::error::with_status(
        async move {
            let session = crate::state::current_session()?;
            let state = crate::state::app_state()?;
            ssr::list(&state.db, session.agent.account_id).await
        }
        .await,
    )
}

/// Creates (`id: None`) or updates a canned response (administrators).
#[server(endpoint = "canned/save", input = Json, output = Json)]
pub async fn save_canned(
    id: Option<i64>,
    short_code: String,
    content: String,
) -> Result<CannedResponse, AppError> {
    crate::error::with_status(
        async move {
            let session = crate::state::current_session()?;
            crate::auth::permission::require_admin(&session.agent)?;
            let state = crate::state::app_state()?;
            ssr::save(
                &state.db,
                session.agent.account_id,
                id,
                &short_code,
                &content,
            )
            .await
        }
        .await,
    )
}

#[server(endpoint = "canned/remove", input = Json, output = Json)]
pub async fn remove_canned(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let session = crate::state::current_session()?;
            crate::auth::permission::require_admin(&session.agent)?;
            let state = crate::state::app_state()?;
            ssr::remove(&state.db, session.agent.account_id, id).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use sqlx::Row;

    use crate::db::{now_ms, Db};
    use crate::domain::canned::{parse_short_code, CannedResponse};
    use crate::domain::MessageBody;
    use crate::error::AppError;

    pub async fn list(db: &Db, account_id: i64) -> Result<Vec<CannedResponse>, AppError> {
        let rows = sqlx::query(
            "SELECT id, short_code, content FROM canned_responses WHERE account_id = $1 ORDER BY short_code",
        )
        .bind(account_id)
        .fetch_all(&db.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CannedResponse {
                    id: r.try_get("id")?,
                    short_code: r.try_get("short_code")?,
                    content: r.try_get("content")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(AppError::from)
    }

    pub async fn save(
        db: &Db,
        account_id: i64,
        id: Option<i64>,
        short_code: &str,
        content: &str,
    ) -> Result<CannedResponse, AppError> {
        let code =
            parse_short_code(short_code).map_err(|c| AppError::validation("short_code", c))?;
        let content =
            MessageBody::parse(content).map_err(|c| AppError::validation("content", c))?;
        let now = now_ms();
        let mut tx = db.begin_write().await?;
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM canned_responses WHERE account_id = $1 AND short_code = $2 AND id <> $3",
        )
        .bind(account_id)
        .bind(&code)
        .bind(id.unwrap_or(0))
        .fetch_optional(tx.conn())
        .await?;
        if taken.is_some() {
            return Err(AppError::Conflict {
                field: "short_code".into(),
            });
        }
        let id: i64 = match id {
            None => sqlx::query(
                "INSERT INTO canned_responses (account_id, short_code, content, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(account_id)
            .bind(&code)
            .bind(content.as_str())
            .bind(now)
            .fetch_one(tx.conn())
            .await?
            .try_get("id")?,
            Some(id) => {
                let done = sqlx::query(
                    "UPDATE canned_responses SET short_code = $1, content = $2, updated_at = $3 WHERE id = $4 AND account_id = $5",
                )
                .bind(&code)
                .bind(content.as_str())
                .bind(now)
                .bind(id)
                .bind(account_id)
                .execute(tx.conn())
                .await?;
                if done.rows_affected() == 0 {
                    return Err(AppError::NotFound);
                }
                id
            }
        };
        tx.finish().await?;
        Ok(CannedResponse {
            id,
            short_code: code,
            content: content.as_str().to_owned(),
        })
    }

    pub async fn remove(db: &Db, account_id: i64, id: i64) -> Result<(), AppError> {
        let mut tx = db.begin_write().await?;
        let done = sqlx::query("DELETE FROM canned_responses WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .execute(tx.conn())
            .await?;
        if done.rows_affected() == 0 {
            return Err(AppError::NotFound);
        }
        tx.finish().await?;
        Ok(())
    }
}
