//! How availability follows the open app (`CHARLA_AUTO_AVAILABILITY`,
//! `CHARLA_AWAY_GRACE_SECONDS`, `CHARLA_AWAY_AFTER_IDLE_MINUTES`).
use std::time::Duration;

use super::{flag, parsed, ConfigError};
use app::live::presence::PresenceRules;

pub(super) fn rules() -> Result<PresenceRules, ConfigError> {
    let d = PresenceRules::default();
    let idle_default = d.idle_after.map_or(0, |idle| idle.as_secs() / 60);
    let idle_minutes: u64 = parsed("CHARLA_AWAY_AFTER_IDLE_MINUTES", idle_default)?;
    Ok(PresenceRules {
        automatic: flag("CHARLA_AUTO_AVAILABILITY", d.automatic)?,
        away_grace: Duration::from_secs(parsed(
            "CHARLA_AWAY_GRACE_SECONDS",
            d.away_grace.as_secs(),
        )?),
        idle_after: (idle_minutes > 0).then(|| Duration::from_secs(idle_minutes * 60)),
        heartbeat: d.heartbeat,
    })
}
