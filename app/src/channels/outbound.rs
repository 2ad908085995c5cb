//! Where channel connections may go. SMTP, IMAP and the Graph API carry an inbox's
//! stored secrets, so an administrator's session must not be able to point them at the
//! server's own network or at a host of its choosing (SECURITY.md, "Channel secrets
//! follow their host"):
//!
//! - loopback, private, link-local and shared (CGNAT) addresses are refused unless the
//!   server allows them (`CHARLA_OUTBOUND_ALLOW_PRIVATE`). The rule is applied to the
//!   addresses a name resolves to, at connect time, and the connection is made to the
//!   address that was checked: a name that resolves to 127.0.0.1 is refused as
//!   127.0.0.1 is;
//! - a WhatsApp inbox's Graph base URL is `https://graph.facebook.com` unless the server
//!   names other hosts (`CHARLA_GRAPH_ALLOW_HOSTS`).
//!
//! A failed connection is told to the browser as a [`Failure`] code only; the server's
//! own words (a banner, an error text) go to the log.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// Meta's Graph API host.
pub const GRAPH_HOST: &str = "graph.facebook.com";
/// Meta serves media files (the `url` of a media id) from this domain's hosts.
const META_MEDIA_DOMAIN: &str = "fbsbx.com";

/// The server's rule for outbound channel connections.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Loopback and private-network addresses allowed (tests, a mail server on the LAN).
    pub allow_private: bool,
    /// Hosts a Graph base URL may name besides graph.facebook.com, over https or http
    /// (a local stand-in of the Graph API in tests).
    pub graph_hosts: Vec<String>,
}

/// Why a channel connection failed, as the browser may read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The address (or host) is one this server does not connect to.
    NotAllowed,
    /// No connection: the name does not resolve, nothing answers, TLS failed, timeout.
    Unreachable,
    /// The server refused the user name, password or token.
    Auth,
    /// The server answered but refused the request.
    Refused,
}

impl Failure {
    /// The validation code the settings page translates.
    pub fn code(self) -> &'static str {
        match self {
            Failure::NotAllowed => "address_not_allowed",
            Failure::Unreachable => "unreachable",
            Failure::Auth => "auth_failed",
            Failure::Refused => "failed",
        }
    }
}

/// A failed channel connection: what the browser is told, and the detail for the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct ChannelError {
    pub kind: Failure,
    pub detail: String,
}

impl ChannelError {
    pub fn new(kind: Failure, detail: impl Into<String>) -> ChannelError {
        ChannelError {
            kind,
            detail: detail.into(),
        }
    }
}

/// Whether an address is on the public internet: not loopback, private (10/8,
/// 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), shared
/// (100.64/10), unspecified, multicast, broadcast or reserved; an IPv6 address that
/// carries an IPv4 one (mapped, compatible, NAT64, 6to4) is judged by that one.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => public_v4(ip),
        IpAddr::V6(ip) => public_v6(ip),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let refused = a == 0 // "this network", 0.0.0.0
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 224; // multicast, reserved, broadcast
    !refused
}

fn public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return public_v4(v4);
    }
    let first = ip.segments()[0];
    let refused = ip.is_unspecified()
        || ip.is_loopback()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (first & 0xff00) == 0xff00; // multicast
    !refused
}

/// The IPv4 address an IPv6 one stands for, where it stands for one.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match s {
        // IPv4-mapped, ::ffff:a.b.c.d
        [0, 0, 0, 0, 0, 0xffff, hi, lo] => Some(v4(hi, lo)),
        // IPv4-compatible (deprecated), ::a.b.c.d; not :: or ::1
        [0, 0, 0, 0, 0, 0, hi, lo] if (hi, lo) != (0, 0) && (hi, lo) != (0, 1) => Some(v4(hi, lo)),
        // NAT64, 64:ff9b::a.b.c.d
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(v4(hi, lo)),
        // 6to4, 2002:aabb:ccdd::
        [0x2002, hi, lo, ..] => Some(v4(hi, lo)),
        _ => None,
    }
}

