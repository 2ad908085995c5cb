//! A contact's page (S10): details with edit, the team's notes, the history of its
//! conversations (newest first, in pages; each opens the conversation), Nueva
//! conversación, and for administrators the deletion that erases everything about the
//! contact (S13).
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::form::ContactForm;
use super::labels::ContactLabels;
use super::model::{ContactDetail, ContactNote, ContactRow, HistoryPage};
use super::new_conversation::NewConversation;
use super::notes::ContactNotes;
use super::{contact_history, contact_notes, delete_contact, get_contact, merge_claimed};
use crate::attributes::{saver, AttributeModel, AttributesEditor};
use crate::conversations::inbox_state::status_text;
use crate::domain::contact::confirms_deletion;
use crate::domain::ContactInput;
use crate::i18n::*;
use crate::ui::error_text;
use crate::ui::time::{day, short};

#[component]
pub fn ContactDetailsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or_default()
    });
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            let detail = get_contact(id).await?;
            let notes = contact_notes(id).await?;
            let history = contact_history(id, None).await?;
            Ok::<_, crate::error::AppError>((detail, notes, history))
        },
    );
    view! {
        <div class="contact-page">
            <p><A href="/contacts">{t!(i18n, contacts_back)}</A></p>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((detail, notes, history)) => view! { <ContactDetails detail notes history /> }.into_any(),
                        Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Panel {
    None,
    Edit,
    NewConversation,
    Delete,
    Merge,
}

#[component]
fn ContactDetails(
    detail: ContactDetail,
    notes: Vec<ContactNote>,
    history: HistoryPage,
) -> impl IntoView {
    let i18n = use_i18n();
    let contact = RwSignal::new(detail.contact);
    let label_ids = detail.label_ids;
    let panel = RwSignal::new(Panel::None);
    let toggle = move |p: Panel| {
        panel.update(|current| *current = if *current == p { Panel::None } else { p })
    };
    let expanded = move |p: Panel| if panel.get() == p { "true" } else { "false" };
    let on_saved = Callback::new(move |row: ContactRow| {
        contact.set(row);
        panel.set(Panel::None);
    });
    let on_cancel = Callback::new(move |_| panel.set(Panel::None));
    let created = move || day(contact.with(|c| c.created_at)).1;
    let contact_id = contact.with_untracked(|c| c.id);
    view! {
        <header class="page-header">
            <h1>{move || contact.with(|c| c.display_name().to_owned())}</h1>
            <div class="page-actions">
                <button type="button" class="primary" on:click=move |_| toggle(Panel::NewConversation)
                    aria-expanded=move || expanded(Panel::NewConversation)>
                    {t!(i18n, new_conversation)}
                </button>
                <button type="button" class="secondary" on:click=move |_| toggle(Panel::Edit)
                    aria-expanded=move || expanded(Panel::Edit)>
                    {t!(i18n, contact_edit)}
                </button>
                <button type="button" class="secondary" on:click=move |_| toggle(Panel::Merge)
                    aria-expanded=move || expanded(Panel::Merge)>
                    {t!(i18n, contact_merge)}
                </button>
                {detail.can_delete.then(|| view! {
                    <button type="button" class="danger" on:click=move |_| toggle(Panel::Delete)
                        aria-expanded=move || expanded(Panel::Delete)>
                        {t!(i18n, contact_delete)}
                    </button>
                })}
            </div>
        </header>
        <dl class="contact-facts">
            <dt>{t!(i18n, contact_email)}</dt>
            <dd>{move || contact.with(|c| c.email.clone().unwrap_or_else(|| "—".into()))}</dd>
            {move || contact.with(|c| c.claimed_email.clone().filter(|_| c.email.is_none())).map(|claimed| view! {
                <dt>{t!(i18n, contact_claimed_email)}</dt>
                <dd class="unverified">{claimed} " " <MergeClaim contact_id /></dd>
            })}
            <dt>{t!(i18n, contact_phone)}</dt>
            <dd>{move || contact.with(|c| c.phone.clone().unwrap_or_else(|| "—".into()))}</dd>
            <dt>{t!(i18n, contact_company)}</dt>
            <dd>{move || contact.with(|c| c.company.clone().unwrap_or_else(|| "—".into()))}</dd>
            {move || contact.with(|c| c.identifier.clone()).map(|identifier| view! {
                <dt>{t!(i18n, contact_identifier)}</dt>
                <dd class="identifier">{identifier}</dd>
            })}
            <dt>{t!(i18n, contact_created)}</dt>
            <dd>{created}</dd>
        </dl>
        <ContactLabels contact_id initial=label_ids />
        <AttributesEditor model=AttributeModel::Contact initial=contact.with_untracked(|c| c.custom_attributes.clone())
            save=saver(move |values| super::set_contact_attributes(contact_id, values)) />
        <ContactNotes contact_id initial=notes />
        {move || match panel.get() {
            Panel::None => None,
            Panel::Edit => {
                let c = contact.get_untracked();
                let initial = ContactInput {
                    name: c.name,
                    email: c.email.unwrap_or_default(),
                    phone: c.phone.unwrap_or_default(),
                    company: c.company.unwrap_or_default(),
                };
                Some(view! { <ContactForm id=Some(contact_id) initial on_saved on_cancel /> }.into_any())
            }
            Panel::NewConversation => Some(view! { <NewConversation contact_id on_cancel /> }.into_any()),
            Panel::Delete => {
                let name = contact.with_untracked(|c| c.display_name().to_owned());
                Some(view! { <DeleteContact contact_id name on_cancel /> }.into_any())
            }
            Panel::Merge => {
                let name = contact.with_untracked(|c| c.display_name().to_owned());
                Some(view! { <super::merge::MergeContact contact_id name on_cancel /> }.into_any())
            }
        }}
        <History contact_id history />
    }
}

#[component]
fn History(contact_id: i64, history: HistoryPage) -> impl IntoView {
    let i18n = use_i18n();
    let empty = history.items.is_empty();
    let items = RwSignal::new(history.items);
    let next = RwSignal::new(history.next);
    let loading = RwSignal::new(false);
    let load_more = move |_| {
        let Some(after) = next.get_untracked() else {
            return;
        };
        loading.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(page) = contact_history(contact_id, Some(after)).await {
                items.update(|list| list.extend(page.items));
                next.set(page.next);
            }
            loading.set(false);
        });
    };
    view! {
        <section class="contact-history" aria-labelledby="history-title">
            <h2 id="history-title">{t!(i18n, contact_history)}</h2>
            {empty.then(|| view! { <p class="muted">{t!(i18n, contact_history_empty)}</p> })}
            <ul class="history-list">
                <For each=move || items.get() key=|c| (c.id, c.last_activity_at, c.status) let:c>
                    <li>
                        <A href=format!("/conversations/{}", c.id)>
                            <span class="row-top">
                                <strong>{format!("#{}", c.display_id)}</strong>
                                <span class="inbox-name">{c.inbox_name.clone()}</span>
                                <span class=format!("status status-{}", c.status)>{move || status_text(i18n, c.status)}</span>
                                <time>{move || short(c.last_activity_at)}</time>
                            </span>
                            <span class="preview">{c.last_message_preview.clone()}</span>
                        </A>
                    </li>
                </For>
            </ul>
            <Show when=move || next.with(Option::is_some)>
                <button type="button" class="secondary load-more" on:click=load_more disabled=move || loading.get()>
                    {t!(i18n, load_more)}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn DeleteContact(contact_id: i64, name: String, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let navigate = use_navigate();
    let expected = StoredValue::new(name.clone());
    let matches = move || confirms_deletion(&typed.get(), &expected.get_value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !matches() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match delete_contact(contact_id, typed.get_untracked()).await {
                Ok(()) => navigate("/contacts", Default::default()),
                Err(err) => {
                    failure.set(Some(error_text(i18n, &err)));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <form class="delete-contact stack" on:submit=submit aria-labelledby="delete-title">
            <h2 id="delete-title">{t!(i18n, contact_delete_title)}</h2>
            <p>{t!(i18n, contact_delete_warning)}</p>
            <label for="delete-confirm">{t!(i18n, contact_delete_type, name = name.clone())}</label>
            <input id="delete-confirm" type="text" autocomplete="off"
                prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
            <p role="alert" class="error">{move || failure.get()}</p>
            <div class="form-actions">
                <button type="submit" class="danger" disabled=move || !matches() || busy.get()>
                    {t!(i18n, contact_delete_confirm)}
                </button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, cancel)}
                </button>
            </div>
        </form>
    }
}

/// "Fusionar con ese contacto": the agent decides the visitor is the customer whose
/// email she typed; her conversations join that contact's page.
#[component]
fn MergeClaim(contact_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let merge = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match merge_claimed(contact_id).await {
                Ok(target) => navigate(&format!("/contacts/{target}"), Default::default()),
                Err(err) => {
                    busy.set(false);
                    failure.set(Some(match err {
                        crate::error::AppError::Validation { field, .. }
                            if field == "claimed_email" =>
                        {
                            t_string!(i18n, contact_merge_no_contact).to_string()
                        }
                        other => error_text(i18n, &other),
                    }));
                }
            }
        });
    };
    view! {
        <button type="button" class="secondary" on:click=merge disabled=move || busy.get()>
            {t!(i18n, contact_merge_claimed)}
        </button>
        {move || failure.get().map(|text| view! { <span role="alert" class="error">{text}</span> })}
    }
}
