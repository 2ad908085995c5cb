//! Tests of `files`.
use super::*;

#[test]
fn upload_urls_encode_names_and_tokens() {
    let agent = UploadTarget::Agent { conversation_id: 7 };
    assert_eq!(
        agent.upload_url("factura 1&2.pdf", false, None),
        "/api/uploads?conversation_id=7&name=factura%201%262.pdf"
    );
    assert_eq!(
        agent.upload_url("nota.webm", true, Some(2100)),
        "/api/uploads?conversation_id=7&name=nota.webm&voice=true&duration_ms=2100"
    );
    let visitor = UploadTarget::Visitor {
        token: "abc".into(),
        visitor: "x/y".into(),
    };
    assert_eq!(
        visitor.discard_url(3),
        "/api/widget/uploads/3/discard?token=abc"
    );
    assert!(
        !visitor.upload_url("a.png", false, None).contains("x%2Fy"),
        "the visitor token travels in a header"
    );
    assert_eq!(visitor.visitor().as_deref(), Some("x/y"));
}
