//! What an inbox's settings say, under the names of Chatwoot's inbox JSON: its
//! greeting, working hours and zone, survey, email collection and reply time.
use crate::chatwoot::model::WorkingHours;
use crate::db::inbox_settings::part;
use crate::domain::business_hours::BusinessHours;
use crate::domain::csat::CsatSettings;
use crate::domain::offline::OfflineSettings;
use crate::domain::ChannelKind;

pub struct InboxTraits {
    pub greeting: Option<String>,
    pub working_hours_enabled: bool,
    pub working_hours: Vec<WorkingHours>,
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
        working_hours: week(&hours),
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

/// Charla's week (Monday first, minutes after midnight, 24:00 a day's end) as
/// Chatwoot's list (Sunday first, hours and minutes, 23:59 the last).
pub fn week(hours: &BusinessHours) -> Vec<WorkingHours> {
    const LAST: u16 = 23 * 60 + 59;
    (0..7u8)
        .map(|day_of_week| {
            let monday_first = (usize::from(day_of_week) + 6) % 7;
            let day = hours.days.get(monday_first).copied().flatten();
            let closed = WorkingHours {
                day_of_week,
                open_all_day: false,
                closed_all_day: true,
                open_hour: None,
                open_minutes: None,
                close_hour: None,
                close_minutes: None,
            };
            let Some(day) = day else { return closed };
            let close = day.close.min(LAST);
            WorkingHours {
                open_all_day: day.open == 0 && close == LAST,
                closed_all_day: false,
                open_hour: Some(day.open / 60),
                open_minutes: Some(day.open % 60),
                close_hour: Some(close / 60),
                close_minutes: Some(close % 60),
                ..closed
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::business_hours::DayHours;

    #[test]
    fn the_week_starts_on_sunday_and_ends_at_23_59() {
        let mut hours = BusinessHours::default();
        hours.days[1] = Some(DayHours {
            open: 0,
            close: 1440,
        });
        hours.days[6] = Some(DayHours {
            open: 615,
            close: 735,
        });
        let week = week(&hours);
        assert_eq!(week.len(), 7);
        assert_eq!(week[0].day_of_week, 0);
        assert_eq!(week[0].open_hour, Some(10), "Sunday is Charla's last day");
        assert_eq!(week[0].open_minutes, Some(15));
        assert_eq!(week[0].close_hour, Some(12));
        assert_eq!(week[0].close_minutes, Some(15));
        assert_eq!(week[1].open_hour, Some(9), "Monday");
        assert!(week[2].open_all_day, "Tuesday, 0:00 to 24:00");
        assert_eq!(
            (week[2].close_hour, week[2].close_minutes),
            (Some(23), Some(59))
        );
        assert!(week[6].closed_all_day, "Saturday");
        assert_eq!(week[6].open_hour, None);
    }
}
