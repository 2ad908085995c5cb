//! A local stand-in for Meta's Graph API (WhatsApp Cloud API), speaking its wire format:
//! it checks the bearer token, records every request as Meta would receive it, answers
//! as Meta does (message ids, media ids, paged templates) and fails on cue (a send or a
//! media lookup takes the next failure).
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub const TOKEN: &str = "EAAG-test-token";
pub const PHONE_ID: &str = "1098765432";
pub const WABA_ID: &str = "2098765432";
pub const APP_SECRET: &str = "app-secret-for-tests";
pub const VERIFY_TOKEN: &str = "verify-me";

/// A request as the fake received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    /// The JSON body (messages) or the multipart fields (media uploads).
    pub body: Value,
}

#[derive(Default)]
struct Inner {
    requests: Vec<Recorded>,
    /// Answers to give the next `/messages` calls instead of success.
    failures: VecDeque<(u16, Value)>,
    media: HashMap<String, (Vec<u8>, String)>,
    templates: Vec<Value>,
    next_id: u64,
    /// The id the last media upload was given.
    last_media: Option<String>,
    /// How long `/messages` takes to answer after it has recorded the request.
    delay: std::time::Duration,
}

#[derive(Clone)]
pub struct FakeGraph {
    pub addr: SocketAddr,
    inner: Arc<Mutex<Inner>>,
}

fn authorised(headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

fn oauth_error() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(
            json!({"error": {"message": "Invalid OAuth access token - Cannot parse access token",
            "type": "OAuthException", "code": 190, "fbtrace_id": "AbCdEf"}}),
        ),
    )
        .into_response()
}

/// Meta's answer when the 24-hour window has closed.
pub fn reengagement_error() -> (u16, Value) {
    (
        400,
        json!({"error": {"message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047,
            "error_data": {"messaging_product": "whatsapp",
                "details": "Message failed to send because more than 24 hours have passed since the customer last replied to this number."},
            "fbtrace_id": "AbCdEf"}}),
    )
}

pub fn server_error() -> (u16, Value) {
    (
        500,
        json!({"error": {"message": "An unknown error occurred", "type": "OAuthException", "code": 1, "fbtrace_id": "x"}}),
    )
}

impl FakeGraph {
    pub async fn start() -> FakeGraph {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let fake = FakeGraph { addr, inner };
        let router = Router::new()
            .route("/{version}/{id}/messages", post(send_message))
            .route("/{version}/{id}/media", post(upload_media))
            .route("/{version}/{id}/message_templates", get(templates))
            .route("/{version}/{id}", get(media_info))
            .route("/files/{id}", get(media_bytes))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        fake
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().unwrap().requests.clone()
    }

    /// The JSON bodies sent to `/messages`, in order.
    pub fn sent(&self) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/messages"))
            .map(|r| r.body)
            .collect()
    }

    pub fn fail_next(&self, answer: (u16, Value)) {
        self.inner.lock().unwrap().failures.push_back(answer);
    }

    /// A file customers "sent", retrievable through the media endpoints.
    pub fn add_media(&self, id: &str, bytes: &[u8], mime: &str) {
        self.inner
            .lock()
            .unwrap()
            .media
            .insert(id.to_owned(), (bytes.to_vec(), mime.to_owned()));
    }

    pub fn set_delay(&self, delay: std::time::Duration) {
        self.inner.lock().unwrap().delay = delay;
    }

    pub fn last_media_id(&self) -> String {
        self.inner
            .lock()
            .unwrap()
            .last_media
            .clone()
            .unwrap_or_default()
    }

    pub fn set_templates(&self, templates: Vec<Value>) {
        self.inner.lock().unwrap().templates = templates;
    }

    fn next_id(&self) -> u64 {
        let mut inner = self.inner.lock().unwrap();
        inner.next_id += 1;
        inner.next_id
    }
}

