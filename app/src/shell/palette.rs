//! The command palette (Ctrl+K / ⌘K): type to go to a conversation (`#123`), a contact,
//! a tab or a page, search the messages, act on the open conversation (assign to me,
//! resolve, snooze until tomorrow, run one of the agent's macros), change the language
//! or sign out. Keyboard first:
//! arrows move, Enter runs, Escape closes; each command is an option of a listbox.
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::automation::macros::{list_macros, run_macro, Macro};
use crate::conversations::{assign_conversation, set_conversation_status};
use crate::domain::ConversationStatus;
use crate::i18n::*;
use crate::search::model::QuickResults;

#[derive(Debug, Clone, PartialEq)]
enum Command {
    Go(String),
    AssignToMe(i64),
    Resolve(i64),
    SnoozeTomorrow(i64),
    /// A macro (its id) on a conversation.
    RunMacro(i64, i64),
    SwitchLanguage,
    SignOut,
}

#[derive(Debug, Clone, PartialEq)]
struct Item {
    label: String,
    command: Command,
}

#[component]
pub fn CommandPalette(agent_id: i64, sign_out_path: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let active = RwSignal::new(0_usize);
    let found = RwSignal::new(QuickResults::default());
    let input = NodeRef::<leptos::html::Input>::new();
    let asked = StoredValue::new(0_u64);
    let macros = RwSignal::new(Vec::<Macro>::new());
    let failure = RwSignal::new(None::<crate::error::AppError>);
    toggle_on_shortcut(open, input);
    let location = use_location();
    let conversation = Memo::new(move |_| {
        location.pathname.with(|path| {
            path.strip_prefix("/conversations/")
                .and_then(|id| id.parse::<i64>().ok())
        })
    });
    // Each opening starts afresh; over a conversation, with the agent's macros as
    // they are now.
    Effect::new(move |_| {
        if open.get() {
            text.set(String::new());
            active.set(0);
            found.set(QuickResults::default());
            failure.set(None);
            macros.set(Vec::new());
            if conversation.get_untracked().is_some() {
                leptos::task::spawn_local(async move {
                    if let Ok(list) = list_macros().await {
                        macros.set(list);
                    }
                });
            }
        }
    });
    let items = Memo::new(move |_| {
        let typed = crate::domain::search_text(&[Some(text.get().trim())]);
        let mut all = Vec::new();
        if let Some(id) = conversation.get() {
            all.push(item(
                t_string!(i18n, palette_assign_to_me),
                Command::AssignToMe(id),
            ));
            all.push(item(t_string!(i18n, palette_resolve), Command::Resolve(id)));
            all.push(item(
                t_string!(i18n, palette_snooze),
                Command::SnoozeTomorrow(id),
            ));
            macros.with(|list| {
                for m in list {
                    all.push(Item {
                        label: t_string!(i18n, palette_macro, name = m.name.clone()).to_string(),
                        command: Command::RunMacro(m.id, id),
                    });
                }
            });
        }
        for (label, url) in [
            (
                t_string!(i18n, palette_go_mine),
                "/conversations?tab=mine&status=open",
            ),
            (
                t_string!(i18n, palette_go_unassigned),
                "/conversations?tab=unassigned&status=open",
            ),
            (
                t_string!(i18n, palette_go_all),
                "/conversations?tab=all&status=open",
            ),
            (t_string!(i18n, palette_go_contacts), "/contacts"),
            (t_string!(i18n, palette_go_settings), "/settings"),
            (t_string!(i18n, palette_go_profile), "/settings/profile"),
        ] {
            all.push(item(label, Command::Go(url.into())));
        }
        all.push(item(
            t_string!(i18n, palette_language),
            Command::SwitchLanguage,
        ));
        all.push(item(t_string!(i18n, sign_out), Command::SignOut));
        all.retain(|i| {
            typed.is_empty() || crate::domain::search_text(&[Some(&i.label)]).contains(&typed)
        });
        // A conversation by its number first, then the commands, the contacts, and
        // last searching the messages for what was typed.
        let quick = found.get();
        let mut list: Vec<Item> = quick
            .conversations
            .iter()
            .map(|c| Item {
                label: format!("#{} · {}", c.display_id, c.contact_name),
                command: Command::Go(format!("/conversations/{}", c.id)),
            })
            .collect();
        list.extend(all);
        list.extend(quick.contacts.iter().map(|c| Item {
            label: t_string!(i18n, palette_contact, name = c.display_name().to_owned()).to_string(),
            command: Command::Go(format!("/contacts/{}", c.id)),
        }));
        let q = text.get();
        if !crate::search::model::terms(&q).is_empty() {
            list.push(Item {
                label: t_string!(i18n, palette_search, text = q.trim().to_owned()).to_string(),
                command: Command::Go(crate::search::search_url(&q)),
            });
        }
        list
    });
    let navigate = use_navigate();
    let run = Callback::new(move |command: Command| {
        // A macro runs whole or not at all: the palette stays until it has, and says
        // why when it could not.
        if !matches!(command, Command::RunMacro(..)) {
            open.set(false);
        }
        match command {
            Command::Go(url) => navigate(&url, Default::default()),
            Command::AssignToMe(id) => {
                leptos::task::spawn_local(async move {
                    let _ = assign_conversation(id, Some(agent_id)).await;
                });
            }
            Command::Resolve(id) => {
                leptos::task::spawn_local(async move {
                    let _ = set_conversation_status(id, ConversationStatus::Resolved, None).await;
                });
            }
            Command::SnoozeTomorrow(id) => {
                let until = crate::ui::time::now() + 24 * 3_600_000;
                leptos::task::spawn_local(async move {
                    let _ =
                        set_conversation_status(id, ConversationStatus::Snoozed, Some(until)).await;
                });
            }
            Command::RunMacro(macro_id, id) => {
                leptos::task::spawn_local(async move {
                    match run_macro(macro_id, id).await {
                        Ok(_) => open.set(false),
                        Err(err) => failure.set(Some(err)),
                    }
                });
            }
            Command::SwitchLanguage => i18n.set_locale(match i18n.get_locale() {
                Locale::es => Locale::en,
                Locale::en => Locale::es,
            }),
            Command::SignOut => submit_form(sign_out_path),
        }
    });
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        active.set(0);
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        found.set(QuickResults::default());
        #[cfg(feature = "hydrate")]
        if !value.trim().is_empty() {
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(200).await;
                if asked.get_value() != ticket {
                    return;
                }
                if let Ok(quick) = crate::search::quick_search(value).await {
                    if asked.get_value() == ticket {
                        found.set(QuickResults {
                            messages: Vec::new(),
                            ..quick
                        });
                    }
                }
            });
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = items.with_untracked(Vec::len);
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + count - 1) % count);
            }
            "Enter" => {
                ev.prevent_default();
                if let Some(chosen) =
                    items.with_untracked(|list| list.get(active.get_untracked()).cloned())
                {
                    run.run(chosen.command);
                }
            }
            "Escape" => open.set(false),
            _ => {}
        }
    };
    let option_id = |k: usize| format!("palette-option-{k}");
    view! {
        <Show when=move || open.get()>
            <div class="palette-backdrop" on:click=move |_| open.set(false)></div>
            <div class="palette" role="dialog" aria-modal="true" aria-label=move || t_string!(i18n, palette_title)>
                <input
                    node_ref=input
                    type="text"
                    role="combobox"
                    aria-label=move || t_string!(i18n, palette_input)
                    aria-expanded="true"
                    aria-controls="palette-options"
                    aria-autocomplete="list"
                    aria-activedescendant=move || option_id(active.get())
                    autocomplete="off"
                    prop:value=move || text.get()
                    on:input=on_input
                    on:keydown=on_keydown
                />
                {move || failure.get().map(|err| view! {
                    <p role="alert" class="error">{crate::ui::error_text(i18n, &err)}</p>
                })}
                <ul id="palette-options" role="listbox" aria-label=move || t_string!(i18n, palette_title)>
                    {move || items.get().into_iter().enumerate().map(|(k, entry)| {
                        let command = entry.command.clone();
                        view! {
                            <li
                                id=option_id(k)
                                role="option"
                                aria-selected=move || (active.get() == k).to_string()
                                on:mousedown=move |ev| {
                                    ev.prevent_default();
                                    run.run(command.clone());
                                }
                            >
                                {entry.label}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

fn item(label: &str, command: Command) -> Item {
    Item {
        label: label.to_owned(),
        command,
    }
}

/// Ctrl+K / ⌘K opens the palette (and closes it again), wherever the cursor is.
fn toggle_on_shortcut(open: RwSignal<bool>, input: NodeRef<leptos::html::Input>) {
    #[cfg(feature = "hydrate")]
    {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
                ev.prevent_default();
                open.update(|o| *o = !*o);
                if open.get_untracked() {
                    request_animation_frame(move || {
                        if let Some(el) = input.get_untracked() {
                            let _ = el.focus();
                        }
                    });
                }
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (open, input);
}

/// Submits the page's form posting to `action` (signing out is a plain form post).
fn submit_form(action: &'static str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(Some(form)) = document().query_selector(&format!("form[action=\"{action}\"]")) {
            if let Ok(form) = form.dyn_into::<leptos::web_sys::HtmlFormElement>() {
                let _ = form.submit();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = action;
}
