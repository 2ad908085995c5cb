//! Tests of `webhook`.
use super::*;
use serde_json::json;

#[test]
fn signatures_must_match_the_raw_body() {
    let body = br#"{"object":"whatsapp_business_account"}"#;
    let good = sign("s3cret", body);
    assert!(signature_is_valid("s3cret", body, Some(&good)));
    assert!(!signature_is_valid("other", body, Some(&good)));
    assert!(!signature_is_valid("s3cret", b"{}", Some(&good)));
    assert!(!signature_is_valid("s3cret", body, None));
    assert!(!signature_is_valid("s3cret", body, Some("sha256=zz")));
    assert!(!signature_is_valid(
        "s3cret",
        body,
        Some(good.trim_start_matches("sha256="))
    ));
    assert!(!signature_is_valid("", body, Some(&sign("", body))));
}

#[test]
fn reads_each_message_type() {
    let base = |kind: &str, part: Value| {
        let mut m = json!({"from": "34612345678", "id": "wamid.1", "timestamp": "1795492582", "type": kind});
        m[kind] = part;
        incoming(&m).unwrap()
    };
    let text = base("text", json!({"body": " Hola "}));
    assert_eq!(
        (text.body.as_str(), text.at),
        ("Hola", Some(1_795_492_582_000))
    );
    let voice = base(
        "audio",
        json!({"id": "m1", "mime_type": "audio/ogg; codecs=opus", "voice": true}),
    );
    assert!(voice.media.as_ref().unwrap().voice);
    let doc = base(
        "document",
        json!({"id": "m2", "filename": "factura.pdf", "caption": "Adjunto"}),
    );
    assert_eq!(doc.media.unwrap().file_name.as_deref(), Some("factura.pdf"));
    assert_eq!(doc.body, "Adjunto");
    let loc = base(
        "location",
        json!({"latitude": 40.4, "longitude": -3.7, "name": "Oficina"}),
    );
    assert_eq!(loc.body, "Oficina");
    assert!(matches!(loc.extra, Some(MessageExtra::Location { .. })));
    let reaction = base("reaction", json!({"message_id": "wamid.0", "emoji": "👍"}));
    assert_eq!(reaction.body, "👍");
    let button = base("button", json!({"text": "Sí", "payload": "YES"}));
    assert_eq!(button.body, "Sí");
    let list = base(
        "interactive",
        json!({"type": "list_reply", "list_reply": {"id": "1", "title": "Envío", "description": "Dudas"}}),
    );
    assert_eq!(list.body, "Envío\nDudas");
    let cards = base(
        "contacts",
        json!([{"name": {"formatted_name": "Ana"}, "phones": [{"phone": "+34 600"}]}]),
    );
    assert_eq!(cards.body, "Ana: +34 600");
    let odd = base("ephemeral", json!({}));
    assert_eq!(odd.content_type, "unsupported");
    assert_eq!(
        odd.extra,
        Some(MessageExtra::Unsupported {
            message_type: "ephemeral".into()
        })
    );
    assert!(incoming(&json!({"type": "text"})).is_none());
}

#[test]
fn reads_statuses_with_meta_errors() {
    let failed = status_update(
        &json!({"id": "wamid.9", "status": "failed", "timestamp": "1",
        "errors": [{"code": 131047, "title": "Re-engagement message"}]}),
    )
    .unwrap();
    assert_eq!(failed.status, DeliveryStatus::Failed);
    assert_eq!(
        failed.error.as_deref(),
        Some("131047 · Re-engagement message")
    );
    assert_eq!(
        status_update(&json!({"id": "w", "status": "read"}))
            .unwrap()
            .status,
        DeliveryStatus::Read
    );
    assert!(status_update(&json!({"id": "w", "status": "deleted"})).is_none());
}
