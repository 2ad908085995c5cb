//! The words the team page uses for the server's refusals, a failed connection
//! test, and each channel.
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::error_text;
use leptos_i18n::I18nContext;

pub(super) fn refusal(i18n: I18nContext<Locale>, err: &AppError) -> String {
    match err {
        AppError::Validation { code, .. } if code == "last_administrator" => {
            t_string!(i18n, team_last_admin).to_string()
        }
        AppError::Validation { code, .. } if code == "capacity_out_of_range" => {
            t_string!(i18n, team_capacity_invalid).to_string()
        }
        AppError::Validation { code, .. } if code == "too_short" => {
            t_string!(i18n, password_too_short).to_string()
        }
        AppError::Validation { code, .. } if code == "address_not_allowed" => {
            t_string!(i18n, connection_not_allowed).to_string()
        }
        AppError::Validation { code, .. } if code == "host_not_allowed" => {
            t_string!(i18n, whatsapp_host_not_allowed).to_string()
        }
        other => error_text(i18n, other),
    }
}

/// A failed "Probar conexión" or template sync, in Charla's words: the code says only
/// what failed (the server's own text stays in the server's log).
pub(super) fn connection_text(i18n: I18nContext<Locale>, code: &str) -> String {
    match code {
        "address_not_allowed" => t_string!(i18n, connection_not_allowed),
        "unreachable" => t_string!(i18n, connection_unreachable),
        "auth_failed" => t_string!(i18n, connection_auth_failed),
        _ => t_string!(i18n, connection_failed),
    }
    .to_string()
}

pub(super) use crate::ui::channel_text;
