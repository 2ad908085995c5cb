//! One message as the agent sees it: sender, time, body (with mentions as chips),
//! what a channel added (email subject and quote, template, location, reaction…),
//! attachments, and the delivery state with a retry when it failed.
use leptos::prelude::*;
use leptos_router::components::A;

use super::email::{dropped_file_text, EmailHtml};
use crate::conversations::composer::Quoting;
use crate::conversations::model::{MessageExtra, MessageView, QuotedMessage, SenderKind};
use crate::conversations::retry_message;
use crate::domain::{DeliveryStatus, MessageDirection};
use crate::i18n::*;
use crate::ui::attachment::AttachmentItem;
use crate::ui::time::clock;

#[component]
pub(super) fn MessageItem(message: MessageView, conversation_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let class = match (message.direction, message.private) {
        (_, true) => "message note",
        (MessageDirection::Incoming, _) => "message incoming",
        (MessageDirection::Outgoing, _) => "message outgoing",
        (MessageDirection::Activity, _) => "message activity",
    };
    let sender = message.sender_name.clone().unwrap_or_default();
    let at = message.created_at;
    let status = message.delivery_status;
    let error = message.delivery_error.clone();
    let message_id = message.id;
    let retry = move |_| {
        leptos::task::spawn_local(async move {
            let _ = retry_message(conversation_id, message_id).await;
        });
    };
    // Stored messages a person wrote may be quoted (not activity lines, not a reply
    // still on its way).
    let quoting = use_context::<Quoting>()
        .filter(|_| message.id > 0 && message.direction != MessageDirection::Activity);
    let quoted = QuotedMessage::new(message.id, &message.body);
    let quote = move |_| {
        if let Some(Quoting(signal)) = quoting {
            signal.set(Some(quoted.clone()));
            focus_composer(conversation_id);
        }
    };
    view! {
        <li class=class data-message-id=message.id>
            <p class="meta">
                {(message.sender_kind != SenderKind::System && !sender.is_empty())
                    .then(|| view! { <span class="sender">{sender}</span> })}
                {(message.sender_kind == SenderKind::System && message.direction == MessageDirection::Outgoing)
                    .then(|| view! { <span class="bot-tag">{t!(i18n, message_automatic_tag)}</span> })}
                {(message.sender_kind == SenderKind::Bot)
                    .then(|| view! { <span class="bot-tag">{t!(i18n, message_bot_tag)}</span> })}
                {message.private.then(|| view! { <span class="note-tag">{t!(i18n, private_note)}</span> })}
                <time>{move || clock(at)}</time>
                {quoting.map(|_| view! {
                    <button type="button" class="link quote-button" on:click=quote
                        aria-label=move || t_string!(i18n, message_quote_action)>
                        {t!(i18n, message_quote)}
                    </button>
                })}
            </p>
            {message.reply_to.clone().map(|quoted| view! {
                <p class="reply-to">
                    <span class="muted">{t!(i18n, message_reply_to)}</span>" "
                    <q>{if quoted.excerpt.is_empty() { t_string!(i18n, message_reply_to_file).to_string() } else { quoted.excerpt }}</q>
                </p>
            })}
            {match message.extra.clone() {
                Some(MessageExtra::ContinuedIn { conversation_id, display_id }) => view! {
                    <p class="body">
                        {t!(i18n, continued_in)}" "
                        <A href=format!("/conversations/{conversation_id}")>{format!("#{display_id}")}</A>
                    </p>
                }.into_any(),
                Some(MessageExtra::ThreadRefused { display_id }) => view! {
                    <p class="body">{t!(i18n, email_thread_refused, n = display_id)}</p>
                }.into_any(),
                Some(MessageExtra::MailRefused { byte_size, limit_bytes }) => {
                    let size = crate::domain::attachment::human_size(byte_size);
                    let limit = crate::domain::attachment::human_size(limit_bytes);
                    view! {
                        <p class="subject"><strong>{message.body.clone()}</strong></p>
                        <p class="body refused">{t!(i18n, email_refused_too_large, size = size, limit = limit)}</p>
                    }.into_any()
                }
                Some(MessageExtra::FilesRefused { files }) => view! {
                    <p class="body">{t!(i18n, email_files_refused)}</p>
                    <ul class="refused-files">
                        {files.iter().map(|file| view! { <li>{dropped_file_text(i18n, file)}</li> }).collect_view()}
                    </ul>
                }.into_any(),
                Some(MessageExtra::Email { subject, quoted, html }) => view! {
                    <p class="subject"><strong>{subject}</strong></p>
                    {(!message.body.is_empty()).then(|| view! { <p class="body">{render_body(&message)}</p> })}
                    {quoted.map(|q| view! {
                        <details class="quoted"><summary>{t!(i18n, email_show_quoted)}</summary><pre>{q}</pre></details>
                    })}
                    {html.map(|html| view! { <EmailHtml html /> })}
                }.into_any(),
                Some(MessageExtra::Template { name, .. }) => view! {
                    <p class="template-tag">{t!(i18n, template_tag, name = name.clone())}</p>
                    <p class="body">{render_body(&message)}</p>
                }.into_any(),
                Some(MessageExtra::Location { latitude, longitude, .. }) => {
                    let map = format!("https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}#map=16/{latitude}/{longitude}");
                    view! {
                        <p class="body">{render_body(&message)}</p>
                        <p><a href=map target="_blank" rel="noopener noreferrer">{t!(i18n, message_location_open)}</a></p>
                    }.into_any()
                }
                Some(MessageExtra::Reaction { emoji, .. }) => {
                    let text = if emoji.is_empty() {
                        t_string!(i18n, message_reaction_removed).to_string()
                    } else {
                        t_string!(i18n, message_reaction, emoji = emoji.clone()).to_string()
                    };
                    view! { <p class="body reaction">{text}</p> }.into_any()
                }
                Some(MessageExtra::NumberChanged { from, to }) => view! {
                    <p class="body">{t_string!(i18n, activity_number_changed, from = from, to = to).to_string()}</p>
                }.into_any(),
                Some(MessageExtra::Referral { source_url, source_type, headline }) => {
                    let label = if source_type == "post" {
                        t_string!(i18n, message_referral_post).to_string()
                    } else {
                        t_string!(i18n, message_referral_ad).to_string()
                    };
                    let title = headline.unwrap_or_else(|| source_url.clone());
                    // Only a web address becomes a link (never `javascript:` and the like).
                    let web = source_url.starts_with("https://") || source_url.starts_with("http://");
                    view! {
                        <p class="referral muted">
                            {label}": "
                            {if web {
                                view! { <a href=source_url target="_blank" rel="noopener noreferrer">{title}</a> }.into_any()
                            } else {
                                title.into_any()
                            }}
                        </p>
                        {(!message.body.is_empty()).then(|| view! { <p class="body">{render_body(&message)}</p> })}
                    }.into_any()
                }
                Some(MessageExtra::FileComing) => view! {
                    <p class="body muted file-coming">{t!(i18n, message_file_coming)}</p>
                    {(!message.body.is_empty()).then(|| view! { <p class="body">{render_body(&message)}</p> })}
                }.into_any(),
                Some(MessageExtra::Unsupported { message_type }) => view! {
                    <p class="body unsupported">{t!(i18n, message_unsupported, kind = message_type.clone())}</p>
                    {(!message.body.is_empty()).then(|| view! { <p class="body">{render_body(&message)}</p> })}
                }.into_any(),
                Some(MessageExtra::Assigned { assignee, by }) => {
                    let text = match (assignee, by) {
                        (Some(name), Some(by)) => t_string!(i18n, activity_assigned_by, name = name, by = by).to_string(),
                        (Some(name), None) => t_string!(i18n, activity_assigned_auto, name = name).to_string(),
                        (None, Some(by)) => t_string!(i18n, activity_unassigned_by, by = by).to_string(),
                        (None, None) => t_string!(i18n, activity_unassigned_auto).to_string(),
                    };
                    view! { <p class="body">{text}</p> }.into_any()
                }
                Some(MessageExtra::TeamChanged { team, by }) => {
                    let text = match (team, by) {
                        (Some(team), Some(by)) => t_string!(i18n, activity_team_by, team = team, by = by).to_string(),
                        (Some(team), None) => t_string!(i18n, activity_team_auto, team = team).to_string(),
                        (None, Some(by)) => t_string!(i18n, activity_team_removed_by, by = by).to_string(),
                        (None, None) => t_string!(i18n, activity_team_removed_auto).to_string(),
                    };
                    view! { <p class="body">{text}</p> }.into_any()
                }
                Some(MessageExtra::HandedOff { by }) => {
                    let text = match by {
                        Some(by) => t_string!(i18n, activity_handed_off_by, by = by).to_string(),
                        None => t_string!(i18n, activity_handed_off_customer).to_string(),
                    };
                    view! { <p class="body">{text}</p> }.into_any()
                }
                Some(MessageExtra::Muted { muted, by }) => {
                    let text = match muted {
                        true => t_string!(i18n, activity_muted, by = by).to_string(),
                        false => t_string!(i18n, activity_unmuted, by = by).to_string(),
                    };
                    view! { <p class="body">{text}</p> }.into_any()
                }
                Some(MessageExtra::OutOfOffice) => view! {
                    <p class="body">{t!(i18n, activity_out_of_office)}</p>
                }.into_any(),
                Some(MessageExtra::AutomationRan { rule, actions }) => {
                    let did = actions.iter().map(|a| super::automation_line::action_text(i18n, a)).collect::<Vec<_>>().join(" · ");
                    view! { <p class="body">{t_string!(i18n, activity_automation_ran, rule = rule, actions = did).to_string()}</p> }.into_any()
                }
                Some(MessageExtra::MacroRan { name, by, actions }) => {
                    let did = actions.iter().map(|a| super::automation_line::action_text(i18n, a)).collect::<Vec<_>>().join(" · ");
                    view! { <p class="body">{t_string!(i18n, activity_macro_ran, by = by, name = name, actions = did).to_string()}</p> }.into_any()
                }
                Some(MessageExtra::MailedToVisitor { address }) => view! {
                    <p class="body">{t_string!(i18n, activity_mailed_to_visitor, address = address).to_string()}</p>
                }.into_any(),
                Some(MessageExtra::Survey { rating, .. }) => view! {
                    <p class="body">{render_body(&message)}</p>
                    <p class="survey-state muted">{match rating {
                        Some(rating) => t_string!(i18n, survey_rated, rating = rating).to_string(),
                        None => t_string!(i18n, survey_waiting).to_string(),
                    }}</p>
                }.into_any(),
                Some(MessageExtra::SurveyAnswered { rating, comment }) => {
                    let text = if comment.is_empty() {
                        t_string!(i18n, activity_survey_answered, rating = rating).to_string()
                    } else {
                        t_string!(i18n, activity_survey_answered_comment, rating = rating, comment = comment).to_string()
                    };
                    view! { <p class="body">{text}</p> }.into_any()
                }
                None if message.body.is_empty() => ().into_any(),
                None => view! { <p class="body">{render_body(&message)}</p> }.into_any(),
            }}
            {(!message.attachments.is_empty()).then(|| view! {
                <ul class="attachments">
                    {message.attachments.iter().map(|file| view! { <li><AttachmentItem url=file.url() file=file.clone() /></li> }).collect_view()}
                </ul>
            })}
            {message.reaction.clone().map(|emoji| view! {
                <p class="reaction-chip">
                    <span aria-hidden="true">{emoji.clone()}</span>
                    <span class="visually-hidden">{t_string!(i18n, message_reacted_on, emoji = emoji).to_string()}</span>
                </p>
            })}
            {status
                .map(|status| {
                    let label = move || match status {
                        DeliveryStatus::Sending => t_string!(i18n, delivery_sending),
                        DeliveryStatus::Sent => t_string!(i18n, delivery_sent),
                        DeliveryStatus::Delivered => t_string!(i18n, delivery_delivered),
                        DeliveryStatus::Read => t_string!(i18n, delivery_read),
                        DeliveryStatus::Failed => t_string!(i18n, delivery_failed),
                    };
                    view! {
                        <p class=format!("delivery delivery-{status}")>
                            {label}
                            {error.clone().map(|e| view! { <span class="delivery-error">{format!(": {}", delivery_error_text(i18n, &e))}</span> })}
                            {(status == DeliveryStatus::Failed)
                                .then(|| view! { <button type="button" class="link" on:click=retry>{t!(i18n, retry)}</button> })}
                        </p>
                    }
                })}
        </li>
    }
}

