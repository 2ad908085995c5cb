use serde_json::json;

use super::values::{day_of, parse_undefined};
use super::*;

fn definition(display_type: AttributeType, values: &[&str]) -> AttributeDefinition {
    AttributeDefinition {
        id: 1,
        model: AttributeModel::Contact,
        key: "k".into(),
        display_name: "K".into(),
        display_type,
        description: String::new(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        created_at: 0,
        updated_at: 0,
    }
}

#[test]
fn keys_follow_chatwoots_rule() {
    assert_eq!(parse_key(" orderId "), Ok("orderId".into()));
    assert_eq!(parse_key("order-2.b_c"), Ok("order-2.b_c".into()));
    assert_eq!(parse_key("año"), Ok("año".into()));
    assert_eq!(parse_key("plan name"), Err("invalid"));
    assert_eq!(parse_key("plan\"x"), Err("invalid"));
    assert_eq!(parse_key(""), Err("required"));
    assert!(is_standard_key(AttributeModel::Contact, "Email"));
    assert!(is_standard_key(AttributeModel::Conversation, "status"));
    assert!(!is_standard_key(AttributeModel::Contact, "status"));
    assert_eq!(parse_key(&"a".repeat(51)), Err("too_long"));
    assert_eq!(key_from_name("Fecha de renovación"), "fecha_de_renovacion");
    assert_eq!(key_from_name("3 Número pedido"), "numero_pedido");
}

#[test]
fn models_and_types_read_chatwoots_numbers_and_names() {
    assert_eq!(
        AttributeModel::parse(&json!(0)),
        Some(AttributeModel::Conversation)
    );
    assert_eq!(
        AttributeModel::parse(&json!("contact_attribute")),
        Some(AttributeModel::Contact)
    );
    assert_eq!(AttributeModel::parse(&json!(2)), None);
    assert_eq!(AttributeType::parse(&json!(6)), Some(AttributeType::List));
    assert_eq!(
        AttributeType::parse(&json!("7")),
        Some(AttributeType::Checkbox)
    );
    assert_eq!(
        AttributeType::parse(&json!("date")),
        Some(AttributeType::Date)
    );
    assert_eq!(AttributeType::parse(&json!(8)), None);
    assert_eq!(AttributeType::parse(&json!("colour")), None);
}

#[test]
fn a_list_needs_choices_and_other_types_keep_none() {
    let typed =
        |t, v: &[&str]| parse_list_values(t, &v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(
        typed(AttributeType::List, &[" oro ", "plata", "oro", ""]),
        Ok(vec!["oro".into(), "plata".into()])
    );
    assert_eq!(typed(AttributeType::List, &[" "]), Err("required"));
    assert_eq!(typed(AttributeType::Text, &["x"]), Ok(vec![]));
}

#[test]
fn values_are_checked_by_type() {
    let number = definition(AttributeType::Number, &[]);
    assert_eq!(number.parse_value(&json!("12")), Ok(Some(json!(12))));
    assert_eq!(number.parse_value(&json!("1,5")), Ok(Some(json!(1.5))));
    assert_eq!(number.parse_value(&json!(3)), Ok(Some(json!(3))));
    assert_eq!(number.parse_value(&json!("doce")), Err("invalid"));
    assert_eq!(number.parse_value(&json!("")), Ok(None));
    assert_eq!(number.parse_value(&json!(null)), Ok(None));

    let date = definition(AttributeType::Date, &[]);
    assert_eq!(
        date.parse_value(&json!("2026-02-28")),
        Ok(Some(json!("2026-02-28")))
    );
    assert_eq!(
        date.parse_value(&json!("2026-12-06T10:00:00.000Z")),
        Ok(Some(json!("2026-12-06T10:00:00.000Z")))
    );
    assert_eq!(day_of("2026-12-06T10:00:00.000Z"), "2026-12-06");
    assert_eq!(date.parse_value(&json!("2026-02-30")), Err("invalid"));
    assert_eq!(date.parse_value(&json!("2024-+1-+5")), Err("invalid"));
    assert_eq!(date.parse_value(&json!("06/12/2026")), Err("invalid"));

    let list = definition(AttributeType::List, &["oro", "plata"]);
    assert_eq!(list.parse_value(&json!("plata")), Ok(Some(json!("plata"))));
    assert_eq!(list.parse_value(&json!("bronce")), Err("invalid"));

    let checkbox = definition(AttributeType::Checkbox, &[]);
    assert_eq!(checkbox.parse_value(&json!(true)), Ok(Some(json!(true))));
    assert_eq!(
        checkbox.parse_value(&json!("false")),
        Ok(Some(json!(false)))
    );
    assert_eq!(checkbox.parse_value(&json!("sí")), Err("invalid"));

    let link = definition(AttributeType::Link, &[]);
    assert_eq!(
        link.parse_value(&json!("https://tienda.example/p/1")),
        Ok(Some(json!("https://tienda.example/p/1")))
    );
    assert_eq!(
        link.parse_value(&json!("javascript:alert(1)")),
        Err("invalid")
    );

    let text = definition(AttributeType::Text, &[]);
    assert_eq!(text.parse_value(&json!(" hola ")), Ok(Some(json!("hola"))));
    assert_eq!(text.parse_value(&json!({"a": 1})), Err("invalid"));
    assert_eq!(text.parse_value(&json!("x".repeat(1001))), Err("too_long"));
}

#[test]
fn undefined_keys_keep_plain_values_only() {
    assert_eq!(parse_undefined(&json!("pro")), Ok(Some(json!("pro"))));
    assert_eq!(parse_undefined(&json!(7)), Ok(Some(json!(7))));
    assert_eq!(parse_undefined(&json!(null)), Ok(None));
    assert_eq!(
        parse_undefined(&json!([1, {"a": true}])),
        Ok(Some(json!([1, {"a": true}])))
    );
    assert_eq!(parse_undefined(&json!({"a": "x\u{0}"})), Err("invalid"));
    assert_eq!(parse_undefined(&json!("x".repeat(4001))), Err("too_long"));
}
