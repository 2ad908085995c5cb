//! Search's vocabulary: the query as the agent types it (words, fragments, "phrases"),
//! the filters, the hits with their highlighted snippet, and the grouped quick results.
use serde::{Deserialize, Serialize};

use crate::contacts::model::ContactRow;
use crate::conversations::model::ConversationSummary;
use crate::domain::{ChannelKind, Millis};

/// Fewer characters than this cannot be looked up in the index (trigrams).
pub const MIN_TERM: usize = 3;
/// At most this many terms in one query (each is one more index lookup).
pub const MAX_TERMS: usize = 8;
/// Hits per page.
pub const PAGE: i64 = 20;

/// Who wrote the messages sought.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenderFilter {
    #[default]
    Anyone,
    Customer,
    /// Any agent.
    Agents,
}

/// Private notes or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotesFilter {
    #[default]
    Both,
    OnlyNotes,
    NoNotes,
}

/// A message search: the text and its filters (kept in the address of `/search`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageQuery {
    pub text: String,
    #[serde(default)]
    pub inbox_id: Option<i64>,
    #[serde(default)]
    pub channel: Option<ChannelKind>,
    #[serde(default)]
    pub sender: SenderFilter,
    /// Written by this agent (overrides `sender`).
    #[serde(default)]
    pub agent_id: Option<i64>,
    #[serde(default)]
    pub notes: NotesFilter,
    /// Sent at or after this time.
    #[serde(default)]
    pub since: Option<Millis>,
    /// Sent before this time.
    #[serde(default)]
    pub until: Option<Millis>,
}

/// A piece of a snippet; `hit` pieces are what matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fragment {
    pub text: String,
    pub hit: bool,
}

/// One message found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessageHit {
    pub message_id: i64,
    pub conversation_id: i64,
    pub display_id: i64,
    pub contact_name: String,
    pub inbox_name: String,
    pub channel: ChannelKind,
    /// The customer wrote it (else an agent).
    pub from_customer: bool,
    pub private: bool,
    pub sender_name: Option<String>,
    pub created_at: Millis,
    pub snippet: Vec<Fragment>,
}

/// A page of hits, newest first; `next` continues after the last (a message id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MessageResults {
    pub items: Vec<MessageHit>,
    pub next: Option<i64>,
}

/// What the search box shows as the agent types: a few of each kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct QuickResults {
    pub conversations: Vec<ConversationSummary>,
    pub contacts: Vec<ContactRow>,
    pub messages: Vec<MessageHit>,
}

/// The terms of a query, folded (lower case, no accents): words, fragments and
/// "quoted phrases", each at least [`MIN_TERM`] characters; shorter words are dropped
/// (they cannot narrow an index lookup), and at most [`MAX_TERMS`] are kept.
pub fn terms(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (k, part) in text.split('"').enumerate() {
        // Odd pieces were inside quotes: one phrase each.
        let pieces: Vec<&str> = if k % 2 == 1 {
            vec![part]
        } else {
            part.split_whitespace().collect()
        };
        for piece in pieces {
            let folded = crate::domain::search_text(&[Some(piece)]);
            let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
            if folded.chars().count() >= MIN_TERM && !out.contains(&folded) {
                out.push(folded);
            }
        }
    }
    out.truncate(MAX_TERMS);
    out
}

/// A conversation's number, when the query is one (`#123` or `123`).
pub fn conversation_number(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix('#').unwrap_or(t);
    if digits.is_empty() || digits.len() > 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The part of `body` around the first match, with every match in it marked; about
/// `width` characters. The body is folded character by character, so positions in
/// the folded text are positions in the original.
pub fn snippet(body: &str, terms: &[String], width: usize) -> Vec<Fragment> {
    let chars: Vec<char> = body.chars().collect();
    let folded: Vec<char> = chars.iter().map(|c| fold_char(*c)).collect();
    let mut hits = vec![false; chars.len()];
    let mut first: Option<usize> = None;
    for term in terms {
        let needle: Vec<char> = term.chars().collect();
        if needle.is_empty() || needle.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - needle.len() {
            if folded[start..start + needle.len()] == needle[..] {
                first = Some(first.map_or(start, |f| f.min(start)));
                hits[start..start + needle.len()].fill(true);
            }
        }
    }
    let from = first.map_or(0, |f| f.saturating_sub(width / 3));
    let to = (from + width).min(chars.len());
    let mut out: Vec<Fragment> = Vec::new();
    if from > 0 {
        out.push(Fragment {
            text: "…".into(),
            hit: false,
        });
    }
    for k in from..to {
        // Line breaks read as spaces in a one-line snippet.
        let c = if chars[k].is_whitespace() {
            ' '
        } else {
            chars[k]
        };
        match out.last_mut() {
            Some(last) if last.hit == hits[k] && !(k == from && from > 0) => last.text.push(c),
            _ => out.push(Fragment {
                text: c.to_string(),
                hit: hits[k],
            }),
        }
    }
    if to < chars.len() {
        out.push(Fragment {
            text: "…".into(),
            hit: false,
        });
    }
    out
}

/// One character folded as `search_text` folds it (one character out).
fn fold_char(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    crate::domain::search_text(&[Some(&lower.to_string())])
        .chars()
        .next()
        .unwrap_or(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_fold_keep_phrases_and_drop_short_words() {
        assert_eq!(
            terms(r#"Facturación "Mi Pedido" de 1234"#),
            vec!["facturacion", "mi pedido", "1234"]
        );
        assert_eq!(terms("a de  "), Vec::<String>::new());
        assert_eq!(terms(r#""sin cerrar"#), vec!["sin cerrar"]);
        assert_eq!(terms("uno uno UNO"), vec!["uno"]);
        assert_eq!(terms(&"palabra ".repeat(3)).len(), 1);
        let many: String = (0..20).map(|k| format!("term{k} ")).collect();
        assert_eq!(terms(&many).len(), MAX_TERMS);
    }

    #[test]
    fn numbers_name_conversations() {
        assert_eq!(conversation_number("#123"), Some(123));
        assert_eq!(conversation_number(" 42 "), Some(42));
        assert_eq!(conversation_number("#"), None);
        assert_eq!(conversation_number("12a"), None);
        assert_eq!(conversation_number("factura 12"), None);
    }

    #[test]
    fn snippets_mark_matches_in_the_original_text() {
        let parts = snippet("Hola, la facturación de marzo", &["facturacion".into()], 80);
        assert_eq!(
            parts,
            vec![
                Fragment {
                    text: "Hola, la ".into(),
                    hit: false
                },
                Fragment {
                    text: "facturación".into(),
                    hit: true
                },
                Fragment {
                    text: " de marzo".into(),
                    hit: false
                },
            ]
        );
        let long = format!("{}Factura 1234 pendiente", "x".repeat(200));
        let parts = snippet(&long, &["factura".into(), "1234".into()], 40);
        assert_eq!(parts.first().unwrap().text, "…");
        assert!(parts.iter().any(|f| f.hit && f.text == "Factura"));
        assert!(parts.iter().any(|f| f.hit && f.text == "1234"));
        assert!(parts.iter().map(|f| f.text.chars().count()).sum::<usize>() <= 42);
        // No match (a phrase across a line break): the start of the body.
        let parts = snippet("uno\ndos", &["zzz".into()], 80);
        assert_eq!(
            parts,
            vec![Fragment {
                text: "uno dos".into(),
                hit: false
            }]
        );
    }
}
