//! Satisfaction surveys (CSAT, issue 31), on both databases: an inbox with the survey
//! on asks the customer once when her conversation is resolved (a reopened and
//! resolved again conversation is not asked twice); her answer from the widget is kept
//! once (a second is refused with 409 and changes nothing), shown to the agents in the
//! thread and counted in the report; a link's answer works the same; bad answers and
//! settings are refused and change nothing; an inbox without the survey asks nothing.
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::{ConversationSummary, MessageExtra, MessagePage};
use app::domain::csat::SurveyState;
use app::reports::model::Report;
use app::widget::{WidgetSent, WidgetState};

on_both_backends!(
    a_resolved_conversation_asks_once_and_keeps_one_answer,
    the_survey_link_answers_once,
    without_the_survey_nothing_is_asked,
);

async fn web_chat(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'web_chat' ORDER BY id LIMIT 1")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

pub(crate) async fn switch_on(app: &TestApp, cookie: &str, inbox: i64, question: &str) {
    let _: Value = app
        .ok(
            cookie,
            "team/save_inbox_csat",
            json!({"id": inbox, "settings": {"enabled": true, "question": question}}),
        )
        .await;
}

/// A visitor writes; an agent resolves her conversation. (visitor token, conversation)
async fn resolved_chat(app: &TestApp, cookie: &str) -> (String, i64) {
    let token = app.web_chat_token().await;
    let sent: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "¿Tenéis talla M?", "name": "Rosa", "email": null}))
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    set_status(app, cookie, conversation, "resolved").await;
    (sent.visitor, conversation)
}

pub(crate) async fn set_status(app: &TestApp, cookie: &str, conversation: i64, status: &str) {
    let _: ConversationSummary = app
        .ok(
            cookie,
            "conversations/status",
            json!({"id": conversation, "status": status, "snoozed_until": null}),
        )
        .await;
}

