//! What a request tells about where it came from: the client's address (behind a
//! trusted proxy, the hop it appended), its browser and its cookies.

/// The browser a session is opened from, as Mi perfil lists sessions (at most 300
/// characters).
pub fn user_agent(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(300).collect())
}

/// The address a request came from: the connection's peer, or, behind a trusted
/// reverse proxy (`CHARLA_TRUST_PROXY`), the last hop the proxy appended to
/// `X-Forwarded-For` (earlier entries are whatever the client claimed).
pub fn client_address(parts: &http::request::Parts, trust_proxy: bool) -> Option<String> {
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0);
    client_address_of(&parts.headers, peer, trust_proxy)
}

/// [`client_address`] for handlers that hold the headers and the peer apart.
pub fn client_address_of(
    headers: &http::HeaderMap,
    peer: Option<std::net::SocketAddr>,
    trust_proxy: bool,
) -> Option<String> {
    if trust_proxy {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty());
        if let Some(ip) = forwarded.and_then(|v| v.parse::<std::net::IpAddr>().ok()) {
            return Some(ip.to_string());
        }
    }
    peer.map(|peer| peer.ip().to_string())
}

/// Reads one cookie from the request headers.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}
