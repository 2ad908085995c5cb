//! WhatsApp templates in a conversation: which ones an agent is offered in an inbox, and
//! one filled in and checked, ready to be stored as a message (a reply outside the
//! 24-hour window, or the first message of a conversation an agent starts).
use sqlx::Row;

use crate::agents::AgentProfile;
use crate::conversations::model::MessageExtra;
use crate::db::Db;
use crate::domain::template::{TemplateChoice, TemplateView};
use crate::domain::MessageBody;
use crate::error::AppError;

/// Longest value accepted for one template variable (Meta's limit for body parameters).
pub const TEMPLATE_PARAM_MAX_CHARS: usize = 1024;

/// Templates the picker lists: approved, and never the AUTHENTICATION category (one-time
/// codes are sent by systems, not typed by agents). Those Charla cannot send come too,
/// with the reason, so the agent knows why she cannot choose them.
pub async fn offered_templates(db: &Db, inbox_id: i64) -> Result<Vec<TemplateView>, AppError> {
    let mut conn = db.pool.acquire().await?;
    offered_templates_in(&mut conn, inbox_id).await
}

/// [`offered_templates`] on a connection (inside a transaction).
pub async fn offered_templates_in(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
) -> Result<Vec<TemplateView>, AppError> {
    let rows = sqlx::query(
        "SELECT id, name, language, category, parameter_format, components FROM whatsapp_templates \
         WHERE inbox_id = $1 AND status = 'APPROVED' AND category <> 'AUTHENTICATION' ORDER BY name, language",
    )
    .bind(inbox_id)
    .fetch_all(conn)
    .await?;
    let mut templates = Vec::new();
    for row in rows {
        let components: String = row.try_get("components")?;
        let format: String = row.try_get("parameter_format")?;
        if let Some(view) = TemplateView::from_components(
            row.try_get("id")?,
            row.try_get("name")?,
            row.try_get("language")?,
            row.try_get("category")?,
            &format,
            &components,
        ) {
            templates.push(view);
        }
    }
    Ok(templates)
}

/// A template ready to store: its rendered text, what the channel needs to send it, and
/// the header's file (an upload of the agent's) when it has one.
pub struct TemplateMessage {
    pub body: MessageBody,
    pub extra: MessageExtra,
    pub header_file: Option<i64>,
}

/// An offered template with every variable filled (and its header file picked).
pub async fn template_message(
    db: &Db,
    agent: &AgentProfile,
    inbox_id: i64,
    choice: &TemplateChoice,
) -> Result<TemplateMessage, AppError> {
    let params = &choice.params;
    let template = offered_templates(db, inbox_id)
        .await?
        .into_iter()
        .find(|t| t.id == choice.template_id)
        .ok_or_else(|| AppError::validation("template_id", "invalid"))?;
    check_params(&template, params)?;
    // The file's type was read from its content at upload; the header decides which
    // types Meta takes. Ownership is checked again where the message claims it.
    let header_file = match (template.header_media, choice.header_file) {
        (Some(media), Some(id)) => {
            let content_type: Option<String> = sqlx::query_scalar(
                "SELECT content_type FROM attachments WHERE id = $1 AND message_id IS NULL AND uploaded_by = $2",
            )
            .bind(id)
            .bind(format!("agent:{}", agent.id))
            .fetch_optional(&db.pool)
            .await?;
            match content_type {
                Some(t) if media.accepts(&t) => Some(id),
                Some(_) => return Err(AppError::validation("header_file", "wrong_type")),
                None => return Err(AppError::validation("header_file", "invalid")),
            }
        }
        (Some(_), None) => return Err(AppError::validation("header_file", "required")),
        (None, Some(_)) => return Err(AppError::validation("header_file", "invalid")),
        (None, None) => None,
    };
    filled(template, params, header_file)
}

fn check_params(template: &TemplateView, params: &[String]) -> Result<(), AppError> {
    if !template.can_send() {
        return Err(AppError::validation("template_id", "unsupported"));
    }
    if let Some(n) = template.first_missing(params) {
        return Err(AppError::validation(&format!("params.{n}"), "required"));
    }
    if params.len() > template.variable_count()
        || params
            .iter()
            .any(|p| p.chars().count() > TEMPLATE_PARAM_MAX_CHARS)
    {
        return Err(AppError::validation("params", "invalid"));
    }
    Ok(())
}

/// A template a rule or macro names by Meta's name (and language, when it says one),
/// its variables filled; one with a media header cannot be sent this way (its file is
/// an agent's upload).
pub async fn named_template_in(
    conn: &mut sqlx::AnyConnection,
    inbox_id: i64,
    name: &str,
    language: Option<&str>,
    params: &[String],
) -> Result<TemplateMessage, AppError> {
    let template = offered_templates_in(conn, inbox_id)
        .await?
        .into_iter()
        .find(|t| t.name == name && language.is_none_or(|l| t.language == l))
        .ok_or_else(|| AppError::validation("template", "unknown"))?;
    check_params(&template, params)?;
    if template.header_media.is_some() {
        return Err(AppError::validation("header_file", "required"));
    }
    filled(template, params, None)
}

fn filled(
    template: TemplateView,
    params: &[String],
    header_file: Option<i64>,
) -> Result<TemplateMessage, AppError> {
    let body = MessageBody::parse(&template.render(params))
        .map_err(|c| AppError::validation("params", c))?;
    let filled = template.split(params);
    let extra = MessageExtra::Template {
        name: template.name,
        language: template.language,
        params: filled.body,
        header_params: filled.header,
        button_params: filled.buttons,
        param_names: filled.body_names,
        header_param_names: filled.header_names,
        header_media: template.header_media,
    };
    Ok(TemplateMessage {
        body,
        extra,
        header_file,
    })
}
