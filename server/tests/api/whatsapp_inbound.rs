//! What WhatsApp sends besides plain messages, as Meta shapes it: a reaction lands on
//! the message it answers (never a message of its own), a reply quotes what it
//! answers, a changed number keeps the customer, and carts, Flows and ads read as text.
use serde_json::{json, Value};

use crate::csat::set_status;
use crate::fake_graph::FakeGraph;
use crate::helpers::{TestApp, LUCIA};
use crate::on_both_backends;
use crate::whatsapp::{
    configure, delivery, message_by_external, now_secs, open_conversation, post_signed, reply,
    text, wait_status, CUSTOMER,
};
use app::conversations::model::{MessageExtra, MessagePage, MessageView};
use app::domain::DeliveryStatus;

fn reaction(id: &str, from: &str, to: &str, emoji: &str, at_secs: i64) -> Value {
    json!({"from": from, "id": id, "timestamp": at_secs.to_string(), "type": "reaction",
        "reaction": {"message_id": to, "emoji": emoji}})
}

async fn thread(app: &TestApp, cookie: &str, conversation: i64) -> Vec<MessageView> {
    let page: MessagePage = app
        .ok(
            cookie,
            "conversations/messages",
            json!({"id": conversation, "before": null}),
        )
        .await;
    page.items
}

async fn scalar(app: &TestApp, sql: &str, bind: i64) -> Option<String> {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

async fn reactions_sit_on_their_message(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let conversation = open_conversation(&app, inbox, "wamid.r0").await;
    let lucia = app.sign_in(LUCIA).await;
    let res = reply(&app, &lucia.cookie, conversation, "Te lo enviamos mañana").await;
    assert_eq!(res.status(), 200);
    let sent: MessageView = res.json().await.unwrap();
    let (_, wamid) = wait_status(&app, sent.id, DeliveryStatus::Sent).await;
    let wamid = wamid.expect("Meta's id recorded");
    set_status(&app, &lucia.cookie, conversation, "resolved").await;
    let status = "SELECT status FROM conversations WHERE id = $1";
    let messages = "SELECT CAST(COUNT(*) AS TEXT) FROM messages WHERE conversation_id = $1";
    let before = scalar(&app, messages, conversation).await;

    let mut socket = app.socket(Some(&lucia.cookie), None).await.unwrap();
    crate::helpers::next_frame(&mut socket).await; // hello
    let at = now_secs();
    let thumbs = delivery(
        vec![reaction("wamid.r1", CUSTOMER, &wamid, "👍", at)],
        vec![],
    );
    assert_eq!(post_signed(&app, inbox, &thumbs).await, 200);
    let reacted = scalar(&app, "SELECT reaction FROM messages WHERE id = $1", sent.id).await;
    assert_eq!(reacted.as_deref(), Some("👍"));
    // Not a message: the conversation stays resolved and nothing was added to it.
    assert_eq!(
        scalar(&app, status, conversation).await.as_deref(),
        Some("resolved")
    );
    assert_eq!(scalar(&app, messages, conversation).await, before);
    // The agent sees it on the message, live.
    loop {
        if let app::events::ServerFrame::Event(envelope) =
            crate::helpers::next_frame(&mut socket).await
        {
            if let app::events::LiveEvent::MessageUpdated { message } = envelope.event {
                if message.id == sent.id {
                    assert_eq!(message.reaction.as_deref(), Some("👍"));
                    break;
                }
            }
        }
    }
    let shown = thread(&app, &lucia.cookie, conversation).await;
    let on = shown.iter().find(|m| m.id == sent.id).unwrap();
    assert_eq!(on.reaction.as_deref(), Some("👍"));

    // Redelivered, and an older reaction arriving late: nothing moves back.
    assert_eq!(post_signed(&app, inbox, &thumbs).await, 200);
    let late = delivery(
        vec![reaction("wamid.r0b", CUSTOMER, &wamid, "😡", at - 60)],
        vec![],
    );
    assert_eq!(post_signed(&app, inbox, &late).await, 200);
    let reacted = scalar(&app, "SELECT reaction FROM messages WHERE id = $1", sent.id).await;
    assert_eq!(reacted.as_deref(), Some("👍"));
    // Another WhatsApp user cannot react to her conversation's messages; nor does a
    // reaction to a message Charla never had store anything.
    let stranger = delivery(
        vec![
            reaction("wamid.r2", "34655000999", &wamid, "💩", at + 1),
            reaction("wamid.r3", CUSTOMER, "wamid.unknown", "❤️", at + 1),
        ],
        vec![],
    );
    assert_eq!(post_signed(&app, inbox, &stranger).await, 200);
    let reacted = scalar(&app, "SELECT reaction FROM messages WHERE id = $1", sent.id).await;
    assert_eq!(reacted.as_deref(), Some("👍"));
    assert_eq!(scalar(&app, messages, conversation).await, before);
    let people: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM contact_identities WHERE external_id = '34655000999'",
    )
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(people, 0, "a stray reaction creates no contact");

    // An empty emoji takes it back.
    let removed = delivery(
        vec![reaction("wamid.r4", CUSTOMER, &wamid, "", at + 2)],
        vec![],
    );
    assert_eq!(post_signed(&app, inbox, &removed).await, 200);
    let reacted = scalar(&app, "SELECT reaction FROM messages WHERE id = $1", sent.id).await;
    assert_eq!(reacted, None);
    assert_eq!(
        scalar(&app, status, conversation).await.as_deref(),
        Some("resolved")
    );
}

