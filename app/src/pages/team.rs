//! Ajustes > Equipo y bandejas (administrators): agents (create, role, deactivate) and
//! inboxes (create, rename, members). The server refuses every one of these functions to
//! agents; the page then shows that refusal.
mod inbox_extras;

use leptos::prelude::*;

use inbox_extras::{IdentitySecret, InboxRoutingSwitch};

use crate::agents::{
    create_agent, create_inbox, email_settings, rename_inbox, save_email, save_web_chat,
    save_whatsapp, set_inbox_member, sync_whatsapp_templates, team_members, test_email_connection,
    update_agent, web_chat_settings, whatsapp_settings, TeamMember,
};
use crate::canned::{list_canned, remove_canned, save_canned};
use crate::domain::email_inbox::{EmailSettingsInput, Security, ServerSettings};
use crate::domain::web_chat::WebChatSettings;
use crate::domain::whatsapp::WhatsAppSettingsInput;
use crate::domain::{ChannelKind, Role};
use crate::error::AppError;
use crate::i18n::*;
use crate::inboxes::{my_inboxes, InboxView};
use crate::ui::{error_text, role_text};
use leptos_i18n::I18nContext;

fn refusal(i18n: I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { code, .. } if code == "last_administrator" => {
            t_string!(i18n, team_last_admin).to_string()
        }
        AppError::Validation { code, .. } if code == "too_short" => {
            t_string!(i18n, password_too_short).to_string()
        }
        AppError::Validation { code, .. } if code == "address_not_allowed" => {
            t_string!(i18n, connection_not_allowed).to_string()
        }
        AppError::Validation { code, .. } if code == "host_not_allowed" => {
            t_string!(i18n, whatsapp_host_not_allowed).to_string()
        }
        other => error_text(i18n, other),
    }
}

/// A failed "Probar conexión" or template sync, in Charla's words: the code says only
/// what failed (the server's own text stays in the server's log).
fn connection_text(i18n: I18nContext<Locale>, code: &str) -> String {
    match code {
        "address_not_allowed" => t_string!(i18n, connection_not_allowed),
        "unreachable" => t_string!(i18n, connection_unreachable),
        "auth_failed" => t_string!(i18n, connection_auth_failed),
        _ => t_string!(i18n, connection_failed),
    }
    .to_string()
}

fn channel_text(i18n: I18nContext<Locale>, channel: ChannelKind) -> &'static str {
    match channel {
        ChannelKind::WebChat => t_string!(i18n, channel_web_chat),
        ChannelKind::WhatsApp => t_string!(i18n, channel_whatsapp),
        ChannelKind::Email => t_string!(i18n, channel_email),
    }
}

