//! The signed-in agent as Chatwoot's API shows her (`GET /api/v1/profile`, the answer
//! of `/auth/sign_in`).
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// `GET /api/v1/profile`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Profile {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub display_name: Option<String>,
    pub available_name: String,
    pub email: String,
    pub uid: String,
    pub role: &'static str,
    pub availability_status: &'static str,
    pub avatar_url: String,
    pub confirmed: bool,
    pub provider: &'static str,
    pub message_signature: Option<String>,
    /// Her own API token (Chatwoot's clients read it after signing in).
    pub access_token: String,
    /// What her clients subscribe to `/cable`'s `RoomChannel` with (with `id` as
    /// `user_id` and her account's id).
    pub pubsub_token: String,
    pub inviter_id: Option<i64>,
    #[schema(value_type = Object)]
    pub ui_settings: Value,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub accounts: Vec<ProfileAccount>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProfileAccount {
    pub id: i64,
    pub name: String,
    pub status: &'static str,
    pub role: &'static str,
    pub availability: &'static str,
    pub availability_status: &'static str,
    pub auto_offline: bool,
}
