//! The one error type that crosses the wire. Server functions return
//! `Result<T, AppError>`, so the UI matches on variants instead of parsing strings.
//! Internals (database messages, stack traces) are logged on the server and never
//! put in an `AppError`.
use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("too many attempts; retry in {retry_after_secs}s")]
    RateLimited { retry_after_secs: i64 },
    /// A field failed a domain rule; `code` is a stable machine-readable reason.
    #[error("invalid {field}: {code}")]
    Validation { field: String, code: String },
    /// A unique value (email, phone, short code…) already belongs to another record.
    #[error("{field} already in use")]
    Conflict { field: String },
    #[error("internal error")]
    Internal,
    /// The database (or another part the server needs) cannot be reached right now;
    /// nothing was changed and the same request may be sent again.
    #[error("temporarily unavailable")]
    Unavailable,
    /// The request never produced an application answer (network down, bad payload).
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: &str, code: &str) -> Self {
        AppError::Validation {
            field: field.to_owned(),
            code: code.to_owned(),
        }
    }

    /// When the same request may succeed again (the `Retry-After` header).
    pub fn retry_after_secs(&self) -> Option<i64> {
        match self {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable => Some(5),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict { .. } => 409,
            AppError::Validation { .. } => 422,
            AppError::RateLimited { .. } => 429,
            AppError::Transport(_) => 400,
            AppError::Internal => 500,
            AppError::Unavailable => 503,
        }
    }
}

impl FromServerFnError for AppError {
    // Errors are decoded from text like the answers (crate::wire).
    type Encoder = crate::wire::JsonText;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            if database_unreachable(&err) {
                tracing::warn!(error = %err, "database unreachable");
                return AppError::Unavailable;
            }
            tracing::error!(error = %err, "database error");
            AppError::Internal
        }
    }

    /// A database that is down, restarting or out of reach, as opposed to a query that
    /// failed: the first is worth retrying, the second is a bug.
    pub fn database_unreachable(err: &sqlx::Error) -> bool {
        match err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::WorkerCrashed => true,
            // PostgreSQL's classes 08 (connection exception) and 57P (operator
            // intervention: shutdown, restart, cannot connect now).
            sqlx::Error::Database(db) => db
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
            _ => false,
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status_code())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            let retry_after = self.retry_after_secs();
            let mut response = (status, axum::Json(self)).into_response();
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
            }
            response
        }
    }

    /// Gives a server function's error its HTTP status (the default would be 500).
    pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(err) = &result {
            if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(
                    http::StatusCode::from_u16(err.status_code())
                        .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
                );
                if let Some(secs) = err.retry_after_secs() {
                    res.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
                }
            }
        }
        result
    }
}

#[cfg(feature = "ssr")]
pub use ssr::with_status;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_http_semantics() {
        assert_eq!(AppError::Unauthorized.status_code(), 401);
        assert_eq!(AppError::validation("email", "invalid").status_code(), 422);
        assert_eq!(
            AppError::Conflict {
                field: "email".into()
            }
            .status_code(),
            409
        );
        assert_eq!(AppError::Internal.status_code(), 500);
    }

    #[test]
    fn round_trips_through_the_wire_encoding() {
        let err = AppError::validation("email", "invalid");
        let bytes = err.ser();
        assert_eq!(AppError::de(bytes), err);
    }

    #[test]
    fn undecodable_error_bodies_become_transport_errors() {
        let err = AppError::de("<html>502</html>".into());
        assert!(matches!(err, AppError::Transport(_)));
    }
}