#[component]
pub fn TeamAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0_u32);
    let data = Resource::new(
        move || reload.get(),
        |_| async move {
            let team = team_members().await?;
            let inboxes = my_inboxes().await?;
            Ok::<_, AppError>((team, inboxes))
        },
    );
    let feedback = RwSignal::new(None::<String>);
    let refresh = Callback::new(move |result: Result<(), AppError>| {
        match result {
            Ok(()) => feedback.set(None),
            Err(err) => feedback.set(Some(refusal(i18n, &err))),
        }
        reload.update(|n| *n += 1);
    });
    view! {
        <h1>{t!(i18n, team_admin_title)}</h1>
        <p role="alert" class="error">{move || feedback.get()}</p>
        <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((team, inboxes)) => view! {
                        <AgentsSection team=team.clone() refresh />
                        <NewAgentForm refresh />
                        <InboxesSection team inboxes refresh />
                        <NewInboxForm refresh />
                        <CannedSection refresh />
                    }.into_any(),
                    Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AgentsSection(team: Vec<TeamMember>, refresh: Callback<Result<(), AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = team
        .into_iter()
        .map(|member| {
            let id = member.profile.id;
            let role = member.profile.role;
            let active = member.active;
            let name = member.profile.name.clone();
            let role_label = format!("{} — {}", t_string!(i18n, team_role), name);
            let toggle_label = if active {
                format!("{} {}", t_string!(i18n, team_deactivate), name)
            } else {
                format!("{} {}", t_string!(i18n, team_reactivate), name)
            };
            let change_role = move |ev| {
                let role = Role::parse(&event_target_value(&ev)).unwrap_or(Role::Agent);
                leptos::task::spawn_local(async move {
                    refresh.run(update_agent(id, role, active).await);
                });
            };
            let toggle = move |_| {
                leptos::task::spawn_local(async move {
                    refresh.run(update_agent(id, role, !active).await);
                });
            };
            view! {
                <tr class:inactive=!active>
                    <th scope="row">{name.clone()}</th>
                    <td>{member.profile.email.clone()}</td>
                    <td>
                        <select aria-label=role_label on:change=change_role>
                            {Role::ALL.iter().map(|r| view! {
                                <option value=r.as_str() selected=*r == role>{move || role_text(i18n, *r)}</option>
                            }).collect_view()}
                        </select>
                    </td>
                    <td>{if active { t_string!(i18n, team_active) } else { t_string!(i18n, team_inactive) }}</td>
                    <td><button type="button" class="secondary" on:click=toggle>{toggle_label}</button></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="agents-title">
            <h2 id="agents-title">{t!(i18n, team_agents)}</h2>
            <table class="contact-table team-table">
                <thead><tr>
                    <th scope="col">{t!(i18n, contact_name)}</th>
                    <th scope="col">{t!(i18n, email_label)}</th>
                    <th scope="col">{t!(i18n, team_role)}</th>
                    <th scope="col">{t!(i18n, team_state)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, team_actions)}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
fn NewAgentForm(refresh: Callback<Result<(), AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let password = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (e, n, r, p) = (
            email.get_untracked(),
            name.get_untracked(),
            role.get_untracked(),
            password.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            let result = create_agent(e, n, r, p).await.map(|_| ());
            if result.is_ok() {
                email.set(String::new());
                name.set(String::new());
                password.set(String::new());
            }
            refresh.run(result);
        });
    };
    view! {
        <form class="contact-form stack" on:submit=submit aria-labelledby="new-agent-title">
            <h2 id="new-agent-title">{t!(i18n, team_new_agent)}</h2>
            <div class="field">
                <label for="agent-email">{t!(i18n, email_label)}</label>
                <input id="agent-email" type="email" prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="agent-name">{t!(i18n, contact_name)}</label>
                <input id="agent-name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="agent-role">{t!(i18n, team_role)}</label>
                <select id="agent-role" on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Agent))>
                    <option value="agent">{t!(i18n, role_agent)}</option>
                    <option value="administrator">{t!(i18n, role_administrator)}</option>
                </select>
            </div>
            <div class="field">
                <label for="agent-password">{t!(i18n, team_initial_password)}</label>
                <input id="agent-password" type="text" autocomplete="off" prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            </div>
            <div class="form-actions">
                <button type="submit" class="primary">{t!(i18n, team_create_agent)}</button>
            </div>
        </form>
    }
}

