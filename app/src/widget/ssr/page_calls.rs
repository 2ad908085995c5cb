//! What the website's script says of the visitor through Chatwoot's SDK
//! (`setCustomAttributes`, `setConversationCustomAttributes`, `setLabel` and their
//! removals): applied to her own contact and her latest conversation, in one
//! transaction, checked against the account's attribute definitions. Like her pre-chat
//! answers these are the visitor's page's word (anyone can run script there): a label
//! the account does not define is left alone, and nothing reaches anyone else's contact.
use serde_json::Value;

use super::identity::{self, Sender, Visitor};
use super::inbox::inbox_by_token;
use super::latest_conversation;
use super::limits::WidgetGuard;
use crate::attributes::ssr::Change;
use crate::db::Db;
use crate::error::AppError;
use crate::live::hub::Hub;
use crate::secrets::SecretBox;
use crate::widget::model::{PageCall, PAGE_CALLS_MAX};

/// The calls, sorted by what they change.
#[derive(Default)]
struct Sorted {
    contact: Vec<Change>,
    conversation: Vec<Change>,
    /// (label, put on).
    labels: Vec<(String, bool)>,
}

fn values(call: &PageCall) -> Result<serde_json::Map<String, Value>, AppError> {
    match &call.arg {
        Value::Object(map) => Ok(map.clone()),
        _ => Err(AppError::validation(&call.name, "invalid")),
    }
}

fn text(call: &PageCall) -> Result<String, AppError> {
    match &call.arg {
        Value::String(s) if !s.trim().is_empty() && !s.contains('\0') => Ok(s.trim().to_owned()),
        _ => Err(AppError::validation(&call.name, "invalid")),
    }
}

/// Reads the calls; an unknown name or a malformed argument refuses them all.
fn sort(calls: &[PageCall]) -> Result<Sorted, AppError> {
    if calls.len() > PAGE_CALLS_MAX {
        return Err(AppError::validation("calls", "too_many"));
    }
    let mut sorted = Sorted::default();
    for call in calls {
        match call.name.as_str() {
            "setCustomAttributes" => sorted.contact.push(Change::Merge(values(call)?)),
            "deleteCustomAttribute" => sorted.contact.push(Change::Remove(vec![text(call)?])),
            "setConversationCustomAttributes" => {
                sorted.conversation.push(Change::Merge(values(call)?))
            }
            "deleteConversationCustomAttribute" => {
                sorted.conversation.push(Change::Remove(vec![text(call)?]))
            }
            "setLabel" => sorted.labels.push((text(call)?, true)),
            "removeLabel" => sorted.labels.push((text(call)?, false)),
            _ => return Err(AppError::validation("name", "invalid")),
        }
    }
    Ok(sorted)
}

/// Applies the page's calls for a visitor who has written (she has a contact and a
/// conversation); `NotFound` for a token this inbox does not know.
pub async fn apply(
    db: &Db,
    secrets: &SecretBox,
    hub: &Hub,
    guard: &WidgetGuard,
    sender: Sender<'_>,
    calls: &[PageCall],
) -> Result<(), AppError> {
    let sorted = sort(calls)?;
    let inbox = inbox_by_token(db, sender.token).await?;
    guard.message(inbox.id, sender.address)?;
    let (identity, contact) =
        match identity::resolve(db, secrets, &inbox, sender.visitor, sender.user).await? {
            Visitor::Known(_, identity, contact) | Visitor::VerifiedKnown(identity, contact) => {
                (identity, contact)
            }
            Visitor::VerifiedNew(_) | Visitor::Anonymous => return Err(AppError::NotFound),
        };
    let conversation = latest_conversation(db, identity).await?;
    let mut tx = db.begin_write().await?;
    // The conversation's row before the contact's, in the order her messages take
    // them (`receive_in_tx`): two writers never wait on each other in a circle.
    if let Some(conversation) = conversation {
        crate::conversations::ssr::attributes::customer_says_in_tx(
            &mut tx,
            inbox.account_id,
            conversation,
            sorted.conversation,
            &sorted.labels,
        )
        .await?;
    }
    let mut contact_changed = false;
    for change in sorted.contact {
        let (_, changed) =
            crate::contacts::ssr::attributes::set_in_tx(&mut tx, inbox.account_id, contact, change)
                .await?;
        contact_changed |= changed;
    }
    if contact_changed {
        crate::contacts::ssr::store::contact_changed_in_tx(
            &mut tx,
            inbox.account_id,
            contact,
            false,
        )
        .await?;
    }
    hub.commit(tx).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(name: &str, arg: Value) -> PageCall {
        PageCall {
            name: name.into(),
            arg,
        }
    }

    #[test]
    fn calls_sort_by_what_they_change() {
        let sorted = sort(&[
            call("setCustomAttributes", json!({"plan": "oro"})),
            call("setConversationCustomAttributes", json!({"pedido": "A-7"})),
            call("deleteCustomAttribute", json!("plan")),
            call("setLabel", json!(" vip ")),
            call("removeLabel", json!("nuevo")),
        ])
        .unwrap();
        assert_eq!(sorted.contact.len(), 2);
        assert_eq!(sorted.conversation.len(), 1);
        assert_eq!(
            sorted.labels,
            vec![("vip".to_owned(), true), ("nuevo".to_owned(), false)]
        );
    }

    #[test]
    fn a_bad_call_refuses_them_all() {
        assert!(sort(&[call("setCustomAttributes", json!("oro"))]).is_err());
        assert!(sort(&[call("setLabel", json!(""))]).is_err());
        assert!(sort(&[call("setLabel", json!("a\0b"))]).is_err());
        assert!(sort(&[call("setLocale", json!("en"))]).is_err());
        let many = vec![call("setLabel", json!("x")); PAGE_CALLS_MAX + 1];
        assert!(sort(&many).is_err());
    }
}
