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
fn reads_carts_flows_ads_and_number_changes() {
    let base = |kind: &str, part: Value| {
        let mut m = json!({"from": "34612345678", "id": "wamid.1", "timestamp": "1795492582", "type": kind});
        m[kind] = part;
        m
    };
    let order = incoming(&base(
        "order",
        json!({"catalog_id": "9", "text": "Urgente", "product_items": [
            {"product_retailer_id": "sku-1", "quantity": "2", "item_price": "9.90", "currency": "EUR"},
            {"product_retailer_id": "sku-2", "quantity": 1}]}),
    ))
    .unwrap();
    assert_eq!(
        (order.content_type.as_str(), order.body.as_str()),
        ("order", "Urgente\n2 × sku-1 (9.90 EUR)\n1 × sku-2")
    );
    let flow = |response: &str| {
        incoming(&base(
            "interactive",
            json!({"type": "nfm_reply", "nfm_reply": {"name": "flow", "body": "Sent", "response_json": response}}),
        ))
        .unwrap()
        .body
    };
    assert_eq!(flow(r#"{"flow_token":"t","citas":3}"#), "citas: 3");
    assert_eq!(
        flow("not json"),
        "Sent",
        "unreadable answers fall back to the body"
    );
    assert_eq!(flow(r#"{"flow_token":"t"}"#), "Sent");

    let mut ad = base("text", json!({"body": "Hola"}));
    ad["referral"] = json!({"source_url": "https://fb.me/x", "source_type": "post"});
    assert_eq!(
        incoming(&ad).unwrap().extra,
        Some(MessageExtra::Referral {
            source_url: "https://fb.me/x".into(),
            source_type: "post".into(),
            headline: None
        })
    );

    let changed = |system: Value| incoming(&base("system", system)).unwrap();
    let moved = changed(
        json!({"body": "Ana changed", "wa_id": "34611111111", "type": "user_changed_number"}),
    );
    assert_eq!(moved.changed_number_to.as_deref(), Some("34611111111"));
    assert_eq!(moved.body, "Ana changed");
    let older = changed(json!({"new_wa_id": "34622222222", "type": "user_changed_number"}));
    assert_eq!(older.changed_number_to.as_deref(), Some("34622222222"));
    let odd = changed(json!({"wa_id": "not a number", "type": "user_changed_number"}));
    assert_eq!(odd.changed_number_to, None);
    let other = changed(json!({"body": "x", "wa_id": "346", "type": "customer_identity_changed"}));
    assert_eq!(other.changed_number_to, None);

    assert!(incoming(&json!({"from": "1", "id": "w", "type": "request_welcome"})).is_none());
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