#[component]
fn InboxesSection(
    team: Vec<TeamMember>,
    inboxes: Vec<InboxView>,
    refresh: Callback<Result<(), AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let team = StoredValue::new(team);
    let cards = inboxes
        .into_iter()
        .map(|inbox| {
            let inbox_id = inbox.id;
            let new_name = RwSignal::new(inbox.name.clone());
            let rename_label = format!("{} — {}", t_string!(i18n, team_inbox_name), inbox.name);
            let legend = format!("{} {}", t_string!(i18n, team_members_of), inbox.name);
            let rename = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let name = new_name.get_untracked();
                leptos::task::spawn_local(async move {
                    refresh.run(rename_inbox(inbox_id, name).await);
                });
            };
            let boxes = team.with_value(|team| {
                team.iter()
                    .filter(|m| m.active)
                    .map(|m| {
                        let agent_id = m.profile.id;
                        let checked = m.inboxes.contains(&inbox_id);
                        let toggle = move |ev| {
                            let member = event_target_checked(&ev);
                            leptos::task::spawn_local(async move {
                                refresh.run(set_inbox_member(inbox_id, agent_id, member).await);
                            });
                        };
                        view! {
                            <label class="checkbox">
                                <input type="checkbox" checked=checked on:change=toggle />
                                {m.profile.name.clone()}
                            </label>
                        }
                    })
                    .collect_view()
            });
            view! {
                <div class="inbox-card contact-form">
                    <h3>{inbox.name.clone()}" · "{channel_text(i18n, inbox.channel)}</h3>
                    <form class="rename" on:submit=rename>
                        <input type="text" aria-label=rename_label prop:value=move || new_name.get()
                            on:input=move |ev| new_name.set(event_target_value(&ev)) />
                        <button type="submit" class="secondary">{t!(i18n, team_rename)}</button>
                    </form>
                    <fieldset>
                        <legend>{legend}</legend>
                        {boxes}
                    </fieldset>
                    <InboxRoutingSwitch inbox_id />
                    {(inbox.channel == ChannelKind::WebChat).then(|| view! { <WebChatForm inbox_id refresh /> <IdentitySecret inbox_id /> })}
                    {(inbox.channel == ChannelKind::WhatsApp).then(|| view! { <WhatsAppForm inbox_id /> })}
                    {(inbox.channel == ChannelKind::Email).then(|| view! { <EmailForm inbox_id /> })}
                </div>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="inboxes-title">
            <h2 id="inboxes-title">{t!(i18n, team_inboxes)}</h2>
            <p class="muted">{t!(i18n, team_inboxes_help)}</p>
            {cards}
        </section>
    }
}

#[component]
fn NewInboxForm(refresh: Callback<Result<(), AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let channel = RwSignal::new(ChannelKind::WebChat);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, c) = (name.get_untracked(), channel.get_untracked());
        leptos::task::spawn_local(async move {
            let result = create_inbox(n, c).await.map(|_| ());
            if result.is_ok() {
                name.set(String::new());
            }
            refresh.run(result);
        });
    };
    view! {
        <form class="contact-form stack" on:submit=submit aria-labelledby="new-inbox-title">
            <h2 id="new-inbox-title">{t!(i18n, team_new_inbox)}</h2>
            <div class="field">
                <label for="inbox-name">{t!(i18n, team_inbox_name)}</label>
                <input id="inbox-name" type="text" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="inbox-channel">{t!(i18n, team_channel)}</label>
                <select id="inbox-channel" on:change=move |ev| channel.set(ChannelKind::parse(&event_target_value(&ev)).unwrap_or(ChannelKind::WebChat))>
                    {ChannelKind::ALL.iter().map(|c| view! { <option value=c.as_str()>{move || channel_text(i18n, *c)}</option> }).collect_view()}
                </select>
            </div>
            <div class="form-actions">
                <button type="submit" class="primary">{t!(i18n, team_create_inbox)}</button>
            </div>
        </form>
    }
}

#[component]
fn CannedSection(refresh: Callback<Result<(), AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(Vec::new());
    let load = move || {
        leptos::task::spawn_local(async move {
            if let Ok(items) = list_canned().await {
                list.set(items);
            }
        });
    };
    // Effects run only in the browser (no task spawning while rendering on the server).
    Effect::new(move |_| load());
    let code = RwSignal::new(String::new());
    let content = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (c, t) = (code.get_untracked(), content.get_untracked());
        leptos::task::spawn_local(async move {
            let result = save_canned(None, c, t).await.map(|_| ());
            if result.is_ok() {
                code.set(String::new());
                content.set(String::new());
                load();
            }
            refresh.run(result);
        });
    };
    view! {
        <section class="contact-form" aria-labelledby="canned-title">
            <h2 id="canned-title">{t!(i18n, canned_title)}</h2>
            <p class="muted">{t!(i18n, canned_help)}</p>
            <Show when=move || list.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, canned_empty)}</p>
            </Show>
            <ul class="canned-list">
                <For each=move || list.get() key=|c| c.id let:c>
                    {
                        let id = c.id;
                        let label = format!("{} /{}", t_string!(i18n, canned_remove), c.short_code);
                        view! {
                            <li>
                                <strong>{format!("/{}", c.short_code)}</strong>" "
                                <span>{c.content.clone()}</span>" "
                                <button type="button" class="link" aria-label=label on:click=move |_| {
                                    leptos::task::spawn_local(async move {
                                        let result = remove_canned(id).await;
                                        load();
                                        refresh.run(result);
                                    });
                                }>{t!(i18n, canned_remove)}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <form class="stack" on:submit=submit>
                <div class="field">
                    <label for="canned-code">{t!(i18n, canned_code)}</label>
                    <input id="canned-code" type="text" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="canned-content">{t!(i18n, canned_content)}</label>
                    <textarea id="canned-content" rows="3" prop:value=move || content.get() on:input=move |ev| content.set(event_target_value(&ev))></textarea>
                </div>
                <div class="form-actions">
                    <button type="submit" class="primary">{t!(i18n, canned_add)}</button>
                </div>
            </form>
        </section>
    }
}

