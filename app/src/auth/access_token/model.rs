//! The access token as Mi perfil shows it.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenView {
    pub token: String,
    pub created_at: crate::domain::Millis,
}
