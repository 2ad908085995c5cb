//! The rules of the macros' endpoints: every agent, about her own account's macros
//! (another's personal ones are not found).
use super::*;

const SIGNED_IN_NOT_FOUND: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    NOT_FOUND,
    NOT_FOUND,
    NOT_FOUND,
    NOT_FOUND,
];

pub(super) fn macro_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/macros/list",
            build: |_, _| Req::Json(json!({})),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/macros/templates",
            build: |_, _| Req::Json(json!({})),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/macros/save",
            build: |_, _| {
                Req::Json(
                    json!({"id": null, "saved": {"name": "Cerrar", "visibility": "personal",
                    "actions": [{"action_name": "resolve_conversation"}]}}),
                )
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Allowed,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/api/macros/remove",
            build: |_, _| Req::Json(json!({"id": 987_654})),
            expect: SIGNED_IN_NOT_FOUND,
        },
        Rule {
            route: "/api/macros/run",
            // Who may run which macro on which conversation is `tests/api/macros.rs`.
            build: |f, _| Req::Json(json!({"id": 987_654, "conversation_id": f.conversation})),
            expect: SIGNED_IN_NOT_FOUND,
        },
        Rule {
            route: "/settings/macros",
            build: |_, _| Req::Get("/settings/macros".into()),
            expect: PAGE,
        },
    ]
}
