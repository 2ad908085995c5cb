use super::*;
use serde_json::json;

use serde_json::Value;

fn spain() -> Known<'static> {
    Known {
        country: "ES",
        defined: &[],
        backend: Backend::Sqlite,
    }
}

fn body(payload: Value) -> cw::FilterBody {
    serde_json::from_value(json!({ "payload": payload })).unwrap()
}

#[test]
fn conditions_join_left_to_right() {
    let (sql, params) = where_clause(
        &body(json!([
            {"attribute_key": "email", "filter_operator": "equal_to", "values": ["ANA@example.com"], "query_operator": "or"},
            {"attribute_key": "phone_number", "filter_operator": "equal_to", "values": ["600 11 22 33"]}
        ])),
        &spain(),
    )
    .unwrap();
    assert_eq!(
        sql,
        "(LOWER(c.email) = LOWER($2)) OR (LOWER(c.phone_e164) = LOWER($3))"
    );
    assert!(matches!(&params.bound[0], Bound::Text(t) if t == "ana@example.com"));
    assert!(matches!(&params.bound[1], Bound::Text(t) if t == "+34600112233"));
}

#[test]
fn contains_escapes_the_pattern() {
    let (sql, params) = where_clause(
        &body(json!([{"attribute_key": "name", "filter_operator": "does_not_contain", "values": ["50%_"]}])),
        &spain(),
    )
    .unwrap();
    assert_eq!(
        sql,
        "(c.name IS NOT NULL AND NOT (LOWER(c.name) LIKE $2 ESCAPE '\\'))"
    );
    assert!(matches!(&params.bound[0], Bound::Text(t) if t == "%50\\%\\_%"));
}

#[test]
fn what_it_cannot_read_is_refused() {
    for payload in [
        json!([]),
        json!([{"attribute_key": "password", "filter_operator": "equal_to", "values": ["x"]}]),
        json!([{"attribute_key": "name", "filter_operator": "starts_with", "values": ["x"]}]),
        json!([{"attribute_key": "name", "filter_operator": "equal_to", "values": []}]),
        json!([{"attribute_key": "created_at", "filter_operator": "is_greater_than", "values": ["ayer"]}]),
        json!([{"attribute_key": "name", "filter_operator": "is_present", "values": [], "query_operator": "xor"}]),
    ] {
        assert!(
            where_clause(&body(payload.clone()), &spain()).is_err(),
            "{payload}"
        );
    }
    let (sql, params) = where_clause(
        &body(json!([{"attribute_key": "created_at", "filter_operator": "is_greater_than", "values": ["2026-01-01"]}])),
        &spain(),
    )
    .unwrap();
    assert_eq!(sql, "(c.created_at > $2)");
    assert!(matches!(params.bound[0], Bound::Int(1_767_225_600_000)));
}
