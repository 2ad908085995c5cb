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
    let picked = crate::wire::request::cookie_value(&parts.headers, COOKIE);
    let accept = parts
        .headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    preferred(picked.as_deref(), accept)
}

#[cfg(not(feature = "ssr"))]
fn request_languages() -> Option<String> {
    None
}

/// The picked language if the cookie holds a known one, else `Accept-Language` as it
/// came (leptos_i18n matches it against the locales).
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
fn preferred(picked: Option<&str>, accept_language: Option<&str>) -> Option<String> {
    match picked.and_then(|value| value.trim().parse::<Locale>().ok()) {
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
        assert_eq!(
            preferred(Some("en"), Some("es-ES,es;q=0.9")),
            Some("en".to_string())
        );
    }

    #[test]
    fn without_a_pick_the_browsers_languages_are_used() {
        assert_eq!(
            preferred(None, Some("en-GB,en;q=0.8")),
            Some("en-GB,en;q=0.8".to_string())
        );
        assert_eq!(preferred(None, None), None);
    }

    #[test]
    fn an_unknown_picked_language_is_ignored() {
        assert_eq!(preferred(Some("fr"), Some("es")), Some("es".to_string()));
        assert_eq!(preferred(Some("<script>"), None), None);
    }
}
