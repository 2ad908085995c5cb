//! Saving contacts: the shared rules, then one email and one phone per contact in an
//! account (checked first for a clear field error, and by unique indexes for races).
//! Customers who write in become contacts through [`contact_for_customer`].
use sqlx::any::AnyRow;
use sqlx::Row;

pub use super::changed::contact_changed_in_tx;
use super::identifier::{self, ApiFields};
use crate::attributes::ssr::read_values;
use crate::contacts::model::ContactRow;
use crate::db::{now_ms, Db, WriteTx};
use crate::domain::contact::{sort_name, ValidContact};
use crate::domain::{ContactInput, EmailAddress, PhoneNumber};
use crate::error::AppError;
use crate::live::hub::Hub;

pub const CONTACT_COLUMNS: &str =
    "c.id, c.name, c.email, c.phone_e164, c.company, c.last_activity_at, c.created_at, c.claimed_email, \
     c.custom_attributes, c.identifier, c.blocked";

pub fn row_from(row: &AnyRow) -> Result<ContactRow, sqlx::Error> {
    Ok(ContactRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone_e164")?,
        company: row.try_get("company")?,
        last_activity_at: row.try_get("last_activity_at")?,
        created_at: row.try_get("created_at")?,
        claimed_email: row.try_get("claimed_email")?,
        identifier: row.try_get("identifier")?,
        blocked: row.try_get::<i64, _>("blocked")? != 0,
        label_ids: Vec::new(),
        custom_attributes: read_values(&row.try_get::<String, _>("custom_attributes")?),
    })
}

pub async fn get(db: &Db, account_id: i64, id: i64) -> Result<ContactRow, AppError> {
    let sql =
        format!("SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.id = $1 AND c.account_id = $2");
    let row = sqlx::query(&sql)
        .bind(id)
        .bind(account_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(row_from(&row)?)
}

pub(crate) fn field_error(err: crate::domain::FieldError) -> AppError {
    AppError::Validation {
        field: err.field,
        code: err.code,
    }
}

/// The contact of the account whose `column` (`email` or `phone_e164`) is `value`,
/// other than `except` (0: none).
async fn contact_with(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    column: &str,
    value: &str,
    except: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let sql =
        format!("SELECT id FROM contacts WHERE account_id = $1 AND {column} = $2 AND id <> $3");
    sqlx::query_scalar(&sql)
        .bind(account_id)
        .bind(value)
        .bind(except)
        .fetch_optional(conn)
        .await
}

/// Which of the contact's email / phone already belongs to another contact.
pub async fn taken_field(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    except_id: Option<i64>,
    contact: &ValidContact,
) -> Result<Option<&'static str>, sqlx::Error> {
    let checks = [
        (
            "email",
            "email",
            contact.email.as_ref().map(EmailAddress::as_str),
        ),
        (
            "phone",
            "phone_e164",
            contact.phone.as_ref().map(PhoneNumber::as_str),
        ),
    ];
    for (field, column, value) in checks {
        let Some(value) = value else { continue };
        if contact_with(conn, account_id, column, value, except_id.unwrap_or(0))
            .await?
            .is_some()
        {
            return Ok(Some(field));
        }
    }
    Ok(None)
}

/// Inserts a validated contact inside a caller's transaction. Callers look for a taken
/// email or phone first (for the field error); the unique indexes catch a race.
pub async fn insert_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    contact: &ValidContact,
    now: i64,
) -> Result<i64, AppError> {
    let inserted = sqlx::query(
        "INSERT INTO contacts (account_id, name, email, phone_e164, company, search_text, sort_name, \
         last_activity_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $8) RETURNING id",
    )
    .bind(account_id)
    .bind(&contact.name)
    .bind(contact.email.as_ref().map(EmailAddress::as_str))
    .bind(contact.phone.as_ref().map(PhoneNumber::as_str))
    .bind(contact.company.as_deref())
    .bind(contact.search_text())
    .bind(contact.sort_name())
    .bind(now)
    .fetch_one(tx.conn())
    .await
    .map_err(conflict_or)?;
    Ok(inserted.try_get("id")?)
}

