//! The rules of custom attributes: every agent of the account reads the definitions
//! and fills in values (contacts account-wide, conversations as she sees them);
//! administrators alone define them.
use reqwest::Method;
use serde_json::json;

use super::chatwoot_rules::{at, read};
use super::*;

pub(super) fn attribute_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/attributes/list",
            build: |_, _| Req::Json(json!({})),
            expect: ACCOUNT_WIDE,
        },
        Rule {
            route: "/api/attributes/save",
            build: |_, c| {
                Req::Json(json!({
                    "id": null, "model": "contact", "key": format!("atributo_{}", tag(c)),
                    "display_name": format!("Atributo {}", tag(c)), "display_type": "text"
                }))
            },
            // Another account's administrator saves into their own account.
            expect: OWN_ADMIN,
        },
        Rule {
            route: "/api/contacts/attributes",
            build: |f, _| Req::Json(json!({"id": f.contact, "values": {"marcador": "x"}})),
            // Contacts are account-wide; another account's caller does not find it.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/api/conversations/attributes",
            build: |f, _| Req::Json(json!({"id": f.conversation, "values": {"pedido": "1"}})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/custom_attribute_definitions",
            build: |f, _| read(f, "/custom_attribute_definitions"),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/custom_attribute_definitions/{id}",
            build: |f, _| read(f, &format!("/custom_attribute_definitions/{}", f.attribute)),
            expect: API_ACCOUNT,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/custom_attributes",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(f, &format!("/conversations/{}/custom_attributes", f.number)),
                    Some(json!({"custom_attributes": {"pedido": "2"}})),
                )
            },
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/destroy_custom_attributes",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(
                        f,
                        &format!("/conversations/{}/destroy_custom_attributes", f.number),
                    ),
                    Some(json!({"custom_attributes": ["pedido"]})),
                )
            },
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/conversations/{id}/reporting_events",
            build: |f, _| read(f, &format!("/conversations/{}/reporting_events", f.number)),
            expect: API_CONVERSATION,
        },
        Rule {
            route: "/api/v1/accounts/{account_id}/contacts/{id}/destroy_custom_attributes",
            build: |f, _| {
                Req::Other(
                    Method::POST,
                    at(
                        f,
                        &format!("/contacts/{}/destroy_custom_attributes", f.contact),
                    ),
                    Some(json!({"custom_attributes": ["otro"]})),
                )
            },
            expect: API_ACCOUNT,
        },
        // Last: the fixture's attribute is gone after it.
        Rule {
            route: "/api/attributes/remove",
            build: |f, _| Req::Json(json!({"id": f.attribute})),
            expect: ADMIN_ONLY,
        },
    ]
}
