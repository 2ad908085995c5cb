//! The rules of the account and its agents: every agent reads the account; only its
//! administrators add agents (by invitation) and change or remove them; an invitation
//! link is anyone's to open and refused when it is no good; contacts merge
//! account-wide; reading a conversation through the API follows its inbox.
use reqwest::Method;
use serde_json::json;

use super::chatwoot_rules::{at, read};
use super::*;

pub(super) fn account_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/v1/accounts/{account_id}",
            build: |f, _| read(f, ""),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/agents/{id}",
            build: |f, _| {
                Req::Other(
                    Method::PATCH,
                    at(f, &format!("/agents/{}", f.spare_agent)),
                    Some(json!({"availability_status": "busy"})),
                )
            },
            expect: API_ADMIN,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/actions/contact_merge",
            // A contact merged into herself is refused, so the fixture's stays whole:
            // what is checked is that only this account's callers get that far.
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, "/actions/contact_merge"),
                    Some(json!({"base_contact_id": f.contact, "mergee_contact_id": f.contact})),
                )
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                INVALID,
                INVALID,
                INVALID,
            ],
        },
        Rule {
            route: "/api/contacts/merge",
            // Into herself: refused for this account's agents, not found for another's.
            build: |f, _| Req::Json(json!({"id": f.contact, "into": f.contact})),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                INVALID,
                INVALID,
                INVALID,
            ],
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/update_last_seen",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, &format!("/conversations/{}/update_last_seen", f.number)),
                    None,
                )
            },
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/unread",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, &format!("/conversations/{}/unread", f.number)),
                    None,
                )
            },
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/team/invite_agent",
            build: |_, c| {
                Req::Json(json!({
                    "email": format!("invitada.{}@example.org", tag(c)),
                    "name": format!("Invitada {}", tag(c)), "role": "agent"
                }))
            },
            // Another account's administrator invites into her own account.
            expect: OWN_ADMIN,
        },
        Rule {
            route: "/api/team/invitation_link",
            // The spare agent has her password: no link for her, even for an administrator.
            build: |f, _| Req::Json(json!({"id": f.spare_agent})),
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
            route: "/api/invitation/show",
            build: |_, _| Req::Form(vec![("token", "no-such-invitation".into())]),
            // `null`: no such invitation, the same answer for everyone.
            expect: PUBLIC,
        },
        Rule {
            route: "/api/invitation/accept",
            build: |_, _| {
                Req::Form(vec![
                    ("token", "no-such-invitation".into()),
                    ("password", "una clave larga".into()),
                    ("confirmation", "una clave larga".into()),
                ])
            },
            expect: [INVALID; 6],
        },
        Rule {
            route: "/invitation/{token}",
            build: |_, _| Req::Get("/invitation/no-such-invitation".into()),
            // The page says the link is no good, with a 200 like any page.
            expect: PUBLIC,
        },
    ]
}
