//! The account as Chatwoot's API shows it (`GET`/`PATCH /api/v1/accounts/{id}`).
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountDetail {
    pub id: i64,
    pub name: String,
    pub locale: &'static str,
    pub domain: Option<String>,
    pub support_email: Option<String>,
    pub status: &'static str,
    /// ISO 8601.
    pub created_at: String,
    #[schema(value_type = Object)]
    pub cache_keys: Value,
    pub features: Vec<String>,
    /// `auto_resolve_after` and its companions: Charla resolves nothing by itself.
    #[schema(value_type = Object)]
    pub settings: Value,
    /// `timezone`: the account's time zone (reports, business hours).
    #[schema(value_type = Object)]
    pub custom_attributes: Value,
}
