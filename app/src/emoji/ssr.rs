//! The catalog: every emoji of the `emojis` crate in its Unicode group, with its name and
//! keywords from Unicode CLDR in both languages (app/src/emoji/cldr, written by
//! scripts/emoji/annotations.mjs), built once per language.
use std::collections::HashMap;
use std::sync::LazyLock;

use emojis::SkinTone;

use super::model::{EmojiEntry, EmojiGroup};
use crate::domain::search_text;

const TONES: [SkinTone; 5] = [
    SkinTone::Light,
    SkinTone::MediumLight,
    SkinTone::Medium,
    SkinTone::MediumDark,
    SkinTone::Dark,
];

const CLDR_EN: &str = include_str!("cldr/en.tsv");
const CLDR_ES: &str = include_str!("cldr/es.tsv");

/// One language's CLDR annotation of an emoji: its name and its keywords.
struct Annotation {
    name: &'static str,
    keywords: &'static str,
}

/// Emoji (written without U+FE0F, as CLDR keys them) to their annotation.
fn annotations(tsv: &'static str) -> HashMap<&'static str, Annotation> {
    tsv.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cols = l.splitn(3, '\t');
            let emoji = cols.next()?;
            let name = cols.next()?;
            Some((
                emoji,
                Annotation {
                    name,
                    keywords: cols.next().unwrap_or(""),
                },
            ))
        })
        .collect()
}

static CATALOGS: LazyLock<[Vec<EmojiGroup>; 2]> = LazyLock::new(|| {
    let (en, es) = (annotations(CLDR_EN), annotations(CLDR_ES));
    [build(&en, &es, false), build(&en, &es, true)]
});

/// The catalog named in `lang` ("es" for Spanish, English otherwise).
pub fn catalog(lang: &str) -> &'static [EmojiGroup] {
    &CATALOGS[usize::from(lang.starts_with("es"))]
}

fn build(
    en: &HashMap<&'static str, Annotation>,
    es: &HashMap<&'static str, Annotation>,
    spanish: bool,
) -> Vec<EmojiGroup> {
    emojis::Group::iter()
        .enumerate()
        .map(|(id, group)| EmojiGroup {
            id: id as u8,
            emojis: group
                .emojis()
                .map(|e| {
                    let key = e.as_str().replace('\u{fe0f}', "");
                    let (en, es) = (en.get(key.as_str()), es.get(key.as_str()));
                    let shown = if spanish { es } else { en };
                    let name = shown.map_or(e.name(), |a| a.name).to_owned();
                    let shortcodes: Vec<&str> = e.shortcodes().collect();
                    let shortcodes = shortcodes.join(" ");
                    let search = search_text(&[
                        es.map(|a| a.name),
                        es.map(|a| a.keywords),
                        Some(e.name()),
                        en.map(|a| a.name),
                        en.map(|a| a.keywords),
                        Some(&shortcodes),
                    ]);
                    EmojiEntry {
                        emoji: e.as_str().to_owned(),
                        name,
                        search,
                        tones: TONES
                            .iter()
                            .filter_map(|t| e.with_skin_tone(*t))
                            .map(|v| v.as_str().to_owned())
                            .filter(|v| v != e.as_str())
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::catalog;
    use crate::emoji::model::{fold_query, EmojiEntry};

    fn find<'a>(lang: &str, query: &str) -> Vec<&'a str> {
        let q = fold_query(query);
        catalog(lang)
            .iter()
            .flat_map(|g| &g.emojis)
            .filter(|e: &&EmojiEntry| e.matches(&q))
            .map(|e| e.emoji.as_str())
            .collect()
    }

    #[test]
    fn the_catalog_is_the_full_unicode_set_with_tones() {
        let groups = catalog("es");
        assert_eq!(groups.len(), 9);
        let all: Vec<_> = groups.iter().flat_map(|g| &g.emojis).collect();
        assert!(all.len() > 1800, "{}", all.len());
        let wave = all.iter().find(|e| e.emoji == "👋").unwrap();
        assert_eq!(wave.tones.len(), 5);
    }

    #[test]
    fn spanish_words_with_or_without_accents_find_emoji() {
        assert!(find("es", "corazón").contains(&"❤️"));
        assert!(find("es", "Corazon").contains(&"❤️"));
        assert!(find("es", "pulgar").contains(&"👍"));
        assert!(find("es", "sonrisa").contains(&"😀"));
        assert!(!find("es", "sonrisa").contains(&"👍"));
    }

    #[test]
    fn english_words_and_shortcodes_find_them_in_either_language() {
        for lang in ["es", "en"] {
            assert!(find(lang, "heart").contains(&"❤️"));
            assert!(find(lang, "thumbs up").contains(&"👍"));
            assert!(find(lang, "smile").contains(&"😄"));
        }
    }

    #[test]
    fn names_follow_the_agents_language() {
        let named = |lang| {
            catalog(lang)
                .iter()
                .flat_map(|g| &g.emojis)
                .find(|e| e.emoji == "👍")
                .map(|e| e.name.clone())
                .unwrap()
        };
        assert_eq!(named("es"), "pulgar hacia arriba");
        assert_eq!(named("en"), "thumbs up");
    }
}
