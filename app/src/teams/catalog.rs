//! The account's teams as the inbox page keeps them: loaded once, reloaded when an
//! administrator changes them (`TeamsChanged`), read by the list and the chat.
use leptos::prelude::*;

use super::model::Team;

#[derive(Clone, Copy)]
pub struct TeamCatalog(pub RwSignal<Vec<Team>>);
