//! Errors in the shapes Chatwoot's clients read: `{"error": …}`, and for a field
//! that fails a rule `{"message": …, "attributes": [field]}` with 422.
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use serde_json::json;

use app::error::AppError;

#[derive(Debug)]
pub enum ApiError {
    /// No token and no session.
    NoToken,
    /// A token that belongs to nobody (never issued, regenerated, or its agent deactivated).
    InvalidToken,
    /// The path's account is not the caller's.
    OtherAccount,
    /// A method Charla refuses on purpose (deleting messages and conversations).
    NotAllowed(&'static str),
    /// A body or query that cannot be read.
    BadRequest(String),
    App(AppError),
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError::App(err)
    }
}

/// A field's rule in words, for the `message`.
fn explain(field: &str, code: &str) -> String {
    match code {
        app::domain::contact::EMAIL_OR_PHONE => {
            "A contact needs an email or a phone number".to_owned()
        }
        "required" => format!("{field} is required"),
        "incoming_needs_api_inbox" => "Incoming messages are only allowed in Api inboxes".to_owned(),
        "template_required" => format!(
            "{field}: outside the 24-hour window (or before the customer has written) only a WhatsApp template can be sent"
        ),
        "window_closed" => format!(
            "{field}: the 24-hour window is closed; send a template (template_params)"
        ),
        _ => format!("{field} is invalid ({code})"),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::NoToken => (
                StatusCode::UNAUTHORIZED,
                json!({"errors": ["You need to sign in or sign up before continuing."]}),
            ),
            ApiError::InvalidToken => (
                StatusCode::UNAUTHORIZED,
                json!({"error": "Invalid Access Token"}),
            ),
            ApiError::OtherAccount => (
                StatusCode::UNAUTHORIZED,
                json!({"error": "You are not authorized to access this account"}),
            ),
            ApiError::NotAllowed(why) => (StatusCode::METHOD_NOT_ALLOWED, json!({"error": why})),
            ApiError::BadRequest(why) => (StatusCode::BAD_REQUEST, json!({"error": why})),
            ApiError::App(err) => return app_error(err),
        };
        (status, axum::Json(body)).into_response()
    }
}

fn app_error(err: AppError) -> Response {
    let (status, body) = match &err {
        AppError::Unauthorized => {
            return ApiError::NoToken.into_response();
        }
        AppError::NotFound => (
            StatusCode::NOT_FOUND,
            json!({"error": "Resource could not be found"}),
        ),
        AppError::Forbidden => (
            StatusCode::FORBIDDEN,
            json!({"error": "You are not authorized to do this action"}),
        ),
        AppError::Validation { field, code } => {
            let attributes = if code == app::domain::contact::EMAIL_OR_PHONE {
                vec!["email".to_owned(), "phone_number".to_owned()]
            } else {
                vec![field.clone()]
            };
            let message = explain(field, code);
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"message": message, "error": message, "attributes": attributes, "code": code}),
            )
        }
        AppError::Conflict { field } => {
            let message = format!("{field} has already been taken");
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"message": message, "error": message, "attributes": [field], "code": "taken"}),
            )
        }
        other => {
            let mut res = other.clone().into_response();
            *res.body_mut() =
                axum::body::Body::from(json!({"error": other.to_string()}).to_string());
            res.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            return res;
        }
    };
    (status, axum::Json(body)).into_response()
}

pub type ApiResult<T> = Result<axum::Json<T>, ApiError>;
