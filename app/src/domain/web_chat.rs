//! A web-chat inbox's settings as administrators edit them, with the rules shared by
//! the form and the server.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebChatSettings {
    /// `#rrggbb`.
    pub colour: String,
    pub greeting: String,
    /// Sites allowed to embed the widget: `https://shop.example.com[:port]`.
    pub allowed_origins: Vec<String>,
}

pub const GREETING_MAX_CHARS: usize = 500;
pub const MAX_ORIGINS: usize = 20;

/// A site origin: scheme `http` or `https`, a host, an optional port, nothing else.
pub fn is_origin(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        && !host.starts_with(['.', '-'])
        && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|p| p > 0))
}

impl WebChatSettings {
    /// Normalised settings, or the first failed rule as (field, code).
    pub fn checked(&self) -> Result<WebChatSettings, (&'static str, &'static str)> {
        let colour = self.colour.trim().to_lowercase();
        let hex = colour.strip_prefix('#').unwrap_or("");
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(("colour", "invalid"));
        }
        let greeting = self.greeting.trim().to_owned();
        if greeting.chars().count() > GREETING_MAX_CHARS {
            return Err(("greeting", "too_long"));
        }
        let mut origins: Vec<String> = Vec::new();
        for origin in &self.allowed_origins {
            let origin = origin.trim().trim_end_matches('/').to_lowercase();
            if origin.is_empty() {
                continue;
            }
            if !is_origin(&origin) {
                return Err(("allowed_origins", "invalid"));
            }
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        if origins.len() > MAX_ORIGINS {
            return Err(("allowed_origins", "too_long"));
        }
        Ok(WebChatSettings {
            colour,
            greeting,
            allowed_origins: origins,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_and_normalised() {
        let settings = WebChatSettings {
            colour: " #1F6FEB ".into(),
            greeting: " ¡Hola! ".into(),
            allowed_origins: vec![
                "https://Shop.example.com/".into(),
                "".into(),
                "http://localhost:8080".into(),
                "https://shop.example.com".into(),
            ],
        };
        let ok = settings.checked().unwrap();
        assert_eq!(ok.colour, "#1f6feb");
        assert_eq!(ok.greeting, "¡Hola!");
        assert_eq!(
            ok.allowed_origins,
            ["https://shop.example.com", "http://localhost:8080"]
        );
        for bad in [
            "shop.example.com",
            "https://shop.example.com/path",
            "javascript:alert(1)",
            "https://a:0",
            "https://",
        ] {
            let s = WebChatSettings {
                colour: "#000000".into(),
                allowed_origins: vec![bad.into()],
                ..Default::default()
            };
            assert_eq!(s.checked(), Err(("allowed_origins", "invalid")), "{bad}");
        }
        let s = WebChatSettings {
            colour: "red".into(),
            ..Default::default()
        };
        assert_eq!(s.checked(), Err(("colour", "invalid")));
    }
}
