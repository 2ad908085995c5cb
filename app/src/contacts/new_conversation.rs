//! Nueva conversación (S11): Bandeja de entrada (email and WhatsApp inboxes the agent
//! works), Para (prefilled to fit the inbox), and the message: subject and body for
//! email; for WhatsApp an approved template with a field per variable and a live
//! preview (a new WhatsApp conversation cannot start with free text).
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::model::{FirstMessage, InboxChoice};
use super::{start_conversation, start_options};
use crate::domain::template::TemplateView;
use crate::domain::{ChannelKind, EmailAddress, MessageBody, PhoneNumber};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;
use crate::ui::files::UploadTarget;
use crate::ui::template_picker::{first_sendable, TemplatePicker};

#[component]
pub fn NewConversation(contact_id: i64, on_cancel: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let choices = RwSignal::new(None::<Result<Vec<InboxChoice>, AppError>>);
    leptos::task::spawn_local(async move {
        choices.set(Some(start_options(contact_id).await));
    });
    view! {
        <section class="new-conversation" aria-labelledby="new-conversation-title">
            <h2 id="new-conversation-title">{t!(i18n, new_conversation)}</h2>
            {move || match choices.get() {
                None => view! { <p>{t!(i18n, loading)}</p> }.into_any(),
                Some(Err(err)) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{t!(i18n, new_conversation_no_inbox)}</p> }.into_any(),
                Some(Ok(list)) => view! { <NewConversationForm contact_id choices=list on_cancel /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn NewConversationForm(
    contact_id: i64,
    choices: Vec<InboxChoice>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let choices = StoredValue::new(choices);
    let first = choices.with_value(|c| c[0].clone());
    let inbox = RwSignal::new(first.id);
    let to = RwSignal::new(first.to.clone().unwrap_or_default());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let template_id = RwSignal::new(first_sendable(&first.templates));
    let params = RwSignal::new(Vec::<String>::new());
    let header_file = RwSignal::new(None::<i64>);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let navigate = use_navigate();

    let choice = move || choices.with_value(|c| c.iter().find(|c| c.id == inbox.get()).cloned());
    let channel = move || choice().map(|c| c.channel);
    let template = move || -> Option<TemplateView> {
        let id = template_id.get()?;
        choice()?.templates.into_iter().find(|t| t.id == id)
    };
    // A different template needs its own variables.
    Effect::new(move |_| {
        let count = template().map(|t| t.variable_count()).unwrap_or(0);
        params.set(vec![String::new(); count]);
    });
    let on_inbox = move |ev| {
        let id = event_target_value(&ev).parse::<i64>().unwrap_or_default();
        inbox.set(id);
        let picked = choices.with_value(|c| c.iter().find(|c| c.id == id).cloned());
        to.set(
            picked
                .as_ref()
                .and_then(|c| c.to.clone())
                .unwrap_or_default(),
        );
        template_id.set(picked.and_then(|c| first_sendable(&c.templates)));
        errors.set(Vec::new());
    };
    let error_of = move |field: &'static str| {
        errors.with(|list| {
            list.iter()
                .find(|(f, _)| f == field)
                .map(|(_, code)| match code.as_str() {
                    "required" => t_string!(i18n, error_required).to_string(),
                    "too_long" => t_string!(i18n, error_too_long).to_string(),
                    "taken" => t_string!(i18n, new_conversation_to_taken).to_string(),
                    _ => t_string!(i18n, error_invalid).to_string(),
                })
        })
    };
    let check = move || -> Vec<(String, String)> {
        let mut found = Vec::new();
        let mut fail = |f: &str, c: &str| found.push((f.to_owned(), c.to_owned()));
        match channel() {
            Some(ChannelKind::Email) => {
                if let Err(e) = EmailAddress::parse(&to.get_untracked()) {
                    fail("to", e.code());
                }
                if subject.get_untracked().trim().is_empty() {
                    fail("subject", "required");
                }
                if let Err(code) = MessageBody::parse(&body.get_untracked()) {
                    fail("body", code);
                }
            }
            Some(ChannelKind::WhatsApp) => {
                if let Err(e) = PhoneNumber::plausible(&to.get_untracked()) {
                    fail("to", e.code());
                }
                match template() {
                    None => fail("template_id", "required"),
                    Some(t) => {
                        if let Some(n) = t.first_missing(&params.get_untracked()) {
                            fail(&format!("params.{n}"), "required");
                        }
                        if t.header_media.is_some() && header_file.get_untracked().is_none() {
                            fail("header_file", "required");
                        }
                    }
                }
            }
            _ => fail("inbox_id", "invalid"),
        }
        found
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        let found = check();
        failure.set(None);
        errors.set(found.clone());
        if !found.is_empty() {
            return;
        }
        let first = match channel() {
            Some(ChannelKind::Email) => FirstMessage::Email {
                subject: subject.get_untracked(),
                body: body.get_untracked(),
            },
            _ => FirstMessage::Template {
                template_id: template_id.get_untracked().unwrap_or_default(),
                params: params.get_untracked(),
                header_file: header_file.get_untracked(),
            },
        };
        let inbox_id = inbox.get_untracked();
        let recipient = to.get_untracked();
        sending.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match start_conversation(contact_id, inbox_id, recipient, first).await {
                Ok(conversation) => navigate(
                    &format!("/conversations/{}", conversation.id),
                    Default::default(),
                ),
                Err(err) => {
                    sending.set(false);
                    match err {
                        AppError::Validation { field, code } => errors.set(vec![(field, code)]),
                        AppError::Conflict { field } => errors.set(vec![(field, "taken".into())]),
                        other => failure.set(Some(error_text(i18n, &other))),
                    }
                }
            }
        });
    };
    let inbox_options = choices.with_value(|c| {
        c.iter()
            .map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> })
            .collect_view()
    });
    let invalid = move |field: &'static str| {
        if error_of(field).is_some() {
            "true"
        } else {
            "false"
        }
    };
    view! {
        <form class="stack" novalidate on:submit=submit>
            <div class="field">
                <label for="nc-inbox">{t!(i18n, new_conversation_inbox)}</label>
                <select id="nc-inbox" on:change=on_inbox prop:value=move || inbox.get().to_string()>
                    {inbox_options}
                </select>
            </div>
            <div class="field">
                <label for="nc-to">{t!(i18n, new_conversation_to)}</label>
                <input id="nc-to" type=move || if channel() == Some(ChannelKind::Email) { "email" } else { "tel" }
                    prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))
                    aria-invalid=move || invalid("to") aria-describedby="nc-to-error" />
                <p id="nc-to-error" class="field-error error">{move || error_of("to")}</p>
            </div>
            <Show when=move || channel() == Some(ChannelKind::Email)>
                <div class="field">
                    <label for="nc-subject">{t!(i18n, new_conversation_subject)}</label>
                    <input id="nc-subject" type="text" prop:value=move || subject.get()
                        on:input=move |ev| subject.set(event_target_value(&ev))
                        aria-invalid=move || invalid("subject") aria-describedby="nc-subject-error" />
                    <p id="nc-subject-error" class="field-error error">{move || error_of("subject")}</p>
                </div>
                <div class="field">
                    <label for="nc-body">{t!(i18n, new_conversation_message)}</label>
                    <textarea id="nc-body" rows="6" prop:value=move || body.get()
                        on:input=move |ev| body.set(event_target_value(&ev))
                        aria-invalid=move || invalid("body") aria-describedby="nc-body-error"></textarea>
                    <p id="nc-body-error" class="field-error error">{move || error_of("body")}</p>
                </div>
            </Show>
            <Show when=move || channel() == Some(ChannelKind::WhatsApp)>
                <TemplatePicker templates=Signal::derive(move || choice().map(|c| c.templates).unwrap_or_default()) template_id params header_file
                    header_target=Signal::derive(move || Some(UploadTarget::AgentInbox { inbox_id: inbox.get() })) errors id_prefix="nc" />
            </Show>
            <p role="alert" class="error">{move || failure.get()}</p>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || sending.get()>
                    {t!(i18n, new_conversation_send)}
                </button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, cancel)}
                </button>
            </div>
        </form>
    }
}
