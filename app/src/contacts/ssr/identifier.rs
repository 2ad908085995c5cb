//! A contact's identifier in the customer's own systems (Chatwoot's `identifier`): set
//! by API clients and by a website vouching for its signed-in user, one contact per
//! identifier in an account, so another system's user id always finds the same person.
use crate::attributes::ssr::Change;
use crate::db::WriteTx;
use crate::error::AppError;

/// What API clients send beside the contact form's fields, saved in the same
/// transaction as them (a refused value saves nothing).
#[derive(Default)]
pub struct ApiFields {
    /// Custom attribute values to set over the current ones.
    pub attributes: Option<Change>,
    /// `Some(None)` clears the identifier; `None` keeps it.
    pub identifier: Option<Option<String>>,
    /// Blocks (mutes her conversations) or unblocks her; `None` keeps it.
    pub blocked: Option<bool>,
}

/// Blocks her (her conversations muted: what she writes is kept but quiet) or unblocks
/// her, as Chatwoot's `blocked`.
pub async fn set_blocked_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    id: i64,
    blocked: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE contacts SET blocked = $1 WHERE id = $2 AND account_id = $3")
        .bind(i64::from(blocked))
        .bind(id)
        .bind(account_id)
        .execute(tx.conn())
        .await?;
    Ok(())
}

/// The contact of the account holding `identifier`.
pub async fn contact_with(
    conn: &mut sqlx::AnyConnection,
    account_id: i64,
    identifier: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM contacts WHERE account_id = $1 AND identifier = $2")
        .bind(account_id)
        .bind(identifier)
        .fetch_optional(conn)
        .await
}

/// Gives the contact `identifier` (or clears it): another contact of the account
/// holding it is a conflict on the field, checked first for the clear error and by the
/// unique index for a race.
pub async fn set_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    contact_id: i64,
    identifier: Option<&str>,
) -> Result<(), AppError> {
    let taken = AppError::Conflict {
        field: "identifier".to_owned(),
    };
    if let Some(value) = identifier {
        if contact_with(tx.conn(), account_id, value)
            .await?
            .is_some_and(|holder| holder != contact_id)
        {
            return Err(taken);
        }
    }
    sqlx::query("UPDATE contacts SET identifier = $1 WHERE id = $2 AND account_id = $3")
        .bind(identifier)
        .bind(contact_id)
        .bind(account_id)
        .execute(tx.conn())
        .await
        .map_err(|err| match err.as_database_error() {
            Some(db) if db.is_unique_violation() => taken,
            _ => AppError::from(err),
        })?;
    Ok(())
}

/// A website's verified user: her contact takes the identifier unless she has one or
/// another contact holds it (then the site's word changes nothing).
pub async fn adopt_in_tx(
    tx: &mut WriteTx,
    account_id: i64,
    contact_id: i64,
    identifier: &str,
) -> Result<(), sqlx::Error> {
    if contact_with(tx.conn(), account_id, identifier)
        .await?
        .is_some()
    {
        return Ok(());
    }
    // Another transaction may give it to someone between the read and the write
    // (PostgreSQL): the savepoint lets the unique index's refusal change nothing
    // instead of failing her message.
    sqlx::query("SAVEPOINT adopt_identifier")
        .execute(tx.conn())
        .await?;
    let adopted = sqlx::query(
        "UPDATE contacts SET identifier = $1 WHERE id = $2 AND account_id = $3 AND identifier IS NULL",
    )
    .bind(identifier)
    .bind(contact_id)
    .bind(account_id)
    .execute(tx.conn())
    .await;
    match adopted {
        Ok(_) => {
            sqlx::query("RELEASE SAVEPOINT adopt_identifier")
                .execute(tx.conn())
                .await?;
        }
        Err(err)
            if err
                .as_database_error()
                .is_some_and(|db| db.is_unique_violation()) =>
        {
            sqlx::query("ROLLBACK TO SAVEPOINT adopt_identifier")
                .execute(tx.conn())
                .await?;
        }
        Err(err) => return Err(err),
    }
    Ok(())
}
