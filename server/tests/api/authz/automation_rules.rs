//! The rules of automation rules' endpoints: administrators of this account only.
use super::*;

pub(super) fn automation_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/automation/list",
            build: |_, _| Req::Json(json!({})),
            expect: OWN_ADMIN,
        },
        Rule {
            route: "/api/automation/save",
            // Another account's administrator names a label it does not have.
            build: |_, _| {
                Req::Json(
                    json!({"id": null, "rule": {"name": "Regla", "event_name": "message_created",
                    "conditions": [], "actions": [{"action_name": "add_label", "action_params": ["marcador"]}],
                    "active": false}}),
                )
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                INVALID,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/automation/switch",
            build: |_, _| Req::Json(json!({"id": 987_654, "active": false})),
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
            route: "/api/automation/move",
            build: |_, _| Req::Json(json!({"id": 987_654, "up": true})),
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
            route: "/api/automation/try",
            // Reads only the caller's own account's conversations.
            build: |_, _| {
                Req::Json(
                    json!({"rule": {"name": "Prueba", "event_name": "message_created",
                    "conditions": [{"attribute_key": "content", "filter_operator": "contains", "values": ["hola"]}],
                    "actions": [{"action_name": "resolve_conversation", "action_params": []}]}}),
                )
            },
            expect: OWN_ADMIN,
        },
        Rule {
            route: "/api/automation/remove",
            build: |_, _| Req::Json(json!({"id": 987_654})),
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
