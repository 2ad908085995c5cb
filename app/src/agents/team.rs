//! The account's agents as a page offers them (a filter by assignee or by author):
//! fetched in the browser once the page is up, empty until then.
use leptos::prelude::*;

use super::{list_team, AgentProfile};

pub fn fetched_team() -> RwSignal<Vec<AgentProfile>> {
    let team = RwSignal::new(Vec::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_team().await {
                team.set(list);
            }
        });
    });
    team
}
