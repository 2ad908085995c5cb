//! Informes (issue 31): how the team is doing over a period — conversations opened and
//! resolved, messages, first response, reply and resolution times (median and 90th
//! percentile), who is waiting now — for the account, an inbox, an agent, a team or a
//! label, with charts, their data tables and CSV downloads. The database keeps the
//! figures as things happen (`report_events`, `report_slots`, migration 0032), so a
//! report sums a few rows instead of reading messages.
mod api;
mod charts;
pub mod model;
mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use page::ReportsPage;
