//! A customer's own channels through Chatwoot's clients: the website's calls on the
//! visitor (`setCustomAttributes` and the rest; only the visitor known by her token
//! changes her own contact and conversation) and ActionCable's `/cable`.
use super::*;

pub(super) fn page_call_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/cable",
            build: |_, _| Req::Socket("/cable".into()),
            // Anyone may connect; a subscription needs a contact's own token.
            expect: PUBLIC,
        },
        Rule {
            route: "/api/widget/page_calls",
            build: |f, c| {
                Req::Json(
                    json!({"token": f.inbox_token, "visitor": f.visitor_token(c),
                "calls": [{"name": "setCustomAttributes", "arg": {"plan": "oro"}}]}),
                )
            },
            expect: [
                NOT_FOUND, Allowed, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
            ],
        },
    ]
}