/// A unique-index violation that raced past [`taken_field`] is still a field error.
fn conflict_or(err: sqlx::Error) -> AppError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            let field = if db.message().contains("phone") {
                "phone"
            } else {
                "email"
            };
            AppError::Conflict {
                field: field.to_owned(),
            }
        }
        _ => err.into(),
    }
}

/// Saves a new contact, with what an API client sent beside the form's fields (in the
/// same transaction: a refused value saves nothing).
pub async fn create(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    input: &ContactInput,
    default_country: &str,
    api: ApiFields,
) -> Result<ContactRow, AppError> {
    let contact = input.validate(default_country).map_err(field_error)?;
    let mut tx = db.begin_write().await?;
    if let Some(field) = taken_field(tx.conn(), account_id, None, &contact).await? {
        return Err(AppError::Conflict {
            field: field.to_owned(),
        });
    }
    let id = insert_in_tx(&mut tx, account_id, &contact, now_ms()).await?;
    api_fields_in_tx(&mut tx, account_id, id, api).await?;
    contact_changed_in_tx(&mut tx, account_id, id, true).await?;
    hub.commit(tx).await?;
    get(db, account_id, id).await
}

pub async fn update(
    db: &Db,
    hub: &Hub,
    account_id: i64,
    id: i64,
    input: &ContactInput,
    default_country: &str,
    api: ApiFields,
) -> Result<ContactRow, AppError> {
    let contact = input.validate(default_country).map_err(field_error)?;
    let mut tx = db.begin_write().await?;
    if let Some(field) = taken_field(tx.conn(), account_id, Some(id), &contact).await? {
        return Err(AppError::Conflict {
            field: field.to_owned(),
        });
    }
    let updated = sqlx::query(
        "UPDATE contacts SET name = $1, email = $2, phone_e164 = $3, company = $4, search_text = $5, \
         sort_name = $6, updated_at = $7 WHERE id = $8 AND account_id = $9",
    )
    .bind(&contact.name)
    .bind(contact.email.as_ref().map(EmailAddress::as_str))
    .bind(contact.phone.as_ref().map(PhoneNumber::as_str))
    .bind(contact.company.as_deref())
    .bind(contact.search_text())
    .bind(contact.sort_name())
    .bind(now_ms())
    .bind(id)
    .bind(account_id)
    .execute(tx.conn())
    .await
    .map_err(conflict_or)?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    api_fields_in_tx(&mut tx, account_id, id, api).await?;
    contact_changed_in_tx(&mut tx, account_id, id, false).await?;
    hub.commit(tx).await?;
    get(db, account_id, id).await
}

async fn api_fields_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    id: i64,
    api: ApiFields,
) -> Result<(), AppError> {
    if let Some(change) = api.attributes {
        super::attributes::set_in_tx(tx, account_id, id, change).await?;
    }
    if let Some(value) = api.identifier {
        identifier::set_in_tx(tx, account_id, id, value.as_deref()).await?;
    }
    if let Some(blocked) = api.blocked {
        identifier::set_blocked_in_tx(tx, account_id, id, blocked).await?;
    }
    Ok(())
}

/// What a channel knows about a customer who writes in.
#[derive(Debug, Clone, Default)]
pub struct CustomerProfile {
    pub name: Option<String>,
    pub email: Option<EmailAddress>,
    pub phone: Option<PhoneNumber>,
}

/// The contact a customer is: the one with their email or phone, else a new one.
/// A new contact without email or phone (an anonymous web visitor) is allowed here:
/// the S9 rule is for contacts agents save, not for people who write in.
pub async fn contact_for_customer(
    tx: &mut WriteTx,
    account_id: i64,
    profile: &CustomerProfile,
) -> Result<i64, AppError> {
    let lookups = [
        ("email", profile.email.as_ref().map(EmailAddress::as_str)),
        (
            "phone_e164",
            profile.phone.as_ref().map(PhoneNumber::as_str),
        ),
    ];
    for (column, value) in lookups {
        let Some(value) = value else { continue };
        if let Some(id) = contact_with(tx.conn(), account_id, column, value, 0).await? {
            return Ok(id);
        }
    }
    let name: String = profile
        .name
        .as_deref()
        .map(|n| {
            n.trim()
                .chars()
                .take(crate::domain::contact::NAME_MAX_CHARS)
                .collect()
        })
        .unwrap_or_default();
    let contact = ValidContact {
        name,
        email: profile.email.clone(),
        phone: profile.phone.clone(),
        company: None,
    };
    let id = insert_in_tx(tx, account_id, &contact, now_ms()).await?;
    contact_changed_in_tx(tx, account_id, id, true).await?;
    Ok(id)
}

