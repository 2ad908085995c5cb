//! The signed-in agent's availability picker; it follows changes the server makes
//! (online when the app opens, away when it goes quiet) and her other tabs.
use leptos::prelude::*;

use crate::agents::SetAvailability;
use crate::domain::Availability;
use crate::events::LiveEvent;
use crate::i18n::*;
use crate::live::on_event;
use crate::ui::{availability_text, error_text};

#[component]
pub fn AvailabilitySelect(agent_id: i64, initial: Availability) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(initial);
    on_event(move |event| {
        if let LiveEvent::AgentAvailabilityChanged {
            agent_id: changed,
            availability,
        } = &event.event
        {
            if *changed == agent_id {
                current.set(*availability);
            }
        }
    });
    let save = ServerAction::<SetAvailability>::new();
    let error = move || save.value().get().and_then(Result::err);
    let on_change = move |ev| {
        if let Some(availability) = Availability::parse(&event_target_value(&ev)) {
            current.set(availability);
            save.dispatch(SetAvailability { availability });
        }
    };
    view! {
        <label for="availability">{t!(i18n, availability_label)}</label>
        <select id="availability" on:change=on_change>
            {Availability::ALL
                .iter()
                .map(|a| {
                    let a = *a;
                    view! {
                        <option value=a.as_str() selected=move || current.get() == a>
                            {move || availability_text(i18n, a)}
                        </option>
                    }
                })
                .collect_view()}
        </select>
        {move || error().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
    }
}
