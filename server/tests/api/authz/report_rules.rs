//! The rules of Chatwoot's reports API v2: administrators of their own account only.
use super::*;

pub(super) fn report_rules() -> Vec<Rule> {
    vec![
        Rule {
            route: "/api/v2/accounts/{account_id}/reports",
            build: |f, _| {
                Req::Get(format!(
                    "/api/v2/accounts/{}/reports?metric=conversations_count&type=account&since=1793491200&until=1796083200",
                    f.account
                ))
            },
            expect: API_ADMIN,
        },
        Rule {
            route: "/api/v2/accounts/{account_id}/reports/summary",
            build: |f, _| {
                Req::Get(format!(
                    "/api/v2/accounts/{}/reports/summary?type=account&since=1793491200&until=1796083200",
                    f.account
                ))
            },
            expect: API_ADMIN,
        },
        Rule {
            route: "/api/v2/accounts/{account_id}/reports/conversations",
            build: |f, _| {
                Req::Get(format!(
                    "/api/v2/accounts/{}/reports/conversations?type=account",
                    f.account
                ))
            },
            expect: API_ADMIN,
        },
    ]
}
