//! Small pieces of UI shared by features: error text, language switch, labels.
pub mod attachment;
pub mod avatar;
pub mod clipboard;
pub mod files;
pub mod icons;
pub mod language;
pub mod recorder;
pub mod service_worker;
pub mod template_picker;
pub mod theme;
pub mod time;

use leptos::prelude::*;

use crate::domain::{Availability, ChannelKind, Role};
use crate::error::AppError;
use crate::i18n::*;
use leptos_i18n::I18nContext;

/// The user-facing sentence for an error, in the current language.
pub fn error_text(i18n: I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::InvalidCredentials => t_string!(i18n, invalid_credentials).to_string(),
        AppError::Unauthorized => t_string!(i18n, error_unauthorized).to_string(),
        AppError::Forbidden => t_string!(i18n, error_forbidden).to_string(),
        AppError::NotFound => t_string!(i18n, error_not_found).to_string(),
        AppError::RateLimited { retry_after_secs } if *retry_after_secs < 60 => {
            let seconds = (*retry_after_secs).max(1);
            t_string!(i18n, error_rate_limited_seconds, seconds).to_string()
        }
        AppError::RateLimited { retry_after_secs } => {
            let minutes = ((*retry_after_secs).max(1) + 59) / 60;
            t_string!(i18n, error_rate_limited, minutes).to_string()
        }
        AppError::Validation { code, .. } if code == "required" => {
            t_string!(i18n, error_required).to_string()
        }
        AppError::Validation { code, .. } if code == "window_closed" => {
            t_string!(i18n, whatsapp_window_closed_error).to_string()
        }
        AppError::Validation { code, .. } if code == "query_too_short" => {
            t_string!(i18n, error_query_too_short).to_string()
        }
        AppError::Validation { .. } => t_string!(i18n, error_invalid).to_string(),
        AppError::Conflict { .. } => t_string!(i18n, error_taken).to_string(),
        AppError::Transport(_) => t_string!(i18n, error_network).to_string(),
        AppError::Internal => t_string!(i18n, error_generic).to_string(),
        AppError::Unavailable => t_string!(i18n, error_unavailable).to_string(),
    }
}

pub fn availability_text(i18n: I18nContext<Locale>, availability: Availability) -> &'static str {
    match availability {
        Availability::Online => t_string!(i18n, availability_online),
        Availability::Busy => t_string!(i18n, availability_busy),
        Availability::Offline => t_string!(i18n, availability_offline),
    }
}

pub fn role_text(i18n: I18nContext<Locale>, role: Role) -> &'static str {
    match role {
        Role::Administrator => t_string!(i18n, role_administrator),
        Role::Agent => t_string!(i18n, role_agent),
    }
}

/// A button naming the other language in that language ("English" / "Español").
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = match i18n.get_locale() {
            Locale::es => Locale::en,
            Locale::en => Locale::es,
        };
        i18n.set_locale(next);
    };
    view! {
        <button type="button" class="link" lang=move || t_string!(i18n, other_language_code) on:click=switch>
            {t!(i18n, other_language)}
        </button>
    }
}

/// A channel's name in the current language ("Chat web", "WhatsApp", "Correo electrónico").
pub fn channel_text(i18n: I18nContext<Locale>, channel: ChannelKind) -> &'static str {
    match channel {
        ChannelKind::WebChat => t_string!(i18n, channel_web_chat),
        ChannelKind::WhatsApp => t_string!(i18n, channel_whatsapp),
        ChannelKind::Email => t_string!(i18n, channel_email),
        ChannelKind::Api => t_string!(i18n, channel_api),
    }
}

/// Percent-encodes a value for a query string.
pub fn encode_query(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
