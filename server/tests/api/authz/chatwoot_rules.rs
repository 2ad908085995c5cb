//! The rules of the Chatwoot-compatible API (`/api/v1/…`) and of the access token in
//! Mi perfil. The matrix's callers hold session cookies, which the API takes as the
//! dashboard's pages do; the token header itself is tested in `chatwoot.rs`.
use reqwest::Method;
use serde_json::json;

use super::*;

pub(super) fn at(f: &Fixture, path: &str) -> String {
    format!("/api/v1/accounts/{}{path}", f.account)
}

pub(super) fn read(f: &Fixture, path: &str) -> Req {
    Req::Get(at(f, path))
}

/// A body-less POST to the fixture's conversation's `action`.
fn post(f: &Fixture, action: &str) -> Req {
    let path = at(f, &format!("/conversations/{}/{action}", f.number));
    Req::Other(Method::POST, path, None)
}

pub(super) fn api_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/{id}/contact_inboxes",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, &format!("/contacts/{}/contact_inboxes", f.contact)),
                    Some(json!({"inbox_id": f.api_inbox_id})),
                )
            },
            // The API inbox has no members: only administrators work it.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                NOT_FOUND,
                Allowed,
            ],
        },
        Rule {
            route: "/api/v1/openapi.json",
            build: |_, _| Req::Get("/api/v1/openapi.json".into()),
            // The API's description, as Chatwoot publishes its own.
            expect: PUBLIC,
        },
        Rule {
            route: "/api/profile/access_token",
            build: |_, _| Req::Json(json!({})),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/profile/access_token/regenerate",
            build: |_, _| Req::Json(json!({})),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/v1/profile",
            build: |_, _| Req::Get("/api/v1/profile".into()),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/agents",
            build: |f, _| read(f, "/agents"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/inboxes",
            build: |f, _| read(f, "/inboxes"),
            expect: API_MEMBERSHIP,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/inboxes/{id}",
            build: |f, _| read(f, &format!("/inboxes/{}", f.inbox)),
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/labels",
            build: |f, _| read(f, "/labels"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/labels/{id}",
            build: |f, _| read(f, &format!("/labels/{}", f.label)),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/canned_responses",
            build: |f, _| read(f, "/canned_responses"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/canned_responses/{id}",
            build: |f, _| {
                Req::Other(
                    Method::PATCH,
                    at(f, &format!("/canned_responses/{}", f.canned)),
                    Some(json!({"content": format!("Texto {MARKER}")})),
                )
            },
            expect: API_ADMIN,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts",
            build: |f, _| read(f, "/contacts"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/search",
            build: |f, _| read(f, &format!("/contacts/search?q={MARKER}")),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/{id}",
            build: |f, _| read(f, &format!("/contacts/{}", f.contact)),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/{id}/conversations",
            build: |f, _| read(f, &format!("/contacts/{}/conversations", f.contact)),
            expect: API_MEMBERSHIP,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/{id}/contactable_inboxes",
            build: |f, _| read(f, &format!("/contacts/{}/contactable_inboxes", f.contact)),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/filter",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, "/contacts/filter"),
                    Some(
                        json!({"payload": [{"attribute_key": "name", "filter_operator": "is_present", "values": []}]}),
                    ),
                )
            },
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/filter",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, "/conversations/filter"),
                    Some(
                        json!({"payload": [{"attribute_key": "status", "filter_operator": "equal_to", "values": ["all"]}]}),
                    ),
                )
            },
            expect: API_MEMBERSHIP,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/{id}/labels",
            build: |f, _| read(f, &format!("/contacts/{}/labels", f.contact)),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations",
            build: |f, _| read(f, "/conversations?status=all"),
            expect: API_MEMBERSHIP,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/meta",
            build: |f, _| read(f, "/conversations/meta"),
            expect: API_MEMBERSHIP,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}",
            build: |f, _| read(f, &format!("/conversations/{}", f.number)),
            expect: API_CONVERSATION,
        },
        // Muted, unmuted, then opened again by the next rule: later rules find it as before.
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/mute",
            build: |f, _| post(f, "mute"),
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/unmute",
            build: |f, _| post(f, "unmute"),
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/toggle_status",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, &format!("/conversations/{}/toggle_status", f.number)),
                    Some(json!({"status": "open"})),
                )
            },
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/toggle_priority",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, &format!("/conversations/{}/toggle_priority", f.number)),
                    Some(json!({"priority": "low"})),
                )
            },
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/toggle_typing_status",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(
                        f,
                        &format!("/conversations/{}/toggle_typing_status", f.number),
                    ),
                    Some(json!({"typing_status": "off"})),
                )
            },
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/assignments",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, &format!("/conversations/{}/assignments", f.number)),
                    Some(json!({"team_id": null})),
                )
            },
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/labels",
            build: |f, _| read(f, &format!("/conversations/{}/labels", f.number)),
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/messages",
            build: |f, _| read(f, &format!("/conversations/{}/messages", f.number)),
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/messages/{message_id}",
            build: |f, _| {
                Req::Other(
                    Method::DELETE,
                    at(
                        f,
                        &format!("/conversations/{}/messages/{}", f.number, f.message),
                    ),
                    None,
                )
            },
            expect: API_REFUSED,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/webhooks",
            build: |f, _| read(f, "/webhooks"),
            expect: API_ADMIN,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/webhooks/{id}",
            build: |f, _| {
                Req::Other(
                    Method::PATCH,
                    at(f, "/webhooks/999999"),
                    Some(json!({"name": "x"})),
                )
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                FORBIDDEN,
                FORBIDDEN,
                NOT_FOUND,
            ],
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/automation_rules",
            build: |f, _| read(f, "/automation_rules"),
            expect: API_ADMIN,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/automation_rules/{id}",
            build: |f, _| {
                Req::Other(
                    Method::PATCH,
                    at(f, "/automation_rules/999999"),
                    Some(json!({"name": "x"})),
                )
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                FORBIDDEN,
                FORBIDDEN,
                NOT_FOUND,
            ],
        },
        // Macros: every agent, her own and the shared ones.
        Rule {
            route: "/api/v1/accounts/{account_id}/macros",
            build: |f, _| read(f, "/macros"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/macros/{id}",
            build: |f, _| Req::Other(Method::GET, at(f, "/macros/999999"), None),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                NOT_FOUND,
                NOT_FOUND,
            ],
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/macros/{id}/execute",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, "/macros/999999/execute"),
                    Some(json!({"conversation_ids": [f.conversation]})),
                )
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                NOT_FOUND,
                NOT_FOUND,
            ],
        },
        // Webhooks in Ajustes: administrators of their own account only.
        Rule {
            route: "/api/webhooks/list",
            build: |_, _| Req::Json(json!({})),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/webhooks/save",
            build: |_, c| {
                Req::Json(
                    json!({"id": null, "input": {"name": "", "url": format!("https://hooks.example.com/{}", tag(c)), "subscriptions": ["message_created"]}}),
                )
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/webhooks/remove",
            build: |_, _| Req::Json(json!({"id": 999999})),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                FORBIDDEN,
                FORBIDDEN,
                NOT_FOUND,
            ],
        },
        Rule {
            route: "/api/webhooks/deliveries",
            build: |_, _| Req::Json(json!({"id": 999999})),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
    ]
}
