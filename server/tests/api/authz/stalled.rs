//! What the database was doing when a call stopped answering: printed with the
//! matrix's failure, so a hang seen once on a loaded machine names its cause.
use sqlx::{Connection, Row};

/// Every other connection to the test's database, with what it waits on; from a
/// connection of its own (the server's pool may be what is stuck).
pub(super) async fn database_activity(url: &str) -> String {
    if !url.starts_with("postgres") {
        return String::new();
    }
    let Ok(mut conn) = sqlx::PgConnection::connect(url).await else {
        return "\n(no connection to read pg_stat_activity)".into();
    };
    let rows = sqlx::query(
        "SELECT pid, state, COALESCE(wait_event_type, '') AS wtype, COALESCE(wait_event, '') AS wevent, \
         COALESCE(EXTRACT(EPOCH FROM now() - xact_start)::TEXT, '') AS in_tx, \
         COALESCE(array_to_string(pg_blocking_pids(pid), ','), '') AS blocked_by, \
         LEFT(query, 240) AS query \
         FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut conn)
    .await;
    let Ok(rows) = rows else {
        return "\n(pg_stat_activity could not be read)".into();
    };
    let mut text = String::from("\ndatabase connections:");
    for row in rows {
        let get = |name: &str| row.try_get::<String, _>(name).unwrap_or_default();
        let pid: i32 = row.try_get("pid").unwrap_or_default();
        text.push_str(&format!(
            "\n  pid {pid} {} wait {}:{} in tx {} s blocked by [{}]: {}",
            get("state"),
            get("wtype"),
            get("wevent"),
            get("in_tx"),
            get("blocked_by"),
            get("query").replace('\n', " ")
        ));
    }
    text
}
