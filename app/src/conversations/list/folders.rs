//! Saved folders in the list: each beside the tabs with its live count, and the form
//! in the filter panel that saves the current view (or deletes the folder shown).
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::conversations::inbox_state::list_query;
use crate::conversations::model::{folder_count_text, FolderCount, ListFilter, SavedFolder, Tab};
use crate::conversations::{folder_counts, list_folders, remove_folder, save_folder};
use crate::domain::ConversationStatus;
use crate::events::LiveEvent;
use crate::i18n::*;
use crate::live::{on_event, Live};
use crate::ui::error_text;

/// The agent's folders and their counts, kept by the inbox page across list loads.
#[derive(Clone, Copy)]
pub struct Folders {
    pub list: RwSignal<Vec<SavedFolder>>,
    pub counts: RwSignal<Vec<FolderCount>>,
    /// Bumped to read the folders again (after saving or deleting one).
    pub reload: RwSignal<u32>,
}

/// After a burst of changes, counts are read once rather than per event.
const RECOUNT_AFTER_MS: u64 = 300;

/// Loads the folders in the browser and recounts them after conversations change.
pub fn provide_folders() -> Folders {
    let folders = Folders {
        list: RwSignal::new(Vec::new()),
        counts: RwSignal::new(Vec::new()),
        reload: RwSignal::new(0),
    };
    provide_context(folders);
    let resync = use_context::<Live>().map(|l| l.resync);
    Effect::new(move |_| {
        folders.reload.track();
        if let Some(r) = resync {
            r.track();
        }
        leptos::task::spawn_local(async move {
            if let Ok(list) = list_folders().await {
                folders.list.set(list);
            }
            if let Ok(counts) = folder_counts().await {
                folders.counts.set(counts);
            }
        });
    });
    let pending = StoredValue::new(false);
    on_event(move |envelope| {
        let relevant = matches!(
            envelope.event,
            LiveEvent::ConversationChanged { .. }
                | LiveEvent::ConversationDeleted { .. }
                | LiveEvent::MessageCreated { .. }
                | LiveEvent::MembershipChanged { .. }
        );
        if !relevant || pending.get_value() || folders.list.with_untracked(Vec::is_empty) {
            return;
        }
        pending.set_value(true);
        set_timeout(
            move || {
                pending.set_value(false);
                leptos::task::spawn_local(async move {
                    if let Ok(counts) = folder_counts().await {
                        folders.counts.set(counts);
                    }
                });
            },
            std::time::Duration::from_millis(RECOUNT_AFTER_MS),
        );
    });
    folders
}

pub fn folder_href(folder: &SavedFolder) -> String {
    format!(
        "/conversations{}&folder={}",
        list_query(folder.tab.as_str(), folder.status.as_str(), folder.filter),
        folder.id
    )
}

/// The folder open in the address, if any.
pub fn open_folder() -> impl Fn() -> Option<i64> + Copy + Send + Sync + 'static {
    let query = use_query_map();
    move || query.read().get("folder").and_then(|f| f.parse().ok())
}

/// One tab per folder, after Mías / Sin asignar / Todas.
#[component]
pub(super) fn FolderTabs() -> impl IntoView {
    let Some(folders) = use_context::<Folders>() else {
        return ().into_any();
    };
    let open = open_folder();
    let count_of = move |id: i64| {
        folders
            .counts
            .with(|c| c.iter().find(|c| c.id == id).map(|c| c.count))
    };
    view! {
        <For each=move || folders.list.get() key=|f| (f.id, f.name.clone()) let:folder>
            {
                let id = folder.id;
                view! {
                    <A href=folder_href(&folder) attr:role="tab" attr:aria-selected=move || (open() == Some(id)).to_string() attr:class="tab folder-tab">
                        <span class="tab-label">{folder.name.clone()}</span>
                        <span class="count" data-testid=format!("count-folder-{id}")>
                            {move || count_of(id).map(folder_count_text).unwrap_or_default()}
                        </span>
                    </A>
                }
            }
        </For>
    }
    .into_any()
}

/// Saves the view on screen as a folder, or deletes the folder on screen.
#[component]
pub(super) fn FolderForm(
    tab: Tab,
    status: ConversationStatus,
    filter: ListFilter,
) -> impl IntoView {
    let i18n = use_i18n();
    let Some(folders) = use_context::<Folders>() else {
        return ().into_any();
    };
    let open = open_folder();
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let error = RwSignal::new(None);
    let navigate = use_navigate();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = name.get_untracked();
        leptos::task::spawn_local(async move {
            match save_folder(wanted, tab, status, filter).await {
                Ok(folder) => {
                    error.set(None);
                    name.set(String::new());
                    message.set(Some(
                        td_string!(i18n.get_locale(), folder_saved, name = folder.name.clone())
                            .to_string(),
                    ));
                    folders.reload.update(|n| *n += 1);
                }
                Err(err) => {
                    message.set(None);
                    error.set(Some(err));
                }
            }
        });
    };
    let open_name = move || {
        let id = open()?;
        folders
            .list
            .with(|l| l.iter().find(|f| f.id == id).map(|f| f.name.clone()))
    };
    let remove = move |_| {
        let Some(id) = open() else { return };
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match remove_folder(id).await {
                Ok(()) => {
                    folders.reload.update(|n| *n += 1);
                    navigate("/conversations?tab=all&status=open", Default::default());
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <form class="folder-form" on:submit=save>
            <label>
                <span>{t!(i18n, folder_name)}</span>
                <input type="text" maxlength="40" required prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            </label>
            <button type="submit" class="secondary">{t!(i18n, save_folder)}</button>
        </form>
        {move || {
            open_name()
                .map(|folder| {
                    let label = td_string!(i18n.get_locale(), remove_folder, name = folder).to_string();
                    view! {
                        <button type="button" class="secondary" on:click=remove.clone()>{label}</button>
                    }
                })
        }}
        <p role="status" class="muted folder-status">{move || message.get()}</p>
        {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
    }
    .into_any()
}
