//! Keyboard shortcuts of the conversation view, listed by `?`: next / previous
//! conversation, reply, private note, resolve, assign to me, the emoji picker, and
//! `/` for the search box. Never while typing in a field, never with Ctrl, Alt or ⌘.
//! Each presses the control on screen that carries its `data-shortcut` (so a
//! shortcut does exactly what that button does, and nothing where it is absent).
use leptos::prelude::*;

use crate::i18n::*;

/// (key, the control it presses, its description's key in the help).
const KEYS: [(&str, &str); 7] = [
    ("j", "next"),
    ("k", "previous"),
    ("r", "reply"),
    ("n", "note"),
    ("e", "resolve"),
    ("a", "assign-me"),
    ("m", "emoji"),
];

#[component]
pub fn Shortcuts() -> impl IntoView {
    let i18n = use_i18n();
    let help = RwSignal::new(false);
    listen(help);
    let describe = move |name: &str| match name {
        "next" => t_string!(i18n, shortcut_next),
        "previous" => t_string!(i18n, shortcut_previous),
        "reply" => t_string!(i18n, shortcut_reply),
        "note" => t_string!(i18n, shortcut_note),
        "resolve" => t_string!(i18n, shortcut_resolve),
        "assign-me" => t_string!(i18n, shortcut_assign_me),
        _ => t_string!(i18n, shortcut_emoji),
    };
    view! {
        <Show when=move || help.get()>
            <div class="palette-backdrop" on:click=move |_| help.set(false)></div>
            <div class="palette shortcuts-help" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title">
                <h2 id="shortcuts-title">{t!(i18n, shortcuts_title)}</h2>
                <dl>
                    {KEYS.iter().map(|(key, name)| view! {
                        <div><dt><kbd>{*key}</kbd></dt><dd>{describe(name)}</dd></div>
                    }).collect_view()}
                    <div><dt><kbd>"/"</kbd></dt><dd>{t!(i18n, shortcut_search)}</dd></div>
                    <div><dt><kbd>"Ctrl K"</kbd></dt><dd>{t!(i18n, shortcut_palette)}</dd></div>
                    <div><dt><kbd>"?"</kbd></dt><dd>{t!(i18n, shortcut_help)}</dd></div>
                </dl>
                <button type="button" class="secondary" on:click=move |_| help.set(false)>{t!(i18n, close_viewer)}</button>
            </div>
        </Show>
    }
}

fn listen(help: RwSignal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
                return;
            }
            let typing = ev
                .target()
                .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlElement>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || el.is_content_editable()
                });
            if typing {
                return;
            }
            let key = ev.key();
            if key == "Escape" && help.get_untracked() {
                help.set(false);
                return;
            }
            if key == "?" {
                ev.prevent_default();
                help.update(|h| *h = !*h);
                return;
            }
            let Some((_, name)) = KEYS.iter().find(|(k, _)| *k == key) else {
                return;
            };
            if press(name) {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = help;
}

/// Presses the control for `name`; whether there was one.
#[cfg(feature = "hydrate")]
fn press(name: &str) -> bool {
    use wasm_bindgen::JsCast;
    let doc = document();
    let click = |selector: &str| -> bool {
        match doc.query_selector(selector) {
            Ok(Some(el)) => match el.dyn_into::<leptos::web_sys::HtmlElement>() {
                Ok(el) => {
                    el.click();
                    true
                }
                Err(_) => false,
            },
            _ => false,
        }
    };
    match name {
        // The row after (before) the open one in the list; the first (last) when none is.
        "next" | "previous" => {
            let Ok(rows) = doc.query_selector_all(".conversation-row a") else {
                return false;
            };
            let links: Vec<leptos::web_sys::HtmlElement> = (0..rows.length())
                .filter_map(|k| rows.item(k))
                .filter_map(|n| n.dyn_into::<leptos::web_sys::HtmlElement>().ok())
                .filter(|el| el.closest(".conversation-row").ok().flatten().is_some())
                .collect();
            let mut unique: Vec<leptos::web_sys::HtmlElement> = Vec::new();
            for link in links {
                if !unique.iter().any(|u| u.is_same_node(Some(&link))) {
                    unique.push(link);
                }
            }
            let current = unique.iter().position(|l| {
                l.closest(".conversation-row.selected")
                    .ok()
                    .flatten()
                    .is_some()
            });
            let target = match (name, current) {
                ("next", Some(k)) => unique.get(k + 1),
                ("next", None) => unique.first(),
                (_, Some(k)) if k > 0 => unique.get(k - 1),
                (_, Some(_)) => None,
                (_, None) => unique.last(),
            };
            match target {
                Some(link) => {
                    link.click();
                    true
                }
                None => false,
            }
        }
        // Writing: the mode, then the cursor in the composer.
        "reply" | "note" => {
            let pressed = click(&format!("[data-shortcut=\"{name}\"]"));
            if pressed {
                if let Ok(Some(area)) = doc.query_selector(".composer textarea") {
                    if let Ok(area) = area.dyn_into::<leptos::web_sys::HtmlElement>() {
                        let _ = area.focus();
                    }
                }
            }
            pressed
        }
        other => click(&format!("[data-shortcut=\"{other}\"]")),
    }
}
