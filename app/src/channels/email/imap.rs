//! IMAP access to an email inbox's mailbox (async-imap over TCP, STARTTLS or TLS with
//! rustls): log in, list unseen messages, size and fetch each on its own, mark them seen.
use futures::TryStreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

use crate::channels::outbound::{ChannelError, Failure, OutboundPolicy};
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

async fn tls(host: &str, tcp: TcpStream) -> Result<Box<dyn ImapStream>, ChannelError> {
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_owned())
        .map_err(|e| ChannelError::new(Failure::Unreachable, format!("TLS name: {e}")))?;
    let stream = tls_connector()
        .connect(name, tcp)
        .await
        .map_err(|e| ChannelError::new(Failure::Unreachable, format!("TLS: {e}")))?;
    Ok(Box::new(stream))
}

fn refused(step: &str, err: impl std::fmt::Display) -> ChannelError {
    ChannelError::new(Failure::Refused, format!("{step}: {err}"))
}

/// Connects (only to an address `outbound` allows) and logs in. A failure says which
/// step failed; the server's own words are only in its detail, for the log.
pub async fn connect(
    outbound: &OutboundPolicy,
    server: &ServerSettings,
    password: &str,
) -> Result<Session, ChannelError> {
    let attempt = async {
        let tcp = outbound.connect(&server.host, server.port).await?;
        let stream: Box<dyn ImapStream> = match server.security {
            Security::None => Box::new(tcp),
            Security::Tls => tls(&server.host, tcp).await?,
            Security::StartTls => {
                let mut client = async_imap::Client::new(tcp);
                client
                    .read_response()
                    .await
                    .map_err(|e| refused("greeting", e))?
                    .ok_or_else(|| refused("greeting", "none"))?;
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|e| refused("STARTTLS", e))?;
                tls(&server.host, client.into_inner()).await?
            }
        };
        let mut client = async_imap::Client::new(stream);
        if server.security != Security::StartTls {
            client
                .read_response()
                .await
                .map_err(|e| refused("greeting", e))?
                .ok_or_else(|| refused("greeting", "none"))?;
        }
        client
            .login(&server.user, password)
            .await
            .map_err(|(e, _)| ChannelError::new(Failure::Auth, format!("login: {e}")))
    };
    tokio::time::timeout(TIMEOUT, attempt)
        .await
        .map_err(|_| ChannelError::new(Failure::Unreachable, "timed out"))?
}

/// [`connect`], the failure as text (for the poller's log).
pub async fn login(
    outbound: &OutboundPolicy,
    server: &ServerSettings,
    password: &str,
) -> Result<Session, String> {
    connect(outbound, server, password)
        .await
        .map_err(|e| e.to_string())
}

/// "Test connection": log in, open the mailbox, log out.
pub async fn test_connection(
    outbound: &OutboundPolicy,
    server: &ServerSettings,
    password: &str,
    mailbox: &str,
) -> Result<(), ChannelError> {
    let mut session = connect(outbound, server, password).await?;
    session
        .select(mailbox)
        .await
        .map_err(|e| refused(&format!("select {mailbox}"), e))?;
    let _ = session.logout().await;
    Ok(())
}

/// Opens `mailbox` and lists its unseen messages' UIDs, oldest first (only numbers:
/// each message is then sized and fetched on its own).
pub async fn unseen_uids(session: &mut Session, mailbox: &str) -> Result<Vec<u32>, String> {
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
    Ok(uids)
}

/// One `UID FETCH` of one message; the responses about other messages (unsolicited
/// flag updates) are skipped.
async fn fetch_one(
    session: &mut Session,
    uid: u32,
    query: &str,
) -> Result<Option<async_imap::types::Fetch>, String> {
    let fetches: Vec<_> = session
        .uid_fetch(uid.to_string(), query)
        .await
        .map_err(|e| format!("fetch: {e}"))?
        .try_collect()
        .await
        .map_err(|e| format!("fetch: {e}"))?;
    Ok(fetches.into_iter().find(|f| f.uid == Some(uid)))
}

/// The message's `RFC822.SIZE` in bytes; `None` when it is gone (expunged meanwhile).
pub async fn size_of(session: &mut Session, uid: u32) -> Result<Option<u64>, String> {
    Ok(fetch_one(session, uid, "(UID RFC822.SIZE)")
        .await?
        .and_then(|f| f.size)
        .map(u64::from))
}

/// The raw RFC 5322 bytes of one message, at most `max` of them (`BODY.PEEK[]<0.max>`:
/// whatever the server said its size was, no more is read into memory). Nothing is
/// marked seen until [`mark_seen`]. `None` when the message is gone.
pub async fn fetch_message(
    session: &mut Session,
    uid: u32,
    max: u64,
) -> Result<Option<Vec<u8>>, String> {
    let max = max.min(u64::from(u32::MAX));
    Ok(
        fetch_one(session, uid, &format!("(UID BODY.PEEK[]<0.{max}>)"))
            .await?
            .and_then(|f| f.body().map(<[u8]>::to_vec)),
    )
}

/// The header block of one message, at most `max` bytes of it (for a message too
/// large to download: who sent it, its subject and ids). `None` when it is gone.
pub async fn fetch_header(
    session: &mut Session,
    uid: u32,
    max: u64,
) -> Result<Option<Vec<u8>>, String> {
    let max = max.min(u64::from(u32::MAX));
    Ok(
        fetch_one(session, uid, &format!("(UID BODY.PEEK[HEADER]<0.{max}>)"))
            .await?
            .and_then(|f| f.header().map(<[u8]>::to_vec)),
    )
}

/// Every unseen message of `mailbox` whole, oldest first: for reading a customer's
/// small test mailbox (tests, bench). The poller takes one message at a time instead.
pub async fn unseen(session: &mut Session, mailbox: &str) -> Result<Vec<(u32, Vec<u8>)>, String> {
    let mut found = Vec::new();
    for uid in unseen_uids(session, mailbox).await? {
        if let Some(raw) = fetch_message(session, uid, u64::from(u32::MAX)).await? {
            found.push((uid, raw));
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
