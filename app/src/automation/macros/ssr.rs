//! Macros at rest (`store`) and run on a conversation (`run`).
pub mod run;
pub mod store;
