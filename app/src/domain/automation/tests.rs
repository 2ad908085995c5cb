use serde_json::json;

use super::*;

fn rule(value: serde_json::Value) -> Result<CheckedRule, (&'static str, &'static str)> {
    serde_json::from_value::<RuleInput>(value)
        .unwrap()
        .checked()
}

fn facts() -> Facts {
    Facts {
        content: Some("Hola, mi Factura de noviembre".into()),
        mail_subject: None,
        message_type: Some(MessageDirection::Incoming),
        inbox_id: 3,
        channel: ChannelKind::WebChat,
        email: Some("ana@Tienda.example".into()),
        labels: vec!["Facturación".into()],
        priority: Priority::None,
        status: ConversationStatus::Open,
        assignee_id: None,
        team_id: Some(2),
        open_hours: true,
        country_code: Some("ES".into()),
    }
}

fn conditions(list: serde_json::Value) -> Vec<Condition> {
    rule(
        json!({"name": "r", "event_name": "message_created", "conditions": list,
        "actions": [{"action_name": "resolve_conversation"}]}),
    )
    .unwrap()
    .conditions
}

#[test]
fn chatwoots_payload_is_read_and_checked() {
    let checked = rule(json!({
    "name": " Facturas ", "event_name": "message_created",
    "conditions": [{"attribute_key": "content", "filter_operator": "contains",
        "values": ["factura"], "query_operator": "and"}],
    "actions": [
        {"action_name": "add_label", "action_params": ["facturación"]},
        {"action_name": "assign_team", "action_params": [4]},
        {"action_name": "change_priority", "action_params": ["high"]}
    ]}))
    .unwrap();
    assert_eq!(checked.name, "Facturas");
    assert_eq!(
        checked.actions,
        vec![
            RuleAction::AddLabel(vec!["facturación".into()]),
            RuleAction::AssignTeam(4),
            RuleAction::ChangePriority(Priority::High)
        ]
    );
}

#[test]
fn bad_rules_name_their_field() {
    let base = |conditions: serde_json::Value, actions: serde_json::Value| {
        rule(json!({"name": "r", "event_name": "conversation_created",
            "conditions": conditions, "actions": actions}))
    };
    let resolve = json!([{"action_name": "resolve_conversation"}]);
    assert_eq!(
        base(
            json!([{"attribute_key": "shoe_size", "filter_operator": "equal_to", "values": ["42"]}]),
            resolve.clone()
        ),
        Err(("conditions", "attribute"))
    );
    assert_eq!(
        base(
            json!([{"attribute_key": "priority", "filter_operator": "contains", "values": ["high"]}]),
            resolve.clone()
        ),
        Err(("conditions", "operator"))
    );
    assert_eq!(
        base(
            json!([{"attribute_key": "priority", "filter_operator": "equal_to", "values": ["altísima"]}]),
            resolve.clone()
        ),
        Err(("conditions", "values"))
    );
    assert_eq!(
        base(
            json!([{"attribute_key": "content", "filter_operator": "contains", "values": []}]),
            resolve.clone()
        ),
        Err(("conditions", "values"))
    );
    assert_eq!(base(json!([]), json!([])), Err(("actions", "required")));
    assert_eq!(
        base(json!([]), json!([{"action_name": "launch_rocket"}])),
        Err(("actions", "unknown"))
    );
    assert_eq!(
        base(
            json!([]),
            json!([{"action_name": "assign_agent", "action_params": ["nadie"]}])
        ),
        Err(("actions", "params"))
    );
    assert_eq!(
        base(
            json!([]),
            json!([{"action_name": "send_webhook_event", "action_params": ["ftp://x"]}])
        ),
        Err(("actions", "url"))
    );
    assert_eq!(
        rule(json!({"name": "  ", "event_name": "conversation_created", "actions": resolve})),
        Err(("name", "required"))
    );
    assert_eq!(
        rule(
            json!({"name": "r", "event_name": "no_reply", "actions": resolve, "no_reply_minutes": 1})
        ),
        Err(("no_reply_minutes", "invalid"))
    );
}

