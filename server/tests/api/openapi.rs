//! The OpenAPI document of the Chatwoot-compatible API (`/api/v1/openapi.json`),
//! generated from the handlers: it describes every API route, and a property-based
//! fuzzer from PyPI (schemathesis) drives the running server from it: no answer is a
//! server error and every answer matches the document.
use serde_json::Value;

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_describes_every_api_route() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let res = client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let document: Value = res.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    let paths = document["paths"].as_object().unwrap();
    let missing: Vec<String> = server::plain_route_paths()
        .into_iter()
        .filter(|p| p.starts_with("/api/v1/") && p != "/api/v1/openapi.json")
        .filter(|p| !paths.contains_key(p))
        .collect();
    assert!(
        missing.is_empty(),
        "routes the document does not describe: {missing:?}"
    );
    assert_eq!(
        document["components"]["securitySchemes"]["api_access_token"]["name"],
        "api_access_token"
    );
}

/// Runs `schemathesis` (installed by `scripts/setup.sh`); without it the test says so and
/// passes, as the PostgreSQL tests do without a database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fuzzer_finds_no_server_error_and_no_answer_off_the_document() -> Result<(), Failures> {
    if std::process::Command::new("schemathesis")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("schemathesis is not installed (scripts/setup.sh installs it): fuzzing skipped");
        return Ok(());
    }
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let token = app.api_token(ADMIN).await;
    let document = app.url("/api/v1/openapi.json");
    let base = app.url("");
    let header = format!("api_access_token: {token}");
    let config = client_api_config(&app, &token).await;
    let config_path = config.path().to_owned();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("schemathesis")
            .args(["--config-file", config_path.to_str().unwrap()])
            .args(["run", &document, "--url", &base, "--header", &header])
            .args(["--checks", "not_a_server_error,response_schema_conformance"])
            // Hypothesis's "too slow" health check measures the machine, not the API: on a
            // CI machine running the other tests beside it, it fails the run.
            .args(["--suppress-health-check", "too_slow"])
            .args([
                "--max-examples",
                "15",
                "--seed",
                "20261205",
                "--request-timeout",
                "30",
            ])
            .env("NO_COLOR", "1")
            .output()
            .expect("schemathesis runs")
    })
    .await
    .unwrap();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        return Ok(());
    }
    Err(Failures(text))
}

/// The fuzzer's report, whose errors section is printed last and without a backtrace
/// (a failing test's result, not a panic), so the end of a long CI log shows it.
struct Failures(String);

impl std::fmt::Debug for Failures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = &self.0;
        let start = ["= ERRORS =", "= FAILURES =", "WARNINGS"]
            .iter()
            .filter_map(|mark| text.find(mark))
            .min()
            .unwrap_or(0);
        write!(f, "the fuzzer found failures:\n{}", &text[start..])
    }
}

/// The fuzzer's settings with an API inbox and a Client API contact of it, so the
/// Client API's paths reach real records rather than only "not found".
async fn client_api_config(app: &TestApp, token: &str) -> tempfile::NamedTempFile {
    let account = app.account_id().await;
    let inbox: Value = client()
        .post(app.url(&format!("/api/v1/accounts/{account}/inboxes")))
        .header("api_access_token", token)
        .json(&serde_json::json!({"name": "Fuzz API", "channel": {"type": "api"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let identifier = inbox["inbox_identifier"].as_str().unwrap().to_owned();
    let contact: Value = client()
        .post(app.url(&format!("/public/api/v1/inboxes/{identifier}/contacts")))
        .json(&serde_json::json!({"name": "Fuzz"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/api/schemathesis.toml"
    ))
    .unwrap();
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        config.path(),
        format!(
            "{base}\"path.inbox_identifier\" = \"{identifier}\"\n\"path.contact_identifier\" = \"{}\"\n",
            contact["source_id"].as_str().unwrap()
        ),
    )
    .unwrap();
    config
}
