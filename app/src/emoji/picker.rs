//! The picker: a search field, skin tones, recently used, the category tabs and a grid of
//! emoji buttons, each named in the agent's language.
use leptos::prelude::*;

use super::api::emoji_catalog;
use super::model::fold_query;
use crate::i18n::*;

fn group_name(i18n: leptos_i18n::I18nContext<Locale>, id: u8) -> &'static str {
    match id {
        0 => t_string!(i18n, emoji_smileys),
        1 => t_string!(i18n, emoji_people),
        2 => t_string!(i18n, emoji_animals),
        3 => t_string!(i18n, emoji_food),
        4 => t_string!(i18n, emoji_travel),
        5 => t_string!(i18n, emoji_activities),
        6 => t_string!(i18n, emoji_objects),
        7 => t_string!(i18n, emoji_symbols),
        _ => t_string!(i18n, emoji_flags),
    }
}

const RECENT_KEY: &str = "charla:emoji:recent";

fn recent() -> Vec<String> {
    #[cfg(feature = "hydrate")]
    {
        window()
            .local_storage()
            .ok()
            .flatten()
            .and_then(|s| s.get_item(RECENT_KEY).ok().flatten())
            .and_then(|v| serde_json::from_str::<Vec<String>>(&v).ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = RECENT_KEY;
        Vec::new()
    }
}

fn remember(emoji: &str) {
    let mut list = recent();
    list.retain(|e| e != emoji);
    list.insert(0, emoji.to_owned());
    list.truncate(24);
    #[cfg(feature = "hydrate")]
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(
            RECENT_KEY,
            &serde_json::to_string(&list).unwrap_or_default(),
        );
    }
}

#[component]
pub fn EmojiPicker(on_pick: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    // Named and searched in the language the agent reads now.
    let catalog = LocalResource::new(move || {
        let lang = match i18n.get_locale() {
            Locale::es => "es",
            Locale::en => "en",
        };
        emoji_catalog(lang.to_owned())
    });
    let query = RwSignal::new(String::new());
    let group = RwSignal::new(0_u8);
    let tone = RwSignal::new(0_usize);
    let recents = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| recents.set(recent()));
    let pick = move |emoji: String| {
        remember(&emoji);
        on_pick(emoji);
    };
    let search = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(el) = search.get() {
            let _ = el.focus();
        }
    });
    view! {
        <div class="emoji-picker" role="dialog" aria-label=move || t_string!(i18n, emoji_picker)>
            <div class="emoji-tools">
                <input
                    node_ref=search
                    type="search"
                    aria-label=move || t_string!(i18n, emoji_search)
                    placeholder=move || t_string!(i18n, emoji_search)
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
                <select aria-label=move || t_string!(i18n, emoji_tone) on:change=move |ev| tone.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {["✋", "✋🏻", "✋🏼", "✋🏽", "✋🏾", "✋🏿"]
                        .into_iter()
                        .enumerate()
                        .map(|(i, e)| view! { <option value=i.to_string()>{e}</option> })
                        .collect_view()}
                </select>
            </div>
            <Show when=move || !recents.with(Vec::is_empty) && query.with(String::is_empty)>
                <p class="emoji-heading">{t!(i18n, emoji_recent)}</p>
                <div class="emoji-grid">
                    {move || recents
                        .get()
                        .into_iter()
                        .map(|e| {
                            let (value, label) = (e.clone(), e.clone());
                            view! { <button type="button" aria-label=label on:click=move |_| pick(value.clone())>{e}</button> }
                        })
                        .collect_view()}
                </div>
            </Show>
            <Suspense fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    let groups = catalog.await.unwrap_or_default();
                    let groups = StoredValue::new(groups);
                    view! {
                        <div class="emoji-groups" role="tablist">
                            {move || groups
                                .get_value()
                                .iter()
                                .map(|g| {
                                    let id = g.id;
                                    let icon = g.emojis.first().map(|e| e.emoji.clone()).unwrap_or_default();
                                    view! {
                                        <button type="button" role="tab" aria-selected=move || (group.get() == id).to_string()
                                            title=move || group_name(i18n, id) aria-label=move || group_name(i18n, id)
                                            on:click=move |_| group.set(id)>{icon}</button>
                                    }
                                })
                                .collect_view()}
                        </div>
                        <div class="emoji-grid" role="group" aria-label=move || t_string!(i18n, emoji_picker)>
                            {move || {
                                let q = fold_query(&query.get());
                                let t = tone.get();
                                groups
                                    .get_value()
                                    .into_iter()
                                    .filter(|g| !q.is_empty() || g.id == group.get())
                                    .flat_map(|g| g.emojis)
                                    .filter(|e| e.matches(&q))
                                    .take(400)
                                    .map(|e| {
                                        let shown = if t > 0 { e.tones.get(t - 1).cloned().unwrap_or(e.emoji.clone()) } else { e.emoji.clone() };
                                        let value = shown.clone();
                                        view! {
                                            <button type="button" aria-label=e.name.clone() title=e.name.clone()
                                                on:click=move |_| pick(value.clone())>{shown}</button>
                                        }
                                    })
                                    .collect_view()
                            }}
                        </div>
                    }
                })}
            </Suspense>
        </div>
    }
}
