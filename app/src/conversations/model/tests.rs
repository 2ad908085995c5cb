//! Tests of `model`.
use super::*;
use ConversationStatus::*;

#[test]
fn counts_follow_assignment_and_status_changes() {
    let me = 7;
    let mut counts = TabCounts {
        mine: 1,
        unassigned: 2,
        all: 5,
    };
    // A new unassigned open conversation.
    counts.apply(me, Open, None, (None, Open));
    assert_eq!(
        counts,
        TabCounts {
            mine: 1,
            unassigned: 3,
            all: 6
        }
    );
    // I take it.
    counts.apply(me, Open, Some((None, Open)), (Some(me), Open));
    assert_eq!(
        counts,
        TabCounts {
            mine: 2,
            unassigned: 2,
            all: 6
        }
    );
    // I resolve it: it leaves the open view entirely.
    counts.apply(me, Open, Some((Some(me), Open)), (Some(me), Resolved));
    assert_eq!(
        counts,
        TabCounts {
            mine: 1,
            unassigned: 2,
            all: 5
        }
    );
    // Someone else's change in another status does not touch the open view.
    counts.apply(me, Open, Some((Some(3), Resolved)), (Some(3), Pending));
    assert_eq!(
        counts,
        TabCounts {
            mine: 1,
            unassigned: 2,
            all: 5
        }
    );
}

#[test]
fn every_message_extra_reads_back() {
    let extras = [
        MessageExtra::ContinuedIn {
            conversation_id: 4,
            display_id: 2,
        },
        MessageExtra::Template {
            name: "pedido".into(),
            language: "es".into(),
            params: vec!["Ana".into()],
            header_params: vec![],
            button_params: vec![(0, "abc".into())],
            param_names: vec!["nombre".into()],
            header_param_names: vec![],
            header_media: Some(crate::domain::template::HeaderMedia::Image),
        },
        MessageExtra::Email {
            subject: "Hola".into(),
            quoted: None,
            html: Some("<p>hola</p>".into()),
        },
        MessageExtra::Location {
            latitude: -34.6,
            longitude: -58.4,
            name: None,
            address: Some("Corrientes 1234".into()),
        },
        MessageExtra::Reaction {
            emoji: "👍".into(),
            to_external_id: "wamid.1".into(),
        },
        MessageExtra::Unsupported {
            message_type: "sticker".into(),
        },
        MessageExtra::MailRefused {
            byte_size: 200 * 1024 * 1024,
            limit_bytes: 50 * 1024 * 1024,
        },
        MessageExtra::FilesRefused {
            files: vec![
                crate::domain::attachment::FileRefusal::Executable {
                    file_name: "factura.pdf".into(),
                },
                crate::domain::attachment::FileRefusal::TooLarge {
                    file_name: "video.mp4".into(),
                    limit_bytes: 40 * 1024 * 1024,
                },
            ],
        },
    ];
    for extra in extras {
        let text = serde_json::to_string(&extra).unwrap();
        assert_eq!(serde_json::from_str::<MessageExtra>(&text).unwrap(), extra);
    }
    // Rows stored before `header_params` and `button_params` existed.
    assert_eq!(
        serde_json::from_str::<MessageExtra>(
            r#"{"kind":"template","name":"t","language":"en","params":[]}"#
        )
        .unwrap(),
        MessageExtra::Template {
            name: "t".into(),
            language: "en".into(),
            params: vec![],
            header_params: vec![],
            button_params: vec![],
            param_names: vec![],
            header_param_names: vec![],
            header_media: None,
        }
    );
}

