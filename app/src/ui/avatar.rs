//! A person's initials on a colour of their own: the list and the chat tell people apart
//! at a glance. Decorative; the name is always written beside it.
use leptos::prelude::*;

/// Up to two initials ("Lucía Fernández" → "LF", "ana" → "A"); empty when there is no name.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// One of the palette's colours (style/main.css `.avatar-0` … `.avatar-7`, each AA with
/// white text), the same one for the same person everywhere.
pub fn tint(seed: i64) -> u8 {
    (seed.rem_euclid(8)) as u8
}

#[component]
pub fn Avatar(#[prop(into)] name: String, seed: i64) -> impl IntoView {
    let letters = initials(&name);
    let class = format!("avatar avatar-{}", tint(seed));
    view! {
        <span class=class aria-hidden="true">
            {if letters.is_empty() { "?".to_owned() } else { letters }}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::{initials, tint};

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Lucía Fernández"), "LF");
        assert_eq!(initials("ana"), "A");
        assert_eq!(initials("  "), "");
        assert_eq!(initials("María José de la Vega"), "MJ");
        assert_eq!(initials("+34 600 000 000"), "36");
        assert_eq!(initials("ñandú azul"), "ÑA");
    }

    #[test]
    fn the_same_person_keeps_a_colour() {
        assert_eq!(tint(3), tint(11));
        assert!(tint(-5) < 8);
    }
}
