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
