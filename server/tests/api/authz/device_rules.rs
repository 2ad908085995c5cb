//! The rules of Chatwoot's password sign-in for its clients (`/auth/…`) and of its
//! mobile app's profile calls. The matrix's callers hold session cookies, which open
//! none of `/auth/…` (its headers are tested in `device_sign_in.rs`).
use reqwest::Method;
use serde_json::json;

use super::*;

pub(super) fn device_rules() -> Vec<Rule> {
    vec![
        // Chatwoot's password sign-in: the matrix's cookies open none of it; a wrong
        // password is refused whoever sends it, and validating or ending a session
        // needs the headers a sign-in handed out (`device_sign_in.rs`).
        Rule {
            route: "/auth/sign_in",
            // An address per caller: five failures for one address are throttled.
            build: |_, c| {
                Req::Other(
                    Method::POST,
                    "/auth/sign_in".into(),
                    Some(json!({"email": format!("nadie-{c:?}@ninguna.example"), "password": "x"})),
                )
            },
            expect: [UNAUTHORIZED; 6],
        },
        Rule {
            route: "/auth/validate_token",
            build: |_, _| Req::Get("/auth/validate_token".into()),
            expect: [UNAUTHORIZED; 6],
        },
        Rule {
            route: "/auth/sign_out",
            build: |_, _| Req::Other(Method::DELETE, "/auth/sign_out".into(), None),
            expect: [NOT_FOUND; 6],
        },
        Rule {
            route: "/api/v1/profile/availability",
            // As the matrix's callers already are (`/api/set_availability`).
            build: |_, _| {
                Req::Other(
                    Method::POST,
                    "/api/v1/profile/availability".into(),
                    Some(json!({"profile": {"availability": "online"}})),
                )
            },
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/v1/profile/set_active_account",
            build: |f, _| {
                Req::Other(
                    Method::PUT,
                    "/api/v1/profile/set_active_account".into(),
                    Some(json!({"profile": {"account_id": f.account}})),
                )
            },
            // This account is not the other account's administrator's.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
    ]
}
