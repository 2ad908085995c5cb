use super::*;

#[test]
fn frames_are_tagged_json() {
    let frame = ServerFrame::Event(EventEnvelope {
        id: 7,
        account_id: 1,
        scope: EventScope::default(),
        created_at: 0,
        event: LiveEvent::AgentAvailabilityChanged {
            agent_id: 3,
            availability: Availability::Busy,
        },
    });
    let text = serde_json::to_string(&frame).unwrap();
    assert!(text.contains(r#""frame":"event""#), "{text}");
    assert!(
        text.contains(r#""type":"agent_availability_changed""#),
        "{text}"
    );
    assert_eq!(serde_json::from_str::<ServerFrame>(&text).unwrap(), frame);
}

#[test]
fn every_event_and_frame_reads_back() {
    let events = [
        LiveEvent::MembershipChanged {
            agent_id: 2,
            inbox_id: 3,
            member: true,
        },
        LiveEvent::AgentChanged {
            agent_id: 2,
            role: crate::domain::Role::Administrator,
            active: false,
        },
        LiveEvent::SessionsEnded {
            agent_id: 2,
            only: None,
            except: Some("ab12".into()),
        },
        LiveEvent::LabelsChanged {},
        LiveEvent::TeamsChanged {},
        LiveEvent::ContactChanged {
            contact_id: 4,
            created: true,
        },
        LiveEvent::AutomationWebhook {
            rule_id: 3,
            conversation_id: 9,
            url: "https://hooks.example.org/a".into(),
            event_name: "message_created".into(),
        },
        LiveEvent::ConversationDeleted {
            conversation_id: 9,
            inbox_id: 3,
            previous: ConversationState {
                assignee_id: None,
                status: ConversationStatus::Open,
                priority: Priority::High,
                team_id: Some(2),
                label_ids: Some(vec![4, 1]),
            },
        },
    ];
    for event in events {
        let text = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<LiveEvent>(&text).unwrap(), event);
    }
    for frame in [
        ServerFrame::Hello { last_event_id: 4 },
        ServerFrame::Resync { last_event_id: 5 },
        ServerFrame::Typing(Typing {
            conversation_id: 3,
            agent_id: Some(2),
            name: "Lucía".into(),
            private: true,
            typing: true,
        }),
    ] {
        let text = serde_json::to_string(&frame).unwrap();
        assert_eq!(serde_json::from_str::<ServerFrame>(&text).unwrap(), frame);
    }
    // The variants with large payloads: the twin knows them (it asks for their
    // fields, not "unknown variant").
    for (tag, field) in [
        ("conversation_changed", "conversation"),
        ("message_created", "message"),
        ("message_updated", "message"),
        ("notification_created", "notification"),
    ] {
        let err = serde_json::from_str::<LiveEvent>(&format!(r#"{{"type":"{tag}"}}"#))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("missing field `{field}`")),
            "{tag}: {err}"
        );
    }
}