async fn a_reply_quotes_what_it_answers(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let conversation = open_conversation(&app, inbox, "wamid.q0").await;
    let lucia = app.sign_in(LUCIA).await;
    let res = reply(&app, &lucia.cookie, conversation, "¿Qué talla necesitas?").await;
    let sent: MessageView = res.json().await.unwrap();
    let (_, wamid) = wait_status(&app, sent.id, DeliveryStatus::Sent).await;
    let mut answer = text("wamid.q1", "La M", now_secs());
    answer["context"] = json!({"from": "34900000000", "id": wamid.unwrap()});
    let mut unknown = text("wamid.q2", "Y esto", now_secs());
    unknown["context"] = json!({"from": "34900000000", "id": "wamid.never-seen"});
    assert_eq!(
        post_signed(&app, inbox, &delivery(vec![answer, unknown], vec![])).await,
        200
    );
    let shown = thread(&app, &lucia.cookie, conversation).await;
    let answer = shown.iter().find(|m| m.body == "La M").unwrap();
    let quoted = answer
        .reply_to
        .as_ref()
        .expect("quotes the agent's question");
    assert_eq!(
        (quoted.id, quoted.excerpt.as_str()),
        (sent.id, "¿Qué talla necesitas?")
    );
    let unknown = shown.iter().find(|m| m.body == "Y esto").unwrap();
    assert_eq!(
        unknown.reply_to, None,
        "a message Charla never had is not quoted"
    );

    // Chatwoot's API names it too.
    let token = app.api_token(LUCIA).await;
    let account = app.account_id().await;
    let display: i64 = sqlx::query_scalar("SELECT display_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let listed: Value = crate::helpers::client()
        .get(app.url(&format!(
            "/api/v1/accounts/{account}/conversations/{display}/messages"
        )))
        .header("api_access_token", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let payload = listed["payload"].as_array().unwrap();
    let in_api = payload.iter().find(|m| m["content"] == "La M").unwrap();
    assert_eq!(in_api["content_attributes"]["in_reply_to"], json!(sent.id));
}

async fn a_new_number_keeps_the_customer(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let conversation = open_conversation(&app, inbox, "wamid.n0").await;
    let contact: i64 = sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let changed = json!({"from": CUSTOMER, "id": "wamid.n1", "timestamp": now_secs().to_string(),
        "type": "system", "system": {"body": "Ana changed from 34699000111 to 34699000222",
            "wa_id": "34699000222", "type": "user_changed_number"}});
    let body = delivery(vec![changed], vec![]);
    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    // Redelivered: one line, not two.
    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    let phone = scalar(
        &app,
        "SELECT phone_e164 FROM contacts WHERE id = $1",
        contact,
    )
    .await;
    assert_eq!(phone.as_deref(), Some("+34699000222"));
    let mut later = text("wamid.n2", "Os escribo desde el nuevo", now_secs());
    later["from"] = json!("34699000222");
    let mut from_new = delivery(vec![later], vec![]);
    from_new["entry"][0]["changes"][0]["value"]["contacts"][0]["wa_id"] = json!("34699000222");
    assert_eq!(post_signed(&app, inbox, &from_new).await, 200);
    let (_, landed, _, _) = message_by_external(&app, "wamid.n2").await;
    assert_eq!(
        landed, conversation,
        "the same customer, the same conversation"
    );

    let lucia = app.sign_in(LUCIA).await;
    let shown = thread(&app, &lucia.cookie, conversation).await;
    let lines: Vec<_> = shown
        .iter()
        .filter(|m| matches!(m.extra, Some(MessageExtra::NumberChanged { .. })))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        lines[0].extra,
        Some(MessageExtra::NumberChanged {
            from: "+34699000111".into(),
            to: "+34699000222".into()
        })
    );
}

async fn flows_and_ads_read_as_text(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    let at = now_secs().to_string();
    let flow = json!({"from": CUSTOMER, "id": "wamid.f1", "timestamp": at, "type": "interactive",
        "interactive": {"type": "nfm_reply", "nfm_reply": {"name": "flow", "body": "Sent",
            "response_json": "{\"flow_token\":\"secreto\",\"talla\":\"M\",\"color\":\"azul\"}"}}});
    let mut from_ad = text("wamid.f2", "Hola, vi el anuncio", now_secs());
    from_ad["referral"] = json!({"source_url": "https://fb.me/abc", "source_type": "ad",
        "source_id": "123", "headline": "Rebajas de invierno", "body": "Hasta -50 %",
        "media_type": "image", "ctwa_clid": "x"});
    let welcome =
        json!({"from": CUSTOMER, "id": "wamid.f3", "timestamp": at, "type": "request_welcome"});
    assert_eq!(
        post_signed(&app, inbox, &delivery(vec![flow, from_ad, welcome], vec![])).await,
        200
    );
    let (_, conversation, body, _) = message_by_external(&app, "wamid.f1").await;
    assert_eq!(body, "talla: M\ncolor: azul");
    assert!(
        !body.contains("secreto"),
        "the Flow's token is not the customer's answer"
    );
    let lucia = app.sign_in(LUCIA).await;
    let shown = thread(&app, &lucia.cookie, conversation).await;
    let ad = shown
        .iter()
        .find(|m| m.body == "Hola, vi el anuncio")
        .unwrap();
    assert_eq!(
        ad.extra,
        Some(MessageExtra::Referral {
            source_url: "https://fb.me/abc".into(),
            source_type: "ad".into(),
            headline: Some("Rebajas de invierno".into())
        })
    );
    let welcomes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE external_id = 'wamid.f3'")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(welcomes, 0, "opening the chat is not a message");
}

/// The delivery with its `contacts` as Meta sends them for users with usernames.
fn with_contacts(mut body: Value, contacts: Value) -> Value {
    body["entry"][0]["changes"][0]["value"]["contacts"] = contacts;
    body
}

fn only_user_id(id: &str, user_id: &str, body: &str) -> Value {
    json!({"from_user_id": user_id, "id": id, "timestamp": now_secs().to_string(),
        "type": "text", "text": {"body": body}})
}

async fn a_username_without_a_number_still_reaches_her(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    // Both arrive: Charla keeps the id beside her number.
    let mut first = text("wamid.u1", "Hola", now_secs());
    first["from_user_id"] = json!("ES.1502576394655843");
    let body = with_contacts(
        delivery(vec![first], vec![]),
        json!([{"profile": {"name": "Ana Ruiz"}, "wa_id": CUSTOMER, "user_id": "ES.1502576394655843"}]),
    );
    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    let (_, conversation, _, _) = message_by_external(&app, "wamid.u1").await;
    // Then only the id (she adopted a username): the same customer, the same conversation.
    let body = with_contacts(
        delivery(
            vec![only_user_id(
                "wamid.u2",
                "ES.1502576394655843",
                "Sigo siendo yo",
            )],
            vec![],
        ),
        json!([{"profile": {"name": "Ana Ruiz", "username": "@ana"}, "user_id": "ES.1502576394655843"}]),
    );
    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    assert_eq!(message_by_external(&app, "wamid.u2").await.1, conversation);

    // Someone first met without a number: a contact of her own, answered by id.
    let body = with_contacts(
        delivery(
            vec![only_user_id("wamid.u3", "ES.77", "Primera vez")],
            vec![],
        ),
        json!([{"profile": {"name": "Bea", "username": "@bea"}, "user_id": "ES.77"}]),
    );
    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    let (_, hers, _, _) = message_by_external(&app, "wamid.u3").await;
    assert_ne!(hers, conversation);
    let (name, phone): (String, Option<String>) = sqlx::query_as(
        "SELECT ct.name, ct.phone_e164 FROM contacts ct JOIN conversations c ON c.contact_id = ct.id WHERE c.id = $1",
    )
    .bind(hers)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!((name.as_str(), phone), ("Bea", None));
    let lucia = app.sign_in(LUCIA).await;
    let res = reply(&app, &lucia.cookie, hers, "Bienvenida").await;
    assert_eq!(res.status(), 200);
    let sent: MessageView = res.json().await.unwrap();
    wait_status(&app, sent.id, DeliveryStatus::Sent).await;
    let last = fake.sent().last().unwrap().clone();
    assert_eq!(last["recipient"], "ES.77");
    assert!(
        last.get("to").is_none(),
        "a user id never goes in `to`: {last}"
    );

    // Meta renews her id: the next message under the new one is still hers.
    let renewed = json!({"from_user_id": "ES.78", "id": "wamid.u4", "timestamp": now_secs().to_string(),
        "type": "system", "system": {"body": "User Bea changed from ES.77 to ES.78",
            "user_id": "ES.78", "previous_user_id": "ES.77", "type": "user_changed_user_id"}});
    assert_eq!(
        post_signed(&app, inbox, &delivery(vec![renewed], vec![])).await,
        200
    );
    let body = with_contacts(
        delivery(
            vec![only_user_id("wamid.u5", "ES.78", "Otra vez yo")],
            vec![],
        ),
        json!([{"profile": {"name": "Bea"}, "user_id": "ES.78"}]),
    );
    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    assert_eq!(message_by_external(&app, "wamid.u5").await.1, hers);

    // Later her number comes beside the id: still one customer, now with her number.
    let mut both = text("wamid.u6", "Ahora con número", now_secs());
    both["from"] = json!("34655111222");
    both["from_user_id"] = json!("ES.78");
    let body = with_contacts(
        delivery(vec![both], vec![]),
        json!([{"profile": {"name": "Bea"}, "wa_id": "34655111222", "user_id": "ES.78"}]),
    );
    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    assert_eq!(message_by_external(&app, "wamid.u6").await.1, hers);
    let phone: Option<String> = sqlx::query_scalar(
        "SELECT ct.phone_e164 FROM contacts ct JOIN conversations c ON c.contact_id = ct.id WHERE c.id = $1",
    )
    .bind(hers)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(phone.as_deref(), Some("+34655111222"));
    let body = with_contacts(
        delivery(vec![only_user_id("wamid.u7", "ES.78", "Y sin él")], vec![]),
        json!([{"profile": {"name": "Bea"}, "user_id": "ES.78"}]),
    );
    assert_eq!(post_signed(&app, inbox, &body).await, 200);
    assert_eq!(message_by_external(&app, "wamid.u7").await.1, hers);
}

on_both_backends!(
    a_username_without_a_number_still_reaches_her,
    reactions_sit_on_their_message,
    a_reply_quotes_what_it_answers,
    a_new_number_keeps_the_customer,
    flows_and_ads_read_as_text,
);
