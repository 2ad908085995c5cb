//! Chatwoot's notification settings (`/api/v1/notification_settings`), which its mobile
//! app and dashboard show as switches: Mi perfil's choices of which kinds reach the
//! caller by email and by push, in Chatwoot's flags. The sound stays Mi perfil's.
use serde_json::Value;

use super::body::fields;
use super::Caller;
use crate::chatwoot::model as cw;
use crate::error::AppError;
use crate::notifications::model::{KindPrefs, NotificationKind};
use crate::notifications::ssr::prefs;

/// Chatwoot's flags for what Charla does not notify (a conversation she only took part
/// in, SLA breaches): accepted from a client that sends them, never selected.
const NOT_NOTIFIED: [&str; 4] = [
    "participating_conversation_new_message",
    "sla_missed_first_response",
    "sla_missed_next_response",
    "sla_missed_resolution",
];

/// Each kind's email and push flags, as Chatwoot names them (`email_` / `push_` and
/// [`flag_name`]).
const FLAGS: [(NotificationKind, &str, &str); 4] = [
    (
        NotificationKind::Mention,
        "email_conversation_mention",
        "push_conversation_mention",
    ),
    (
        NotificationKind::Assigned,
        "email_conversation_assignment",
        "push_conversation_assignment",
    ),
    (
        NotificationKind::NewConversation,
        "email_conversation_creation",
        "push_conversation_creation",
    ),
    (
        NotificationKind::CustomerReply,
        "email_assigned_conversation_new_message",
        "push_assigned_conversation_new_message",
    ),
];

fn email_flag(kind: NotificationKind) -> &'static str {
    FLAGS.iter().find(|f| f.0 == kind).map_or("", |f| f.1)
}

fn push_flag(kind: NotificationKind) -> &'static str {
    FLAGS.iter().find(|f| f.0 == kind).map_or("", |f| f.2)
}

/// Chatwoot's name of a kind, after `email_` or `push_`.
fn flag_name(kind: NotificationKind) -> &'static str {
    push_flag(kind).trim_start_matches("push_")
}

pub async fn show(caller: &Caller<'_>) -> Result<cw::NotificationSettings, AppError> {
    let stored = prefs::get(
        caller.db(),
        caller.agent.id,
        caller.state.settings.notify_email,
    )
    .await?;
    let emailed = NotificationKind::ALL.into_iter().filter(|k| k.emails());
    Ok(cw::NotificationSettings {
        id: caller.agent.id,
        user_id: caller.agent.id,
        account_id: caller.agent.account_id,
        all_email_flags: emailed.clone().map(email_flag).collect(),
        selected_email_flags: emailed
            .filter(|k| stored.ways(*k).email)
            .map(email_flag)
            .collect(),
        all_push_flags: NotificationKind::ALL.into_iter().map(push_flag).collect(),
        selected_push_flags: NotificationKind::ALL
            .into_iter()
            .filter(|k| stored.ways(*k).push)
            .map(push_flag)
            .collect(),
    })
}

/// The kinds a list of flags selects; `way` is `email` or `push`. A string that is no
/// Chatwoot flag of that way is refused, naming the list.
fn selected(
    sent: &Value,
    way: &str,
    field: &'static str,
) -> Result<Vec<NotificationKind>, AppError> {
    let invalid = || AppError::validation(field, "invalid");
    let list = sent.as_array().ok_or_else(invalid)?;
    let mut kinds = Vec::new();
    for flag in list {
        let name = flag
            .as_str()
            .and_then(|f| f.strip_prefix(way))
            .and_then(|f| f.strip_prefix('_'))
            .ok_or_else(invalid)?;
        match NotificationKind::ALL
            .into_iter()
            .find(|k| flag_name(*k) == name)
        {
            Some(kind) => kinds.push(kind),
            None if NOT_NOTIFIED.contains(&name) => {}
            None => return Err(invalid()),
        }
    }
    Ok(kinds)
}

/// Sets the flags sent (`selected_email_flags`, `selected_push_flags`, bare or under
/// `notification_settings`); a list left out keeps its choices.
pub async fn update(
    caller: &Caller<'_>,
    body: &Value,
) -> Result<cw::NotificationSettings, AppError> {
    let fields = fields(body, "notification_settings")?;
    let email = match fields.get("selected_email_flags") {
        None | Some(Value::Null) => None,
        Some(sent) => Some(selected(sent, "email", "selected_email_flags")?),
    };
    let push = match fields.get("selected_push_flags") {
        None | Some(Value::Null) => None,
        Some(sent) => Some(selected(sent, "push", "selected_push_flags")?),
    };
    // Chatwoot's dashboard may send email flags for kinds Charla never emails (a new
    // conversation, a reply): taken as sent, never selected, as the others it lacks.
    let email = email.map(|kinds| kinds.into_iter().filter(|k| k.emails()).collect::<Vec<_>>());
    let stored = prefs::get(
        caller.db(),
        caller.agent.id,
        caller.state.settings.notify_email,
    )
    .await?;
    let kinds: Vec<KindPrefs> = NotificationKind::ALL
        .into_iter()
        .map(|kind| {
            let mut ways = stored.ways(kind);
            if let Some(email) = &email {
                ways.email = email.contains(&kind);
            }
            if let Some(push) = &push {
                ways.push = push.contains(&kind);
            }
            KindPrefs { kind, ways }
        })
        .collect();
    prefs::save(caller.db(), caller.agent.id, &kinds).await?;
    show(caller).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flags_read_as_kinds() {
        let kinds = selected(
            &json!([
                "push_conversation_mention",
                "push_participating_conversation_new_message"
            ]),
            "push",
            "selected_push_flags",
        )
        .unwrap();
        assert_eq!(kinds, vec![NotificationKind::Mention]);
        assert!(selected(&json!(["email_conversation_mention"]), "push", "x").is_err());
        assert!(selected(&json!(["push_everything"]), "push", "x").is_err());
        assert!(selected(&json!("push_conversation_mention"), "push", "x").is_err());
    }
}
