//! `@` mentions in private notes: the name being typed, the teammates it matches,
//! and the picker that puts one into the note.
use leptos::prelude::*;

use super::state::{focus_end, Writing};
use crate::conversations::model::Teammate;
use crate::i18n::*;

/// The teammates matching a mention being typed, under the note's field.
#[component]
pub(super) fn MentionPicker(
    teammates: StoredValue<Vec<Teammate>>,
    query: RwSignal<Option<String>>,
    writing: Writing,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || query.get().is_some()>
            <ul class="mention-picker" role="listbox" aria-label=move || t_string!(i18n, mention_teammate)>
                {move || mention_choices(teammates, query)
                    .into_iter()
                    .map(|t| {
                        let choice = t.clone();
                        view! {
                            <li role="option" aria-selected="false">
                                <button type="button" on:click=move |_| {
                                    insert_mention(writing, query, choice.clone());
                                    focus_end(writing.textarea);
                                }>
                                    {t.name.clone()}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </Show>
    }
}

/// The partial name after a trailing `@` ("Hola @Mar" → "Mar").
pub(super) fn trailing_mention(text: &str) -> Option<String> {
    let at = text.rfind('@')?;
    let before_ok = at == 0 || text[..at].ends_with(char::is_whitespace);
    let query = &text[at + 1..];
    (before_ok && !query.contains('\n') && query.chars().count() <= 30).then(|| query.to_owned())
}

pub(super) fn mention_choices(
    teammates: StoredValue<Vec<Teammate>>,
    query: RwSignal<Option<String>>,
) -> Vec<Teammate> {
    let Some(query) = query.get() else {
        return Vec::new();
    };
    let query = crate::domain::search_text(&[Some(&query)]);
    teammates
        .get_value()
        .into_iter()
        .filter(|t| crate::domain::search_text(&[Some(&t.name)]).contains(&query))
        .take(8)
        .collect()
}

pub(super) fn insert_mention(writing: Writing, query: RwSignal<Option<String>>, who: Teammate) {
    writing.text.update(|t| {
        if let Some(at) = t.rfind('@') {
            t.truncate(at);
            t.push_str(&format!("@{} ", who.name));
        }
    });
    writing.mentions.update(|m| {
        if !m.iter().any(|x| x.id == who.id) {
            m.push(who);
        }
    });
    query.set(None);
}

#[cfg(test)]
mod tests {
    use super::trailing_mention;

    #[test]
    fn finds_the_mention_being_typed() {
        assert_eq!(trailing_mention("Hola @Mar").as_deref(), Some("Mar"));
        assert_eq!(trailing_mention("@").as_deref(), Some(""));
        assert_eq!(trailing_mention("correo@ejemplo"), None);
        assert_eq!(trailing_mention("sin arroba"), None);
    }
}
