//! The language an agent picked, kept in a cookie so the server renders the next page in
//! it. leptos_i18n's own `cookie` feature does this through leptos-use's reactive
//! cookies, which bring the `cookie` and `time` crates into the main WASM (about 70 KB
//! before optimisation, BENCHMARKS.md "Client weight") for one write per switch.
use leptos::prelude::*;
use leptos_i18n::context::UseLocalesOptions;

use crate::i18n::*;

/// The cookie's name: the one leptos_i18n's feature wrote, so earlier choices still hold.
pub const COOKIE: &str = "i18n_pref_locale";

/// How the server finds the page's language: the picked one (cookie), else the browser's
/// (`Accept-Language`). The client reads the language the server chose from `<html lang>`.
pub fn server_languages() -> UseLocalesOptions {
    UseLocalesOptions::default().ssr_lang_header_getter(request_languages)
}

#[cfg(feature = "ssr")]
fn request_languages() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    let cookies = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok());
    let accept = parts
        .headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    preferred(cookies, accept)
}

#[cfg(not(feature = "ssr"))]
fn request_languages() -> Option<String> {
    None
}

/// The picked language if a `Cookie` header holds a known one, else `Accept-Language`
/// as it came (leptos_i18n matches it against the locales).
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn preferred<'a>(
    cookie_headers: impl Iterator<Item = &'a str>,
    accept_language: Option<&str>,
) -> Option<String> {
    let picked = cookie_headers
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| value.trim().parse::<Locale>().ok());
    match picked {
        Some(locale) => Some(locale.to_string()),
        None => accept_language.map(str::to_owned),
    }
}

/// Writes the cookie whenever the language changes after the page loaded (the language
/// switch, the profile page). Renders nothing.
#[component]
pub fn RememberLanguage() -> impl IntoView {
    let i18n = use_i18n();
    // Effects run only in the browser.
    Effect::new(move |previous: Option<Locale>| {
        let locale = i18n.get_locale();
        if previous.is_some_and(|previous| previous != locale) {
            write_cookie(locale);
        }
        locale
    });
}

#[cfg(feature = "hydrate")]
fn write_cookie(locale: Locale) {
    use wasm_bindgen::JsCast;
    const ONE_YEAR_SECS: u32 = 365 * 24 * 60 * 60;
    if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = document.set_cookie(&format!(
            "{COOKIE}={locale}; path=/; max-age={ONE_YEAR_SECS}; samesite=lax"
        ));
    }
}

#[cfg(not(feature = "hydrate"))]
fn write_cookie(_locale: Locale) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picked_language_wins_over_the_browsers() {
        let cookies = ["theme=dark; i18n_pref_locale=en", "charla_session=abc"];
        assert_eq!(
            preferred(cookies.into_iter(), Some("es-ES,es;q=0.9")),
            Some("en".to_string())
        );
    }

    #[test]
    fn without_a_pick_the_browsers_languages_are_used() {
        assert_eq!(
            preferred(["charla_session=abc"].into_iter(), Some("en-GB,en;q=0.8")),
            Some("en-GB,en;q=0.8".to_string())
        );
        assert_eq!(preferred(std::iter::empty(), None), None);
    }

    #[test]
    fn an_unknown_picked_language_is_ignored() {
        assert_eq!(
            preferred(["i18n_pref_locale=fr"].into_iter(), Some("es")),
            Some("es".to_string())
        );
        assert_eq!(
            preferred(["i18n_pref_locale=<script>"].into_iter(), None),
            None
        );
    }
}
