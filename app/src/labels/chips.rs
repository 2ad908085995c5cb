//! The account's labels as the dashboard holds them, and a conversation's labels shown
//! as coloured chips.
use leptos::prelude::*;

use super::model::Label;

/// The account's labels, loaded with the inbox and reloaded when an administrator
/// changes them (`LabelsChanged`).
#[derive(Clone, Copy)]
pub struct LabelCatalog(pub RwSignal<Vec<Label>>);

impl LabelCatalog {
    /// The labels among `ids` that still exist, in the catalogue's (name) order.
    pub fn pick(&self, ids: &[i64]) -> Vec<Label> {
        self.0.with(|all| {
            all.iter()
                .filter(|l| ids.contains(&l.id))
                .cloned()
                .collect()
        })
    }
}

/// A label's chip: its name on its colour, the text black or white for contrast.
#[component]
pub fn LabelChip(label: Label) -> impl IntoView {
    let style = format!(
        "background-color: {}; color: {}",
        label.color,
        label.text_color()
    );
    view! { <span class="label-chip" style=style>{label.name}</span> }
}

/// The chips of the labels `ids` names (none while the catalogue loads).
#[component]
pub fn LabelChips(#[prop(into)] ids: Signal<Vec<i64>>) -> impl IntoView {
    let catalog = use_context::<LabelCatalog>();
    let labels = move || {
        catalog
            .map(|c| ids.with(|ids| c.pick(ids)))
            .unwrap_or_default()
    };
    view! {
        <span class="label-chips">
            <For each=labels key=|l| (l.id, l.name.clone(), l.color.clone()) let:label>
                <LabelChip label />
            </For>
        </span>
    }
}
