//! When nobody answers a website visitor (issue 31), on both databases: her widget
//! says whether the team is online, away or outside its hours and when it usually
//! replies; it asks for her email while nobody is online, and a bad one is refused
//! and changes nothing; the replies she has not read are mailed to her through the
//! email inbox her web-chat inbox names (the real SMTP server on loopback), agents see
//! a line saying so, and her answer by email comes back into the chat. Read replies
//! and visitors without an address get no mail.
use serde_json::{json, Value};
use std::time::Duration;

use crate::email::{address, configure, customer_sends, mail_servers, read_mailbox, SMTP_PORT};
use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::MessageView;
use app::domain::offline::TeamPresence;
use app::domain::ReplyTime;
use app::widget::{WidgetSent, WidgetState};

on_both_backends!(
    the_widget_says_who_answers_and_when,
    offline_settings_are_checked,
    a_visitor_leaves_her_email,
    unread_replies_are_mailed_and_her_answer_comes_back,
);

/// With the server's own worker waiting an hour, so the test's pass is the only one.
mod read_replies_and_unknown_addresses_get_no_mail {
    use crate::helpers::{spawn_app_with, Backend};

    async fn run(backend: Backend) {
        if let Some(app) = spawn_app_with(backend, |c| c.widget_email_after_secs = 3600).await {
            super::read_replies_and_unknown_addresses_get_no_mail(app).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(Backend::Postgres).await;
    }
}

async fn web_chat_inbox(app: &TestApp) -> (i64, String) {
    let token = app.web_chat_token().await;
    let id = sqlx::query_scalar("SELECT id FROM inboxes WHERE web_token = $1")
        .bind(&token)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    (id, token)
}

async fn open(app: &TestApp, token: &str, visitor: Option<&str>) -> WidgetState {
    app.ok(
        "",
        "widget/open",
        json!({"token": token, "visitor": visitor}),
    )
    .await
}

async fn save(app: &TestApp, cookie: &str, inbox: i64, settings: Value) -> (u16, Value) {
    let res = app
        .call_json(
            Some(cookie),
            "team/save_inbox_offline",
            json!({"id": inbox, "settings": settings}),
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// An administrator has the web chat's unread replies mailed through `email_inbox`.
async fn mail_through(app: &TestApp, inbox: i64, email_inbox: i64, reply_time: &str) {
    let admin = app.sign_in(ADMIN).await;
    let (status, body) = save(
        app,
        &admin.cookie,
        inbox,
        json!({"reply_time": reply_time, "ask_email": true, "email_inbox_id": email_inbox}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

async fn visitor_writes(app: &TestApp, token: &str, email: Option<&str>) -> WidgetSent {
    app.ok(
        "",
        "widget/send",
        json!({"token": token, "visitor": null, "body": "¿Tenéis la talla 42?", "name": "Nerea", "email": email}),
    )
    .await
}

async fn the_widget_says_who_answers_and_when(app: TestApp) {
    let (inbox, token) = web_chat_inbox(&app).await;
    let state = open(&app, &token, None).await;
    assert_eq!(state.presence, TeamPresence::Away, "nobody is online");
    assert_eq!(state.reply_time, ReplyTime::Minutes, "the default");
    assert!(state.ask_email, "away, and no email known");

    let admin = app.sign_in(ADMIN).await;
    let (status, _) = save(
        &app,
        &admin.cookie,
        inbox,
        json!({"reply_time": "in_a_few_hours", "ask_email": true, "email_inbox_id": null}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(open(&app, &token, None).await.reply_time, ReplyTime::Hours);

    // A member of the inbox comes online.
    let lucia = app.sign_in(LUCIA).await;
    let res = app
        .call(
            Some(&lucia.cookie),
            "set_availability",
            &[("availability", "online")],
        )
        .await;
    assert!(res.status().is_success());
    let state = open(&app, &token, None).await;
    assert_eq!(state.presence, TeamPresence::Online);
    assert!(!state.ask_email, "someone will answer");

    // Outside the hours the team is closed, whoever is online.
    let closed = json!({"enabled": true, "time_zone": "Europe/Madrid",
        "days": [null, null, null, null, null, null, null], "holidays": [], "out_of_office": ""});
    let _: () = app
        .ok(
            &admin.cookie,
            "team/save_inbox_business_hours",
            json!({"id": inbox, "hours": closed}),
        )
        .await;
    assert_eq!(
        open(&app, &token, None).await.presence,
        TeamPresence::Closed
    );
}

async fn offline_settings_are_checked(app: TestApp) {
    let (inbox, _) = web_chat_inbox(&app).await;
    let email_inbox = crate::email::email_inbox(&app).await;
    let admin = app.sign_in(ADMIN).await;
    let settings = |through: Value| json!({"reply_time": "in_a_day", "ask_email": false, "email_inbox_id": through});
    // Through a web-chat inbox, or one that does not exist: refused, nothing changes.
    for wrong in [json!(inbox), json!(987_654)] {
        let (status, body) = save(&app, &admin.cookie, inbox, settings(wrong)).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("email_inbox_id"), "{body}");
    }
    // Only a web-chat inbox has them.
    let (status, _) = save(&app, &admin.cookie, email_inbox, settings(Value::Null)).await;
    assert_eq!(status, 422);
    let kept: Value = app
        .ok(&admin.cookie, "team/inbox_offline", json!({"id": inbox}))
        .await;
    assert_eq!(kept["reply_time"], "in_a_few_minutes", "unchanged: {kept}");
    assert_eq!(kept["ask_email"], true);

    let (status, _) = save(&app, &admin.cookie, inbox, settings(json!(email_inbox))).await;
    assert_eq!(status, 200);
    let kept: Value = app
        .ok(&admin.cookie, "team/inbox_offline", json!({"id": inbox}))
        .await;
    assert_eq!(
        kept,
        json!({"reply_time": "in_a_day", "ask_email": false, "email_inbox_id": email_inbox})
    );
    // Agents may not change them.
    let lucia = app.sign_in(LUCIA).await;
    let (status, _) = save(&app, &lucia.cookie, inbox, settings(Value::Null)).await;
    assert_eq!(status, 403);
}

async fn claimed_email(app: &TestApp, message: i64) -> Option<String> {
    sqlx::query_scalar(
        "SELECT ct.claimed_email FROM messages m JOIN conversations c ON c.id = m.conversation_id \
         JOIN contacts ct ON ct.id = c.contact_id WHERE m.id = $1",
    )
    .bind(message)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap()
}

async fn a_visitor_leaves_her_email(app: TestApp) {
    let (_, token) = web_chat_inbox(&app).await;
    let sent = visitor_writes(&app, &token, None).await;
    assert!(open(&app, &token, Some(&sent.visitor)).await.ask_email);

    let leave =
        |visitor: &str, email: &str| json!({"token": token, "visitor": visitor, "email": email});
    let res = app
        .call_json(
            None,
            "widget/email",
            leave(&sent.visitor, "nerea-en-ningun-sitio"),
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("email"));
    assert_eq!(
        claimed_email(&app, sent.message.id).await,
        None,
        "nothing changed"
    );

    // Someone else's browser (a token nobody was given) finds nobody.
    let res = app
        .call_json(
            None,
            "widget/email",
            leave("no-es-un-visitante", "x@example.org"),
        )
        .await;
    assert_eq!(res.status().as_u16(), 404);

    let _: () = app
        .ok(
            "",
            "widget/email",
            leave(&sent.visitor, " nerea@example.org "),
        )
        .await;
    assert_eq!(
        claimed_email(&app, sent.message.id).await.as_deref(),
        Some("nerea@example.org")
    );
    assert!(
        !open(&app, &token, Some(&sent.visitor)).await.ask_email,
        "not asked again"
    );
}

/// Lucía answers the visitor's conversation.
async fn reply(app: &TestApp, cookie: &str, conversation: i64, body: &str) -> MessageView {
    app.ok(
        cookie,
        "conversations/send",
        json!({"conversation_id": conversation, "body": body, "private": false,
               "idempotency_key": null, "mentions": []}),
    )
    .await
}

async fn mailing_state(app: &TestApp, message: i64) -> Option<String> {
    sqlx::query_scalar("SELECT state FROM widget_mailings WHERE message_id = $1")
        .bind(message)
        .fetch_optional(&app.state.db.pool)
        .await
        .unwrap()
}

async fn unread_replies_are_mailed_and_her_answer_comes_back(app: TestApp) {
    if !mail_servers().await {
        return;
    }
    let (email_inbox, support) = configure(&app, SMTP_PORT).await;
    let (inbox, token) = web_chat_inbox(&app).await;
    mail_through(&app, inbox, email_inbox, "in_a_few_hours").await;
    let visitor = address("nerea");
    let sent = visitor_writes(&app, &token, Some(&visitor)).await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    let lucia = app.sign_in(LUCIA).await;
    let answer = reply(
        &app,
        &lucia.cookie,
        conversation,
        "Sí, nos quedan dos pares de la 42.",
    )
    .await;

    let mails = read_mailbox(&visitor, 1).await;
    let mail = &mails[0];
    let inbox_name: String = sqlx::query_scalar("SELECT name FROM inboxes WHERE id = $1")
        .bind(inbox)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(
        mail.subject(),
        Some(format!("Nueva respuesta de {inbox_name}").as_str())
    );
    assert_eq!(
        mail.from().unwrap().first().unwrap().address(),
        Some(support.as_str())
    );
    let text = mail.body_text(0).unwrap().to_string();
    assert!(
        text.contains("Sí, nos quedan dos pares de la 42."),
        "{text}"
    );
    assert!(text.contains("Lucía"), "{text}");
    assert_eq!(
        mailing_state(&app, answer.id).await.as_deref(),
        Some("sent")
    );
    // The agents see it was mailed.
    let mut noted = false;
    for _ in 0..100 {
        let lines: Vec<String> = sqlx::query_scalar(
            "SELECT content_attributes FROM messages WHERE conversation_id = $1 AND direction = 'activity'",
        )
        .bind(conversation)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        if lines
            .iter()
            .any(|l| l.contains("mailed_to_visitor") && l.contains(&visitor))
        {
            noted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(noted, "an activity line says the reply was mailed");

    // Her answer by email comes back into the chat.
    let mail_id = mail.message_id().unwrap().to_owned();
    let answer_id = format!("r1.{}", address("id"));
    customer_sends(&visitor, &support, format!(
        "From: Nerea <{visitor}>\r\nTo: <{support}>\r\nSubject: Re: Nueva respuesta\r\nMessage-ID: <{answer_id}>\r\n\
In-Reply-To: <{mail_id}>\r\nReferences: <{mail_id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Perfecto, me la quedo.\r\n")).await;
    let mut back = 0;
    for _ in 0..150 {
        let config = app::channels::email::inbox::load(
            &app.state.db,
            &app.state.settings.secrets,
            email_inbox,
        )
        .await
        .unwrap()
        .unwrap();
        let email = crate::email::email_channel(&app);
        app::channels::email::poller::poll(&email, &config)
            .await
            .expect("poll");
        back = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND direction = 'incoming' \
             AND body LIKE '%me la quedo%'",
        )
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        if back > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(back, 1, "her answer is in the website conversation, once");
    let in_email_inbox: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE inbox_id = $1 AND body LIKE '%me la quedo%'",
    )
    .bind(email_inbox)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        in_email_inbox, 0,
        "no second conversation in the email inbox"
    );
    // It came from an address she only typed: the agents read it, her widget does not.
    let state = open(&app, &token, Some(&sent.visitor)).await;
    assert!(state.messages.iter().any(|m| m.body.contains("dos pares")));
    assert!(!state
        .messages
        .iter()
        .any(|m| m.body.contains("me la quedo")));
}

async fn read_replies_and_unknown_addresses_get_no_mail(app: TestApp) {
    let email_inbox = crate::email::email_inbox(&app).await;
    let (inbox, token) = web_chat_inbox(&app).await;
    mail_through(&app, inbox, email_inbox, "in_a_few_minutes").await;
    let lucia = app.sign_in(LUCIA).await;
    // One visitor reads the reply; another never gave an address.
    let reader = visitor_writes(&app, &token, Some("lectora@example.org")).await;
    let reader_conversation = app.conversation_of_message(reader.message.id).await;
    let read = reply(&app, &lucia.cookie, reader_conversation, "Te leo").await;
    let silent = visitor_writes(&app, &token, None).await;
    let silent_conversation = app.conversation_of_message(silent.message.id).await;
    let unknown = reply(&app, &lucia.cookie, silent_conversation, "¿Sigues ahí?").await;
    let note: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            json!({"conversation_id": silent_conversation, "body": "nota interna", "private": true,
                   "idempotency_key": null, "mentions": []}),
        )
        .await;
    assert_eq!(
        mailing_state(&app, note.id).await,
        None,
        "a private note is never queued"
    );
    // The reader reads hers as soon as it is hers to read.
    for _ in 0..100 {
        let status: Option<String> =
            sqlx::query_scalar("SELECT delivery_status FROM messages WHERE id = $1")
                .bind(read.id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        if status.as_deref() == Some("sent") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app::widget::ssr::read_by_visitor(
        &app.state.db,
        &app.state.hub,
        &[reader_conversation],
        read.id,
    )
    .await
    .unwrap();
    let mailing = app::channels::web_chat::mailing::Mailing {
        db: app.state.db.clone(),
        hub: app.state.hub.clone(),
        secrets: app.state.settings.secrets.clone(),
        outbound: app.state.settings.outbound.clone(),
        after: Duration::ZERO,
    };
    let mut gone = false;
    for _ in 0..100 {
        app::channels::web_chat::mailing::run_once(&mailing)
            .await
            .unwrap();
        if mailing_state(&app, read.id).await.is_none()
            && mailing_state(&app, unknown.id).await.is_none()
        {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(gone, "both dropped from the queue without a mail");
    let mailed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id IN ($1, $2) AND direction = 'activity' \
         AND content_attributes LIKE '%mailed_to_visitor%'",
    )
    .bind(reader_conversation)
    .bind(silent_conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(mailed, 0);
}