/// An address literal as typed in a host field or URL (`::1` or `[::1]`).
fn literal(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

impl OutboundPolicy {
    /// Whether a connection to this address is allowed.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.allow_private || is_public(ip)
    }

    /// A host as typed in the settings: refused when it is an address literal this
    /// policy refuses. (A name is checked when it is resolved, at connect time.)
    pub fn host_allowed(&self, host: &str) -> bool {
        literal(host).is_none_or(|ip| self.allows(ip))
    }

    /// The addresses of `host:port` this policy allows, in the resolver's order. An
    /// error when the name does not resolve ([`Failure::Unreachable`]) or only to
    /// refused addresses ([`Failure::NotAllowed`]).
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, ChannelError> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let found: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| ChannelError::new(Failure::Unreachable, format!("resolve {host}: {e}")))?
            .collect();
        let allowed: Vec<SocketAddr> = found
            .iter()
            .copied()
            .filter(|a| self.allows(a.ip()))
            .collect();
        if allowed.is_empty() {
            return Err(if found.is_empty() {
                ChannelError::new(Failure::Unreachable, format!("{host} has no address"))
            } else {
                ChannelError::new(
                    Failure::NotAllowed,
                    format!("{host} resolves to a local or private address ({found:?}): refused"),
                )
            });
        }
        Ok(allowed)
    }

    /// A TCP connection to `host:port`, to the first allowed address that answers.
    pub async fn connect(
        &self,
        host: &str,
        port: u16,
    ) -> Result<tokio::net::TcpStream, ChannelError> {
        let mut last = format!("connect {host}:{port}: no address");
        for addr in self.resolve(host, port).await? {
            match tokio::net::TcpStream::connect(addr).await {
                Ok(stream) => return Ok(stream),
                Err(err) => last = format!("connect {host}:{port} ({addr}): {err}"),
            }
        }
        Err(ChannelError::new(Failure::Unreachable, last))
    }

    fn graph_host(&self, name: &str) -> bool {
        self.graph_hosts.iter().any(|allowed| {
            allowed
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .eq_ignore_ascii_case(name)
        })
    }

    /// Whether the access token may be sent to this URL of the Graph API: https on
    /// graph.facebook.com, or https or http on a host the server names; an address
    /// literal must pass [`Self::allows`] too. The refusal as a validation code.
    pub fn graph_url(&self, url: &str) -> Result<(), &'static str> {
        self.url_on(url, |name| name == GRAPH_HOST)
    }

    /// Whether the access token may be sent to a media file's URL (from Meta's answer):
    /// https on graph.facebook.com or Meta's media hosts (`*.fbsbx.com`), or a host
    /// the server names.
    pub fn media_url(&self, url: &str) -> Result<(), &'static str> {
        self.url_on(url, |name| {
            name == GRAPH_HOST || name.ends_with(&format!(".{META_MEDIA_DOMAIN}"))
        })
    }

    fn url_on(&self, url: &str, meta: impl Fn(&str) -> bool) -> Result<(), &'static str> {
        let url = reqwest::Url::parse(url).map_err(|_| "invalid")?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err("invalid");
        }
        let name = url
            .host_str()
            .ok_or("invalid")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let allowed = match url.scheme() {
            "https" => meta(&name) || self.graph_host(&name),
            "http" => self.graph_host(&name),
            _ => false,
        };
        if !allowed {
            return Err("host_not_allowed");
        }
        if !self.host_allowed(&name) {
            return Err("address_not_allowed");
        }
        Ok(())
    }

    /// Whether pushes may go to this subscription endpoint (a URL a browser handed
    /// over): https to any host, http only where private addresses are allowed (a
    /// local push service in tests); an address literal must pass [`Self::allows`]
    /// (names are checked by [`Self::resolver`] when connecting).
    pub fn push_endpoint(&self, url: &str) -> Result<(), &'static str> {
        let url = reqwest::Url::parse(url).map_err(|_| "invalid")?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err("invalid");
        }
        let host = url.host_str().ok_or("invalid")?;
        match url.scheme() {
            "https" => {}
            "http" if self.allow_private => {}
            _ => return Err("invalid"),
        }
        if !self.host_allowed(host.trim_start_matches('[').trim_end_matches(']')) {
            return Err("address_not_allowed");
        }
        Ok(())
    }

    /// Whether a webhook URL may be called: http or https with no credentials in it; an
    /// address literal must pass [`Self::allows`] (names are checked by
    /// [`Self::resolver`] when connecting, so a name pointing inside is refused then).
    pub fn webhook_url(&self, url: &str) -> Result<(), &'static str> {
        let url = reqwest::Url::parse(url).map_err(|_| "invalid")?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err("invalid");
        }
        if !matches!(url.scheme(), "https" | "http") {
            return Err("invalid");
        }
        let host = url.host_str().ok_or("invalid")?;
        if !self.host_allowed(host.trim_start_matches('[').trim_end_matches(']')) {
            return Err("address_not_allowed");
        }
        Ok(())
    }

    /// A DNS resolver for reqwest that keeps only the addresses this policy allows (an
    /// address literal in a URL bypasses resolvers: check URLs with [`Self::graph_url`]).
    pub fn resolver(&self) -> Arc<PolicyResolver> {
        Arc::new(PolicyResolver {
            policy: self.clone(),
        })
    }
}

/// See [`OutboundPolicy::resolver`].
pub struct PolicyResolver {
    policy: OutboundPolicy,
}

impl reqwest::dns::Resolve for PolicyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            // The port is the URL's; reqwest replaces this one.
            let addrs = policy.resolve(name.as_str(), 0).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The [`ChannelError`] somewhere in an error's chain of sources (a refusal of
/// [`PolicyResolver`] inside a reqwest error).
pub fn find_refusal<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a ChannelError> {
    let mut current = Some(err);
    while let Some(err) = current {
        if let Some(found) = err.downcast_ref::<ChannelError>() {
            return Some(found);
        }
        current = err.source();
    }
    None
}

#[cfg(test)]
mod tests;