/// Colour, greeting and the sites allowed to embed a web-chat inbox's widget.
#[component]
fn WebChatForm(inbox_id: i64, refresh: Callback<Result<(), AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let colour = RwSignal::new(String::new());
    let greeting = RwSignal::new(String::new());
    let origins = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(s) = web_chat_settings(inbox_id).await {
                colour.set(s.colour);
                greeting.set(s.greeting);
                origins.set(s.allowed_origins.join("\n"));
            }
        });
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let settings = WebChatSettings {
            colour: colour.get_untracked(),
            greeting: greeting.get_untracked(),
            allowed_origins: origins.get_untracked().lines().map(str::to_owned).collect(),
        };
        if let Err((field, code)) = settings.checked() {
            failure.set(Some(refusal(i18n, &AppError::validation(field, code))));
            return;
        }
        failure.set(None);
        leptos::task::spawn_local(async move {
            refresh.run(save_web_chat(inbox_id, settings).await);
        });
    };
    let id = |name: &str| format!("webchat-{inbox_id}-{name}");
    view! {
        <form class="stack web-chat-settings" on:submit=submit>
            <div class="field">
                <label for=id("colour")>{t!(i18n, webchat_colour)}</label>
                <input id=id("colour") type="color" prop:value=move || colour.get() on:input=move |ev| colour.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for=id("greeting")>{t!(i18n, webchat_greeting)}</label>
                <input id=id("greeting") type="text" prop:value=move || greeting.get() on:input=move |ev| greeting.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for=id("origins")>{t!(i18n, webchat_origins)}</label>
                <textarea id=id("origins") rows="3" prop:value=move || origins.get() on:input=move |ev| origins.set(event_target_value(&ev))></textarea>
                <p class="hint muted">{t!(i18n, webchat_origins_hint)}</p>
            </div>
            <p role="alert" class="error">{move || failure.get()}</p>
            <div class="form-actions">
                <button type="submit" class="secondary">{t!(i18n, webchat_save)}</button>
            </div>
        </form>
    }
}

