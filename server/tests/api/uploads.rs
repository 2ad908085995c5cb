//! Files and voice messages (S5, S6): uploads checked from their bytes, stored as
//! pending files, claimed by the message; refusals leave nothing; who may fetch what.
use serde_json::{json, Value};

use crate::helpers::*;
use crate::on_both_backends;
use app::conversations::model::MessageView;
use app::domain::attachment::UploadedFile;
use app::widget::{WidgetSent, WidgetState};

on_both_backends!(
    files_go_with_the_message_to_agents_and_the_visitor,
    refused_and_interrupted_uploads_leave_nothing,
    uploads_belong_to_whoever_uploaded_them,
    voice_messages_become_ogg_opus_with_their_duration,
    abandoned_uploads_are_swept
);

pub const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\0\x01\x01\0\x05\x18\xd8N\0\0\0\0IEND\xaeB`\x82";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const CHROMIUM_WEBM: &[u8] = include_bytes!("../fixtures/voice-chromium.webm");

fn elf() -> Vec<u8> {
    let mut bytes = b"\x7fELF\x02\x01\x01\0".to_vec();
    bytes.resize(256, 0);
    bytes
}

/// A visitor writes in; returns (conversation id, widget token, visitor token).
async fn visitor_conversation(app: &TestApp) -> (i64, String, String) {
    let token = app.web_chat_token().await;
    let sent: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Os mando una foto", "name": "Eva", "email": null}))
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    (conversation, token, sent.visitor)
}

/// An agent's upload (`/api/uploads?…`): the status and the answer's JSON.
pub async fn upload(app: &TestApp, cookie: &str, query: &str, body: Vec<u8>) -> (u16, Value) {
    let res = client()
        .post(app.url(&format!("/api/uploads?{query}")))
        .header("cookie", cookie)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn stored(
    app: &TestApp,
    cookie: &str,
    conversation: i64,
    name: &str,
    body: &[u8],
) -> UploadedFile {
    let (status, value) = upload(
        app,
        cookie,
        &format!("conversation_id={conversation}&name={name}"),
        body.to_vec(),
    )
    .await;
    assert_eq!(status, 201, "{value}");
    serde_json::from_value(value).unwrap()
}

async fn attachment_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM attachments")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap()
}

/// Every file under the storage directory (staging files included).
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(app.files.path(), &mut out);
    out
}

fn send(conversation: i64, body: &str, attachments: &[i64]) -> Value {
    json!({"conversation_id": conversation, "body": body, "private": false,
        "idempotency_key": null, "mentions": [], "attachments": attachments})
}

async fn files_go_with_the_message_to_agents_and_the_visitor(app: TestApp) {
    let (conversation, token, visitor) = visitor_conversation(&app).await;
    let lucia = app.sign_in(LUCIA).await;
    let image = stored(&app, &lucia.cookie, conversation, "foto.png", PNG).await;
    assert_eq!(image.content_type, "image/png");
    let pdf = stored(&app, &lucia.cookie, conversation, "presupuesto.pdf", PDF).await;
    assert_eq!(pdf.content_type, "application/pdf");
    assert_eq!(pdf.byte_size, PDF.len() as i64);
    // Text is optional when files go.
    let message: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            send(conversation, "", &[image.id, pdf.id]),
        )
        .await;
    let names: Vec<_> = message
        .attachments
        .iter()
        .map(|a| a.file_name.as_str())
        .collect();
    assert_eq!(names, ["foto.png", "presupuesto.pdf"]);
    let preview: String =
        sqlx::query_scalar("SELECT last_message_preview FROM conversations WHERE id = $1")
            .bind(conversation)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(preview, "📎 foto.png");

    // Agents: images inline with their type, documents as downloads; never sniffed.
    let get = |url: String, cookie: Option<String>| async move {
        let mut req = client().get(url);
        if let Some(cookie) = cookie {
            req = req.header("cookie", cookie);
        }
        req.send().await.unwrap()
    };
    let png = &message.attachments[0];
    let res = get(app.url(&png.url()), Some(lucia.cookie.clone())).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    let doc = &message.attachments[1];
    let res = get(app.url(&doc.url()), Some(lucia.cookie.clone())).await;
    assert_eq!(res.headers()["content-type"], "application/octet-stream");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(get(app.url(&doc.url()), None).await.status(), 401);

    // The visitor sees both, and fetches them with their own token only.
    let opened: WidgetState = app
        .ok(
            "",
            "widget/open",
            json!({"token": token, "visitor": visitor}),
        )
        .await;
    let last = opened.messages.last().unwrap();
    assert_eq!(last.attachments.len(), 2);
    let visitor_url = |id: i64, who: &str| {
        app.url(&format!(
            "/api/widget/attachments/{id}?token={token}&visitor={who}"
        ))
    };
    let res = get(visitor_url(doc.id, &visitor), None).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.bytes().await.unwrap().as_ref(), PDF);
    let other: WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Otra persona", "name": null, "email": null}))
        .await;
    assert_eq!(
        get(visitor_url(doc.id, &other.visitor), None)
            .await
            .status(),
        404
    );
    assert_eq!(
        get(visitor_url(doc.id, "inventado"), None).await.status(),
        401
    );

    // A private note's file never reaches the visitor.
    let secret = stored(&app, &lucia.cookie, conversation, "interno.pdf", PDF).await;
    let note: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            json!({"conversation_id": conversation, "body": "solo equipo",
            "private": true, "idempotency_key": null, "mentions": [], "attachments": [secret.id]}),
        )
        .await;
    assert_eq!(
        get(visitor_url(note.attachments[0].id, &visitor), None)
            .await
            .status(),
        404
    );

    // The visitor sends a file from the widget; the agent gets it.
    let res = client()
        .post(app.url(&format!(
            "/api/widget/uploads?token={token}&visitor={visitor}&name=ticket.png"
        )))
        .body(PNG.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let from_visitor: UploadedFile = res.json().await.unwrap();
    let sent: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": token, "visitor": visitor, "body": "",
            "name": null, "email": null, "attachments": [from_visitor.id]}),
        )
        .await;
    assert_eq!(sent.message.attachments[0].file_name, "ticket.png");
    let res = get(
        app.url(&sent.message.attachments[0].url()),
        Some(lucia.cookie.clone()),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
}

async fn refused_and_interrupted_uploads_leave_nothing(app: TestApp) {
    let (conversation, _, _) = visitor_conversation(&app).await;
    let lucia = app.sign_in(LUCIA).await;
    let before = attachment_rows(&app).await;
    let query = |name: &str| format!("conversation_id={conversation}&name={name}");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("vacio.pdf", Vec::new(), "empty"),
        ("foto.png", elf(), "executable"),
        (
            "setup.exe",
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec(),
            "executable",
        ),
        ("foto.png", PDF.to_vec(), "disguised"),
        (
            "pagina.html",
            b"<!DOCTYPE html><script>alert(1)</script>".to_vec(),
            "unsupported",
        ),
    ];
    for (name, body, reason) in cases {
        let (status, value) = upload(&app, &lucia.cookie, &query(name), body).await;
        assert_eq!(status, 422, "{name}: {value}");
        assert_eq!(value["reason"], reason, "{name}: {value}");
    }
    // Over the general maximum (40 MB by default), streamed: refused part-way.
    let mut big = PDF.to_vec();
    big.resize(40 * 1024 * 1024 + 1, b' ');
    let (status, value) = upload(&app, &lucia.cookie, &query("enorme.pdf"), big).await;
    assert_eq!(status, 422);
    assert_eq!(value["reason"], "too_large");
    assert_eq!(value["limit_bytes"], 40 * 1024 * 1024);
    // The connection drops half-way through a file.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(PDF.to_vec()),
        Ok(vec![b' '; 200_000]),
        Err(std::io::Error::other("cable pulled")),
    ];
    let res = client()
        .post(app.url(&format!("/api/uploads?{}", query("cortado.pdf"))))
        .header("cookie", &lucia.cookie)
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await;
    assert!(res.is_err() || !res.unwrap().status().is_success());
    // Give the server a moment to notice the broken body.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(attachment_rows(&app).await, before);
    assert_eq!(stored_files(&app), Vec::<std::path::PathBuf>::new());
    // And no message came of it.
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send",
            send(conversation, "", &[]),
        )
        .await;
    assert_eq!(res.status(), 422);
}

async fn uploads_belong_to_whoever_uploaded_them(app: TestApp) {
    let (conversation, _, _) = visitor_conversation(&app).await;
    let lucia = app.sign_in(LUCIA).await;
    let admin = app.sign_in(ADMIN).await;
    assert_eq!(
        client()
            .post(app.url(&format!(
                "/api/uploads?conversation_id={conversation}&name=a.png"
            )))
            .body(PNG.to_vec())
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let (status, _) = upload(
        &app,
        &lucia.cookie,
        "conversation_id=999999&name=a.png",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, 404);
    let file = stored(&app, &lucia.cookie, conversation, "foto.png", PNG).await;
    // Someone else cannot send it, nor throw it away.
    let res = app
        .call_json(
            Some(&admin.cookie),
            "conversations/send",
            send(conversation, "mía", &[file.id]),
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = client()
        .post(app.url(&format!("/api/uploads/{}/discard", file.id)))
        .header("cookie", &admin.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    // Nor can the owner send it into another conversation.
    let (other, _, _) = visitor_conversation(&app).await;
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send",
            send(other, "aquí no", &[file.id]),
        )
        .await;
    assert_eq!(res.status(), 422);
    // A message fails whole: the text is not stored without its file.
    let count = |id: i64| {
        let pool = app.state.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM messages WHERE conversation_id = $1")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count(other).await, 1);
    let _: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            send(conversation, "la foto", &[file.id]),
        )
        .await;
    // Sent once; a second message cannot take it again.
    let res = app
        .call_json(
            Some(&lucia.cookie),
            "conversations/send",
            send(conversation, "otra vez", &[file.id]),
        )
        .await;
    assert_eq!(res.status(), 422);
    // The owner's discard removes row and file.
    let spare = stored(&app, &lucia.cookie, conversation, "sobra.png", PNG).await;
    let files_before = stored_files(&app).len();
    let res = client()
        .post(app.url(&format!("/api/uploads/{}/discard", spare.id)))
        .header("cookie", &lucia.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    app::storage::drain_deletions(&app.state.db, &app.state.settings.files)
        .await
        .unwrap();
    assert_eq!(stored_files(&app).len(), files_before - 1);
}

async fn voice_messages_become_ogg_opus_with_their_duration(app: TestApp) {
    let (conversation, _, _) = visitor_conversation(&app).await;
    let lucia = app.sign_in(LUCIA).await;
    let (status, value) = upload(
        &app,
        &lucia.cookie,
        &format!(
            "conversation_id={conversation}&name=nota-de-voz.webm&voice=true&duration_ms=2000"
        ),
        CHROMIUM_WEBM.to_vec(),
    )
    .await;
    assert_eq!(status, 201, "{value}");
    let voice: UploadedFile = serde_json::from_value(value).unwrap();
    assert_eq!(voice.content_type, "audio/ogg");
    assert_eq!(voice.file_name, "nota-de-voz.ogg");
    let duration = voice.duration_ms.unwrap();
    assert!((1500..2600).contains(&duration), "{duration} ms");
    let message: MessageView = app
        .ok(
            &lucia.cookie,
            "conversations/send",
            send(conversation, "", &[voice.id]),
        )
        .await;
    let res = client()
        .get(app.url(&message.attachments[0].url()))
        .header("cookie", &lucia.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "audio/ogg");
    let ogg = res.bytes().await.unwrap();
    // The stored file parses back as OGG/Opus of the same length.
    assert_eq!(
        app::storage::remux::ogg_opus_duration(&ogg).unwrap(),
        duration
    );
    // Not audio: refused as a recording.
    let (status, value) = upload(
        &app,
        &lucia.cookie,
        &format!("conversation_id={conversation}&name=nota.webm&voice=true"),
        PNG.to_vec(),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(value["reason"], "bad_recording");
}

async fn abandoned_uploads_are_swept(app: TestApp) {
    let (conversation, _, _) = visitor_conversation(&app).await;
    let lucia = app.sign_in(LUCIA).await;
    let _ = stored(&app, &lucia.cookie, conversation, "olvidada.png", PNG).await;
    let now = app::db::now_ms();
    // Not yet a day old: kept.
    assert_eq!(
        app::storage::uploads::sweep_abandoned(&app.state.db, now)
            .await
            .unwrap(),
        0
    );
    let later = now + app::storage::uploads::ABANDONED_AFTER_MS + 1000;
    assert_eq!(
        app::storage::uploads::sweep_abandoned(&app.state.db, later)
            .await
            .unwrap(),
        1
    );
    app::storage::drain_deletions(&app.state.db, &app.state.settings.files)
        .await
        .unwrap();
    assert_eq!(stored_files(&app), Vec::<std::path::PathBuf>::new());
}

/// The same upload service on S3-compatible storage: a local `moto_server` (PyPI's
/// `moto[server]`, installed by `scripts/setup.sh`), skipped with a reason if absent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_storage_stores_streams_and_cleans_up() {
    use app::storage::uploads::{store_upload, UploadError, UploadRequest, Uploader};
    let Some(s3) = crate::s3::MotoServer::start().await else {
        return;
    };
    let files = app::storage::Files::s3(&s3.settings("charla-test")).unwrap();
    // Plain put/read/delete.
    files.put("1/a.txt", b"hola".to_vec()).await.unwrap();
    assert_eq!(files.read("1/a.txt").await.unwrap().as_ref(), b"hola");
    files.delete("1/a.txt").await.unwrap();
    assert!(!files.exists("1/a.txt").await.unwrap());
    // A streamed upload through the service, then a refused one.
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let (conversation, _, _) = visitor_conversation(&app).await;
    let uploader = Uploader::agent(1, 1, conversation, app::domain::ChannelKind::WebChat);
    let limits = app::domain::attachment::UploadLimits::default();
    let request = |name: &str| UploadRequest {
        file_name: name.into(),
        voice: false,
        client_duration_ms: None,
    };
    let mut big = PDF.to_vec();
    big.resize(12 * 1024 * 1024, b' ');
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = big
        .chunks(1024 * 1024)
        .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
        .collect();
    let file = store_upload(
        &app.state.db,
        &files,
        &limits,
        &uploader,
        &request("grande.pdf"),
        futures::stream::iter(chunks),
    )
    .await
    .unwrap();
    assert_eq!(file.byte_size, big.len() as i64);
    let key: String = sqlx::query_scalar("SELECT storage_key FROM attachments WHERE id = $1")
        .bind(file.id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(files.read(&key).await.unwrap().len(), big.len());
    let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = vec![
        Ok(bytes::Bytes::from_static(PDF)),
        Ok(bytes::Bytes::from(vec![b' '; 6 * 1024 * 1024])),
        Err(std::io::Error::other("cable pulled")),
    ];
    let refused = store_upload(
        &app.state.db,
        &files,
        &limits,
        &uploader,
        &request("cortado.pdf"),
        futures::stream::iter(chunks),
    )
    .await;
    assert!(matches!(refused, Err(UploadError::Interrupted(_))));
    // Only the one good object is in the bucket (the aborted multipart left nothing).
    assert_eq!(s3.object_count("charla-test").await, 1);
}