#[test]
fn cursor_order_breaks_ties_by_id() {
    let at = |key, tie, id| Cursor { key, tie, id };
    let (a, b, c) = (at(10, 0, 2), at(10, 0, 1), at(9, 0, 9));
    let newest = ListSort::LastActivity;
    assert!(
        a.comes_before(&b, newest) && b.comes_before(&c, newest) && !c.comes_before(&a, newest)
    );
    let oldest = ListSort::CreatedOldest;
    assert!(c.comes_before(&b, oldest) && b.comes_before(&a, oldest));
    // Priority: the rank first, then the activity time.
    assert!(at(4, 1, 1).comes_before(&at(3, 99, 2), ListSort::Priority));
    assert!(at(3, 99, 1).comes_before(&at(3, 98, 2), ListSort::Priority));
    for sort in ListSort::ALL {
        assert_eq!(ListSort::parse(sort.as_str()), Some(sort));
        assert!(sort.start().comes_before(&a, sort));
    }
}

fn summary(id: i64, waiting_since: Option<i64>) -> ConversationSummary {
    ConversationSummary {
        id,
        display_id: id,
        inbox_id: 1,
        inbox_name: "Web".into(),
        channel: crate::domain::ChannelKind::WebChat,
        contact_id: id,
        contact_name: "Ana".into(),
        assignee_id: None,
        assignee_name: None,
        status: Open,
        snoozed_until: None,
        last_activity_at: 100,
        last_customer_message_at: None,
        last_message_preview: None,
        unread_count: 0,
        priority: Priority::None,
        label_ids: vec![],
        created_at: 1,
        waiting_since,
        team_id: None,
        muted: false,
    }
}

#[test]
fn team_assignee_and_unread_filters_match_as_the_query_does() {
    let mut row = summary(1, None);
    row.team_id = Some(7);
    row.assignee_id = Some(3);
    row.unread_count = 2;
    let pass = |f: ListFilter| f.matches(&row);
    assert!(pass(ListFilter::default()));
    assert!(pass(ListFilter {
        team_id: Some(7),
        assignee_id: Some(3),
        unread: true,
        ..Default::default()
    }));
    assert!(!pass(ListFilter {
        team_id: Some(8),
        ..Default::default()
    }));
    assert!(!pass(ListFilter {
        assignee_id: Some(4),
        ..Default::default()
    }));
    let mut read = row.clone();
    read.unread_count = 0;
    assert!(!ListFilter {
        unread: true,
        ..Default::default()
    }
    .matches(&read));
    read.team_id = None;
    assert!(!ListFilter {
        team_id: Some(7),
        ..Default::default()
    }
    .matches(&read));
}

#[test]
fn waiting_rows_sort_before_answered_ones() {
    let waiting = ListSort::Waiting;
    let (long, short, answered) = (summary(1, Some(5)), summary(2, Some(50)), summary(3, None));
    assert!(long
        .cursor(waiting)
        .comes_before(&short.cursor(waiting), waiting));
    assert!(short
        .cursor(waiting)
        .comes_before(&answered.cursor(waiting), waiting));
    let filter = ListFilter {
        waiting: true,
        ..Default::default()
    };
    assert!(filter.matches(&long) && !filter.matches(&answered));
    let elsewhere = ListFilter {
        inbox_id: Some(2),
        ..Default::default()
    };
    assert!(!elsewhere.matches(&long));
}

#[test]
fn date_ranges_match_as_the_query_does() {
    let mut row = summary(1, None);
    row.created_at = 1_000;
    row.last_activity_at = 5_000;
    let f = |cs, cu, as_, au| ListFilter {
        created_since: cs,
        created_until: cu,
        active_since: as_,
        active_until: au,
        ..Default::default()
    };
    assert!(f(None, None, None, None).matches(&row));
    // `since` is included, `until` is not.
    assert!(f(Some(1_000), Some(1_001), None, None).matches(&row));
    assert!(!f(Some(1_001), None, None, None).matches(&row));
    assert!(!f(None, Some(1_000), None, None).matches(&row));
    assert!(f(None, None, Some(5_000), Some(5_001)).matches(&row));
    assert!(!f(None, None, None, Some(5_000)).matches(&row));
    // Both ranges must hold.
    assert!(!f(Some(0), Some(2_000), Some(6_000), None).matches(&row));
}
