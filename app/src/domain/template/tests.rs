//! The template rules against components in the shapes Meta documents.
use super::*;
use serde_json::json;

fn parse(format: &str, components: serde_json::Value) -> TemplateView {
    TemplateView::from_components(
        1,
        "t".into(),
        "es".into(),
        "UTILITY".into(),
        format,
        &components.to_string(),
    )
    .unwrap()
}

fn template(body: &str) -> TemplateView {
    parse(
        "POSITIONAL",
        json!([{"type": "HEADER", "format": "TEXT", "text": "Pedido"},
            {"type": "BODY", "text": body}, {"type": "FOOTER", "text": "Tienda"}]),
    )
}

#[test]
fn reads_components_and_counts_variables() {
    let t = template("Hola {{1}}, tu pedido {{2}} llega {{ 2 }}.");
    assert_eq!(t.header.as_deref(), Some("Pedido"));
    assert_eq!(t.footer.as_deref(), Some("Tienda"));
    assert_eq!(t.variable_count(), 2);
    assert!(t.can_send());
    assert_eq!(variables("{{0}} {{x}} {{3}}", false), vec!["1", "2", "3"]);
    let empty = parse("POSITIONAL", json!([]));
    assert_eq!(empty.unsupported, Some(Unsupported::NoBody));
    assert!(
        TemplateView::from_components(1, "t".into(), "es".into(), "U".into(), "", "{").is_none()
    );
}

#[test]
fn renders_and_requires_every_variable() {
    let t = template("Hola {{1}}, tu pedido {{2}} ya está en camino.");
    let params = vec!["Ana".to_owned(), " A-17 ".to_owned()];
    assert_eq!(
        t.render(&params),
        "Hola Ana, tu pedido A-17 ya está en camino."
    );
    assert_eq!(t.first_missing(&params), None);
    assert_eq!(
        t.render(&params[..1]),
        "Hola Ana, tu pedido {{2}} ya está en camino."
    );
    assert_eq!(t.first_missing(&["Ana".into(), "  ".into()]), Some(2));
    assert_eq!(t.first_missing(&[]), Some(1));
    assert_eq!(fill("{{1", &[], &[]), "{{1");
}

#[test]
fn header_and_url_button_variables_follow_the_body() {
    let t = parse(
        "POSITIONAL",
        json!([
            {"type": "HEADER", "format": "TEXT", "text": "Pedido {{1}}"},
            {"type": "BODY", "text": "Hola {{1}}"},
            {"type": "BUTTONS", "buttons": [
                {"type": "QUICK_REPLY", "text": "Gracias"},
                {"type": "URL", "text": "Seguir envío", "url": "https://shop.example/t/{{1}}"},
                {"type": "URL", "text": "Tienda", "url": "https://shop.example"}]}
        ]),
    );
    assert_eq!(
        t.slots(),
        vec![
            Slot::Body("1".into()),
            Slot::Header("1".into()),
            Slot::Button {
                index: 1,
                text: "Seguir envío".into()
            }
        ]
    );
    let params = vec!["Ana".to_owned(), "A-17".to_owned(), " XYZ ".to_owned()];
    assert_eq!(t.render(&params), "Hola Ana");
    assert_eq!(t.render_header(&params).as_deref(), Some("Pedido A-17"));
    assert_eq!(
        t.split(&params),
        Filled {
            body: vec!["Ana".into()],
            header: vec!["A-17".into()],
            buttons: vec![(1, "XYZ".into())],
            ..Filled::default()
        }
    );
    assert_eq!(t.first_missing(&params[..2]), Some(3));
}

#[test]
fn named_parameters_keep_their_names() {
    let t = parse(
        "NAMED",
        json!([
            {"type": "HEADER", "format": "TEXT", "text": "Pedido {{pedido}}"},
            {"type": "BODY", "text": "Hola {{nombre}}, tu pedido {{pedido}} llega el {{fecha}}. {{nombre}}, gracias.",
             "example": {"body_text_named_params": [{"param_name": "nombre", "example": "Ana"}]}}
        ]),
    );
    assert!(t.named);
    assert_eq!(
        t.slots(),
        vec![
            Slot::Body("nombre".into()),
            Slot::Body("pedido".into()),
            Slot::Body("fecha".into()),
            Slot::Header("pedido".into()),
        ]
    );
    let params: Vec<String> = ["Ana", "A-17", "lunes", "A-17"].map(String::from).into();
    assert_eq!(
        t.render(&params),
        "Hola Ana, tu pedido A-17 llega el lunes. Ana, gracias."
    );
    let filled = t.split(&params);
    assert_eq!(filled.body_names, vec!["nombre", "pedido", "fecha"]);
    assert_eq!(filled.header_names, vec!["pedido"]);
    // Synced before Meta said NAMED: the names between the braces tell.
    assert!(parse("", json!([{"type": "BODY", "text": "Hola {{nombre}}"}])).named);
    assert!(!template("Hola {{1}}").named);
}

#[test]
fn media_headers_are_offered_and_other_kinds_say_why_not() {
    let image = parse(
        "POSITIONAL",
        json!([{"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW1hZ2U="]}},
            {"type": "BODY", "text": "Hola"}]),
    );
    assert_eq!(image.header_media, Some(HeaderMedia::Image));
    assert!(image.can_send());
    assert!(HeaderMedia::Image.accepts("image/png"));
    assert!(!HeaderMedia::Image.accepts("image/webp"));
    assert!(HeaderMedia::Document.accepts("application/pdf"));
    assert_eq!(HeaderMedia::Video.accept(), "video/mp4,video/3gpp");
    let location = parse(
        "POSITIONAL",
        json!([{"type": "HEADER", "format": "LOCATION"}, {"type": "BODY", "text": "Aquí"}]),
    );
    assert_eq!(
        location.unsupported,
        Some(Unsupported::Header("LOCATION".into()))
    );
    let flow = parse(
        "POSITIONAL",
        json!([{"type": "BODY", "text": "Reserva"},
            {"type": "BUTTONS", "buttons": [{"type": "FLOW", "text": "Reservar", "flow_id": "1"}]}]),
    );
    assert_eq!(flow.unsupported, Some(Unsupported::Button("FLOW".into())));
    let carousel = parse(
        "POSITIONAL",
        json!([{"type": "BODY", "text": "Mira"}, {"type": "CAROUSEL", "cards": []}]),
    );
    assert_eq!(
        carousel.unsupported,
        Some(Unsupported::Component("CAROUSEL".into()))
    );
}
