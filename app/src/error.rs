//! The one error type that crosses the wire. Server functions return
//! `Result<T, AppError>`, so the UI matches on variants instead of parsing strings.
//! Internals (database messages, stack traces) are logged on the server and never
//! put in an `AppError`.
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
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
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            tracing::error!(error = %err, "database error");
            AppError::Internal
        }
    }

    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status_code())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            (status, axum::Json(self)).into_response()
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
