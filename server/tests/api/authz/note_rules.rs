//! The rules of notes on a contact: every agent of the account reads and writes them
//! (contacts are account-wide); deleting one is its author's or an administrator's.
use serde_json::json;

use super::chatwoot_rules::read;
use super::*;

/// Contacts are account-wide; another account's caller does not find this one.
const THIS_ACCOUNT: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    NOT_FOUND,
    Allowed,
    Allowed,
    Allowed,
];

pub(super) fn note_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/contacts/notes",
            build: |f, _| Req::Json(json!({"id": f.contact})),
            expect: THIS_ACCOUNT,
        },
        Rule {
            route: "/api/contacts/add_note",
            build: |f, c| Req::Json(json!({"id": f.contact, "body": format!("Nota {}", tag(c))})),
            expect: THIS_ACCOUNT,
        },
        Rule {
            route: "/api/contacts/remove_note",
            build: |f, _| Req::Json(json!({"id": f.contact, "note_id": f.spare_note})),
            // The administrator's note: the agents are refused, she deletes it.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/{id}/notes",
            build: |f, _| read(f, &format!("/contacts/{}/notes", f.contact)),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/{id}/notes/{note_id}",
            build: |f, _| read(f, &format!("/contacts/{}/notes/{}", f.contact, f.note)),
            expect: API_ACCOUNT,
        },
    ]
}