#[test]
fn text_matches_without_case_or_accents() {
    let f = facts();
    let contains = |word: &str| {
        conditions(
            json!([{"attribute_key": "content", "filter_operator": "contains", "values": [word]}]),
        )
    };
    assert!(matches(&contains("factura"), &f));
    assert!(matches(&contains("FACTURA"), &f));
    assert!(!matches(&contains("pedido"), &f));
    let lacking = conditions(
        json!([{"attribute_key": "content", "filter_operator": "does_not_contain", "values": ["pedido"]}]),
    );
    assert!(matches(&lacking, &f));
    let domain = conditions(
        json!([{"attribute_key": "email", "filter_operator": "contains", "values": ["@tienda.example"]}]),
    );
    assert!(matches(&domain, &f));
    let label = conditions(
        json!([{"attribute_key": "labels", "filter_operator": "equal_to", "values": ["facturacion"]}]),
    );
    assert!(matches(&label, &f));
}

#[test]
fn and_binds_tighter_than_or() {
    let f = facts();
    // false AND true OR true → true; false AND (true OR …) would differ.
    let list = conditions(json!([
        {"attribute_key": "priority", "filter_operator": "equal_to", "values": ["urgent"], "query_operator": "and"},
        {"attribute_key": "channel", "filter_operator": "equal_to", "values": ["web_chat"], "query_operator": "or"},
        {"attribute_key": "country_code", "filter_operator": "equal_to", "values": ["es"]}
    ]));
    assert!(matches(&list, &f));
    let list = conditions(json!([
        {"attribute_key": "priority", "filter_operator": "equal_to", "values": ["urgent"], "query_operator": "or"},
        {"attribute_key": "channel", "filter_operator": "equal_to", "values": ["email"], "query_operator": "and"},
        {"attribute_key": "country_code", "filter_operator": "equal_to", "values": ["ES"]}
    ]));
    assert!(!matches(&list, &f));
    assert!(matches(&[], &f), "no conditions always hold");
}

#[test]
fn presence_hours_and_ids() {
    let f = facts();
    let unassigned =
        conditions(json!([{"attribute_key": "assignee_id", "filter_operator": "is_not_present"}]));
    assert!(matches(&unassigned, &f));
    let team = conditions(
        json!([{"attribute_key": "team_id", "filter_operator": "equal_to", "values": [2]}]),
    );
    assert!(matches(&team, &f));
    let closed = conditions(
        json!([{"attribute_key": "business_hours", "filter_operator": "equal_to", "values": ["closed"]}]),
    );
    assert!(!matches(&closed, &f));
    let other_inbox = conditions(
        json!([{"attribute_key": "inbox_id", "filter_operator": "not_equal_to", "values": ["3"]}]),
    );
    assert!(!matches(&other_inbox, &f));
}

#[test]
fn templates_and_emails_read_chatwoots_shapes() {
    let actions = |list: serde_json::Value| {
        rule(json!({"name": "r", "event_name": "conversation_created", "actions": list}))
            .map(|r| r.actions)
    };
    assert_eq!(
        actions(json!([{"action_name": "send_template", "action_params": [
            {"name": "seguimiento_pedido", "language": "es", "params": ["Ana", 9, ""]}]}])),
        Ok(vec![RuleAction::SendTemplate {
            name: "seguimiento_pedido".into(),
            language: Some("es".into()),
            params: vec!["Ana".into(), "9".into()],
        }])
    );
    assert_eq!(
        actions(json!([{"action_name": "send_template", "action_params": ["aviso"]}])),
        Ok(vec![RuleAction::SendTemplate {
            name: "aviso".into(),
            language: None,
            params: vec![],
        }])
    );
    assert_eq!(
        actions(json!([{"action_name": "send_template", "action_params": [{"language": "es"}]}])),
        Err(("actions", "params"))
    );
    assert_eq!(
        actions(
            json!([{"action_name": "send_email_to_team", "action_params": [
            {"team_ids": [4], "message": "Mira"}]}])
        ),
        Ok(vec![RuleAction::SendEmailToAgents {
            agent_ids: vec![],
            team_ids: vec![4],
            message: "Mira".into(),
        }])
    );
    for empty in [
        json!({"message": "Mira"}),
        json!({"agent_ids": [2], "message": "  "}),
    ] {
        assert_eq!(
            actions(json!([{"action_name": "send_email_to_team", "action_params": [empty]}])),
            Err(("actions", "params"))
        );
    }
}
