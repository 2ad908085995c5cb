//! The survey's public page (`/survey/{token}`), which the link in an email or a
//! WhatsApp message opens: the inbox's name, the question and the same card as the
//! widget's. No sign-in: the token is the customer's.
//! The survey loads in the browser, so the page itself answers alike for any token.
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::survey_state;
use super::model::SurveyCard;
use super::survey::{Answering, SurveyCardView};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;

#[component]
pub fn SurveyPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    // Loaded in the browser (as the widget): the page is the same for every token.
    let survey = LocalResource::new(move || survey_state(token.get()));
    view! {
        <main class="survey-page">
            <Transition fallback=move || view! { <p>{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match survey.await {
                        Ok(state) => {
                            let card = SurveyCard { rating: state.rating, comment: state.comment.clone() };
                            view! {
                                <h1>{state.inbox_name.clone()}</h1>
                                <p class="survey-question">{state.question.clone()}</p>
                                <SurveyCardView card answering=Answering::Link { token } />
                            }.into_any()
                        }
                        Err(AppError::NotFound) => view! {
                            <h1>{t!(i18n, survey_title)}</h1>
                            <p role="alert" class="error">{t!(i18n, survey_not_found)}</p>
                        }.into_any(),
                        Err(err) => view! {
                            <h1>{t!(i18n, survey_title)}</h1>
                            <p role="alert" class="error">{error_text(i18n, &err)}</p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}
