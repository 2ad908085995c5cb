//! The website chat widget: what a customer sees on a site that embeds Charla. Visitors
//! never sign in; each browser gets a random visitor token (stored hashed, like a
//! session) that keeps its identity and conversation across reloads. Everything a
//! visitor receives is built from [`VisitorMessage`], which has no field for private
//! notes or internal events: those are dropped on the server.
mod api;
mod host;
mod host_events;
pub mod model;
mod offline;
mod opened;
mod page;
mod page_calls;
mod receipts;
#[cfg(feature = "hydrate")]
mod socket;
#[cfg(feature = "ssr")]
pub mod ssr;
mod survey;
mod survey_page;
mod typing;

pub use api::{survey_answer, survey_state, widget_email, widget_open, widget_rate, widget_send};
pub use model::{
    HostUser, PageCall, SurveyCard, VisitorFrame, VisitorMessage, VisitorSays, WidgetSent,
    WidgetState,
};
pub use page::WidgetPage;
pub use page_calls::widget_page_calls;
pub use survey_page::SurveyPage;
