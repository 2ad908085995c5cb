//! Tests of `outbound`.
use super::*;

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

#[test]
fn local_and_private_addresses_are_not_public() {
    for refused in [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "100.127.255.255",
        "0.0.0.0",
        "0.1.2.3",
        "255.255.255.255",
        "224.0.0.1",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
        "::127.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:c0a8:0101::1",
    ] {
        assert!(!is_public(ip(refused)), "{refused} counted as public");
    }
    for public in [
        "8.8.8.8",
        "157.240.1.1",
        "172.15.255.255",
        "172.32.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "192.169.0.1",
        "2a03:2880:f10c::1",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
    ] {
        assert!(is_public(ip(public)), "{public} counted as private");
    }
}

#[test]
fn the_policy_allows_private_addresses_only_when_told() {
    let strict = OutboundPolicy::default();
    assert!(!strict.allows(ip("127.0.0.1")));
    assert!(strict.allows(ip("8.8.8.8")));
    assert!(!strict.host_allowed("127.0.0.1"));
    assert!(!strict.host_allowed("[::1]"));
    assert!(
        strict.host_allowed("localhost"),
        "names are checked when resolved"
    );
    assert!(strict.host_allowed("mail.example.com"));
    let open = OutboundPolicy {
        allow_private: true,
        ..Default::default()
    };
    assert!(open.allows(ip("127.0.0.1")));
    assert!(open.host_allowed("::1"));
}

#[tokio::test]
async fn names_are_judged_by_what_they_resolve_to() {
    let strict = OutboundPolicy::default();
    let refused = strict.resolve("localhost", 25).await.unwrap_err();
    assert_eq!(refused.kind, Failure::NotAllowed, "{refused}");
    let refused = strict.connect("127.0.0.1", 25).await.unwrap_err();
    assert_eq!(refused.kind, Failure::NotAllowed, "{refused}");
    let open = OutboundPolicy {
        allow_private: true,
        ..Default::default()
    };
    let found = open.resolve("127.0.0.1", 25).await.unwrap();
    assert_eq!(found, vec!["127.0.0.1:25".parse().unwrap()]);
}

#[test]
fn the_graph_api_is_metas_over_https_unless_the_server_names_another_host() {
    let strict = OutboundPolicy::default();
    assert_eq!(strict.graph_url("https://graph.facebook.com"), Ok(()));
    assert_eq!(
        strict.graph_url("https://graph.facebook.com/v21.0/123/messages"),
        Ok(())
    );
    assert_eq!(strict.graph_url("https://GRAPH.facebook.com"), Ok(()));
    for (url, code) in [
        ("http://graph.facebook.com", "host_not_allowed"),
        ("https://evil.example", "host_not_allowed"),
        ("http://evil.example", "host_not_allowed"),
        ("https://127.0.0.1", "host_not_allowed"),
        (
            "https://graph.facebook.com.evil.example",
            "host_not_allowed",
        ),
        ("https://graph.facebook.com@evil.example", "invalid"),
        ("https://user@graph.facebook.com", "invalid"),
        ("ftp://graph.facebook.com", "host_not_allowed"),
        ("graph.facebook.com", "invalid"),
    ] {
        assert_eq!(strict.graph_url(url), Err(code), "{url}");
    }
    assert_eq!(
        strict.media_url("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1"),
        Ok(())
    );
    assert_eq!(
        strict.media_url("https://evilfbsbx.com/x"),
        Err("host_not_allowed")
    );
    assert_eq!(
        strict.graph_url("https://lookaside.fbsbx.com/x"),
        Err("host_not_allowed"),
        "the base URL is the API host"
    );
    let tests = OutboundPolicy {
        allow_private: false,
        graph_hosts: vec!["127.0.0.1".into(), "[::1]".into()],
    };
    assert_eq!(
        tests.graph_url("http://127.0.0.1:4000"),
        Err("address_not_allowed"),
        "a named host is still subject to the address rule"
    );
    let tests = OutboundPolicy {
        allow_private: true,
        ..tests
    };
    assert_eq!(tests.graph_url("http://127.0.0.1:4000"), Ok(()));
    assert_eq!(tests.graph_url("http://[::1]:4000/v21.0"), Ok(()));
    assert_eq!(tests.media_url("http://127.0.0.1:4000/media/1"), Ok(()));
    assert_eq!(
        tests.graph_url("http://127.0.0.2:4000"),
        Err("host_not_allowed")
    );
}
