//! The rules of a web-chat inbox's settings for when nobody answers, and of the email
//! a visitor leaves then (issue 31).
use super::*;

pub(super) fn offline_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/team/inbox_offline",
            build: |f, _| Req::Json(json!({"id": f.inbox})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/save_inbox_offline",
            build: |f, _| {
                Req::Json(
                    json!({"id": f.inbox, "settings": {"reply_time": "in_a_few_minutes",
                    "ask_email": true, "email_inbox_id": null}}),
                )
            },
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/widget/email",
            build: |f, c| {
                Req::Json(
                    json!({"token": f.inbox_token, "visitor": f.visitor_token(c),
                    "email": "visitante@example.org"}),
                )
            },
            // Only the visitor herself is known by her token.
            expect: [
                NOT_FOUND, Allowed, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
            ],
        },
    ]
}
