//! Mi perfil > Notificaciones: push on or off in this browser, and for each kind of
//! notification whether it comes by push, by email, with a sound.
mod browser;

use leptos::prelude::*;

use super::model::{KindPrefs, NotificationKind, NotificationPrefs, Ways};
use super::{get_notification_prefs, push_subscribe, push_unsubscribe, save_notification_prefs};
use crate::i18n::*;
use crate::ui::error_text;
use browser::PushRefusal;

#[component]
pub fn NotificationSettings() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| get_notification_prefs());
    view! {
        <section class="contact-form stack" aria-labelledby="notify-title">
            <h2 id="notify-title">{t!(i18n, notify_settings_title)}</h2>
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(prefs) => view! { <PushSwitch prefs=prefs.clone() /><KindsForm prefs /> }.into_any(),
                        Err(err) => view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Where push stands in this browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Here {
    Checking,
    Unsupported,
    Off,
    On,
    Refused(PushRefusal),
}

#[component]
fn PushSwitch(prefs: NotificationPrefs) -> impl IntoView {
    let i18n = use_i18n();
    let here = RwSignal::new(Here::Checking);
    let busy = RwSignal::new(false);
    let known = prefs.endpoints.clone();
    // In the browser only: what this browser holds, and whether the server has it.
    Effect::new(move |_| {
        let known = known.clone();
        leptos::task::spawn_local(async move {
            if !browser::supported() {
                here.set(Here::Unsupported);
                return;
            }
            let held = browser::current_endpoint().await;
            here.set(match held {
                Some(endpoint) if known.contains(&endpoint) => Here::On,
                _ => Here::Off,
            });
        });
    });
    let key = prefs.push_key.clone();
    let turn_on = move |_| {
        let key = key.clone();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let outcome = match browser::subscribe(&key).await {
                Ok(subscription) => match push_subscribe(subscription).await {
                    Ok(()) => Here::On,
                    Err(_) => Here::Refused(PushRefusal::Failed),
                },
                Err(refusal) => Here::Refused(refusal),
            };
            here.set(outcome);
            busy.set(false);
        });
    };
    let turn_off = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            if let Some(endpoint) = browser::unsubscribe().await {
                let _ = push_unsubscribe(endpoint).await;
            }
            here.set(Here::Off);
            busy.set(false);
        });
    };
    let status = move || match here.get() {
        Here::Checking => String::new(),
        Here::Unsupported | Here::Refused(PushRefusal::Unsupported) => {
            t_string!(i18n, notify_push_unsupported).to_string()
        }
        Here::Off => t_string!(i18n, notify_push_off).to_string(),
        Here::On => t_string!(i18n, notify_push_on).to_string(),
        Here::Refused(PushRefusal::Denied) => t_string!(i18n, notify_push_denied).to_string(),
        Here::Refused(PushRefusal::Failed) => t_string!(i18n, notify_push_failed).to_string(),
    };
    let can_turn_on = move || {
        matches!(
            here.get(),
            Here::Off | Here::Refused(PushRefusal::Denied | PushRefusal::Failed)
        )
    };
    view! {
        <div class="push-switch">
            <p role="status">{status}</p>
            <Show when=can_turn_on>
                <button type="button" class="primary" disabled=move || busy.get() on:click=turn_on.clone()>
                    {t!(i18n, notify_push_turn_on)}
                </button>
            </Show>
            <Show when=move || here.get() == Here::On>
                <button type="button" disabled=move || busy.get() on:click=turn_off>
                    {t!(i18n, notify_push_turn_off)}
                </button>
            </Show>
        </div>
    }
}

#[component]
fn KindsForm(prefs: NotificationPrefs) -> impl IntoView {
    let i18n = use_i18n();
    let email_available = prefs.email_available;
    let lines: Vec<(NotificationKind, RwSignal<Ways>)> = NotificationKind::ALL
        .into_iter()
        .map(|kind| (kind, RwSignal::new(prefs.ways(kind))))
        .collect();
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let chosen = lines.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let kinds: Vec<KindPrefs> = chosen
            .iter()
            .map(|(kind, ways)| KindPrefs {
                kind: *kind,
                ways: ways.get_untracked(),
            })
            .collect();
        leptos::task::spawn_local(async move {
            outcome.set(Some(
                save_notification_prefs(kinds)
                    .await
                    .map_err(|err| error_text(i18n, &err)),
            ));
        });
    };
    let rows = lines
        .into_iter()
        .map(|(kind, ways)| {
            let name = kind_name(i18n, kind);
            let boxed = move |way: &'static str, label: String, enabled: bool| {
                let id = format!("notify-{}-{way}", kind.as_str());
                let get = move |w: Ways| match way {
                    "push" => w.push,
                    "email" => w.email,
                    _ => w.sound,
                };
                view! {
                    <span class="check">
                        <input
                            type="checkbox"
                            id=id.clone()
                            disabled=!enabled
                            prop:checked=move || get(ways.get())
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ways.update(|w| match way {
                                    "push" => w.push = on,
                                    "email" => w.email = on,
                                    _ => w.sound = on,
                                });
                            }
                        />
                        <label for=id>{label}</label>
                    </span>
                }
            };
            view! {
                <fieldset class="notify-kind">
                    <legend>{name}</legend>
                    {boxed("push", t_string!(i18n, notify_way_push).to_string(), true)}
                    {kind.emails().then(|| boxed("email", t_string!(i18n, notify_way_email).to_string(), email_available))}
                    {boxed("sound", t_string!(i18n, notify_way_sound).to_string(), true)}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <form class="stack" on:submit=submit aria-label=move || t_string!(i18n, notify_settings_title)>
            {rows}
            {(!email_available).then(|| view! { <p class="muted">{t!(i18n, notify_email_unavailable)}</p> })}
            <p role="status">{move || matches!(outcome.get(), Some(Ok(()))).then(|| t_string!(i18n, notify_saved))}</p>
            <p role="alert" class="error">{move || outcome.get().and_then(|o| o.err())}</p>
            <div class="form-actions">
                <button type="submit" class="primary">{t!(i18n, notify_save)}</button>
            </div>
        </form>
    }
}

fn kind_name(i18n: leptos_i18n::I18nContext<Locale>, kind: NotificationKind) -> String {
    match kind {
        NotificationKind::Mention => t_string!(i18n, notify_pref_mention),
        NotificationKind::Assigned => t_string!(i18n, notify_pref_assigned),
        NotificationKind::NewConversation => t_string!(i18n, notify_pref_new_conversation),
        NotificationKind::CustomerReply => t_string!(i18n, notify_pref_customer_reply),
    }
    .to_string()
}