/// A WhatsApp inbox's Cloud API settings. Secrets are write-only: the form shows
/// whether each is set and keeps it when its field is left empty.
#[component]
fn WhatsAppForm(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let phone_number_id = RwSignal::new(String::new());
    let business_account_id = RwSignal::new(String::new());
    let api_base_url = RwSignal::new(String::new());
    let api_version = RwSignal::new(String::new());
    let access_token = RwSignal::new(String::new());
    let app_secret = RwSignal::new(String::new());
    let verify_token = RwSignal::new(String::new());
    let stored = RwSignal::new(None::<crate::domain::whatsapp::WhatsAppSettings>);
    let feedback = RwSignal::new(None::<(bool, String)>);
    let load = move || {
        leptos::task::spawn_local(async move {
            if let Ok(s) = whatsapp_settings(inbox_id).await {
                phone_number_id.set(s.phone_number_id.clone());
                business_account_id.set(s.business_account_id.clone());
                api_base_url.set(s.api_base_url.clone());
                api_version.set(s.api_version.clone());
                stored.set(Some(s));
            }
        });
    };
    Effect::new(move |_| load());
    let field_text = move |field: &str| match field {
        "phone_number_id" => t_string!(i18n, whatsapp_phone_number_id),
        "business_account_id" => t_string!(i18n, whatsapp_business_account_id),
        "api_base_url" => t_string!(i18n, whatsapp_api_base_url),
        "api_version" => t_string!(i18n, whatsapp_api_version),
        "access_token" => t_string!(i18n, whatsapp_access_token),
        "app_secret" => t_string!(i18n, whatsapp_app_secret),
        _ => t_string!(i18n, whatsapp_verify_token),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = WhatsAppSettingsInput {
            phone_number_id: phone_number_id.get_untracked(),
            business_account_id: business_account_id.get_untracked(),
            api_base_url: api_base_url.get_untracked(),
            api_version: api_version.get_untracked(),
            access_token: access_token.get_untracked(),
            app_secret: app_secret.get_untracked(),
            verify_token: verify_token.get_untracked(),
        };
        if let Err((field, code)) = input.checked() {
            let reason = refusal(i18n, &AppError::validation(field, code));
            feedback.set(Some((false, format!("{}: {reason}", field_text(field)))));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_whatsapp(inbox_id, input).await {
                Ok(()) => {
                    access_token.set(String::new());
                    app_secret.set(String::new());
                    verify_token.set(String::new());
                    feedback.set(Some((true, t_string!(i18n, whatsapp_saved).to_string())));
                    load();
                }
                Err(AppError::Validation { field, code }) => {
                    let reason = refusal(i18n, &AppError::validation(&field, &code));
                    feedback.set(Some((false, format!("{}: {reason}", field_text(&field)))));
                }
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    let sync = move |_| {
        feedback.set(None);
        leptos::task::spawn_local(async move {
            match sync_whatsapp_templates(inbox_id).await {
                Ok(count) => {
                    feedback.set(Some((
                        true,
                        t_string!(i18n, whatsapp_synced, count = count).to_string(),
                    )));
                    load();
                }
                Err(AppError::Validation { field, code }) if field == "graph" => {
                    feedback.set(Some((
                        false,
                        format!(
                            "{}: {}",
                            t_string!(i18n, whatsapp_sync_failed),
                            connection_text(i18n, &code)
                        ),
                    )));
                }
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    let id = move |name: &str| format!("whatsapp-{inbox_id}-{name}");
    let text_field = move |name: &'static str, label: String, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id(name)>{label}</label>
                <input id=id(name) type="text" autocomplete="off" prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    let secret_field =
        move |name: &'static str,
              label: String,
              value: RwSignal<String>,
              is_set: fn(&crate::domain::whatsapp::WhatsAppSettings) -> bool| {
            let hint_id = id(&format!("{name}-hint"));
            view! {
                <div class="field">
                    <label for=id(name)>{label}</label>
                    <input id=id(name) type="password" autocomplete="new-password" prop:value=move || value.get()
                        aria-describedby=hint_id.clone()
                        on:input=move |ev| value.set(event_target_value(&ev)) />
                    <p id=hint_id class="hint muted">
                        {move || if stored.with(|s| s.as_ref().is_some_and(is_set)) {
                            t_string!(i18n, whatsapp_secret_set)
                        } else {
                            t_string!(i18n, whatsapp_secret_missing)
                        }}
                    </p>
                </div>
            }
        };
    let webhook_url = move || {
        let path = stored.with(|s| {
            s.as_ref()
                .map(|s| s.webhook_path.clone())
                .unwrap_or_default()
        });
        format!("{}{path}", page_origin())
    };
    view! {
        <form class="stack whatsapp-settings" on:submit=submit aria-label=move || t_string!(i18n, whatsapp_settings_title)>
            <h4>{t!(i18n, whatsapp_settings_title)}</h4>
            {text_field("phone_number_id", t_string!(i18n, whatsapp_phone_number_id).to_string(), phone_number_id)}
            {text_field("business_account_id", t_string!(i18n, whatsapp_business_account_id).to_string(), business_account_id)}
            {secret_field("access_token", t_string!(i18n, whatsapp_access_token).to_string(), access_token, |s| s.has_access_token)}
            {secret_field("app_secret", t_string!(i18n, whatsapp_app_secret).to_string(), app_secret, |s| s.has_app_secret)}
            {secret_field("verify_token", t_string!(i18n, whatsapp_verify_token).to_string(), verify_token, |s| s.has_verify_token)}
            {text_field("api_base_url", t_string!(i18n, whatsapp_api_base_url).to_string(), api_base_url)}
            {text_field("api_version", t_string!(i18n, whatsapp_api_version).to_string(), api_version)}
            <div class="field">
                <label for=id("webhook")>{t!(i18n, whatsapp_webhook_url)}</label>
                <input id=id("webhook") type="text" readonly prop:value=webhook_url />
            </div>
            <p class="muted">
                {move || stored.with(|s| s.as_ref().and_then(|s| s.templates_synced_at)).map(|at| {
                    t_string!(i18n, whatsapp_synced_at, at = crate::ui::time::short(at)).to_string()
                })}
            </p>
            <p role="status" class=move || if feedback.with(|f| f.as_ref().is_some_and(|f| f.0)) { "success" } else { "error" }>
                {move || feedback.get().map(|f| f.1)}
            </p>
            <div class="form-actions">
                <button type="submit" class="secondary">{t!(i18n, whatsapp_save)}</button>
                <button type="button" class="secondary" on:click=sync>{t!(i18n, whatsapp_sync)}</button>
            </div>
        </form>
    }
}

/// `https://charla.example.com`: where this page was loaded from (for the webhook URL).
fn page_origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .location()
            .origin()
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}

/// One server's fields (host, port, security, user, password) of an email inbox.
#[derive(Clone, Copy)]
struct ServerFields {
    host: RwSignal<String>,
    port: RwSignal<String>,
    security: RwSignal<Security>,
    user: RwSignal<String>,
    password: RwSignal<String>,
}

impl ServerFields {
    fn new() -> Self {
        ServerFields {
            host: RwSignal::new(String::new()),
            port: RwSignal::new(String::new()),
            security: RwSignal::new(Security::StartTls),
            user: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
        }
    }

    fn load(&self, server: &ServerSettings) {
        self.host.set(server.host.clone());
        self.port.set(if server.port == 0 {
            String::new()
        } else {
            server.port.to_string()
        });
        self.security.set(server.security);
        self.user.set(server.user.clone());
    }

    fn settings(&self) -> ServerSettings {
        ServerSettings {
            host: self.host.get_untracked(),
            port: self.port.get_untracked().trim().parse().unwrap_or(0),
            security: self.security.get_untracked(),
            user: self.user.get_untracked(),
        }
    }
}

/// An email inbox's sender, SMTP and IMAP settings, each server with "Probar conexión".
#[component]
fn EmailForm(inbox_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let from_name = RwSignal::new(String::new());
    let from_address = RwSignal::new(String::new());
    let mailbox = RwSignal::new(String::new());
    let poll = RwSignal::new(String::new());
    let smtp = ServerFields::new();
    let imap = ServerFields::new();
    let stored = RwSignal::new(None::<crate::domain::email_inbox::EmailSettings>);
    let feedback = RwSignal::new(None::<(bool, String)>);
    let load = move || {
        leptos::task::spawn_local(async move {
            if let Ok(s) = email_settings(inbox_id).await {
                from_name.set(s.from_name.clone());
                from_address.set(s.from_address.clone());
                mailbox.set(s.imap_mailbox.clone());
                poll.set(s.poll_interval_secs.to_string());
                smtp.load(&s.smtp);
                imap.load(&s.imap);
                stored.set(Some(s));
            }
        });
    };
    Effect::new(move |_| load());
    let email_field_text = move |field: &str| -> String {
        let (server, name) = match field.split_once('.') {
            Some(("smtp", rest)) => (Some(t_string!(i18n, email_smtp)), rest),
            Some(("imap", rest)) => (Some(t_string!(i18n, email_imap)), rest),
            _ => (None, field),
        };
        let name = match name {
            "from_name" => t_string!(i18n, email_from_name),
            "from_address" => t_string!(i18n, email_from_address),
            "host" => t_string!(i18n, email_host),
            "port" => t_string!(i18n, email_port),
            "user" => t_string!(i18n, email_user),
            "smtp_password" | "imap_password" => t_string!(i18n, email_password),
            "imap_mailbox" => t_string!(i18n, email_mailbox),
            _ => t_string!(i18n, email_poll),
        };
        match server {
            Some(server) => format!("{server} · {name}"),
            None => name.to_string(),
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = EmailSettingsInput {
            from_name: from_name.get_untracked(),
            from_address: from_address.get_untracked(),
            smtp: smtp.settings(),
            smtp_password: smtp.password.get_untracked(),
            imap: imap.settings(),
            imap_password: imap.password.get_untracked(),
            imap_mailbox: mailbox.get_untracked(),
            poll_interval_secs: poll.get_untracked().trim().parse().unwrap_or(0),
        };
        if let Err((field, code)) = input.checked() {
            let reason = refusal(i18n, &AppError::validation(field, code));
            feedback.set(Some((
                false,
                format!("{}: {reason}", email_field_text(field)),
            )));
            return;
        }
        leptos::task::spawn_local(async move {
            match save_email(inbox_id, input).await {
                Err(AppError::Validation { field, code }) => {
                    let reason = refusal(i18n, &AppError::validation(&field, &code));
                    feedback.set(Some((
                        false,
                        format!("{}: {reason}", email_field_text(&field)),
                    )));
                }
                Ok(()) => {
                    smtp.password.set(String::new());
                    imap.password.set(String::new());
                    feedback.set(Some((true, t_string!(i18n, email_saved).to_string())));
                    load();
                }
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    let test = move |server: &'static str| {
        feedback.set(Some((true, t_string!(i18n, email_testing).to_string())));
        leptos::task::spawn_local(async move {
            match test_email_connection(inbox_id, server.to_owned()).await {
                Ok(()) => feedback.set(Some((
                    true,
                    t_string!(i18n, email_test_ok, server = server.to_uppercase()).to_string(),
                ))),
                Err(AppError::Validation { code, .. }) => feedback.set(Some((
                    false,
                    format!(
                        "{}: {}",
                        t_string!(i18n, email_test_failed, server = server.to_uppercase()),
                        connection_text(i18n, &code)
                    ),
                ))),
                Err(err) => feedback.set(Some((false, refusal(i18n, &err)))),
            }
        });
    };
    let id = move |name: &str| format!("email-{inbox_id}-{name}");
    let field =
        move |name: &'static str, label: String, value: RwSignal<String>, kind: &'static str| {
            view! {
                <div class="field">
                    <label for=id(name)>{label}</label>
                    <input id=id(name) type=kind autocomplete="off" prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev)) />
                </div>
            }
        };
    let server_fields = move |prefix: &'static str,
                              legend: String,
                              fields: ServerFields,
                              has_password: fn(
        &crate::domain::email_inbox::EmailSettings,
    ) -> bool| {
        let security_id = id(&format!("{prefix}-security"));
        let hint_id = id(&format!("{prefix}-password-hint"));
        view! {
            <fieldset class="stack">
                <legend>{legend}</legend>
                {field(if prefix == "smtp" { "smtp-host" } else { "imap-host" }, t_string!(i18n, email_host).to_string(), fields.host, "text")}
                {field(if prefix == "smtp" { "smtp-port" } else { "imap-port" }, t_string!(i18n, email_port).to_string(), fields.port, "number")}
                <div class="field">
                    <label for=security_id.clone()>{t!(i18n, email_security)}</label>
                    <select id=security_id prop:value=move || fields.security.get().as_str()
                        on:change=move |ev| fields.security.set(Security::parse(&event_target_value(&ev)).unwrap_or_default())>
                        <option value="none">{t!(i18n, email_security_none)}</option>
                        <option value="starttls">"STARTTLS"</option>
                        <option value="tls">"TLS"</option>
                    </select>
                </div>
                {field(if prefix == "smtp" { "smtp-user" } else { "imap-user" }, t_string!(i18n, email_user).to_string(), fields.user, "text")}
                <div class="field">
                    <label for=id(&format!("{prefix}-password"))>{t!(i18n, email_password)}</label>
                    <input id=id(&format!("{prefix}-password")) type="password" autocomplete="new-password"
                        aria-describedby=hint_id.clone() prop:value=move || fields.password.get()
                        on:input=move |ev| fields.password.set(event_target_value(&ev)) />
                    <p id=hint_id class="hint muted">
                        {move || if stored.with(|s| s.as_ref().is_some_and(has_password)) {
                            t_string!(i18n, whatsapp_secret_set)
                        } else {
                            t_string!(i18n, whatsapp_secret_missing)
                        }}
                    </p>
                </div>
                <button type="button" class="secondary" on:click=move |_| test(prefix)>
                    {if prefix == "smtp" { t_string!(i18n, email_test_smtp) } else { t_string!(i18n, email_test_imap) }}
                </button>
            </fieldset>
        }
    };
    view! {
        <form class="stack email-settings" on:submit=submit aria-label=move || t_string!(i18n, email_settings_title)>
            <h4>{t!(i18n, email_settings_title)}</h4>
            {field("from-name", t_string!(i18n, email_from_name).to_string(), from_name, "text")}
            {field("from-address", t_string!(i18n, email_from_address).to_string(), from_address, "email")}
            {server_fields("smtp", t_string!(i18n, email_smtp).to_string(), smtp, |s| s.has_smtp_password)}
            {server_fields("imap", t_string!(i18n, email_imap).to_string(), imap, |s| s.has_imap_password)}
            {field("mailbox", t_string!(i18n, email_mailbox).to_string(), mailbox, "text")}
            {field("poll", t_string!(i18n, email_poll).to_string(), poll, "number")}
            <p role="status" class=move || if feedback.with(|f| f.as_ref().is_some_and(|f| f.0)) { "success" } else { "error" }>
                {move || feedback.get().map(|f| f.1)}
            </p>
            <div class="form-actions">
                <button type="submit" class="secondary">{t!(i18n, email_save)}</button>
            </div>
        </form>
    }
}
