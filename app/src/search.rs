//! Find anything (issue 28): every message the agent may see by words, fragments and
//! phrases (accents and case ignored), conversations by number and contacts; the
//! search box in the top bar and the search page.
mod api;
mod hits;
pub mod model;
mod page;
mod search_box;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use hits::{hit_url, search_url, Hits};
pub use page::SearchPage;
pub use search_box::SearchBox;
