use super::*;

#[test]
fn payloads_follow_the_cloud_api() {
    assert_eq!(
        text_payload("34612345678", "Hola"),
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "34612345678",
            "type": "text", "text": {"preview_url": false, "body": "Hola"}})
    );
    let filled = Filled {
        body: vec!["Ana".into(), "A-17".into()],
        header: vec!["Pedido".into()],
        buttons: vec![(1, "A17".into())],
        ..Filled::default()
    };
    let t = template_payload("34612345678", "pedido_enviado", "es", &filled, None);
    assert_eq!(t["template"]["language"]["code"], "es");
    assert_eq!(
        t["template"]["components"],
        json!([
            {"type": "header", "parameters": [{"type": "text", "text": "Pedido"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "A-17"}]},
            {"type": "button", "sub_type": "url", "index": "1", "parameters": [{"type": "text", "text": "A17"}]}
        ])
    );
    assert!(
        template_payload("3", "hola", "es", &Filled::default(), None)["template"]
            .get("components")
            .is_none()
    );
    let named = Filled {
        body: vec!["Ana".into()],
        body_names: vec!["nombre".into()],
        ..Filled::default()
    };
    let pdf_header = header_media_parameter(HeaderMedia::Document, "m9", "factura.pdf");
    assert_eq!(
        template_payload("3", "factura", "es", &named, Some(pdf_header))["template"]["components"],
        json!([
            {"type": "header", "parameters": [{"type": "document", "document": {"id": "m9", "filename": "factura.pdf"}}]},
            {"type": "body", "parameters": [{"type": "text", "parameter_name": "nombre", "text": "Ana"}]}
        ])
    );
    assert_eq!(
        header_media_parameter(HeaderMedia::Image, "m1", "x.png"),
        json!({"type": "image", "image": {"id": "m1"}})
    );
    let voice = AttachmentView {
        id: 1,
        file_name: "voice.ogg".into(),
        content_type: "audio/ogg".into(),
        byte_size: 10,
        duration_ms: Some(2000),
    };
    let audio = media_payload("3", &voice, "m1", Some("ignored"));
    assert_eq!(audio["type"], "audio");
    assert!(audio["audio"].get("caption").is_none());
    let pdf = AttachmentView {
        file_name: "factura.pdf".into(),
        content_type: "application/pdf".into(),
        ..voice
    };
    let doc = media_payload("3", &pdf, "m2", Some("Tu factura"));
    assert_eq!(
        doc["document"],
        json!({"id": "m2", "filename": "factura.pdf", "caption": "Tu factura"})
    );
}
