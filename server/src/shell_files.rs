//! The service worker and the build it belongs to. Each page names its build in an
//! `x-charla-build` header and `/sw.js` starts with the same id, so the worker serves
//! the client's files from its cache only to pages of its own build, and a new build
//! (new files under `/pkg/`) is a new worker with a new cache.
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::OnceLock;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header;

/// The worker's code; the id line is put before it.
const WORKER: &str = include_str!("../../public/sw.js");

static BUILD: OnceLock<String> = OnceLock::new();

/// This build's id: the client files' names and contents, hashed (at start-up, a few
/// milliseconds), so every replica serving the same files agrees on it whenever and
/// wherever they were copied, and a rebuild that changes any file changes it.
pub fn init(pkg_dir: &std::path::Path) {
    BUILD.get_or_init(|| {
        let mut files = Vec::new();
        collect(pkg_dir, &mut files);
        files.sort();
        // Std's hasher has fixed keys: every replica running this binary agrees.
        let mut hash = DefaultHasher::new();
        env!("CARGO_PKG_VERSION").hash(&mut hash);
        for path in files {
            path.strip_prefix(pkg_dir).unwrap_or(&path).hash(&mut hash);
            std::fs::read(&path).unwrap_or_default().hash(&mut hash);
        }
        format!("{:016x}", hash.finish())
    });
}

/// Every file under `dir` (wasm-bindgen's snippets sit in folders), without the
/// precompressed copies, which follow from the files themselves.
fn collect(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")) {
            files.push(path);
        }
    }
}

fn build() -> &'static str {
    BUILD.get().map_or("dev", String::as_str)
}

/// `GET /sw.js`: the worker, its build's id first. Never cached, so the browser's
/// check for a new worker (each navigation) sees a new build at once.
pub async fn worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        format!("const BUILD = '{}';\n{WORKER}", build()),
    )
        .into_response()
}

/// Names the build on every page and on every client file, so the worker can tell
/// which build a page wants and which build a file it is handed belongs to. The files'
/// names do not change between builds: browsers without the worker ask the server
/// whether a file changed rather than guess it fresh (a new page with an old file
/// would not start).
pub async fn name_build(request: Request, next: Next) -> Response {
    let client_file = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html || client_file {
        if let Ok(value) = http::HeaderValue::from_str(build()) {
            response.headers_mut().insert("x-charla-build", value);
        }
    }
    if client_file && !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-cache"),
        );
    }
    response
}
