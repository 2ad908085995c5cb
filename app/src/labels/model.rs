//! A label (Etiqueta): a name an administrator defines with a colour, put on
//! conversations by agents. Names follow Chatwoot's rule (lower case letters, digits,
//! `-` and `_`, no spaces), so they read the same in filters, the API and automations.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `#rrggbb`, lower case.
    pub color: String,
}

impl Label {
    /// The chip's text colour on [`Label::color`]: black or white, whichever contrasts
    /// more (at least 4.5:1 for any background, WCAG AA).
    pub fn text_color(&self) -> &'static str {
        text_color_on(&self.color)
    }
}

/// The most labels one conversation or contact carries: more than anyone sorts by is
/// a mistake, not a use.
pub const MAX_PER_ITEM: usize = 30;

pub const NAME_MAX_CHARS: usize = 50;
pub const DESCRIPTION_MAX_CHARS: usize = 200;

/// Trimmed and lower-cased; letters (any script), digits, `-`, `_`. Errors carry
/// `required`, `too_long` or `invalid`.
pub fn parse_name(input: &str) -> Result<String, &'static str> {
    let name = input.trim().to_lowercase();
    if name.is_empty() {
        Err("required")
    } else if name.chars().count() > NAME_MAX_CHARS {
        Err("too_long")
    } else if name
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        Ok(name)
    } else {
        Err("invalid")
    }
}

pub fn parse_description(input: &str) -> Result<String, &'static str> {
    let text = input.trim();
    if text.chars().count() > DESCRIPTION_MAX_CHARS {
        Err("too_long")
    } else {
        Ok(text.to_owned())
    }
}

/// `#rgb` or `#rrggbb` (any case) as `#rrggbb`. Errors carry `required` or `invalid`.
pub fn parse_color(input: &str) -> Result<String, &'static str> {
    let text = input.trim().to_lowercase();
    let hex = text.strip_prefix('#').ok_or(if text.is_empty() {
        "required"
    } else {
        "invalid"
    })?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("invalid");
    }
    match hex.len() {
        6 => Ok(format!("#{hex}")),
        3 => Ok(format!(
            "#{}",
            hex.chars().flat_map(|c| [c, c]).collect::<String>()
        )),
        _ => Err("invalid"),
    }
}

/// Relative luminance (WCAG 2.1) of `#rrggbb`; 0 for anything else.
fn luminance(color: &str) -> f64 {
    let hex = color.trim_start_matches('#');
    if hex.len() != 6 {
        return 0.0;
    }
    let channel = |i: usize| {
        let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0) as f64 / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

pub fn text_color_on(color: &str) -> &'static str {
    let l = luminance(color);
    // Contrast with black (l + 0.05) / 0.05 against white 1.05 / (l + 0.05).
    if (l + 0.05) * (l + 0.05) > 0.05 * 1.05 {
        "#000000"
    } else {
        "#ffffff"
    }
}

/// Suggested colours for a new label (the picker starts on one of them).
pub const PALETTE: &[&str] = &[
    "#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#17becf", "#e377c2", "#7f7f7f",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn names_follow_chatwoots_rule() {
        assert_eq!(parse_name(" Facturación "), Ok("facturación".into()));
        assert_eq!(parse_name("vip_2"), Ok("vip_2".into()));
        assert_eq!(parse_name("con espacio"), Err("invalid"));
        assert_eq!(parse_name("  "), Err("required"));
        assert_eq!(parse_name(&"a".repeat(51)), Err("too_long"));
    }

    #[test]
    fn colours_are_hex() {
        assert_eq!(parse_color("#ABC"), Ok("#aabbcc".into()));
        assert_eq!(parse_color("#1f77B4"), Ok("#1f77b4".into()));
        assert_eq!(parse_color("red"), Err("invalid"));
        assert_eq!(parse_color("#12345"), Err("invalid"));
        assert_eq!(parse_color(""), Err("required"));
    }

    #[test]
    fn chip_text_meets_aa_on_any_colour() {
        for r in (0..=255).step_by(17) {
            for g in (0..=255).step_by(17) {
                for b in (0..=255).step_by(51) {
                    let bg = format!("#{r:02x}{g:02x}{b:02x}");
                    assert!(contrast(&bg, text_color_on(&bg)) >= 4.5, "{bg}");
                }
            }
        }
    }
}