async fn send_message(
    State(fake): State<FakeGraph>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !authorised(&headers) {
        return oauth_error();
    }
    let (failure, delay) = {
        let mut inner = fake.inner.lock().unwrap();
        inner.requests.push(Recorded {
            path: format!("/{version}/{id}/messages"),
            body: body.clone(),
        });
        (inner.failures.pop_front(), inner.delay)
    };
    tokio::time::sleep(delay).await;
    if let Some((status, answer)) = failure {
        return (StatusCode::from_u16(status).unwrap(), Json(answer)).into_response();
    }
    if id != PHONE_ID || body["messaging_product"] != "whatsapp" {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}})),
        )
            .into_response();
    }
    // A number goes in `to`; a business-scoped user id in `recipient` (and `to` wins).
    let contact = match (body["to"].as_str(), body["recipient"].as_str()) {
        (Some(to), _) => json!({"input": to, "wa_id": to}),
        (None, Some(user_id)) => json!({"input": user_id, "user_id": user_id}),
        (None, None) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": {"message": "(#100) The parameter to is required.", "type": "OAuthException", "code": 100}})),
            )
                .into_response()
        }
    };
    let n = fake.next_id();
    Json(
        json!({"messaging_product": "whatsapp", "contacts": [contact],
        "messages": [{"id": format!("wamid.fake{n}")}]}),
    )
    .into_response()
}

async fn upload_media(
    State(fake): State<FakeGraph>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
    mut form: Multipart,
) -> Response {
    if !authorised(&headers) {
        return oauth_error();
    }
    let mut fields = serde_json::Map::new();
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await.unwrap_or_default();
            fields.insert(
                "file".into(),
                json!({"file_name": file_name, "content_type": content_type, "size": bytes.len()}),
            );
        } else {
            fields.insert(name, json!(field.text().await.unwrap_or_default()));
        }
    }
    fake.inner.lock().unwrap().requests.push(Recorded {
        path: format!("/{version}/{id}/media"),
        body: Value::Object(fields),
    });
    let id = format!("media{}", fake.next_id());
    fake.inner.lock().unwrap().last_media = Some(id.clone());
    Json(json!({"id": id})).into_response()
}

async fn media_info(
    State(fake): State<FakeGraph>,
    Path((_version, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !authorised(&headers) {
        return oauth_error();
    }
    let (found, failure) = {
        let mut inner = fake.inner.lock().unwrap();
        (inner.media.get(&id).cloned(), inner.failures.pop_front())
    };
    if let Some((status, answer)) = failure {
        return (StatusCode::from_u16(status).unwrap(), Json(answer)).into_response();
    }
    match found {
        Some((bytes, mime)) => Json(json!({"messaging_product": "whatsapp",
            "url": format!("http://{}/files/{id}", fake.addr), "mime_type": mime,
            "sha256": "", "file_size": bytes.len(), "id": id}))
        .into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100}})),
        )
            .into_response(),
    }
}

async fn media_bytes(
    State(fake): State<FakeGraph>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorised(&headers) {
        return oauth_error();
    }
    let found = fake.inner.lock().unwrap().media.get(&id).cloned();
    match found {
        Some((bytes, mime)) => ([("content-type", mime)], bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Two templates per page, with Meta's cursor paging.
async fn templates(
    State(fake): State<FakeGraph>,
    Path((version, id)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if !authorised(&headers) {
        return oauth_error();
    }
    let all = {
        let mut inner = fake.inner.lock().unwrap();
        inner.requests.push(Recorded {
            path: format!("/{version}/{id}/message_templates"),
            body: json!(query),
        });
        inner.templates.clone()
    };
    let start: usize = query.get("after").and_then(|a| a.parse().ok()).unwrap_or(0);
    let page: Vec<Value> = all.iter().skip(start).take(2).cloned().collect();
    let mut answer = json!({"data": page, "paging": {"cursors": {"before": start.to_string(), "after": (start + 2).to_string()}}});
    if start + 2 < all.len() {
        answer["paging"]["next"] = json!(format!(
            "http://{}/{version}/{id}/message_templates?limit=2&after={}",
            fake.addr,
            start + 2
        ));
    }
    Json(answer).into_response()
}