/// The composer's text box, to write the reply to a quoted message at once.
fn focus_composer(conversation_id: i64) {
    #[cfg(feature = "hydrate")]
    if let Some(el) =
        leptos::prelude::document().get_element_by_id(&format!("composer-{conversation_id}"))
    {
        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = el.focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = conversation_id;
}

/// Charla's own failure codes in words; a channel's reason (Meta's "131047 · …") as is.
fn delivery_error_text(i18n: leptos_i18n::I18nContext<Locale>, error: &str) -> String {
    match error {
        "channel_unavailable" => t_string!(i18n, delivery_error_channel).to_string(),
        "whatsapp_not_configured" => t_string!(i18n, delivery_error_whatsapp_setup).to_string(),
        "email_not_configured" => t_string!(i18n, delivery_error_email_setup).to_string(),
        "no_recipient" => t_string!(i18n, delivery_error_no_recipient).to_string(),
        other => other.to_owned(),
    }
}

/// The body as text, with mentioned teammates shown as chips.
fn render_body(message: &MessageView) -> impl IntoView {
    let mut parts: Vec<AnyView> = Vec::new();
    let mut rest = message.body.as_str();
    loop {
        let next = message
            .mentions
            .iter()
            .filter_map(|m| rest.find(&format!("@{}", m.name)).map(|at| (at, m)))
            .min_by_key(|(at, _)| *at);
        match next {
            Some((at, mention)) => {
                parts.push(rest[..at].to_owned().into_any());
                parts.push(
                    view! { <span class="mention">{format!("@{}", mention.name)}</span> }
                        .into_any(),
                );
                rest = &rest[at + mention.name.len() + 1..];
            }
            None => {
                parts.push(rest.to_owned().into_any());
                break;
            }
        }
    }
    parts
}
