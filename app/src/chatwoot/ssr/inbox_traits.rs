//! What an inbox's settings say, under the names of Chatwoot's inbox JSON: its
//! greeting, working hours and zone, survey, email collection and reply time.
use crate::db::inbox_settings::part;
use crate::domain::business_hours::BusinessHours;
use crate::domain::csat::CsatSettings;
use crate::domain::offline::OfflineSettings;
use crate::domain::ChannelKind;

pub struct InboxTraits {
    pub greeting: Option<String>,
    pub working_hours_enabled: bool,
    pub timezone: String,
    pub out_of_office_message: Option<String>,
    pub csat_survey_enabled: bool,
    pub enable_email_collect: bool,
    pub reply_time: Option<&'static str>,
}

pub fn traits(
    channel: ChannelKind,
    settings: &serde_json::Map<String, serde_json::Value>,
) -> InboxTraits {
    let hours: BusinessHours = part(settings, "business_hours");
    let csat: CsatSettings = part(settings, "csat");
    let offline: OfflineSettings = part(settings, "offline");
    let web_chat = channel == ChannelKind::WebChat;
    InboxTraits {
        greeting: settings
            .get("greeting")
            .and_then(|g| g.as_str())
            .map(str::trim)
            .filter(|g| web_chat && !g.is_empty())
            .map(str::to_owned),
        working_hours_enabled: hours.enabled,
        timezone: if hours.enabled {
            hours.time_zone.clone()
        } else {
            "UTC".to_owned()
        },
        out_of_office_message: Some(hours.out_of_office.trim().to_owned())
            .filter(|m| hours.enabled && !m.is_empty()),
        csat_survey_enabled: csat.enabled,
        enable_email_collect: web_chat && offline.ask_email,
        reply_time: web_chat.then(|| offline.reply_time.as_str()),
    }
}
