//! The administrators' section: each bot with its token, its signing secret and its
//! inboxes, changed or removed in place; and the form that adds one.
use leptos::prelude::*;

use super::model::{AgentBotInput, AgentBotView};
use super::{list_agent_bots, regenerate_bot_token, remove_agent_bot, save_agent_bot};
use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::model::InboxView;
use crate::ui::error_text;

fn refusal(i18n: leptos_i18n::I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { field, code }
            if field == "outgoing_url" && code == "address_not_allowed" =>
        {
            t_string!(i18n, webhook_error_address).to_string()
        }
        AppError::Validation { field, .. } if field == "outgoing_url" => {
            t_string!(i18n, webhook_error_url).to_string()
        }
        AppError::Validation { field, .. } if field == "name" => {
            t_string!(i18n, bot_error_name).to_string()
        }
        AppError::Validation { field, .. } if field == "description" => {
            t_string!(i18n, bot_error_description).to_string()
        }
        other => error_text(i18n, other),
    }
}

#[component]
pub fn BotsAdmin(inboxes: Vec<InboxView>) -> impl IntoView {
    let i18n = use_i18n();
    let inboxes = StoredValue::new(inboxes);
    let list = RwSignal::new(Vec::<AgentBotView>::new());
    let error = RwSignal::new(None::<String>);
    let load = move || {
        leptos::task::spawn_local(async move {
            match list_agent_bots().await {
                Ok(items) => list.set(items),
                Err(err) => error.set(Some(refusal(i18n, &err))),
            }
        });
    };
    Effect::new(move |_| load());
    let changed = Callback::new(move |()| {
        error.set(None);
        load()
    });
    view! {
        <section class="contact-form" aria-labelledby="bots-title">
            <h2 id="bots-title">{t!(i18n, bots_title)}</h2>
            <p class="muted">{t!(i18n, bots_help)}</p>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, bots_empty)}</p>
            </Show>
            <ul class="webhook-list">
                <For each=move || list.get() key=|b| (b.id, b.name.clone(), b.description.clone(), b.access_token.clone(), b.inbox_ids.clone(), b.outgoing_url.clone()) let:bot>
                    <BotItem bot inboxes=inboxes.get_value() on_changed=changed />
                </For>
            </ul>
            <p role="alert" class="error">{move || error.get()}</p>
            <BotForm initial=None inboxes=inboxes.get_value() on_saved=changed />
        </section>
    }
}

#[component]
fn BotItem(bot: AgentBotView, inboxes: Vec<InboxView>, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let id = bot.id;
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let run = move |removing: bool| {
        leptos::task::spawn_local(async move {
            let done = if removing {
                remove_agent_bot(id).await
            } else {
                regenerate_bot_token(id).await.map(|_| ())
            };
            match done {
                Ok(()) => on_changed.run(()),
                Err(err) => error.set(Some(refusal(i18n, &err))),
            }
        });
    };
    let connected: Vec<String> = inboxes
        .iter()
        .filter(|i| bot.inbox_ids.contains(&i.id))
        .map(|i| i.name.clone())
        .collect();
    let token_id = format!("bot-token-{id}");
    let secret_id = format!("bot-secret-{id}");
    let edited = bot.clone();
    view! {
        <li class="webhook">
            <h3>{bot.name.clone()}</h3>
            {(!bot.description.is_empty()).then(|| view! { <p>{bot.description.clone()}</p> })}
            <p class="muted mono">{bot.outgoing_url.clone()}</p>
            <p>
                {t!(i18n, bot_inboxes)}": "
                {if connected.is_empty() { t_string!(i18n, bot_inboxes_none).to_string() } else { connected.join(", ") }}
            </p>
            <div class="field">
                <label for=token_id.clone()>{t!(i18n, bot_token)}</label>
                <input id=token_id type="text" readonly class="mono" prop:value=bot.access_token.clone() />
            </div>
            <div class="field">
                <label for=secret_id.clone()>{t!(i18n, bot_secret)}</label>
                <input id=secret_id type="text" readonly class="mono" prop:value=bot.secret.clone() />
            </div>
            <div class="form-actions">
                <button type="button" aria-expanded=move || editing.get().to_string() on:click=move |_| editing.update(|e| *e = !*e)>
                    {t!(i18n, bot_edit)}
                </button>
                <button type="button" on:click=move |_| run(false)>{t!(i18n, bot_regenerate)}</button>
                <button type="button" class="danger" on:click=move |_| run(true)>{t!(i18n, bot_remove)}</button>
            </div>
            <p role="alert" class="error">{move || error.get()}</p>
            <Show when=move || editing.get()>
                <BotForm initial=Some(edited.clone()) inboxes=inboxes.clone() on_saved=on_changed />
            </Show>
        </li>
    }
}

