//! Canned responses in the composer: typing `/` fetches them (once), the words after
//! it filter them, and picking one puts its text, variables filled in, in place of
//! the command.
use leptos::prelude::*;

use super::state::{focus_end, Writing};
use crate::canned::list_canned;
use crate::domain::canned::{fill_variables, trailing_slash_command, CannedResponse};
use crate::i18n::*;

#[derive(Clone, Copy)]
pub(super) struct Canned {
    /// Fetched the first time `/` is typed.
    list: RwSignal<Option<Vec<CannedResponse>>>,
    pub query: RwSignal<Option<String>>,
    /// Values for canned responses' `{{variables}}`.
    variables: StoredValue<Vec<(&'static str, String)>>,
}

impl Canned {
    pub fn new(variables: Vec<(&'static str, String)>) -> Canned {
        Canned {
            list: RwSignal::new(None),
            query: RwSignal::new(None),
            variables: StoredValue::new(variables),
        }
    }

    pub fn choices(&self) -> Vec<CannedResponse> {
        let Some(query) = self.query.get() else {
            return Vec::new();
        };
        self.list
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| {
                c.short_code.contains(&query.to_lowercase())
                    || crate::domain::search_text(&[Some(&c.content)])
                        .contains(&crate::domain::search_text(&[Some(&query)]))
            })
            .take(8)
            .collect()
    }

    pub fn insert(&self, choice: CannedResponse, writing: Writing) {
        let filled = self
            .variables
            .with_value(|v| fill_variables(&choice.content, v));
        writing.text.update(|t| {
            if let Some(slash) = t.rfind('/') {
                t.truncate(slash);
                t.push_str(&filled);
            }
        });
        self.query.set(None);
        focus_end(writing.textarea);
    }

    /// Follows the text as it is typed: a trailing `/command` opens the picker.
    pub fn follow(&self, value: &str) {
        let slash = trailing_slash_command(value);
        let list = self.list;
        if slash.is_some() && list.get_untracked().is_none() {
            list.set(Some(Vec::new()));
            leptos::task::spawn_local(async move {
                if let Ok(found) = list_canned().await {
                    list.set(Some(found));
                }
            });
        }
        self.query.set(slash);
    }
}

#[component]
pub(super) fn CannedPicker(canned: Canned, writing: Writing) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || canned.query.get().is_some() && !canned.choices().is_empty()>
            <ul class="mention-picker canned-picker" role="listbox" aria-label=move || t_string!(i18n, canned_title)>
                {move || canned.choices()
                    .into_iter()
                    .map(|c| {
                        let choice = c.clone();
                        view! {
                            <li role="option" aria-selected="false">
                                <button type="button" on:click=move |_| canned.insert(choice.clone(), writing)>
                                    <strong>{format!("/{}", c.short_code)}</strong>" "
                                    <span class="muted">{c.content.chars().take(60).collect::<String>()}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </Show>
    }
}
