//! The rules of agent bots: the API's `agent_bots` and `set_agent_bot`, and the
//! settings section's server functions. Reading bots is any agent's of the account;
//! changing them, and an inbox's bot, the administrators'.
use reqwest::Method;
use serde_json::json;

use super::*;

fn at(f: &Fixture, path: &str) -> String {
    format!("/api/v1/accounts/{}{path}", f.account)
}

/// Settings > Bots: administrators of their own account only.
const SECTION: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    Hidden,
    FORBIDDEN,
    FORBIDDEN,
    Allowed,
];

/// An administrator's change of something that does not exist.
const ADMIN_MISSING: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    UNAUTHORIZED,
    FORBIDDEN,
    FORBIDDEN,
    NOT_FOUND,
];

pub(super) fn bot_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/v1/accounts/{account_id}/agent_bots",
            build: |f, c| {
                Req::Other(
                    Method::POST,
                    at(f, "/agent_bots"),
                    Some(
                        json!({"name": "Bot", "outgoing_url": format!("https://bots.example.com/{}", tag(c))}),
                    ),
                )
            },
            expect: API_ADMIN,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/agent_bots/{id}",
            build: |f, _| {
                Req::Other(
                    Method::PATCH,
                    at(f, "/agent_bots/999999"),
                    Some(json!({"name": "x"})),
                )
            },
            expect: ADMIN_MISSING,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/agent_bots/{id}/reset_access_token",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, "/agent_bots/999999/reset_access_token"),
                    None,
                )
            },
            expect: ADMIN_MISSING,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/inboxes/{id}/set_agent_bot",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, &format!("/inboxes/{}/set_agent_bot", f.inbox)),
                    Some(json!({"agent_bot": null})),
                )
            },
            expect: API_ADMIN,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/inboxes/{id}/agent_bot",
            build: |f, _| Req::Get(at(f, &format!("/inboxes/{}/agent_bot", f.inbox))),
            // The fixture's inbox has no bot: not found for whoever may ask.
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
            route: "/api/bots/list",
            build: |_, _| Req::Json(json!({})),
            expect: SECTION,
        },
        Rule {
            route: "/api/bots/save",
            build: |_, c| {
                Req::Json(
                    json!({"id": null, "input": {"name": "Bot", "outgoing_url": format!("https://bots.example.com/{}", tag(c))}}),
                )
            },
            expect: SECTION,
        },
        Rule {
            route: "/api/bots/remove",
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
            route: "/api/bots/regenerate",
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
    ]
}
