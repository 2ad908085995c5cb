//! Light, dark or the system's choice, picked in Mi perfil and kept in a cookie so the
//! server writes it on `<html data-theme>` and the first paint is already right (the
//! stylesheet follows `prefers-color-scheme` when there is none).
use leptos::prelude::*;

use crate::i18n::*;

pub const COOKIE: &str = "charla_theme";

/// A theme the cookie may hold; anything else means "as the system".
pub fn known(value: &str) -> Option<&'static str> {
    match value {
        "light" => Some("light"),
        "dark" => Some("dark"),
        _ => None,
    }
}

/// The theme this request's cookie picks, for the document the server renders.
#[cfg(feature = "ssr")]
pub fn requested() -> Option<&'static str> {
    let parts = use_context::<http::request::Parts>()?;
    known(&crate::wire::request::cookie_value(&parts.headers, COOKIE)?)
}

/// The theme on the page now: what the server wrote, or what the agent picked since.
fn current() -> &'static str {
    #[cfg(feature = "ssr")]
    {
        requested().unwrap_or("")
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("data-theme"))
            .and_then(|value| known(&value))
            .unwrap_or("")
    }
}

#[cfg(feature = "hydrate")]
fn apply(theme: &str) {
    use wasm_bindgen::JsCast;
    const ONE_YEAR_SECS: u32 = 365 * 24 * 60 * 60;
    if let Some(html) = document().document_element() {
        let _ = match known(theme) {
            Some(theme) => html.set_attribute("data-theme", theme),
            None => html.remove_attribute("data-theme"),
        };
    }
    if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
        let cookie = match known(theme) {
            Some(theme) => {
                format!("{COOKIE}={theme}; path=/; max-age={ONE_YEAR_SECS}; samesite=lax")
            }
            None => format!("{COOKIE}=; path=/; max-age=0; samesite=lax"),
        };
        let _ = document.set_cookie(&cookie);
    }
}

#[cfg(not(feature = "hydrate"))]
fn apply(_theme: &str) {}

/// "Tema": as the system, light or dark; applied at once, on this browser.
#[component]
pub fn ThemeSelect() -> impl IntoView {
    let i18n = use_i18n();
    let theme = current();
    view! {
        <div class="field">
            <label for="profile-theme">{t!(i18n, theme)}</label>
            <select id="profile-theme" on:change=move |ev| apply(&event_target_value(&ev))>
                <option value="" selected=theme.is_empty()>{t!(i18n, theme_system)}</option>
                <option value="light" selected=theme == "light">{t!(i18n, theme_light)}</option>
                <option value="dark" selected=theme == "dark">{t!(i18n, theme_dark)}</option>
            </select>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_known_themes_reach_the_page() {
        assert_eq!(super::known("dark"), Some("dark"));
        assert_eq!(super::known("light"), Some("light"));
        assert_eq!(super::known("\"><script>"), None);
        assert_eq!(super::known(""), None);
    }
}
