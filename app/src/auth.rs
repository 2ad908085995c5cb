//! Signing agents in and out. Sessions are server-side rows keyed by the hash of an
//! HttpOnly cookie; see `auth::ssr`.
pub mod access_token;
mod api;
#[cfg(feature = "ssr")]
pub mod device;
mod login_page;
pub mod model;
#[cfg(feature = "ssr")]
pub mod permission;
#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod throttle;

pub use api::*;
pub use login_page::LoginPage;
pub use model::SessionInfo;
