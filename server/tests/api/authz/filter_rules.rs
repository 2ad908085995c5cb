//! The rules of Chatwoot's custom filters, notifications and search: every agent keeps
//! her own filters and notifications (another's is not found, even by an
//! administrator) and searches what she may see.
use reqwest::Method;
use serde_json::json;

use super::chatwoot_rules::{at, read};
use super::*;

/// Only the owner (the fixture's inbox member, Lucía) finds it: not her teammate, not
/// the administrator.
const OWNER_ONLY: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    UNAUTHORIZED,
    NOT_FOUND,
    Allowed,
    NOT_FOUND,
];

pub(super) fn filter_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/v1/accounts/{account_id}/custom_filters",
            build: |f, c| {
                Req::Other(
                    Method::POST,
                    at(f, "/custom_filters"),
                    Some(
                        json!({"name": format!("Carpeta {}", tag(c)), "filter_type": "conversation",
                        "query": {"payload": [{"attribute_key": "status", "filter_operator": "equal_to", "values": ["open"]}]}}),
                    ),
                )
            },
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/custom_filters/{id}",
            build: |f, _| read(f, &format!("/custom_filters/{}", f.custom_filter)),
            expect: OWNER_ONLY,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/search",
            build: |f, _| read(f, "/search?q=hola"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/search/contacts",
            build: |f, _| read(f, "/search/contacts?q=hola"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/search/conversations",
            build: |f, _| read(f, "/search/conversations?q=hola"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/search/messages",
            build: |f, _| read(f, "/search/messages?q=hola"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/notification_settings",
            build: |_, _| Req::Get("/api/v1/notification_settings".into()),
            // Every agent her own settings, another account's too.
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/notifications",
            build: |f, _| read(f, "/notifications"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/notifications/unread_count",
            build: |f, _| read(f, "/notifications/unread_count"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/notifications/read_all",
            build: |f, _| Req::Other(Method::POST, at(f, "/notifications/read_all"), None),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/notifications/{id}",
            build: |f, _| {
                Req::Other(
                    Method::PATCH,
                    at(f, &format!("/notifications/{}", f.notification)),
                    None,
                )
            },
            expect: OWNER_ONLY,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/notifications/{id}/unread",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, &format!("/notifications/{}/unread", f.notification)),
                    None,
                )
            },
            expect: OWNER_ONLY,
        },
    ]
}
