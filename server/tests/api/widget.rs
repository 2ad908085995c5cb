//! The visitor's side: what the widget's socket carries, and what it must never carry.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::MessageView;
use app::widget::{WidgetSent, WidgetState};

on_both_backends!(
    visitor_socket_carries_replies_but_never_notes,
    visitors_need_their_own_token,
    a_typed_email_never_joins_another_customer,
    a_verified_identity_continues_on_another_browser
);

fn say(token: &str, visitor: Option<&str>, body: &str, email: Option<&str>) -> serde_json::Value {
    json!({"token": token, "visitor": visitor, "body": body, "name": "Carla Zubizarreta", "email": email})
}

/// An impostor types a customer's email: she gets her own contact and conversation,
/// sees nothing of the customer's, and the customer's next message stays hers.
async fn a_typed_email_never_joins_another_customer(app: TestApp) {
    let token = app.web_chat_token().await;
    let email = "carla@example.com";
    let customer: WidgetSent = app
        .ok(
            "",
            "widget/send",
            say(&token, None, "Mi pedido no llega", Some(email)),
        )
        .await;
    let theirs = app.conversation_of_message(customer.message.id).await;
    // An existing contact with that email (as the email channel would make her).
    sqlx::query("UPDATE contacts SET email = $1 WHERE id = (SELECT contact_id FROM conversations WHERE id = $2)")
        .bind("carla@example.com")
        .bind(theirs)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let lucia = app.sign_in(LUCIA).await;
    let _: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            json!({"conversation_id": theirs, "body": "Tu clave es 4321", "private": false, "idempotency_key": null, "mentions": []}),
        )
        .await;

    let impostor: WidgetSent = app
        .ok(
            "",
            "widget/send",
            say(&token, None, "Soy Carla, ¿mi clave?", Some(email)),
        )
        .await;
    let impostors = app.conversation_of_message(impostor.message.id).await;
    assert_ne!(
        impostors, theirs,
        "the impostor joined the customer's conversation"
    );
    let contacts: Vec<i64> =
        sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id IN ($1, $2) ORDER BY id")
            .bind(theirs)
            .bind(impostors)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_ne!(
        contacts[0], contacts[1],
        "the impostor was merged into the customer"
    );

    // What the impostor can read: only her own message.
    let opened: WidgetState = app
        .ok(
            "",
            "widget/open",
            json!({"token": token, "visitor": impostor.visitor}),
        )
        .await;
    let bodies: Vec<_> = opened.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Soy Carla, ¿mi clave?"]);
    let mut socket = app.visitor_socket(&token, &impostor.visitor).await.unwrap();
    assert_eq!(next_json(&mut socket).await["frame"], "hello");
    assert_eq!(
        next_json(&mut socket).await["body"],
        "Soy Carla, ¿mi clave?"
    );

    // The customer writes again: her own conversation, and nothing reaches the impostor.
    let again: WidgetSent = app
        .ok(
            "",
            "widget/send",
            say(&token, Some(&customer.visitor), "¿Sigue en camino?", None),
        )
        .await;
    assert_eq!(app.conversation_of_message(again.message.id).await, theirs);
    if let Ok(Some(Ok(frame))) = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        futures::StreamExt::next(&mut socket),
    )
    .await
    {
        panic!("the impostor received {}", frame.into_text().unwrap());
    }
    let in_theirs: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND body LIKE '%clave?%'",
    )
    .bind(theirs)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(
        in_theirs, 0,
        "the impostor's message is in the customer's conversation"
    );

    // Todos los contactos: the customer (she has an email), not the anonymous impostor.
    let page: app::contacts::model::ContactPage = app
        .ok(
            &lucia.cookie,
            "contacts/list",
            json!({"query": "Zubizarreta", "sort": "name", "after": null}),
        )
        .await;
    let listed: Vec<_> = page.items.iter().map(|c| c.id).collect();
    assert_eq!(
        listed,
        [contacts[0]],
        "only contacts with an email or phone are listed"
    );
    let page: app::contacts::model::ContactPage = app
        .ok(
            &lucia.cookie,
            "contacts/list",
            json!({"query": "", "sort": "activity", "after": null}),
        )
        .await;
    assert!(!page.items.iter().any(|c| c.id == contacts[1]));
    assert!(page
        .items
        .iter()
        .all(|c| c.email.is_some() || c.phone.is_some()));
    // Her contact page says what she claimed, as unverified.
    let claimed: Option<String> =
        sqlx::query_scalar("SELECT claimed_email FROM contacts WHERE id = $1")
            .bind(contacts[1])
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(claimed.as_deref(), Some(email));

    // An agent who knows better merges her on purpose (say the customer confirmed by
    // phone): her conversation joins the customer's page; the widget still shows her
    // only her own conversation.
    let none = app
        .call_json(
            Some(&lucia.cookie),
            "contacts/merge_claimed",
            json!({"id": contacts[0]}),
        )
        .await;
    assert_eq!(
        none.status(),
        422,
        "a contact with no claim has nothing to merge"
    );
    let merged: i64 = app
        .ok(
            &lucia.cookie,
            "contacts/merge_claimed",
            json!({"id": contacts[1]}),
        )
        .await;
    assert_eq!(merged, contacts[0]);
    let owners: Vec<i64> =
        sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id IN ($1, $2) ORDER BY id")
            .bind(theirs)
            .bind(impostors)
            .fetch_all(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(owners, [contacts[0], contacts[0]]);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contacts WHERE id = $1")
        .bind(contacts[1])
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0, "the visitor's own contact is gone");
    let history: app::contacts::model::HistoryPage = app
        .ok(
            &lucia.cookie,
            "contacts/history",
            json!({"id": contacts[0], "after": null}),
        )
        .await;
    assert_eq!(history.items.len(), 2);
    let opened: WidgetState = app
        .ok(
            "",
            "widget/open",
            json!({"token": token, "visitor": impostor.visitor}),
        )
        .await;
    let bodies: Vec<_> = opened.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["Soy Carla, ¿mi clave?"],
        "one identity, one conversation"
    );
    let again = app
        .call_json(
            Some(&lucia.cookie),
            "contacts/merge_claimed",
            json!({"id": contacts[1]}),
        )
        .await;
    assert_eq!(again.status(), 404);
}

