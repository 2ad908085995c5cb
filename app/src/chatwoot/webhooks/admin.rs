//! The administrators' section: each webhook with its events, its signing secret, its
//! delivery log and removal; and the form that adds one.
use leptos::prelude::*;

use super::model::{DeliveryState, DeliveryView, WebhookInput, WebhookView, EVENTS};
use super::{list_webhooks, remove_webhook, save_webhook, webhook_deliveries};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;

fn refusal(i18n: leptos_i18n::I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { field, code } if field == "url" && code == "address_not_allowed" => {
            t_string!(i18n, webhook_error_address).to_string()
        }
        AppError::Validation { field, .. } if field == "url" => {
            t_string!(i18n, webhook_error_url).to_string()
        }
        AppError::Validation { field, .. } if field == "subscriptions" => {
            t_string!(i18n, webhook_error_events).to_string()
        }
        AppError::Conflict { .. } => t_string!(i18n, webhook_error_taken).to_string(),
        other => error_text(i18n, other),
    }
}

#[component]
pub fn WebhooksAdmin() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(Vec::<WebhookView>::new());
    let error = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match list_webhooks().await {
                Ok(items) => list.set(items),
                Err(err) => error.set(Some(refusal(i18n, &err))),
            }
        });
    };
    Effect::new(move |_| load());
    view! {
        <section class="contact-form" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">{t!(i18n, webhooks_title)}</h2>
            <p class="muted">{t!(i18n, webhooks_help)}</p>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, webhooks_empty)}</p>
            </Show>
            <ul class="webhook-list">
                <For each=move || list.get() key=|w| (w.id, w.url.clone(), w.subscriptions.clone()) let:hook>
                    <WebhookItem hook on_removed=Callback::new(move |()| load()) />
                </For>
            </ul>
            <p role="alert" class="error">{move || error.get()}</p>
            <NewWebhookForm on_saved=Callback::new(move |()| { error.set(None); load() }) />
        </section>
    }
}

#[component]
fn WebhookItem(hook: WebhookView, on_removed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = hook.id;
    let shown = RwSignal::new(false);
    let log = RwSignal::new(None::<Result<Vec<DeliveryView>, String>>);
    let fetch = move || {
        leptos::task::spawn_local(async move {
            log.set(Some(
                webhook_deliveries(id)
                    .await
                    .map_err(|e| error_text(i18n, &e)),
            ));
        });
    };
    let toggle = move |_| {
        let open = !shown.get_untracked();
        shown.set(open);
        if open {
            fetch();
        }
    };
    let remove = move |_| {
        leptos::task::spawn_local(async move {
            if remove_webhook(id).await.is_ok() {
                on_removed.run(());
            }
        });
    };
    let title = if hook.name.is_empty() {
        hook.url.clone()
    } else {
        hook.name.clone()
    };
    let secret_id = format!("webhook-secret-{id}");
    view! {
        <li class="webhook">
            <h3>{title}</h3>
            <p class="muted mono">{hook.url.clone()}</p>
            <p>
                {t!(i18n, webhook_events)}": "
                {hook.subscriptions.iter().map(|e| view! { <code>{e.clone()}</code>" " }).collect_view()}
            </p>
            <Show when=move || hook.include_private>
                <p class="muted">{t!(i18n, webhook_private)}</p>
            </Show>
            <div class="field">
                <label for=secret_id.clone()>{t!(i18n, webhook_secret)}</label>
                <input id=secret_id type="text" readonly class="mono" prop:value=hook.secret.clone() />
            </div>
            <div class="form-actions">
                <button type="button" aria-expanded=move || shown.get().to_string() on:click=toggle>
                    {move || if shown.get() { t_string!(i18n, webhook_log_hide) } else { t_string!(i18n, webhook_log_show) }}
                </button>
                <button type="button" on:click=move |_| fetch() disabled=move || !shown.get()>{t!(i18n, webhook_log_refresh)}</button>
                <button type="button" class="danger" on:click=remove>{t!(i18n, webhook_remove)}</button>
            </div>
            <Show when=move || shown.get()>
                {move || match log.get() {
                    None => view! { <p>{t!(i18n, loading)}</p> }.into_any(),
                    Some(Err(text)) => view! { <p role="alert" class="error">{text}</p> }.into_any(),
                    Some(Ok(lines)) if lines.is_empty() => view! { <p class="muted">{t!(i18n, webhook_log_empty)}</p> }.into_any(),
                    Some(Ok(lines)) => view! { <DeliveryLog lines /> }.into_any(),
                }}
            </Show>
        </li>
    }
}

#[component]
fn DeliveryLog(lines: Vec<DeliveryView>) -> impl IntoView {
    let i18n = use_i18n();
    let state_text = move |state: DeliveryState| match state {
        DeliveryState::Pending => t_string!(i18n, webhook_state_pending),
        DeliveryState::Delivered => t_string!(i18n, webhook_state_delivered),
        DeliveryState::Failed => t_string!(i18n, webhook_state_failed),
    };
    view! {
        <table class="delivery-log">
            <caption>{t!(i18n, webhook_log_title)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, webhook_log_event)}</th>
                    <th scope="col">{t!(i18n, webhook_log_state)}</th>
                    <th scope="col">{t!(i18n, webhook_log_attempts)}</th>
                    <th scope="col">{t!(i18n, webhook_log_answer)}</th>
                </tr>
            </thead>
            <tbody>
                {lines.into_iter().map(|line| view! {
                    <tr>
                        <td><code>{line.event}</code></td>
                        <td>{state_text(line.state)}</td>
                        <td>{line.attempts}</td>
                        <td>{line.last_status.map(|s| s.to_string()).or(line.last_error).unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn NewWebhookForm(on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec!["message_created".to_owned()]);
    let private = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = WebhookInput {
            name: name.get_untracked(),
            url: url.get_untracked(),
            subscriptions: chosen.get_untracked(),
            include_private: private.get_untracked(),
        };
        if let Err((field, code)) = input.check() {
            error.set(Some(refusal(i18n, &AppError::validation(field, code))));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_webhook(None, input).await {
                Ok(_) => {
                    name.set(String::new());
                    url.set(String::new());
                    error.set(None);
                    on_saved.run(());
                }
                Err(err) => error.set(Some(refusal(i18n, &err))),
            }
        });
    };
    view! {
        <form class="stack" on:submit=submit aria-labelledby="webhook-new-title">
            <h3 id="webhook-new-title">{t!(i18n, webhook_new)}</h3>
            <div class="field">
                <label for="webhook-name">{t!(i18n, webhook_name)}</label>
                <input id="webhook-name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="webhook-url">{t!(i18n, webhook_url)}</label>
                <input id="webhook-url" type="url" inputmode="url" placeholder="https://" prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev)) />
            </div>
            <fieldset>
                <legend>{t!(i18n, webhook_events)}</legend>
                {EVENTS.iter().map(|event| {
                    let event = event.to_string();
                    let key = event.clone();
                    let checked = move || chosen.with(|c| c.contains(&key));
                    let toggle_key = event.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=checked on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|e| *e != toggle_key);
                                    if on { c.push(toggle_key.clone()); }
                                });
                            } />
                            <code>{event}</code>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label class="check">
                <input type="checkbox" prop:checked=move || private.get() on:change=move |ev| private.set(event_target_checked(&ev)) />
                {t!(i18n, webhook_include_private)}
            </label>
            <p role="alert" class="error">{move || error.get()}</p>
            <div class="form-actions">
                <button type="submit" class="primary">{t!(i18n, webhook_add)}</button>
            </div>
        </form>
    }
}
