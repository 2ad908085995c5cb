//! The contact form (create and edit): the shared rules give instant field errors;
//! the server's answer (invalid phone for the numbering plan, email or phone already
//! used by another contact) lands on the same fields.
use leptos::prelude::*;

use super::model::ContactRow;
use super::save_contact;
use crate::domain::contact::EMAIL_OR_PHONE;
use crate::domain::{ContactInput, FieldError};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;
use leptos_i18n::I18nContext;

pub fn field_message(i18n: I18nContext<Locale>, field: &str, code: &str) -> String {
    match (field, code) {
        (_, EMAIL_OR_PHONE) => t_string!(i18n, contact_email_or_phone).to_string(),
        ("email", "taken") => t_string!(i18n, contact_email_taken).to_string(),
        ("phone", "taken") => t_string!(i18n, contact_phone_taken).to_string(),
        ("email", "invalid") => t_string!(i18n, contact_email_invalid).to_string(),
        ("phone", "invalid") => t_string!(i18n, contact_phone_invalid).to_string(),
        (_, "too_long") => t_string!(i18n, error_too_long).to_string(),
        (_, "duplicate_in_file") => t_string!(i18n, import_duplicate).to_string(),
        (_, "missing_columns") => t_string!(i18n, import_missing_columns).to_string(),
        (_, "too_large") => t_string!(i18n, import_too_large).to_string(),
        (_, "too_many_rows") => t_string!(i18n, import_too_many_rows).to_string(),
        (_, "not_utf8") | (_, "invalid_csv") => t_string!(i18n, import_unreadable).to_string(),
        (_, "required") => t_string!(i18n, error_required).to_string(),
        _ => t_string!(i18n, error_invalid).to_string(),
    }
}

/// The name of a form field in the current language.
pub fn field_label(i18n: I18nContext<Locale>, field: &str) -> String {
    match field {
        "name" => t_string!(i18n, contact_name).to_string(),
        "email" => t_string!(i18n, contact_email).to_string(),
        "phone" => t_string!(i18n, contact_phone).to_string(),
        "company" => t_string!(i18n, contact_company).to_string(),
        _ => t_string!(i18n, import_file).to_string(),
    }
}

/// The server's refusal as field errors (or a general one).
fn server_errors(err: &AppError) -> Option<Vec<FieldError>> {
    match err {
        AppError::Validation { field, code } => Some(vec![FieldError::new(field, code)]),
        AppError::Conflict { field } => Some(vec![FieldError::new(field, "taken")]),
        _ => None,
    }
}

#[component]
fn Field(
    id: &'static str,
    field: &'static str,
    label: String,
    kind: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = move || {
        errors.with(|list| {
            list.iter()
                .find(|e| e.field == field && e.code != EMAIL_OR_PHONE)
                .map(|e| field_message(i18n, field, &e.code))
        })
    };
    let invalid = move || errors.with(|list| list.iter().any(|e| e.field == field));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = if hint.is_some() {
        format!("{error_id} {hint_id}")
    } else {
        error_id.clone()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                name=field
                type=kind
                autocomplete=autocomplete
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || if invalid() { "true" } else { "false" }
                aria-describedby=described
            />
            {hint.map(|h| view! { <p id=hint_id class="hint muted">{h}</p> })}
            <p id=error_id class="field-error error">{error}</p>
        </div>
    }
}

#[component]
pub fn ContactForm(
    /// `None` creates a contact.
    id: Option<i64>,
    initial: ContactInput,
    on_saved: Callback<ContactRow>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(initial.name);
    let email = RwSignal::new(initial.email);
    let phone = RwSignal::new(initial.phone);
    let company = RwSignal::new(initial.company);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let input = move || ContactInput {
        name: name.get_untracked(),
        email: email.get_untracked(),
        phone: phone.get_untracked(),
        company: company.get_untracked(),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        let input = input();
        let found = input.check();
        failure.set(None);
        errors.set(found.clone());
        if !found.is_empty() {
            return;
        }
        saving.set(true);
        leptos::task::spawn_local(async move {
            let result = save_contact(id, input).await;
            saving.set(false);
            match result {
                Ok(row) => on_saved.run(row),
                Err(err) => match server_errors(&err) {
                    Some(list) => errors.set(list),
                    None => failure.set(Some(error_text(i18n, &err))),
                },
            }
        });
    };
    let needs_email_or_phone =
        move || errors.with(|list| list.iter().any(|e| e.code == EMAIL_OR_PHONE));
    let title = if id.is_some() {
        t_string!(i18n, contact_edit_title)
    } else {
        t_string!(i18n, contact_new_title)
    };
    view! {
        <form class="contact-form stack" novalidate on:submit=submit aria-labelledby="contact-form-title">
            <h2 id="contact-form-title">{title}</h2>
            <Field id="contact-name" field="name" label=t_string!(i18n, contact_name).to_string()
                kind="text" value=name errors autocomplete="name" />
            <Field id="contact-email" field="email" label=t_string!(i18n, contact_email).to_string()
                kind="email" value=email errors autocomplete="email" />
            <Field id="contact-phone" field="phone" label=t_string!(i18n, contact_phone).to_string()
                kind="tel" value=phone errors autocomplete="tel"
                hint=t_string!(i18n, contact_phone_hint).to_string() />
            <Field id="contact-company" field="company" label=t_string!(i18n, contact_company).to_string()
                kind="text" value=company errors autocomplete="organization" />
            <p role="alert" class="error">
                {move || needs_email_or_phone().then(|| t_string!(i18n, contact_email_or_phone))}
                {move || failure.get()}
            </p>
            <div class="form-actions">
                <button type="submit" class="primary" disabled=move || saving.get()>
                    {t!(i18n, contact_save)}
                </button>
                <button type="button" class="secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, cancel)}
                </button>
            </div>
        </form>
    }
}
