//! The rules of Chatwoot's Client API (`/public/api/v1/inboxes/{identifier}/…`) and of
//! the API inbox's settings. The Client API takes no cookie: what a caller knows (the
//! inbox identifier, the contact identifier) is all that counts, so every caller gets
//! the same answer, and a contact never reaches another contact's conversation or file.
use reqwest::Method;
use serde_json::json;

use super::*;

fn public(f: &Fixture, path: &str) -> String {
    format!("/public/api/v1/inboxes/{}{path}", f.api_inbox)
}

fn contact(f: &Fixture, path: &str) -> String {
    public(f, &format!("/contacts/{}{path}", f.api_contact))
}

pub(super) fn client_api_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/api_inbox/settings",
            build: |f, _| Req::Json(json!({"id": f.api_inbox_id})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/api_inbox/save",
            build: |f, _| {
                Req::Json(
                    json!({"id": f.api_inbox_id, "settings": {"identifier": "", "webhook_url": "", "secret": ""}}),
                )
            },
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}",
            build: |f, _| Req::Get(public(f, "")),
            expect: PUBLIC,
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts",
            build: |f, _| Req::Other(Method::POST, public(f, "/contacts"), Some(json!({"name": "Nueva"}))),
            expect: PUBLIC,
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}",
            build: |f, _| Req::Get(contact(f, "")),
            expect: PUBLIC,
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations",
            build: |f, _| Req::Get(contact(f, "/conversations")),
            // Hers only: nothing of the fixture's web-chat conversation.
            expect: [Without(MARKER); 6],
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/attachments/{id}",
            // The agent's file in another customer's conversation.
            build: |f, _| Req::Get(contact(f, &format!("/attachments/{}", f.file))),
            expect: [NOT_FOUND; 6],
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}",
            build: |f, _| Req::Get(contact(f, &format!("/conversations/{}", f.api_number))),
            expect: PUBLIC,
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/toggle_status",
            // The fixture's web-chat conversation, by its number: not hers.
            build: |f, _| Req::Other(Method::POST, contact(f, &format!("/conversations/{}/toggle_status", f.number)), None),
            expect: [NOT_FOUND; 6],
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/toggle_typing",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    contact(f, &format!("/conversations/{}/toggle_typing", f.api_number)),
                    Some(json!({"typing_status": "on"})),
                )
            },
            expect: PUBLIC,
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/update_last_seen",
            build: |f, _| Req::Other(Method::POST, contact(f, &format!("/conversations/{}/update_last_seen", f.api_number)), None),
            expect: PUBLIC,
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages",
            build: |f, _| Req::Get(contact(f, &format!("/conversations/{}/messages", f.api_number))),
            expect: PUBLIC,
        },
        Rule {
            route: "/public/api/v1/inboxes/{inbox_identifier}/contacts/{contact_identifier}/conversations/{conversation_id}/messages/{message_id}",
            // The web chat's message, through her own conversation: not hers.
            build: |f, _| {
                Req::Other(
                    Method::PATCH,
                    contact(f, &format!("/conversations/{}/messages/{}", f.api_number, f.message)),
                    Some(json!({"submitted_values": {"csat_survey_response": {"rating": 5}}})),
                )
            },
            expect: [NOT_FOUND; 6],
        },
    ]
}

/// An API inbox, a Client API contact in it and her conversation: (inbox id,
/// identifier, contact identifier, conversation number).
pub(super) async fn api_fixture(app: &TestApp, admin: &str) -> (i64, String, String, i64) {
    let id = created_inbox(app, admin, "API authz", "api").await;
    let identifier: String = sqlx::query_scalar("SELECT web_token FROM inboxes WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let base = format!("/public/api/v1/inboxes/{identifier}");
    let made: Value = client()
        .post(app.url(&format!("{base}/contacts")))
        .json(&json!({"name": "Cliente API"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let source = made["source_id"].as_str().unwrap().to_owned();
    let conversation: Value = client()
        .post(app.url(&format!("{base}/contacts/{source}/conversations")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (id, identifier, source, conversation["id"].as_i64().unwrap())
}
