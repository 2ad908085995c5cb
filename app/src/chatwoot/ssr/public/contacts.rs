//! Client API contacts: create (a new visitor of the inbox), read, update the claims.
use crate::chatwoot::model::{Contact, PublicContact, PublicContactBody};
use crate::chatwoot::ssr::contacts::attribute_change;
use crate::chatwoot::ssr::render;
use crate::contacts::ssr::attributes::set_in_tx;
use crate::contacts::ssr::claims::claim_in_tx;
use crate::contacts::ssr::store::contact_changed_in_tx;
use crate::db::Db;
use crate::error::AppError;
use crate::live::hub::Hub;
use crate::state::AppState;
use crate::widget::ssr::identity::{self, Claim, Visitor, IDENTIFIER_MAX_CHARS};
use crate::widget::HostUser;

use super::Customer;

/// What the body claims, checked as the widget's pre-chat form is. A phone number is
/// refused when it is not one, and otherwise not kept yet (visitors have no claimed
/// phone; a real one would let anybody's WhatsApp number name this contact).
fn claim_of(body: &PublicContactBody, default_country: &str) -> Result<Claim, AppError> {
    if let Some(phone) = body.phone_number.as_deref().map(str::trim) {
        if !phone.is_empty() {
            crate::domain::PhoneNumber::parse(phone, default_country)
                .map_err(|e| AppError::validation("phone_number", e.code()))?;
        }
    }
    crate::widget::ssr::claim(body.name.clone(), body.email.clone())
}

/// Whether the inbox takes only customers who prove who they are.
pub fn mandatory(inbox: &crate::widget::ssr::WidgetInbox) -> bool {
    inbox
        .settings
        .get("hmac_mandatory")
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

pub async fn create(
    state: &AppState,
    identifier: &str,
    address: Option<&str>,
    body: &PublicContactBody,
) -> Result<PublicContact, AppError> {
    let (db, hub) = (&state.db, &state.hub);
    let inbox = super::inbox(db, identifier).await?;
    let claim = claim_of(body, &state.settings.default_country)?;
    let chosen = match body.source_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) if id.chars().count() > IDENTIFIER_MAX_CHARS || id.contains('/') => {
            return Err(AppError::validation("source_id", "invalid"))
        }
        Some(id) => {
            if identity::by_token(db, inbox.id, id).await?.is_some() {
                return Err(AppError::Conflict {
                    field: "source_id".to_owned(),
                });
            }
            Some(id.to_owned())
        }
    };
    // An identifier with its HMAC under the inbox's identity secret: the integration
    // vouches for her, so she joins her contact (by the email it gives) and sees all her
    // conversations of the inbox. Without a hash the identifier is not used (anyone
    // could send anyone's), as the widget does.
    let who = match (
        non_empty(&body.identifier),
        non_empty(&body.identifier_hash),
    ) {
        (Some(identifier), Some(hash)) => {
            // The hash proves the identifier only: the email beside it is the
            // caller's to write, so it stays a claim and joins no one.
            let user = HostUser {
                identifier: identifier.to_owned(),
                identifier_hash: hash.to_owned(),
                email: None,
                name: body.name.clone(),
            };
            match identity::resolve(db, &state.settings.secrets, &inbox, None, Some(&user)).await {
                Err(AppError::Unauthorized) => {
                    return Err(AppError::validation("identifier_hash", "invalid"))
                }
                other => other?,
            }
        }
        _ if mandatory(&inbox) => {
            return Err(AppError::validation("identifier_hash", "required"));
        }
        _ => Visitor::Anonymous,
    };
    if matches!(who, Visitor::Anonymous | Visitor::VerifiedNew(_)) {
        state.widget_guard.new_visitor(inbox.id, address)?;
    }
    let was_new = matches!(who, Visitor::Anonymous | Visitor::VerifiedNew(_));
    let mut tx = db.begin_write().await?;
    let (token, identity_id, contact_id) = match who {
        Visitor::VerifiedNew(user) => {
            let (token, identity_id, contact_id) =
                identity::new_verified_in_tx(&mut tx, &inbox, &user, &claim).await?;
            let token = match chosen {
                Some(chosen) => {
                    identity::session_in_tx(&mut tx, identity_id, &chosen).await?;
                    chosen
                }
                None => token,
            };
            (token, identity_id, contact_id)
        }
        Visitor::VerifiedKnown(identity_id, contact_id)
        | Visitor::Known(_, identity_id, contact_id) => {
            let token = match chosen {
                Some(chosen) => {
                    identity::session_in_tx(&mut tx, identity_id, &chosen).await?;
                    chosen
                }
                None => identity::new_session_in_tx(&mut tx, identity_id).await?,
            };
            (token, identity_id, contact_id)
        }
        Visitor::Anonymous => {
            identity::new_anonymous_in_tx(&mut tx, &inbox, &claim, chosen).await?
        }
    };
    if let Some(change) = attribute_change(body.custom_attributes.as_ref())? {
        let (_, changed) = set_in_tx(&mut tx, inbox.account_id, contact_id, change).await?;
        // A new contact's creation was told already; a known one's change is news.
        if changed && !was_new {
            contact_changed_in_tx(&mut tx, inbox.account_id, contact_id, false).await?;
        }
    }
    hub.commit(tx).await?;
    let customer = Customer {
        inbox,
        identity_id,
        contact_id,
        source_id: token,
    };
    get(db, &customer).await
}

pub async fn get(db: &Db, customer: &Customer) -> Result<PublicContact, AppError> {
    let row = record(db, customer).await?;
    Ok(PublicContact {
        id: row.id,
        source_id: customer.source_id.clone(),
        name: row.name,
        email: row.email,
        phone_number: row.phone_number,
        pubsub_token: customer.source_id.clone(),
    })
}

/// The contact's record (what the Client API's conversations carry), with the email
/// she claims where she has no verified one.
pub async fn record(db: &Db, customer: &Customer) -> Result<Contact, AppError> {
    let row = crate::contacts::ssr::store::get(db, customer.inbox.account_id, customer.contact_id)
        .await?;
    let claimed = row.claimed_email.clone();
    let mut contact = render::contact(&row);
    if contact.email.is_none() {
        contact.email = claimed;
    }
    Ok(contact)
}

/// Changes the name and the claimed email; fields not sent stay as they are. Answers
/// the contact's record, as Chatwoot's does.
pub async fn update(
    db: &Db,
    hub: &Hub,
    customer: &Customer,
    body: &PublicContactBody,
    default_country: &str,
) -> Result<Contact, AppError> {
    let claim = claim_of(body, default_country)?;
    let mut tx = db.begin_write().await?;
    claim_in_tx(
        &mut tx,
        customer.inbox.account_id,
        customer.contact_id,
        claim.name.as_deref(),
        claim.email.as_ref(),
    )
    .await?;
    if let Some(change) = attribute_change(body.custom_attributes.as_ref())? {
        let account = customer.inbox.account_id;
        // claim_in_tx above told of the change already.
        set_in_tx(&mut tx, account, customer.contact_id, change).await?;
    }
    hub.commit(tx).await?;
    record(db, customer).await
}