/// A customer writing in through a channel: (identity, contact). A known identity
/// keeps its contact; otherwise the contact with their email or phone (or a new one)
/// gets the identity.
pub async fn customer_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    inbox_id: i64,
    kind: &str,
    external_id: &str,
    profile: &CustomerProfile,
) -> Result<(i64, i64), AppError> {
    let known: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, contact_id FROM contact_identities WHERE inbox_id = $1 AND kind = $2 AND external_id = $3",
    )
    .bind(inbox_id)
    .bind(kind)
    .bind(external_id)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(ids) = known {
        return Ok(ids);
    }
    let contact = contact_for_customer(tx, account_id, profile).await?;
    let identity = identity_in_tx(tx, contact, inbox_id, kind, external_id).await?;
    Ok((identity, contact))
}

/// The identity a customer writes from (a visitor token, a WhatsApp id, an address).
pub async fn identity_in_tx(
    tx: &mut WriteTx,
    contact_id: i64,
    inbox_id: i64,
    kind: &str,
    external_id: &str,
) -> Result<i64, AppError> {
    let existing: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, contact_id FROM contact_identities WHERE inbox_id = $1 AND kind = $2 AND external_id = $3",
    )
    .bind(inbox_id)
    .bind(kind)
    .bind(external_id)
    .fetch_optional(tx.conn())
    .await?;
    match existing {
        Some((id, owner)) if owner == contact_id => Ok(id),
        // The address already identifies another contact of this inbox.
        Some(_) => Err(AppError::Conflict {
            field: "to".to_owned(),
        }),
        None => Ok(sqlx::query(
            "INSERT INTO contact_identities (contact_id, inbox_id, kind, external_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(contact_id)
        .bind(inbox_id)
        .bind(kind)
        .bind(external_id)
        .bind(now_ms())
        .fetch_one(tx.conn())
        .await?
        .try_get("id")?),
    }
}

/// Keeps the search and sort keys right after a channel fills in an email or phone.
pub async fn fill_missing_in_tx(
    tx: &mut WriteTx,
    contact_id: i64,
    email: Option<&EmailAddress>,
    phone: Option<&PhoneNumber>,
) -> Result<(), AppError> {
    let row = sqlx::query("SELECT name, email, phone_e164, account_id FROM contacts WHERE id = $1")
        .bind(contact_id)
        .fetch_one(tx.conn())
        .await?;
    let name: String = row.try_get("name")?;
    let account_id: i64 = row.try_get("account_id")?;
    let mut current_email: Option<String> = row.try_get("email")?;
    let mut current_phone: Option<String> = row.try_get("phone_e164")?;
    let mut changed = false;
    if let (None, Some(email)) = (&current_email, email) {
        if contact_with(tx.conn(), account_id, "email", email.as_str(), 0)
            .await?
            .is_none()
        {
            current_email = Some(email.as_str().to_owned());
            changed = true;
        }
    }
    if let (None, Some(phone)) = (&current_phone, phone) {
        if contact_with(tx.conn(), account_id, "phone_e164", phone.as_str(), 0)
            .await?
            .is_none()
        {
            current_phone = Some(phone.as_str().to_owned());
            changed = true;
        }
    }
    if changed {
        let digits = current_phone.as_deref().map(|p| p.trim_start_matches('+'));
        sqlx::query(
            "UPDATE contacts SET email = $1, phone_e164 = $2, search_text = $3, sort_name = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(current_email.as_deref())
        .bind(current_phone.as_deref())
        .bind(crate::domain::contact::contact_search_text(&name, current_email.as_deref(), digits))
        .bind(sort_name(&name, current_email.as_deref(), current_phone.as_deref()))
        .bind(now_ms())
        .bind(contact_id)
        .execute(tx.conn())
        .await?;
    }
    Ok(())
}
