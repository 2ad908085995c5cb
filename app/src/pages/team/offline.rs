//! A web-chat inbox's settings for when nobody answers (issue 31): the reply time the
//! widget promises, asking a visitor for her email, and the email inbox that mails her
//! the replies she has not read once she has left.
use leptos::prelude::*;

use crate::domain::offline::OfflineSettings;
use crate::domain::ReplyTime;
use crate::i18n::*;
use crate::inboxes::{inbox_offline, save_inbox_offline};
use crate::ui::error_text;

#[component]
pub fn OfflineForm(inbox_id: i64, email_inboxes: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let settings = RwSignal::new(OfflineSettings::default());
    let loaded = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match inbox_offline(inbox_id).await {
                Ok(stored) => {
                    settings.set(stored);
                    loaded.set(true);
                }
                Err(err) => failure.set(Some(error_text(i18n, &err))),
            }
        });
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let chosen = settings.get_untracked();
        leptos::task::spawn_local(async move {
            match save_inbox_offline(inbox_id, chosen).await {
                Ok(()) => {
                    failure.set(None);
                    saved.set(true);
                }
                Err(err) => failure.set(Some(error_text(i18n, &err))),
            }
        });
    };
    let id = |part: &str| format!("inbox-{inbox_id}-offline-{part}");
    let (reply_id, ask_id, mail_id) = (id("reply"), id("ask"), id("mail"));
    let reply_text = move |time: ReplyTime| match time {
        ReplyTime::Minutes => t_string!(i18n, offline_reply_minutes),
        ReplyTime::Hours => t_string!(i18n, offline_reply_hours),
        ReplyTime::Day => t_string!(i18n, offline_reply_day),
    };
    let options = email_inboxes
        .into_iter()
        .map(|(id, name)| {
            let value = id.to_string();
            view! {
                <option value=value.clone()
                    selected=move || settings.with(|s| s.email_inbox_id == Some(id))>{name}</option>
            }
        })
        .collect_view();
    view! {
        <details class="offline-settings">
            <summary>{t!(i18n, offline_title)}</summary>
            <form class="stack" on:submit=save>
                <p class="hint muted">{t!(i18n, offline_help)}</p>
                <div class="field">
                    <label for=reply_id.clone()>{t!(i18n, offline_reply_time)}</label>
                    <select id=reply_id disabled=move || !loaded.get()
                        on:change=move |ev| if let Some(time) = ReplyTime::parse(&event_target_value(&ev)) {
                            settings.update(|s| s.reply_time = time);
                        }>
                        {ReplyTime::ALL.iter().map(|&time| view! {
                            <option value=time.as_str() selected=move || settings.with(|s| s.reply_time == time)>
                                {move || reply_text(time)}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field checkbox">
                    <input id=ask_id.clone() type="checkbox" prop:checked=move || settings.with(|s| s.ask_email)
                        disabled=move || !loaded.get()
                        on:change=move |ev| settings.update(|s| s.ask_email = event_target_checked(&ev)) />
                    <label for=ask_id>{t!(i18n, offline_ask_email)}</label>
                </div>
                <div class="field">
                    <label for=mail_id.clone()>{t!(i18n, offline_email_inbox)}</label>
                    <select id=mail_id disabled=move || !loaded.get()
                        on:change=move |ev| {
                            let chosen = event_target_value(&ev).parse::<i64>().ok();
                            settings.update(|s| s.email_inbox_id = chosen);
                        }>
                        <option value="" selected=move || settings.with(|s| s.email_inbox_id.is_none())>
                            {t!(i18n, offline_email_none)}
                        </option>
                        {options}
                    </select>
                </div>
                {move || failure.get().map(|text| view! { <p role="alert" class="error">{text}</p> })}
                {move || saved.get().then(|| view! { <p role="status">{t!(i18n, offline_saved)}</p> })}
                <button type="submit" class="secondary" disabled=move || !loaded.get()>{t!(i18n, offline_save)}</button>
            </form>
        </details>
    }
}
