//! IMAP access to an email inbox's mailbox (async-imap over TCP, STARTTLS or TLS with
//! rustls): log in, list unseen messages, fetch them whole, mark them seen.
use futures::TryStreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

use crate::domain::email_inbox::{Security, ServerSettings};

pub trait ImapStream:
    tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug
{
}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug> ImapStream
    for T
{
}

pub type Session = async_imap::Session<Box<dyn ImapStream>>;

const TIMEOUT: Duration = Duration::from_secs(30);

fn tls_connector() -> tokio_rustls::TlsConnector {
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default protocol versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

async fn tls(host: &str, tcp: TcpStream) -> Result<Box<dyn ImapStream>, String> {
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| e.to_string())?;
    let stream = tls_connector()
        .connect(name, tcp)
        .await
        .map_err(|e| format!("TLS: {e}"))?;
    Ok(Box::new(stream))
}

/// Connects and logs in; the server's own words when it refuses.
pub async fn login(server: &ServerSettings, password: &str) -> Result<Session, String> {
    let attempt = async {
        let tcp = TcpStream::connect((server.host.as_str(), server.port))
            .await
            .map_err(|e| format!("connect {}:{}: {e}", server.host, server.port))?;
        let stream: Box<dyn ImapStream> = match server.security {
            Security::None => Box::new(tcp),
            Security::Tls => tls(&server.host, tcp).await?,
            Security::StartTls => {
                let mut client = async_imap::Client::new(tcp);
                client
                    .read_response()
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or("no greeting")?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| format!("STARTTLS: {e}"))?;
                tls(&server.host, client.into_inner()).await?
            }
        };
        let mut client = async_imap::Client::new(stream);
        if server.security != Security::StartTls {
            client
                .read_response()
                .await
                .map_err(|e| e.to_string())?
                .ok_or("no greeting")?;
        }
        client
            .login(&server.user, password)
            .await
            .map_err(|(e, _)| format!("login: {e}"))
    };
    tokio::time::timeout(TIMEOUT, attempt)
        .await
        .map_err(|_| "timed out".to_owned())?
}

/// "Test connection": log in, open the mailbox, log out.
pub async fn test_connection(
    server: &ServerSettings,
    password: &str,
    mailbox: &str,
) -> Result<(), String> {
    let mut session = login(server, password).await?;
    session
        .select(mailbox)
        .await
        .map_err(|e| format!("select {mailbox}: {e}"))?;
    let _ = session.logout().await;
    Ok(())
}

/// The unseen messages of `mailbox`: (UID, raw RFC 5322 bytes), oldest first. Fetched
/// with `BODY.PEEK[]`, so nothing is marked seen until [`mark_seen`].
pub async fn unseen(session: &mut Session, mailbox: &str) -> Result<Vec<(u32, Vec<u8>)>, String> {
    session
        .select(mailbox)
        .await
        .map_err(|e| format!("select {mailbox}: {e}"))?;
    let mut uids: Vec<u32> = session
        .uid_search("UNSEEN")
        .await
        .map_err(|e| format!("search: {e}"))?
        .into_iter()
        .collect();
    uids.sort_unstable();
    let mut found = Vec::new();
    for uid in uids {
        let fetches: Vec<_> = session
            .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
            .await
            .map_err(|e| format!("fetch: {e}"))?
            .try_collect()
            .await
            .map_err(|e| format!("fetch: {e}"))?;
        for fetch in fetches {
            if let Some(body) = fetch.body() {
                found.push((fetch.uid.unwrap_or(uid), body.to_vec()));
            }
        }
    }
    Ok(found)
}

pub async fn mark_seen(session: &mut Session, uid: u32) -> Result<(), String> {
    let _: Vec<_> = session
        .uid_store(uid.to_string(), "+FLAGS (\\Seen)")
        .await
        .map_err(|e| format!("store: {e}"))?
        .try_collect()
        .await
        .map_err(|e| format!("store: {e}"))?;
    Ok(())
}

pub async fn supports_idle(session: &mut Session) -> bool {
    session
        .capabilities()
        .await
        .map(|caps| caps.has_str("IDLE"))
        .unwrap_or(false)
}

/// Waits in IDLE (RFC 2177) until the server reports a change or `wait` passes; the
/// session comes back ready for the next command.
pub async fn idle(session: Session, wait: Duration) -> Result<Session, String> {
    let mut handle = session.idle();
    handle.init().await.map_err(|e| format!("idle: {e}"))?;
    let (until_change, _stop) = handle.wait_with_timeout(wait);
    until_change.await.map_err(|e| format!("idle: {e}"))?;
    handle.done().await.map_err(|e| format!("idle: {e}"))
}
