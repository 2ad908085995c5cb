//! Notas on a contact's page: what the team knows about the customer ("prefiere que la
//! llamen por la tarde"), the latest first, each with its author and when; a new note
//! is written above the list; its author or an administrator deletes one after
//! confirming, and focus returns to the section's heading.
use leptos::prelude::*;

use super::model::{note_body, ContactNote, NOTE_MAX_CHARS};
use super::{add_contact_note, remove_contact_note};
use crate::i18n::*;
use crate::ui::error_text;
use crate::ui::time::{iso_instant, short};

const HEADING: &str = "notes-title";

fn focus_heading() {
    #[cfg(feature = "hydrate")]
    if let Some(heading) = leptos::prelude::document()
        .get_element_by_id(HEADING)
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = heading.focus();
    }
}

#[component]
pub fn ContactNotes(contact_id: i64, initial: Vec<ContactNote>) -> impl IntoView {
    let i18n = use_i18n();
    let notes = RwSignal::new(initial);
    let draft = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let body = match note_body(&draft.get_untracked()) {
            Ok(body) => body,
            Err("required") => {
                failure.set(Some(t_string!(i18n, contact_note_required).to_string()));
                return;
            }
            Err("invalid") => {
                failure.set(Some(t_string!(i18n, error_invalid).to_string()));
                return;
            }
            Err(_) => {
                let max = NOTE_MAX_CHARS;
                failure.set(Some(
                    t_string!(i18n, contact_note_too_long, max).to_string(),
                ));
                return;
            }
        };
        busy.set(true);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match add_contact_note(contact_id, body).await {
                Ok(note) => {
                    notes.update(|list| list.insert(0, note));
                    draft.set(String::new());
                }
                Err(err) => failure.set(Some(error_text(i18n, &err))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="contact-notes stack" aria-labelledby=HEADING>
            <h2 id=HEADING tabindex="-1">{t!(i18n, contact_notes)}</h2>
            <form class="stack" on:submit=submit>
                <label for="note-body">{t!(i18n, contact_note_new)}</label>
                <textarea id="note-body" rows="3" maxlength=NOTE_MAX_CHARS.to_string()
                    aria-describedby="note-error"
                    aria-invalid=move || failure.with(Option::is_some).then_some("true")
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <p id="note-error" class="error" role="alert">{move || failure.get()}</p>
                <div>
                    <button type="submit" class="primary" disabled=move || busy.get()>
                        {t!(i18n, contact_note_add)}
                    </button>
                </div>
            </form>
            <Show when=move || notes.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, contact_notes_empty)}</p>
            </Show>
            <ul class="note-list">
                <For each=move || notes.get() key=|n| (n.id, n.updated_at) let:note>
                    <NoteItem contact_id note notes />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn NoteItem(
    contact_id: i64,
    note: ContactNote,
    notes: RwSignal<Vec<ContactNote>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = note.id;
    let author = note
        .author_name
        .clone()
        .unwrap_or_else(|| t_string!(i18n, contact_note_former_agent).to_string());
    let at = note.created_at;
    let (body_id, question_id) = (format!("note-{id}"), format!("note-{id}-confirm"));
    // Deleting asks once: a note is gone for the whole team.
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    // Focus follows the question: onto "Sí, eliminar" when it opens, back onto
    // "Eliminar nota" when it is cancelled.
    let ask_ref = NodeRef::<leptos::html::Button>::new();
    let yes_ref = NodeRef::<leptos::html::Button>::new();
    let refocus = RwSignal::new(false);
    Effect::new(move |_| {
        if confirming.get() {
            if let Some(yes) = yes_ref.get() {
                let _ = yes.focus();
            }
        } else if refocus.get() {
            if let Some(ask) = ask_ref.get() {
                let _ = ask.focus();
                refocus.set(false);
            }
        }
    });
    let remove = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match remove_contact_note(contact_id, id).await {
                Ok(()) => {
                    notes.update(|list| list.retain(|n| n.id != id));
                    focus_heading();
                }
                Err(err) => {
                    failure.set(Some(error_text(i18n, &err)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <li class="note">
            <p class="note-body" id=body_id.clone()>{note.body.clone()}</p>
            <p class="muted note-meta">
                {author} " · " <time datetime=iso_instant(at)>{move || short(at)}</time>
            </p>
            {note.can_remove.then(|| view! {
                <Show when=move || !confirming.get()>
                    <button type="button" class="link" node_ref=ask_ref aria-describedby=body_id.clone()
                        on:click=move |_| confirming.set(true)>
                        {t!(i18n, contact_note_remove)}
                    </button>
                </Show>
                <Show when=move || confirming.get()>
                    <span role="group" aria-labelledby=question_id.clone()>
                        <span id=question_id.clone()>{t!(i18n, contact_note_remove_confirm)}</span>
                        " "
                        <button type="button" class="danger" node_ref=yes_ref on:click=remove
                            disabled=move || busy.get()>
                            {t!(i18n, contact_note_remove_yes)}
                        </button>
                        " "
                        <button type="button" class="link" on:click=move |_| {
                            refocus.set(true);
                            confirming.set(false);
                        }>
                            {t!(i18n, cancel)}
                        </button>
                    </span>
                </Show>
                <p class="error" role="alert">{move || failure.get()}</p>
            })}
        </li>
    }
}