/// A host site vouches for its signed-in user: a second browser sees her history; a
/// forged or stale hash is refused and changes nothing.
/// The web-chat inbox's identity secret (host sites sign identifiers with it), as an
/// administrator reads (or regenerates) it in Ajustes.
pub(crate) async fn identity_secret(app: &TestApp, token: &str, regenerate: bool) -> String {
    let inbox: i64 = sqlx::query_scalar("SELECT id FROM inboxes WHERE web_token = $1")
        .bind(token)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let admin = app.sign_in(ADMIN).await;
    app.ok(
        &admin.cookie,
        "team/web_chat_identity_secret",
        json!({"id": inbox, "regenerate": regenerate}),
    )
    .await
}

async fn a_verified_identity_continues_on_another_browser(app: TestApp) {
    use app::widget::ssr::identity::identifier_hash;
    let token = app.web_chat_token().await;
    let secret = identity_secret(&app, &token, false).await;
    let again = identity_secret(&app, &token, false).await;
    assert_eq!(secret, again, "the secret is stable until regenerated");
    let user = |hash: &str| json!({"identifier": "cliente-42", "identifier_hash": hash, "email": "socia@example.com", "name": "Socia"});
    let good = identifier_hash(&secret, "cliente-42");

    let first: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Desde el portátil", "name": null, "email": null, "user": user(&good)}))
        .await;
    // The host vouched for the email: the contact carries it.
    let email: Option<String> = sqlx::query_scalar(
        "SELECT ct.email FROM contacts ct JOIN conversations c ON c.contact_id = ct.id WHERE c.id = $1",
    )
    .bind(app.conversation_of_message(first.message.id).await)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(email.as_deref(), Some("socia@example.com"));

    // Another browser: no token, the same vouched identity.
    let second: WidgetState = app
        .ok(
            "",
            "widget/open",
            json!({"token": token, "visitor": null, "user": user(&good)}),
        )
        .await;
    assert!(second.identified && second.verified);
    let bodies: Vec<_> = second.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Desde el portátil"]);
    let phone = second.visitor.expect("a token for the second browser");
    assert_ne!(phone, first.visitor);
    let mut socket = app.visitor_socket(&token, &phone).await.unwrap();
    assert_eq!(next_json(&mut socket).await["frame"], "hello");
    assert_eq!(next_json(&mut socket).await["body"], "Desde el portátil");
    let from_phone: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": phone, "body": "Desde el móvil", "name": null, "email": null, "user": user(&good)}))
        .await;
    assert_eq!(
        app.conversation_of_message(from_phone.message.id).await,
        app.conversation_of_message(first.message.id).await
    );

    // A forged hash: refused, nothing written.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let forged = app
        .call_json(None, "widget/send", json!({"token": token, "visitor": null, "body": "Soy ella", "name": null, "email": null, "user": user(&"00".repeat(32))}))
        .await;
    assert_eq!(forged.status(), 401);
    let forged = app
        .call_json(
            None,
            "widget/open",
            json!({"token": token, "visitor": null, "user": user("zz")}),
        )
        .await;
    assert_eq!(forged.status(), 401);
    // Regenerating the secret ends the old hashes at once.
    identity_secret(&app, &token, true).await;
    let stale = app
        .call_json(
            None,
            "widget/open",
            json!({"token": token, "visitor": null, "user": user(&good)}),
        )
        .await;
    assert_eq!(stale.status(), 401);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

async fn visitor_socket_carries_replies_but_never_notes(app: TestApp) {
    let token = app.web_chat_token().await;
    let sent: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Hola, necesito ayuda", "name": "Eva", "email": "eva@example.com"}))
        .await;
    assert!(!sent.message.from_agent);
    // The typed email is a claim beside the visitor's own contact, never its email.
    let (email, claimed): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT ct.email, ct.claimed_email FROM contacts ct JOIN conversations c ON c.contact_id = ct.id \
         JOIN messages m ON m.conversation_id = c.id WHERE m.id = $1",
    )
    .bind(sent.message.id)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    assert_eq!(email, None);
    assert_eq!(claimed.as_deref(), Some("eva@example.com"));
    let conversation: i64 = app.conversation_of_message(sent.message.id).await;

    let mut visitor = app.visitor_socket(&token, &sent.visitor).await.unwrap();
    assert_eq!(next_json(&mut visitor).await["frame"], "hello");
    // Replay of history on connect: the visitor's own message.
    assert_eq!(
        next_json(&mut visitor).await["body"],
        "Hola, necesito ayuda"
    );

    let lucia = app.sign_in(LUCIA).await;
    let send = |body: &str, private: bool| json!({"conversation_id": conversation, "body": body, "private": private, "idempotency_key": null, "mentions": []});
    let _: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            send("SECRETO: nota del equipo", true),
        )
        .await;
    let _: app::conversations::model::ConversationSummary = app
        .ok(
            &lucia.cookie,
            "conversations/assign",
            json!({"id": conversation, "assignee_id": null}),
        )
        .await;
    let _: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            send("¡Hola Eva! Te ayudo.", false),
        )
        .await;

    // Everything the visitor receives, until the reply (and its delivery update).
    let reply = next_json(&mut visitor).await;
    assert_eq!(reply["frame"], "message");
    assert_eq!(reply["body"], "¡Hola Eva! Te ayudo.");
    assert_eq!(reply["agent_name"], "Lucía Fernández");
    let text = reply.to_string();
    assert!(!text.contains("SECRETO"), "{text}");
    // Each event reaches the socket once: the reply's delivery update changes nothing a
    // visitor sees, so no second frame of it (nor anything else) follows.
    let outbox_done = async {
        for _ in 0..100 {
            let pending: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'")
                    .fetch_one(&app.state.db.pool)
                    .await
                    .unwrap();
            if pending == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the outbox never delivered the reply");
    };
    outbox_done.await;
    if let Ok(Some(Ok(frame))) = tokio::time::timeout(
        std::time::Duration::from_millis(700),
        futures::StreamExt::next(&mut visitor),
    )
    .await
    {
        panic!("a frame after the reply: {}", frame.into_text().unwrap());
    }

    // Reloading the widget shows the same conversation, without the note.
    let state: WidgetState = app
        .ok(
            "",
            "widget/open",
            json!({"token": token, "visitor": sent.visitor}),
        )
        .await;
    assert!(state.identified);
    let bodies: Vec<_> = state.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["Hola, necesito ayuda", "¡Hola Eva! Te ayudo."]);
}

async fn visitors_need_their_own_token(app: TestApp) {
    let token = app.web_chat_token().await;
    assert!(app.visitor_socket(&token, "made-up").await.is_err());
    assert!(app
        .visitor_socket("no-such-inbox", "made-up")
        .await
        .is_err());
    let res = app
        .call_json(None, "widget/send", json!({"token": "no-such-inbox", "visitor": null, "body": "hola", "name": null, "email": null}))
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .call_json(None, "widget/send", json!({"token": token, "visitor": null, "body": "hola", "name": null, "email": "no-es-un-correo"}))
        .await;
    assert_eq!(res.status(), 422);
    let contacts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contact_identities")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(contacts, 0, "a refused message creates no visitor");
}