#[component]
fn BotForm(
    initial: Option<AgentBotView>,
    inboxes: Vec<InboxView>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = initial.as_ref().map(|b| b.id);
    let prefix = id.map_or_else(|| "bot-new".to_owned(), |id| format!("bot-{id}"));
    let name = RwSignal::new(initial.as_ref().map(|b| b.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        initial
            .as_ref()
            .map(|b| b.description.clone())
            .unwrap_or_default(),
    );
    let url = RwSignal::new(
        initial
            .as_ref()
            .map(|b| b.outgoing_url.clone())
            .unwrap_or_default(),
    );
    let chosen = RwSignal::new(initial.map(|b| b.inbox_ids).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = AgentBotInput {
            name: name.get_untracked(),
            description: description.get_untracked(),
            outgoing_url: url.get_untracked(),
            inbox_ids: Some(chosen.get_untracked()),
        };
        if let Err((field, code)) = input.check() {
            error.set(Some(refusal(i18n, &AppError::validation(field, code))));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_agent_bot(id, input).await {
                Ok(_) => {
                    if id.is_none() {
                        name.set(String::new());
                        description.set(String::new());
                        url.set(String::new());
                        chosen.set(Vec::new());
                    }
                    error.set(None);
                    on_saved.run(());
                }
                Err(err) => error.set(Some(refusal(i18n, &err))),
            }
        });
    };
    let (title_id, labelled_by) = (format!("{prefix}-title"), format!("{prefix}-title"));
    let (name_id, description_id, url_id) = (
        format!("{prefix}-name"),
        format!("{prefix}-description"),
        format!("{prefix}-url"),
    );
    view! {
        <form class="stack" on:submit=submit aria-labelledby=labelled_by>
            <h3 id=title_id>{if id.is_some() { t!(i18n, bot_edit_title).into_any() } else { t!(i18n, bot_new).into_any() }}</h3>
            <div class="field">
                <label for=name_id.clone()>{t!(i18n, bot_name)}</label>
                <input id=name_id type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for=description_id.clone()>{t!(i18n, bot_description)}</label>
                <textarea id=description_id rows="2" prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for=url_id.clone()>{t!(i18n, bot_url)}</label>
                <input id=url_id type="url" inputmode="url" placeholder="https://" prop:value=move || url.get()
                    on:input=move |ev| url.set(event_target_value(&ev)) />
            </div>
            <fieldset>
                <legend>{t!(i18n, bot_inboxes)}</legend>
                {inboxes.into_iter().map(|inbox| {
                    let inbox_id = inbox.id;
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || chosen.with(|c| c.contains(&inbox_id)) on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                chosen.update(|c| {
                                    c.retain(|i| *i != inbox_id);
                                    if on { c.push(inbox_id); }
                                });
                            } />
                            {inbox.name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <p role="alert" class="error">{move || error.get()}</p>
            <div class="form-actions">
                <button type="submit" class="primary">
                    {if id.is_some() { t!(i18n, bot_save).into_any() } else { t!(i18n, bot_add).into_any() }}
                </button>
            </div>
        </form>
    }
}
