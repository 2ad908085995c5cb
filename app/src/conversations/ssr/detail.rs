//! One conversation as the chat view opens it: its summary, how to reach the contact,
//! and for WhatsApp what the composer needs to keep the 24-hour window.
use super::access::{visible_conversation, Viewer};
use super::routing::last_inbound_at;
use super::templates::offered_templates;
use crate::conversations::model::{ConversationDetail, WhatsAppComposer};
use crate::db::Db;
use crate::domain::attachment::UploadLimits;
use crate::error::AppError;

pub async fn detail(
    db: &Db,
    viewer: Viewer,
    id: i64,
    limits: UploadLimits,
) -> Result<ConversationDetail, AppError> {
    let summary = visible_conversation(db, viewer, id).await?;
    let contact = sqlx::query_as::<_, (Option<String>, Option<String>)>(
        "SELECT email, phone_e164 FROM contacts WHERE id = $1",
    )
    .bind(summary.contact_id)
    .fetch_one(&db.pool)
    .await?;
    let whatsapp = match summary.channel {
        crate::domain::ChannelKind::WhatsApp => {
            let mut conn = db.pool.acquire().await?;
            Some(WhatsAppComposer {
                last_inbound_at: last_inbound_at(&mut conn, summary.inbox_id, summary.contact_id)
                    .await?,
                server_now: crate::db::now_ms(),
                templates: offered_templates(db, summary.inbox_id).await?,
            })
        }
        _ => None,
    };
    Ok(ConversationDetail {
        summary,
        contact_email: contact.0,
        contact_phone: contact.1,
        whatsapp,
        limits,
        custom_attributes: super::attributes::of(db, id).await?,
    })
}
