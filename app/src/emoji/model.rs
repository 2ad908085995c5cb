use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmojiEntry {
    pub emoji: String,
    /// Its CLDR name in the agent's language ("corazón rojo").
    pub name: String,
    /// What a search matches: names and keywords in Spanish and English and the
    /// shortcodes, lower-cased and accent-free ("corazon rojo | heart | ...").
    pub search: String,
    /// Light to dark variants, when the emoji has skin tones.
    pub tones: Vec<String>,
}

impl EmojiEntry {
    /// Does it match what the agent typed ("Corazón", "pulgar", "thumbs")?
    pub fn matches(&self, folded_query: &str) -> bool {
        folded_query.is_empty() || self.search.contains(folded_query)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmojiGroup {
    pub id: u8,
    pub emojis: Vec<EmojiEntry>,
}

/// The query as the catalog's `search` text is written: lower-cased, accents folded.
pub fn fold_query(query: &str) -> String {
    crate::domain::search_text(&[Some(query.trim())])
}
