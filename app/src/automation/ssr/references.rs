//! What a rule names must be this account's: its inboxes, agents, teams and labels
//! (labels by name, as Chatwoot's rules name them). The first that is not says which
//! part of the rule is wrong (`unknown_reference`).
use crate::db::Db;
use crate::domain::automation::{Attribute, CheckedRule, RuleAction};
use crate::error::AppError;

/// Which kind of thing an id or name refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Inbox,
    Agent,
    Team,
    Label,
}

async fn known(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    kind: Kind,
    value: &str,
) -> Result<bool, AppError> {
    let found: Option<i64> = match kind {
        Kind::Label => {
            sqlx::query_scalar(
                "SELECT id FROM labels WHERE account_id = $1 AND LOWER(name) = LOWER($2)",
            )
            .bind(account_id)
            .bind(value)
            .fetch_optional(&mut *conn)
            .await?
        }
        _ => {
            let Ok(id) = value.parse::<i64>() else {
                return Ok(false);
            };
            let sql = match kind {
                Kind::Inbox => "SELECT id FROM inboxes WHERE id = $1 AND account_id = $2",
                Kind::Agent => {
                    "SELECT id FROM agents WHERE id = $1 AND account_id = $2 AND active = 1"
                }
                _ => "SELECT id FROM teams WHERE id = $1 AND account_id = $2",
            };
            sqlx::query_scalar(sql)
                .bind(id)
                .bind(account_id)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    Ok(found.is_some())
}

/// Every (part, kind, value) the rule names.
pub fn named(rule: &CheckedRule) -> Vec<(&'static str, Kind, String)> {
    let mut out = Vec::new();
    for condition in &rule.conditions {
        let kind = match condition.attribute {
            Attribute::InboxId => Kind::Inbox,
            Attribute::AssigneeId => Kind::Agent,
            Attribute::TeamId => Kind::Team,
            // Label conditions compare names; a label not (yet) there matches nothing.
            _ => continue,
        };
        for value in &condition.values {
            out.push(("conditions", kind, value.clone()));
        }
    }
    out.extend(named_in_actions(&rule.actions));
    out
}

/// Every (part, kind, value) the actions name (a rule's or a macro's).
pub fn named_in_actions(actions: &[RuleAction]) -> Vec<(&'static str, Kind, String)> {
    let mut out = Vec::new();
    for action in actions {
        match action {
            RuleAction::AssignAgent(id) => out.push(("actions", Kind::Agent, id.to_string())),
            RuleAction::AssignTeam(id) => out.push(("actions", Kind::Team, id.to_string())),
            RuleAction::AddLabel(names) | RuleAction::RemoveLabel(names) => {
                for name in names {
                    out.push(("actions", Kind::Label, name.clone()));
                }
            }
            RuleAction::SendEmailToAgents {
                agent_ids,
                team_ids,
                ..
            } => {
                for id in agent_ids {
                    out.push(("actions", Kind::Agent, id.to_string()));
                }
                for id in team_ids {
                    out.push(("actions", Kind::Team, id.to_string()));
                }
            }
            _ => {}
        }
    }
    out
}

/// The first of `named` that is not this account's: (part, what it was, as
/// `label facturación` or `team 4`).
pub async fn first_missing(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    named: &[(&'static str, Kind, String)],
) -> Result<Option<(&'static str, String)>, AppError> {
    for (part, kind, value) in named {
        if !known(conn, account_id, *kind, value).await? {
            let what = match kind {
                Kind::Inbox => "inbox",
                Kind::Agent => "agent",
                Kind::Team => "team",
                Kind::Label => "label",
            };
            return Ok(Some((part, format!("{what} {value}"))));
        }
    }
    Ok(None)
}

pub async fn check(db: &Db, account_id: i64, rule: &CheckedRule) -> Result<(), AppError> {
    let mut conn = db.pool.acquire().await?;
    match first_missing(&mut conn, account_id, &named(rule)).await? {
        Some((part, _)) => Err(AppError::validation(part, "unknown_reference")),
        None => Ok(()),
    }
}
