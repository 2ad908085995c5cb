//! A customer's WhatsApp file when Meta's Graph is slow or failing: the webhook answers
//! 200 and the message (its caption) is there at once, marked as waiting for its file;
//! the file is fetched after, tried again with backoff, and joins the message live.
use serde_json::json;

use crate::fake_graph::{server_error, FakeGraph};
use crate::helpers::{next_frame, TestApp, LUCIA};
use crate::on_both_backends;
use crate::whatsapp::{
    configure, count, delivery, files_fetched, message_by_external, now_secs, post_signed,
    CUSTOMER, PNG,
};
use app::conversations::model::{MessageExtra, MessagePage};
use app::events::{LiveEvent, ServerFrame};

on_both_backends!(a_file_meta_fails_to_give_comes_later);

async fn a_file_meta_fails_to_give_comes_later(app: TestApp) {
    let fake = FakeGraph::start().await;
    let inbox = configure(&app, &fake).await;
    fake.add_media("img-late", PNG, "image/png");
    let lucia = app.sign_in(LUCIA).await;
    let mut socket = app.socket(Some(&lucia.cookie), None).await.unwrap();
    next_frame(&mut socket).await; // hello

    // Meta's Graph answers 500 to the first fetch.
    fake.fail_next(server_error());
    let image = json!({"from": CUSTOMER, "id": "w.late", "timestamp": now_secs().to_string(), "type": "image",
        "image": {"id": "img-late", "mime_type": "image/png", "caption": "La factura"}});
    assert_eq!(
        post_signed(&app, inbox, &delivery(vec![image], vec![])).await,
        200
    );
    let (message_id, conversation, body, kind) = message_by_external(&app, "w.late").await;
    assert_eq!((body.as_str(), kind.as_str()), ("La factura", "image"));

    // The failed fetch leaves the file queued for later, with Meta's answer.
    let mut queued = (0_i64, None::<String>);
    for _ in 0..200 {
        queued =
            sqlx::query_as("SELECT attempts, last_error FROM whatsapp_media WHERE message_id = $1")
                .bind(message_id)
                .fetch_one(&app.state.db.pool)
                .await
                .unwrap();
        if queued.1.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(queued.0, 1, "one try so far");
    assert!(queued.1.is_some(), "the failure is recorded");
    let page: MessagePage = app
        .ok(
            &lucia.cookie,
            "conversations/messages",
            json!({"id": conversation, "before": null}),
        )
        .await;
    let waiting = page.items.iter().find(|m| m.id == message_id).unwrap();
    assert_eq!(
        waiting.extra,
        Some(MessageExtra::FileComing),
        "the agent sees it is on its way"
    );
    assert!(waiting.attachments.is_empty());

    // Its retry falls due (the backoff, shortened): the worker fetches it.
    sqlx::query("UPDATE whatsapp_media SET next_attempt_at = 0 WHERE message_id = $1")
        .bind(message_id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    files_fetched(&app).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM attachments").await, 1);
    // The agent's chat heard of it: the message with its file, the mark gone.
    let updated = loop {
        if let ServerFrame::Event(envelope) = next_frame(&mut socket).await {
            if let LiveEvent::MessageUpdated { message } = envelope.event {
                if message.id == message_id {
                    break message;
                }
            }
        }
    };
    assert_eq!(updated.attachments.len(), 1);
    assert_eq!(updated.attachments[0].content_type, "image/png");
    assert_eq!(updated.extra, None);
    assert_eq!(updated.body, "La factura");

    // A redelivery of the same message stores nothing twice and queues nothing.
    let again = json!({"from": CUSTOMER, "id": "w.late", "timestamp": now_secs().to_string(), "type": "image",
        "image": {"id": "img-late", "mime_type": "image/png", "caption": "La factura"}});
    assert_eq!(
        post_signed(&app, inbox, &delivery(vec![again], vec![])).await,
        200
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM whatsapp_media").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM attachments").await, 1);
}
