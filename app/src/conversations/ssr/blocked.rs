//! Whether a customer is blocked (Chatwoot's `blocked`; her conversations muted): her
//! messages are kept, but they reopen, notify, assign and auto-answer nothing.

/// Whether the contact is blocked.
pub async fn contact_blocked(
    conn: &mut sqlx::AnyConnection,
    contact_id: i64,
) -> Result<bool, sqlx::Error> {
    let blocked: Option<i64> = sqlx::query_scalar("SELECT blocked FROM contacts WHERE id = $1")
        .bind(contact_id)
        .fetch_optional(conn)
        .await?;
    Ok(blocked.unwrap_or(0) != 0)
}
