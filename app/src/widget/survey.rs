//! The satisfaction survey as the customer sees it, in the widget (under the team's
//! question) and on the page a link by email or WhatsApp opens: five buttons (1 to 5),
//! an optional comment and "Enviar valoración"; once answered, her answer with thanks.
use leptos::prelude::*;

use super::api::{survey_answer, widget_rate};
use super::model::SurveyCard;
use crate::domain::csat::COMMENT_MAX_CHARS;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;

/// Where an answer goes: the widget's visitor (by the survey message), or a link's token.
#[derive(Clone, Copy)]
pub enum Answering {
    Widget {
        message_id: i64,
        token: Memo<String>,
        visitor: RwSignal<Option<String>>,
    },
    Link {
        token: Memo<String>,
    },
}

#[component]
pub fn SurveyCardView(card: SurveyCard, answering: Answering) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(None::<u8>);
    let comment = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let answered = RwSignal::new(card.rating.map(|r| (r, card.comment.clone())));
    let sending = RwSignal::new(false);
    let send = move || {
        let Some(rating) = chosen.get_untracked() else {
            return;
        };
        sending.set(true);
        let text = comment.get_untracked();
        leptos::task::spawn_local(async move {
            let sent = match answering {
                Answering::Widget {
                    message_id,
                    token,
                    visitor,
                } => {
                    let visitor = visitor.get_untracked().unwrap_or_default();
                    widget_rate(
                        token.get_untracked(),
                        visitor,
                        message_id,
                        rating,
                        text.clone(),
                    )
                    .await
                }
                Answering::Link { token } => {
                    survey_answer(token.get_untracked(), rating, text.clone())
                        .await
                        .map(|_| ())
                }
            };
            match sent {
                Ok(()) => answered.set(Some((rating, text.trim().to_owned()))),
                Err(err) => error.set(Some(err)),
            }
            sending.set(false);
        });
    };
    let field = match answering {
        Answering::Widget { message_id, .. } => format!("survey-comment-{message_id}"),
        Answering::Link { .. } => "survey-comment".to_owned(),
    };
    view! {
        <div class="survey-card" role="group" aria-label=move || t_string!(i18n, survey_title)>
            {move || match answered.get() {
                Some((rating, comment)) => view! {
                    <p role="status" class="survey-thanks">{t!(i18n, survey_thanks, rating = rating)}</p>
                    {(!comment.is_empty()).then(|| view! { <p class="muted">{format!("«{comment}»")}</p> })}
                }.into_any(),
                None => {
                    let field = field.clone();
                    view! {
                        <p class="muted">{t!(i18n, survey_scale)}</p>
                        <div class="survey-ratings">
                            {(1..=5u8).map(|n| view! {
                                <button type="button" class="survey-rating"
                                    aria-pressed=move || (chosen.get() == Some(n)).to_string()
                                    on:click=move |_| chosen.set(Some(n))>
                                    {n.to_string()}
                                </button>
                            }).collect_view()}
                        </div>
                        <label for=field.clone()>{t!(i18n, survey_comment)}</label>
                        <textarea id=field rows="2" maxlength=COMMENT_MAX_CHARS.to_string()
                            prop:value=move || comment.get()
                            on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                        {move || error.get().map(|err| view! { <p role="alert" class="error">{error_text(i18n, &err)}</p> })}
                        <button type="button" class="primary"
                            disabled=move || chosen.get().is_none() || sending.get()
                            on:click=move |_| send()>
                            {t!(i18n, survey_send)}
                        </button>
                    }.into_any()
                }
            }}
        </div>
    }
}
