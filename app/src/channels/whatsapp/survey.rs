//! The satisfaction survey on WhatsApp (issue 31): sent as an interactive list (five
//! rows, 5 to 1, the question and the survey page's link for a comment as its text),
//! and the customer's choice, which comes back as a `list_reply` naming the survey
//! message it answers, recorded as her answer (never as a message that would reopen
//! the resolved conversation).
use serde_json::{json, Value};

use super::inbox::WhatsAppInbox;
use super::webhook::Incoming;
use super::WhatsApp;
use crate::domain::csat::choice_id;
use crate::error::AppError;
use crate::i18n::*;

/// The Cloud API payload: body up to 1,024 characters, button 20, row titles 24.
pub fn payload(to: &str, body: &str) -> Value {
    let l = Locale::es;
    let row = |rating: u8, title: String| json!({"id": choice_id(rating), "title": title});
    let rows = vec![
        row(5, td_string!(l, wa_survey_5).to_string()),
        row(4, td_string!(l, wa_survey_4).to_string()),
        row(3, td_string!(l, wa_survey_3).to_string()),
        row(2, td_string!(l, wa_survey_2).to_string()),
        row(1, td_string!(l, wa_survey_1).to_string()),
    ];
    let mut payload = json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body.chars().take(1024).collect::<String>()},
            "action": {
                "button": td_string!(l, wa_survey_button).to_string(),
                "sections": [{"title": td_string!(l, wa_survey_section).to_string(), "rows": rows}],
            },
        },
    });
    // A customer known only by her business-scoped user id is reached through `recipient`.
    payload[super::webhook::recipient_key(to)] = json!(to);
    payload
}

/// Records the customer's rating when `incoming` answers a survey message of this
/// inbox sent to her; `Ok(false)` when it answers none (it is then stored as any
/// message). A second answer (Meta delivering again) is taken as done.
pub async fn answered(
    wa: &WhatsApp,
    inbox: &WhatsAppInbox,
    incoming: &Incoming,
) -> Result<bool, AppError> {
    let (Some(rating), Some(context)) = (incoming.survey_rating, incoming.context.as_deref())
    else {
        return Ok(false);
    };
    let token: Option<String> = sqlx::query_scalar(
        "SELECT s.token FROM csat_surveys s JOIN messages m ON m.id = s.message_id \
         JOIN conversations c ON c.id = s.conversation_id \
         JOIN contact_identities ci ON ci.id = c.contact_identity_id \
         WHERE m.inbox_id = $1 AND m.external_id = $2 AND ci.kind = 'whatsapp' AND ci.external_id = $3",
    )
    .bind(inbox.id)
    .bind(context)
    .bind(&incoming.from)
    .fetch_optional(&wa.db.pool)
    .await?;
    let Some(token) = token else {
        return Ok(false);
    };
    match crate::conversations::ssr::survey::answer(&wa.db, &wa.hub, &token, rating, "").await {
        Ok(_) | Err(AppError::Conflict { .. }) => Ok(true),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::csat::rating_of_choice;

    #[test]
    fn the_list_follows_the_cloud_api_limits() {
        let p = payload("34612345678", &"¿Qué tal? ".repeat(200));
        assert_eq!(p["type"], "interactive");
        assert_eq!(p["interactive"]["type"], "list");
        assert_eq!(
            p["interactive"]["body"]["text"]
                .as_str()
                .unwrap()
                .chars()
                .count(),
            1024
        );
        assert!(
            p["interactive"]["action"]["button"]
                .as_str()
                .unwrap()
                .chars()
                .count()
                <= 20
        );
        let rows = p["interactive"]["action"]["sections"][0]["rows"]
            .as_array()
            .unwrap();
        assert_eq!(rows.len(), 5);
        for row in rows {
            assert!(row["title"].as_str().unwrap().chars().count() <= 24);
        }
        assert_eq!(rows[0]["id"], "csat:5");
        assert_eq!(rating_of_choice("csat:3"), Some(3));
        assert_eq!(rating_of_choice("csat:6"), None);
        assert_eq!(rating_of_choice("csat:0"), None);
        assert_eq!(rating_of_choice("otra"), None);
    }
}
