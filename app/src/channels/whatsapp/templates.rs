//! Template sync: the business account's message templates (every page) replace the
//! inbox's copy, so the picker offers exactly what Meta would accept now.
use serde_json::Value;

use super::graph::{Graph, GraphError};
use super::inbox::{self, WhatsAppInbox};
use crate::db::{now_ms, Db};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the inbox has no business account id or access token")]
    NotConfigured,
    #[error("{}", .0.text())]
    Graph(GraphError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// Replaces the stored templates with Meta's list; how many there are now.
pub async fn sync(db: &Db, graph: &Graph, inbox: &WhatsAppInbox) -> Result<usize, SyncError> {
    if inbox.business_account_id.is_empty() || inbox.access_token.is_empty() {
        return Err(SyncError::NotConfigured);
    }
    let list = graph.templates(inbox).await.map_err(SyncError::Graph)?;
    let started = now_ms();
    let mut stored = 0;
    let mut tx = db.begin_write().await?;
    for template in &list {
        let (Some(name), Some(language)) =
            (template["name"].as_str(), template["language"].as_str())
        else {
            continue;
        };
        let field = |key: &str, default: &str| -> String {
            template[key].as_str().unwrap_or(default).to_uppercase()
        };
        let components = template
            .get("components")
            .filter(|c| c.is_array())
            .cloned()
            .unwrap_or(Value::Array(Vec::new()));
        sqlx::query(
            "INSERT INTO whatsapp_templates (inbox_id, external_id, name, language, category, status, components, \
             synced_at, parameter_format) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (inbox_id, name, language) DO UPDATE SET external_id = $2, category = $5, status = $6, \
             components = $7, synced_at = $8, parameter_format = $9",
        )
        .bind(inbox.id)
        .bind(template["id"].as_str())
        .bind(name)
        .bind(language)
        .bind(field("category", "UTILITY"))
        .bind(field("status", "PENDING"))
        .bind(components.to_string())
        .bind(started)
        .bind(field("parameter_format", "POSITIONAL"))
        .execute(tx.conn())
        .await?;
        stored += 1;
    }
    // Templates Meta no longer has (deleted there) leave the picker.
    sqlx::query("DELETE FROM whatsapp_templates WHERE inbox_id = $1 AND synced_at < $2")
        .bind(inbox.id)
        .bind(started)
        .execute(tx.conn())
        .await?;
    tx.finish().await?;
    inbox::mark_synced(db, inbox.id, started).await?;
    Ok(stored)
}
