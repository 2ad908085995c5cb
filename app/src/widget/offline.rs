//! What the widget says about the team (online, away, outside its hours, and when it
//! usually replies), and the card that asks a visitor for her email while nobody is
//! online, so the reply can reach her after she has gone.
use leptos::prelude::*;

use super::api::widget_email;
use super::model::{HostUser, WidgetState};
use crate::domain::offline::TeamPresence;
use crate::domain::ReplyTime;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;

#[component]
pub fn TeamStatus(state: RwSignal<Option<WidgetState>>) -> impl IntoView {
    let i18n = use_i18n();
    let presence = move || state.with(|s| s.as_ref().map(|s| s.presence));
    let line = move || {
        presence().map(|presence| match presence {
            TeamPresence::Online => t_string!(i18n, widget_team_online),
            TeamPresence::Away => t_string!(i18n, widget_team_away),
            TeamPresence::Closed => t_string!(i18n, widget_away),
        })
    };
    let reply = move || {
        state.with(|s| {
            s.as_ref().map(|s| match s.reply_time {
                ReplyTime::Minutes => t_string!(i18n, widget_reply_minutes),
                ReplyTime::Hours => t_string!(i18n, widget_reply_hours),
                ReplyTime::Day => t_string!(i18n, widget_reply_day),
            })
        })
    };
    let class = move || match presence() {
        Some(TeamPresence::Online) => "widget-team online",
        Some(TeamPresence::Closed) => "widget-team closed",
        _ => "widget-team away",
    };
    view! {
        <Show when=move || presence().is_some()>
            <p class=class>
                <span class="presence-dot" aria-hidden="true"></span>
                <span class="widget-team-line">{line}</span>
                " "
                <span class="widget-reply-time muted">{reply}</span>
            </p>
        </Show>
    }
}

#[component]
pub fn EmailCapture(
    state: RwSignal<Option<WidgetState>>,
    token: Memo<String>,
    visitor: RwSignal<Option<String>>,
    user: StoredValue<Option<HostUser>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let left = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let asking = move || {
        state.with(|s| s.as_ref().is_some_and(|s| s.ask_email && s.identified))
            && visitor.with(Option::is_some)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(v) = visitor.get_untracked() else {
            return;
        };
        let address = email.get_untracked();
        sending.set(true);
        leptos::task::spawn_local(async move {
            match widget_email(token.get_untracked(), v, address.clone(), user.get_value()).await {
                Ok(()) => {
                    error.set(None);
                    left.set(Some(address.trim().to_owned()));
                    state.update(|s| {
                        if let Some(s) = s {
                            s.ask_email = false;
                        }
                    });
                }
                Err(err) => error.set(Some(err)),
            }
            sending.set(false);
        });
    };
    view! {
        <Show when=asking>
            <form class="widget-email-capture" novalidate on:submit=submit
                aria-label=move || t_string!(i18n, widget_capture_title)>
                <p>{t!(i18n, widget_capture_help)}</p>
                <label for="widget-capture-email">{t!(i18n, widget_capture_email)}</label>
                <input id="widget-capture-email" type="email" autocomplete="email"
                    prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev)) />
                {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
                <button type="submit" class="secondary" disabled=sending>{t!(i18n, widget_capture_send)}</button>
            </form>
        </Show>
        {move || left.get().map(|address| view! {
            <p role="status" class="widget-email-left">{t_string!(i18n, widget_capture_done, email = address).to_string()}</p>
        })}
    }
}
