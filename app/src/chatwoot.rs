//! Chatwoot's Application API v1 (`/api/v1/…`), spoken over Charla's own services, so
//! an existing Chatwoot client or integration works by changing only its base URL and
//! token (issue 30). The JSON shapes are in `model`, the reads and the mapping from
//! Charla's types in `ssr`; the axum handlers are in `server/src/chatwoot/`. Every
//! change goes through the same service the dashboard's server functions call, so
//! the seed's rules, permissions and live events hold on the API exactly as in the UI.
pub mod api_inbox;
pub mod bots;
#[cfg(feature = "ssr")]
pub mod model;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod webhooks;
