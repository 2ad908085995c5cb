//! Contactos > Todos los contactos: search (debounced, kept in the address so Back
//! returns to it), sort by name or last activity, keyset pages, a new-contact form,
//! CSV import with its per-row report, and CSV export.
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::time::Duration;

use super::form::{field_label, field_message, ContactForm};
use super::labels::{provide_catalog, ContactLabels};
use super::list_contacts;
use super::model::{ContactPage, ContactRow, ContactSort, ImportReport};
use crate::domain::ContactInput;
use crate::i18n::*;
use crate::ui::error_text;
use crate::ui::time::short;

const SEARCH_DEBOUNCE: Duration = Duration::from_millis(250);

fn contacts_url(query: &str, sort: ContactSort) -> String {
    let mut url = String::from("/contacts");
    let mut sep = '?';
    if !query.trim().is_empty() {
        url.push_str(&format!("?q={}", crate::ui::encode_query(query.trim())));
        sep = '&';
    }
    if sort != ContactSort::Name {
        url.push_str(&format!("{sep}sort={}", sort.key()));
    }
    url
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let i18n = use_i18n();
    // One catalogue of labels for every row's chips and menu.
    provide_catalog();
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.read().get("q").unwrap_or_default());
    let sort = Memo::new(move |_| ContactSort::from_key(query_map.read().get("sort").as_deref()));
    let reload = RwSignal::new(0_u32);
    let data = Resource::new(
        move || (query.get(), sort.get(), reload.get()),
        |(query, sort, _)| list_contacts(query, sort, None),
    );
    let navigate = use_navigate();
    let typed = RwSignal::new(query.get_untracked());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let go = {
        let navigate = navigate.clone();
        move |q: String, s: ContactSort| {
            navigate(
                &contacts_url(&q, s),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            )
        }
    };
    let on_search = {
        let go = go.clone();
        move |ev| {
            let value = event_target_value(&ev);
            typed.set(value.clone());
            if let Some(handle) = pending.get_value() {
                handle.clear();
            }
            let go = go.clone();
            let handle =
                set_timeout_with_handle(move || go(value, sort.get_untracked()), SEARCH_DEBOUNCE)
                    .ok();
            pending.set_value(handle);
        }
    };
    let on_sort = move |ev| {
        let s = ContactSort::from_key(Some(&event_target_value(&ev)));
        go(typed.get_untracked(), s);
    };
    let creating = RwSignal::new(false);
    let open_contact = {
        let navigate = navigate.clone();
        Callback::new(move |row: ContactRow| {
            navigate(&format!("/contacts/{}", row.id), Default::default())
        })
    };
    view! {
        <div class="contacts">
            <header class="page-header">
                <h1>{t!(i18n, contacts_title)}</h1>
                <div class="page-actions">
                    <button type="button" class="primary" on:click=move |_| creating.set(true)
                        aria-expanded=move || if creating.get() { "true" } else { "false" }>
                        {t!(i18n, contact_new)}
                    </button>
                    <ImportButton on_imported=Callback::new(move |_| reload.update(|n| *n += 1)) />
                    <a class="button secondary" href="/api/contacts/export.csv" download="contactos.csv">
                        {t!(i18n, contacts_export)}
                    </a>
                </div>
            </header>
            <Show when=move || creating.get()>
                <ContactForm
                    id=None
                    initial=ContactInput::default()
                    on_saved=open_contact
                    on_cancel=Callback::new(move |_| creating.set(false))
                />
            </Show>
            <div class="contact-filters" role="search">
                <label for="contact-search" class="visually-hidden">{t!(i18n, contacts_search)}</label>
                <input
                    id="contact-search"
                    type="search"
                    placeholder=move || t_string!(i18n, contacts_search_placeholder)
                    prop:value=move || typed.get()
                    on:input=on_search
                    autocomplete="off"
                />
                <label for="contact-sort">{t!(i18n, contacts_sort)}</label>
                <select id="contact-sort" on:change=on_sort prop:value=move || sort.get().key()>
                    <option value="name">{t!(i18n, contacts_sort_name)}</option>
                    <option value="activity">{t!(i18n, contacts_sort_activity)}</option>
                </select>
            </div>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <ContactTable page query=query.get_untracked() sort=sort.get_untracked() /> }.into_any(),
                        Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn ContactTable(page: ContactPage, query: String, sort: ContactSort) -> impl IntoView {
    let i18n = use_i18n();
    let empty = page.items.is_empty();
    let items = RwSignal::new(page.items);
    let next = RwSignal::new(page.next);
    let loading = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let query = StoredValue::new(query);
    let load_more = move |_| {
        let Some(after) = next.get_untracked() else {
            return;
        };
        loading.set(true);
        leptos::task::spawn_local(async move {
            match list_contacts(query.get_value(), sort, Some(after)).await {
                Ok(page) => {
                    items.update(|list| list.extend(page.items));
                    next.set(page.next);
                    failure.set(None);
                }
                Err(err) => failure.set(Some(error_text(i18n, &err))),
            }
            loading.set(false);
        });
    };
    if empty {
        return view! { <p class="muted">{t!(i18n, contacts_empty)}</p> }.into_any();
    }
    view! {
        <table class="contact-table">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, contact_name)}</th>
                    <th scope="col">{t!(i18n, contact_email)}</th>
                    <th scope="col">{t!(i18n, contact_phone)}</th>
                    <th scope="col">{t!(i18n, contact_company)}</th>
                    <th scope="col">{t!(i18n, contacts_last_activity)}</th>
                    <th scope="col">{t!(i18n, labels_title)}</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || items.get() key=|row| row.id let:row>
                    <ContactLine row />
                </For>
            </tbody>
        </table>
        <Show when=move || next.with(Option::is_some)>
            <button type="button" class="secondary load-more" on:click=load_more disabled=move || loading.get()>
                {t!(i18n, load_more)}
            </button>
        </Show>
        <Show when=move || failure.with(Option::is_some)>
            <p role="alert" class="error">{move || failure.get()}</p>
        </Show>
    }
    .into_any()
}

