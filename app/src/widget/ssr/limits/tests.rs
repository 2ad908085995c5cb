use super::*;

fn small() -> WidgetLimits {
    WidgetLimits {
        new_visitors_per_address: 2,
        new_visitors_per_inbox: 3,
        messages_per_address: 3,
        messages_per_inbox: 100,
        pending_files: 2,
        pending_bytes: 10,
        upload_mb_per_address: 3,
        sockets_per_identity: 2,
        sockets_per_address: 3,
    }
}

#[test]
fn an_address_spends_its_own_allowance_first() {
    let guard = WidgetGuard::new(small());
    assert!(guard.new_visitor(1, Some("10.0.0.1")).is_ok());
    assert!(guard.new_visitor(1, Some("10.0.0.1")).is_ok());
    let refused = guard.new_visitor(1, Some("10.0.0.1")).unwrap_err();
    assert!(
        matches!(refused, AppError::RateLimited { retry_after_secs } if (1..=30).contains(&retry_after_secs)),
        "{refused:?}"
    );
    // The inbox spent two of its three; another address gets the last one.
    assert!(guard.new_visitor(1, Some("10.0.0.2")).is_ok());
    assert!(guard.new_visitor(1, Some("10.0.0.3")).is_err());
    // Another inbox is untouched.
    assert!(guard.new_visitor(2, Some("10.0.0.3")).is_ok());
}

#[test]
fn lifted_limits_let_everything_through() {
    let guard = WidgetGuard::new(WidgetLimits::lifted());
    for _ in 0..10_000 {
        guard.new_visitor(1, Some("10.0.0.1")).unwrap();
        guard.message(1, Some("10.0.0.1")).unwrap();
    }
}

#[test]
fn messages_are_counted_per_address() {
    let guard = WidgetGuard::new(small());
    for _ in 0..3 {
        guard.message(1, Some("10.0.0.1")).unwrap();
    }
    assert!(guard.message(1, Some("10.0.0.1")).is_err());
    assert!(guard.message(1, Some("10.0.0.2")).is_ok());
}

#[test]
fn upload_volume_is_counted_in_megabytes_per_address() {
    let guard = WidgetGuard::new(small());
    guard.uploaded(Some("10.0.0.1"), 2 * 1024 * 1024).unwrap();
    guard.uploaded(Some("10.0.0.1"), 10).unwrap();
    assert!(guard.uploaded(Some("10.0.0.1"), 10).is_err());
    assert!(
        guard.uploaded(Some("10.0.0.2"), 40 * 1024 * 1024).is_err(),
        "over an hour's worth"
    );
    assert!(guard.uploaded(Some("10.0.0.2"), 3 * 1024 * 1024).is_ok());
}

#[test]
fn sockets_come_back_when_closed() {
    let guard = Arc::new(WidgetGuard::new(small()));
    let a = guard.open_socket(7, Some("10.0.0.1")).unwrap();
    let _b = guard.open_socket(7, Some("10.0.0.1")).unwrap();
    assert!(
        guard.open_socket(7, Some("10.0.0.1")).is_err(),
        "per identity"
    );
    let _c = guard.open_socket(8, Some("10.0.0.1")).unwrap();
    assert!(
        guard.open_socket(9, Some("10.0.0.1")).is_err(),
        "per address"
    );
    let _d = guard.open_socket(9, Some("10.0.0.2")).unwrap();
    drop(a);
    let _e = guard.open_socket(7, Some("10.0.0.3")).unwrap();
    assert_eq!(guard.open_sockets(), 4);
}

#[test]
fn pending_uploads_have_a_ceiling() {
    let limits = small().pending();
    assert!(limits.allows(0, 0, 0));
    assert!(limits.allows(1, 4, 6));
    assert!(!limits.allows(1, 4, 7), "bytes");
    assert!(!limits.allows(2, 0, 0), "files");
}