async fn surveys(app: &TestApp, conversation: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM csat_surveys WHERE conversation_id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn thread(app: &TestApp, cookie: &str, conversation: i64) -> MessagePage {
    app.ok(
        cookie,
        "conversations/messages",
        json!({"id": conversation, "before": null}),
    )
    .await
}

async fn a_resolved_conversation_asks_once_and_keeps_one_answer(app: TestApp) {
    let admin = app.sign_in(ADMIN).await.cookie;
    let inbox = web_chat(&app).await;
    switch_on(&app, &admin, inbox, "¿Te ayudamos bien?").await;
    let (visitor, conversation) = resolved_chat(&app, &admin).await;
    let token = app.web_chat_token().await;
    let opened: WidgetState = app
        .ok(
            "",
            "widget/open",
            json!({"token": token, "visitor": visitor}),
        )
        .await;
    let survey = opened
        .messages
        .iter()
        .find(|m| m.survey.is_some())
        .expect("the survey card");
    assert_eq!(survey.body, "¿Te ayudamos bien?");
    assert_eq!(survey.survey.as_ref().unwrap().rating, None);

    // Reopened and resolved again: still one survey.
    set_status(&app, &admin, conversation, "open").await;
    set_status(&app, &admin, conversation, "resolved").await;
    assert_eq!(surveys(&app, conversation).await, 1);

    // Someone else's visitor token finds nothing; a bad rating changes nothing.
    let rate = |visitor: &str, rating: u8| json!({"token": token, "visitor": visitor, "message_id": survey.id, "rating": rating, "comment": "  Muy amables  "});
    assert_eq!(
        app.call_json(None, "widget/rate", rate("forged-visitor", 5))
            .await
            .status(),
        404
    );
    assert!(app
        .call_json(None, "widget/rate", rate(&visitor, 6))
        .await
        .status()
        .is_client_error());
    let _: Value = app.ok("", "widget/rate", rate(&visitor, 5)).await;
    assert_eq!(
        app.call_json(None, "widget/rate", rate(&visitor, 1))
            .await
            .status(),
        409
    );
    let (rating, comment): (i64, String) =
        sqlx::query_as("SELECT rating, comment FROM csat_surveys WHERE conversation_id = $1")
            .bind(conversation)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!((rating, comment.as_str()), (5, "Muy amables"));

    // The agents read it in the thread; the survey message shows it.
    let page = thread(&app, &admin, conversation).await;
    assert!(page.items.iter().any(|m| matches!(
        &m.extra,
        Some(MessageExtra::SurveyAnswered { rating: 5, comment }) if comment == "Muy amables"
    )));
    assert!(page.items.iter().any(|m| matches!(
        &m.extra,
        Some(MessageExtra::Survey {
            rating: Some(5),
            ..
        })
    )));

    // The report counts it.
    let report: Report = app
        .ok(&admin, "reports/get", json!({"query": {"period": "Today", "scope": {"Inbox": inbox}, "business_hours": false}}))
        .await;
    let s = &report.summary;
    assert_eq!((s.csat_sent, s.csat_answered, s.csat_satisfied), (1, 1, 1));
    assert_eq!(
        (s.csat_score(), s.csat_response_rate()),
        (Some(100), Some(100))
    );
}

async fn the_survey_link_answers_once(app: TestApp) {
    let admin = app.sign_in(ADMIN).await.cookie;
    let inbox = web_chat(&app).await;
    switch_on(&app, &admin, inbox, "").await;
    let (_, conversation) = resolved_chat(&app, &admin).await;
    let token: String =
        sqlx::query_scalar("SELECT token FROM csat_surveys WHERE conversation_id = $1")
            .bind(conversation)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let state: SurveyState = app.ok("", "survey/get", json!({"token": token})).await;
    assert_eq!(
        state.question,
        app::domain::csat::DEFAULT_QUESTION,
        "the default question"
    );
    assert_eq!(state.rating, None);
    assert_eq!(
        app.call_json(None, "survey/get", json!({"token": "nope"}))
            .await
            .status(),
        404
    );
    let res = app
        .call_json(None, "survey/answer", json!({"token": token, "rating": 0}))
        .await;
    assert!(res.status().is_client_error());
    // Two answers at once: one is kept, the other refused.
    let (first, second) = tokio::join!(
        app.call_json(
            None,
            "survey/answer",
            json!({"token": token, "rating": 3, "comment": ""})
        ),
        app.call_json(
            None,
            "survey/answer",
            json!({"token": token, "rating": 3, "comment": ""})
        ),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let answered: SurveyState = app.ok("", "survey/get", json!({"token": token})).await;
    assert_eq!(answered.rating, Some(3));
    let lines: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND content_attributes LIKE '%survey_answered%'",
    )
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(lines, 1, "one line in the thread");
    let again = app
        .call_json(None, "survey/answer", json!({"token": token, "rating": 5}))
        .await;
    assert_eq!(again.status(), 409);
    let page = client()
        .get(app.url(&format!("/survey/{token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the public page, without signing in");
    // A question too long is refused and the settings stay as they were.
    let long = "x".repeat(app::domain::csat::QUESTION_MAX_CHARS + 1);
    let res = app
        .call_json(
            Some(&admin),
            "team/save_inbox_csat",
            json!({"id": inbox, "settings": {"enabled": false, "question": long}}),
        )
        .await;
    assert!(res.status().is_client_error());
    let kept: app::domain::csat::CsatSettings = app
        .ok(&admin, "team/inbox_csat", json!({"id": inbox}))
        .await;
    assert!(kept.enabled);
}

async fn without_the_survey_nothing_is_asked(app: TestApp) {
    let admin = app.sign_in(ADMIN).await.cookie;
    let (_, conversation) = resolved_chat(&app, &admin).await;
    assert_eq!(surveys(&app, conversation).await, 0);
    let page = thread(&app, &admin, conversation).await;
    assert!(!page
        .items
        .iter()
        .any(|m| matches!(&m.extra, Some(MessageExtra::Survey { .. }))));
}
