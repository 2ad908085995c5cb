use super::*;
use crate::attributes::model::AttributeModel;

fn definition(display_type: AttributeType) -> AttributeDefinition {
    AttributeDefinition {
        id: 1,
        model: AttributeModel::Contact,
        key: "plan".into(),
        display_name: "Plan".into(),
        display_type,
        description: String::new(),
        values: vec!["oro".into()],
        created_at: 0,
        updated_at: 0,
    }
}

fn sql(
    backend: Backend,
    t: AttributeType,
    op: &str,
    values: &[&str],
) -> Result<(String, usize), AppError> {
    let mut params = Params::starting_after(1);
    let texts: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
    let sql = condition(
        backend,
        "c.custom_attributes",
        &definition(t),
        op,
        &texts,
        &mut params,
    )?;
    Ok((sql, params.bound.len()))
}

#[test]
fn each_type_reads_its_own_json_type() {
    let (text, bound) = sql(Backend::Sqlite, AttributeType::Text, "equal_to", &["Oro"]).unwrap();
    assert!(
        text.contains("json_type(c.custom_attributes, $2) = 'text'"),
        "{text}"
    );
    assert_eq!(bound, 2);
    let (number, _) = sql(
        Backend::Postgres,
        AttributeType::Number,
        "is_greater_than",
        &["1,5"],
    )
    .unwrap();
    assert!(
        number.contains("json_typeof(CAST(c.custom_attributes AS json) -> $2) END) = 'number'"),
        "{number}"
    );
    assert!(
        number.contains("> CAST($3 AS DOUBLE PRECISION)"),
        "{number}"
    );
    let (checkbox, _) = sql(
        Backend::Sqlite,
        AttributeType::Checkbox,
        "equal_to",
        &["true"],
    )
    .unwrap();
    assert!(checkbox.contains("= 'true'"), "{checkbox}");
    let (absent, _) = sql(Backend::Sqlite, AttributeType::Date, "is_not_present", &[]).unwrap();
    assert!(absent.starts_with("(NOT ("), "{absent}");
}

#[test]
fn what_a_type_cannot_compare_is_refused() {
    assert!(sql(Backend::Sqlite, AttributeType::Number, "contains", &["1"]).is_err());
    assert!(sql(
        Backend::Sqlite,
        AttributeType::Number,
        "equal_to",
        &["doce"]
    )
    .is_err());
    assert!(sql(
        Backend::Sqlite,
        AttributeType::Checkbox,
        "equal_to",
        &["sí"]
    )
    .is_err());
    assert!(sql(
        Backend::Sqlite,
        AttributeType::Date,
        "is_greater_than",
        &["ayer"]
    )
    .is_err());
    assert!(sql(
        Backend::Sqlite,
        AttributeType::Text,
        "is_greater_than",
        &["a"]
    )
    .is_err());
    assert!(sql(Backend::Sqlite, AttributeType::Text, "equal_to", &[]).is_err());
}