#[component]
fn ContactLine(row: ContactRow) -> impl IntoView {
    let i18n = use_i18n();
    let at = row.last_activity_at;
    let href = format!("/contacts/{}", row.id);
    let name = row.display_name().to_owned();
    // Options, not empty strings: an empty text node would not hydrate.
    let (email, phone, company) = (row.email, row.phone, row.company);
    let (contact_id, labels, of) = (row.id, row.label_ids, name.clone());
    view! {
        <tr>
            <th scope="row">
                <A href=href>{name}</A>
            </th>
            <td data-label=move || t_string!(i18n, contact_email)>{email}</td>
            <td data-label=move || t_string!(i18n, contact_phone)>{phone}</td>
            <td data-label=move || t_string!(i18n, contact_company)>{company}</td>
            <td data-label=move || t_string!(i18n, contacts_last_activity)>{move || short(at)}</td>
            <td data-label=move || t_string!(i18n, labels_title)>
                <ContactLabels contact_id initial=labels of />
            </td>
        </tr>
    }
}

/// "Importar CSV": a labelled file input; the report lists every refused row.
#[component]
fn ImportButton(on_imported: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let report = RwSignal::new(None::<ImportReport>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            input.set_value("");
            busy.set(true);
            leptos::task::spawn_local(async move {
                match upload(file).await {
                    Ok(result) => {
                        if result.errors.is_empty() {
                            on_imported.run(());
                        }
                        failure.set(None);
                        report.set(Some(result));
                    }
                    Err(err) => {
                        report.set(None);
                        failure.set(Some(error_text(i18n, &err)));
                    }
                }
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, on_imported);
    };
    view! {
        <label class="button secondary file-button" class:busy=move || busy.get()>
            {t!(i18n, contacts_import)}
            <input type="file" accept=".csv,text/csv" class="visually-hidden" on:change=on_change />
        </label>
        <div class="import-report" aria-live="polite">
            {move || report.get().map(|r| view! { <ImportResult report=r /> })}
            {move || failure.get().map(|f| view! { <p role="alert" class="error">{f}</p> })}
        </div>
    }
}

#[component]
fn ImportResult(report: ImportReport) -> impl IntoView {
    let i18n = use_i18n();
    if report.errors.is_empty() {
        let count = report.imported;
        return view! { <p class="notice">{t!(i18n, import_done, count = count)}</p> }.into_any();
    }
    let rows = report
        .errors
        .into_iter()
        .map(|e| {
            let line = e.line;
            let message = field_message(i18n, &e.field, &e.code);
            let field = field_label(i18n, &e.field);
            view! { <li>{t!(i18n, import_row_error, line = line, field = field.clone(), message = message.clone())}</li> }
        })
        .collect_view();
    view! {
        <div role="alert" class="error">
            <p>{t!(i18n, import_refused)}</p>
            <ul>{rows}</ul>
        </div>
    }
    .into_any()
}

#[cfg(feature = "hydrate")]
async fn upload(file: web_sys::File) -> Result<ImportReport, crate::error::AppError> {
    use crate::error::AppError;
    let response = gloo_net::http::Request::post("/api/contacts/import")
        .header("content-type", "text/csv")
        .body(wasm_bindgen::JsValue::from(file))
        .map_err(|e| AppError::Transport(e.to_string()))?
        .send()
        .await
        .map_err(|e| AppError::Transport(e.to_string()))?;
    if response.ok() {
        response
            .json::<ImportReport>()
            .await
            .map_err(|e| AppError::Transport(e.to_string()))
    } else {
        Err(response
            .json::<AppError>()
            .await
            .unwrap_or(AppError::Internal))
    }
}
