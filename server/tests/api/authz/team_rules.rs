//! The rules of the API's teams and inbox members: everyone of the account reads them
//! (an inbox's members only for those who work it); administrators alone change them.
use reqwest::Method;
use serde_json::json;

use super::chatwoot_rules::{at, read};
use super::*;

pub(super) fn team_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/v1/accounts/{account_id}/inbox_members",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, "/inbox_members"),
                    Some(json!({"inbox_id": f.inbox, "user_ids": []})),
                )
            },
            expect: API_ADMIN,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/inbox_members/{id}",
            build: |f, _| read(f, &format!("/inbox_members/{}", f.inbox)),
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/teams",
            build: |f, _| read(f, "/teams"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/teams/{id}",
            build: |f, _| read(f, &format!("/teams/{}", f.team)),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/teams/{id}/team_members",
            build: |f, _| read(f, &format!("/teams/{}/team_members", f.team)),
            expect: API_ACCOUNT,
        },
    ]
}
