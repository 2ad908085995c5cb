//! What the public widget lets one address, inbox and visitor do (`CHARLA_WIDGET_*`).
use super::{parsed, ConfigError};

pub(super) fn limits() -> Result<app::widget::ssr::limits::WidgetLimits, ConfigError> {
    let d = app::widget::ssr::limits::WidgetLimits::default();
    let limits = app::widget::ssr::limits::WidgetLimits {
        new_visitors_per_address: parsed(
            "CHARLA_WIDGET_NEW_VISITORS_PER_ADDRESS",
            d.new_visitors_per_address,
        )?,
        new_visitors_per_inbox: parsed(
            "CHARLA_WIDGET_NEW_VISITORS_PER_INBOX",
            d.new_visitors_per_inbox,
        )?,
        messages_per_address: parsed("CHARLA_WIDGET_MESSAGES_PER_ADDRESS", d.messages_per_address)?,
        messages_per_inbox: parsed("CHARLA_WIDGET_MESSAGES_PER_INBOX", d.messages_per_inbox)?,
        pending_files: parsed("CHARLA_WIDGET_PENDING_FILES", d.pending_files)?,
        pending_bytes: parsed::<u64>("CHARLA_WIDGET_PENDING_MB", d.pending_bytes / (1024 * 1024))?
            * 1024
            * 1024,
        upload_mb_per_address: parsed(
            "CHARLA_WIDGET_UPLOAD_MB_PER_ADDRESS",
            d.upload_mb_per_address,
        )?,
        sockets_per_identity: parsed("CHARLA_WIDGET_SOCKETS_PER_VISITOR", d.sockets_per_identity)?,
        sockets_per_address: parsed("CHARLA_WIDGET_SOCKETS_PER_ADDRESS", d.sockets_per_address)?,
    };
    for (name, value) in [
        (
            "CHARLA_WIDGET_NEW_VISITORS_PER_ADDRESS",
            u64::from(limits.new_visitors_per_address),
        ),
        (
            "CHARLA_WIDGET_NEW_VISITORS_PER_INBOX",
            u64::from(limits.new_visitors_per_inbox),
        ),
        (
            "CHARLA_WIDGET_MESSAGES_PER_ADDRESS",
            u64::from(limits.messages_per_address),
        ),
        (
            "CHARLA_WIDGET_MESSAGES_PER_INBOX",
            u64::from(limits.messages_per_inbox),
        ),
        (
            "CHARLA_WIDGET_PENDING_FILES",
            u64::from(limits.pending_files),
        ),
        ("CHARLA_WIDGET_PENDING_MB", limits.pending_bytes),
        (
            "CHARLA_WIDGET_UPLOAD_MB_PER_ADDRESS",
            u64::from(limits.upload_mb_per_address),
        ),
        (
            "CHARLA_WIDGET_SOCKETS_PER_VISITOR",
            u64::from(limits.sockets_per_identity),
        ),
        (
            "CHARLA_WIDGET_SOCKETS_PER_ADDRESS",
            u64::from(limits.sockets_per_address),
        ),
    ] {
        if value == 0 {
            return Err(ConfigError {
                name,
                reason: "must be at least 1".into(),
            });
        }
    }
    Ok(limits)
}
