//! Tests of `config`.
use super::demo_allowed;

#[test]
fn cookies_are_secure_except_over_plain_http_on_this_machine() {
    let mut config = super::Config::from_env().unwrap();
    config.secure_cookies = None;
    for (url, secure, hsts) in [
        (Some("http://127.0.0.1:3000"), false, false),
        (Some("http://localhost:3000/"), false, false),
        (Some("http://[::1]:3000"), false, false),
        (Some("https://soporte.example.com"), true, true),
        (Some("http://soporte.example.com"), true, false),
        (Some("http://127.0.0.1.example.com"), true, false),
    ] {
        config.public_url = url.map(str::to_owned);
        assert_eq!(config.secure_cookies(), secure, "{url:?}");
        assert_eq!(config.hsts(), hsts, "{url:?}");
    }
    config.public_url = None;
    config.site_addr = "127.0.0.1:3000".parse().unwrap();
    assert!(!config.secure_cookies());
    config.site_addr = "0.0.0.0:3000".parse().unwrap();
    assert!(config.secure_cookies());
    config.secure_cookies = Some(false);
    assert!(!config.secure_cookies(), "the override wins");
}

#[test]
fn the_secret_key_file_may_live_apart_from_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = super::Config::from_env().unwrap();
    config.secret_key = None;
    config.data_dir = dir.path().join("data");
    config.secret_key_file = Some(dir.path().join("keys/charla.key"));
    let sealed = config.secrets().unwrap().seal("token");
    assert!(dir.path().join("keys/charla.key").exists());
    assert!(!dir.path().join("data/secret.key").exists());
    // The same file opens what it sealed (a restart).
    assert_eq!(config.secrets().unwrap().open(&sealed).unwrap(), "token");
}

#[test]
fn demo_data_only_off_a_public_https_host() {
    assert!(demo_allowed(true, None).is_ok());
    assert!(demo_allowed(true, Some("http://127.0.0.1:3000")).is_ok());
    assert!(demo_allowed(true, Some("HTTPS://soporte.example.com")).is_err());
    assert!(demo_allowed(false, Some("https://soporte.example.com")).is_ok());
}
