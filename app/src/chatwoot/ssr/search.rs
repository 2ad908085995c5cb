//! Chatwoot's search (`/search` and `/search/{contacts,conversations,messages}`), over
//! Charla's own: contacts through the contact book's search, conversations by their
//! number or their contact's name, email or phone, messages through the message search
//! (every word, accents or not); pages of 15, only what the caller may see.
use std::collections::HashMap;

use sqlx::Row;

use super::render;
use super::Caller;
use crate::auth::permission::VISIBLE;
use crate::chatwoot::model as cw;
use crate::contacts::model::ContactSort;
use crate::conversations::model::{ConversationSummary, MessageView, SenderKind};
use crate::conversations::ssr::access::{summary_from_row, SUMMARY_SELECT};
use crate::conversations::ssr::messages::messages_by_id_in_tx;
use crate::domain::{ChannelKind, ContactQuery, MessageDirection};
use crate::error::AppError;
use crate::search::model::{conversation_number, terms, MessageQuery};

pub const PER_PAGE: i64 = 15;
/// Deeper pages walk every page before them; nobody reads this far.
const MAX_PAGE: i64 = 20;

/// The words searched: present, and a page within reach.
fn check(q: &str, page: i64) -> Result<(), AppError> {
    if q.trim().is_empty() {
        return Err(AppError::validation("q", "required"));
    }
    // PostgreSQL text cannot hold NUL; no name or message has one.
    if q.contains('\0') {
        return Err(AppError::validation("q", "invalid"));
    }
    if page > MAX_PAGE {
        return Err(AppError::validation("page", "too_deep"));
    }
    Ok(())
}

/// Everything at once (the first page of each), as Chatwoot's `/search`.
pub async fn all(caller: &Caller<'_>, q: &str) -> Result<cw::SearchPayload, AppError> {
    check(q, 1)?;
    Ok(cw::SearchPayload {
        conversations: Some(conversations(caller, q, 1).await?),
        contacts: Some(contacts(caller, q, 1).await?),
        messages: Some(messages(caller, q, 1).await?),
    })
}

/// Contacts whose name, email or phone match, the latest active first (nothing when
/// `q` is no contact query).
pub async fn contacts(
    caller: &Caller<'_>,
    q: &str,
    page: i64,
) -> Result<Vec<cw::Contact>, AppError> {
    check(q, page)?;
    if ContactQuery::parse(q).is_none() {
        return Ok(Vec::new());
    }
    super::contacts::search_sorted(caller, q, page, ContactSort::Activity).await
}

/// The account's inboxes' names and kinds, by id (only the caller's are asked for).
async fn inboxes(caller: &Caller<'_>) -> Result<HashMap<i64, cw::SearchInbox>, AppError> {
    let rows = sqlx::query("SELECT id, name, channel_kind FROM inboxes WHERE account_id = $1")
        .bind(caller.agent.account_id)
        .fetch_all(&caller.db().pool)
        .await?;
    let mut all = HashMap::new();
    for row in &rows {
        let kind: String = row.try_get("channel_kind")?;
        let id: i64 = row.try_get("id")?;
        all.insert(
            id,
            cw::SearchInbox {
                id,
                name: row.try_get("name")?,
                channel_type: ChannelKind::parse(&kind).map_or("", render::channel_type),
            },
        );
    }
    Ok(all)
}

fn message_shape(
    view: &MessageView,
    number: i64,
    inboxes: &HashMap<i64, cw::SearchInbox>,
) -> Option<cw::SearchMessage> {
    let survey = matches!(
        view.extra,
        Some(crate::conversations::model::MessageExtra::Survey { .. })
    );
    let sender = view.sender_id.map(|id| cw::SearchSender {
        id,
        name: view.sender_name.clone().unwrap_or_default(),
        kind: match view.sender_kind {
            SenderKind::Contact => "contact",
            SenderKind::Bot => "agent_bot",
            SenderKind::Agent | SenderKind::System => "user",
        },
    });
    Some(cw::SearchMessage {
        id: view.id,
        content: view.body.clone(),
        message_type: match view.direction {
            _ if survey => 3,
            MessageDirection::Incoming => 0,
            MessageDirection::Outgoing => 1,
            MessageDirection::Activity => 2,
        },
        content_type: if survey { "input_csat" } else { "text" },
        source_id: None,
        inbox_id: view.inbox_id,
        conversation_id: number,
        created_at: view.created_at.div_euclid(1000),
        private: view.private,
        sender,
        inbox: inboxes.get(&view.inbox_id)?.clone(),
    })
}

/// Messages by id, in the order given.
async fn views(caller: &Caller<'_>, ids: &[i64]) -> Result<Vec<MessageView>, AppError> {
    let mut conn = caller.db().pool.acquire().await?;
    let mut found = messages_by_id_in_tx(&mut conn, ids).await?;
    found.sort_by_key(|m| ids.iter().position(|id| *id == m.id));
    Ok(found)
}

/// `%fragment%` for LIKE, with its pattern characters escaped.
fn like_contains(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Conversations with this number, or whose contact's name, email or phone hold every
/// fragment of `q` (anonymous visitors' too); the latest first. One query, so the
/// number's match and the contacts' page together.
pub async fn conversations(
    caller: &Caller<'_>,
    q: &str,
    page: i64,
) -> Result<Vec<cw::SearchConversation>, AppError> {
    check(q, page)?;
    let page = page.max(1);
    let number = conversation_number(q);
    let terms = ContactQuery::parse(q).map(|c| c.terms).unwrap_or_default();
    if number.is_none() && terms.is_empty() {
        return Ok(Vec::new());
    }
    // $1-$3 the viewer, $4 and $5 the page, $6 the number, then the fragments.
    let mut matches = vec!["c.display_id = $6".to_owned()];
    if !terms.is_empty() {
        let all: Vec<String> = (0..terms.len())
            .map(|i| format!("ct.search_text LIKE ${} ESCAPE '\\'", i + 7))
            .collect();
        matches.push(format!("({})", all.join(" AND ")));
    }
    let sql = format!(
        "{SUMMARY_SELECT} WHERE {VISIBLE} AND ({}) \
         ORDER BY c.created_at DESC, c.id DESC LIMIT $4 OFFSET $5",
        matches.join(" OR ")
    );
    let viewer = caller.viewer();
    let mut query = sqlx::query(&sql)
        .bind(viewer.account_id)
        .bind(viewer.agent_id)
        .bind(viewer.admin as i64)
        .bind(PER_PAGE)
        .bind((page - 1) * PER_PAGE)
        .bind(number.unwrap_or(-1));
    for term in &terms {
        query = query.bind(like_contains(term));
    }
    let found = query
        .fetch_all(&caller.db().pool)
        .await?
        .iter()
        .map(summary_from_row)
        .collect::<Result<Vec<_>, _>>()?;
    shape_conversations(caller, found).await
}

async fn shape_conversations(
    caller: &Caller<'_>,
    found: Vec<ConversationSummary>,
) -> Result<Vec<cw::SearchConversation>, AppError> {
    if found.is_empty() {
        return Ok(Vec::new());
    }
    let db = caller.db();
    let account = caller.agent.account_id;
    let contact_ids: Vec<i64> = found.iter().map(|c| c.contact_id).collect();
    let contacts: HashMap<i64, cw::Contact> =
        crate::contacts::ssr::numbered::many(db, account, &contact_ids)
            .await?
            .iter()
            .map(|c| (c.id, render::contact(c)))
            .collect();
    let team = crate::agents::ssr::list_team(db, account).await?;
    let inboxes = inboxes(caller).await?;
    // Each conversation's first message the customer can see: the lowest id, as
    // Chatwoot's `messages.first` (imported history may carry earlier dates).
    let listed = (0..found.len())
        .map(|i| format!("${}", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT MIN(id) FROM messages WHERE conversation_id IN ({listed}) AND private = 0 \
         AND direction <> 'activity' GROUP BY conversation_id"
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql);
    for c in &found {
        query = query.bind(c.id);
    }
    let first_ids = query.fetch_all(&db.pool).await?;
    let firsts = views(caller, &first_ids).await?;
    Ok(found
        .iter()
        .filter_map(|c| {
            let contact = contacts.get(&c.contact_id)?.clone();
            Some(cw::SearchConversation {
                id: c.display_id,
                account_id: account,
                created_at: c.created_at.div_euclid(1000),
                message: firsts
                    .iter()
                    .find(|m| m.conversation_id == c.id)
                    .and_then(|m| message_shape(m, c.display_id, &inboxes)),
                contact,
                inbox: inboxes.get(&c.inbox_id)?.clone(),
                agent: c
                    .assignee_id
                    .and_then(|id| team.iter().find(|a| a.id == id))
                    .map(render::agent),
            })
        })
        .collect())
}

/// Messages with every word of `q` (notes too: the caller is on the team), newest first.
pub async fn messages(
    caller: &Caller<'_>,
    q: &str,
    page: i64,
) -> Result<Vec<cw::SearchMessage>, AppError> {
    check(q, page)?;
    if terms(q).is_empty() {
        return Ok(Vec::new());
    }
    let (db, viewer) = (caller.db(), caller.viewer());
    let query = MessageQuery {
        text: q.to_owned(),
        ..Default::default()
    };
    let mut before = None;
    for _ in 1..page.max(1) {
        let skipped = crate::search::ssr::messages(db, viewer, &query, before, PER_PAGE).await?;
        match skipped.next {
            Some(next) => before = Some(next),
            None => return Ok(Vec::new()),
        }
    }
    let hits = crate::search::ssr::messages(db, viewer, &query, before, PER_PAGE).await?;
    let ids: Vec<i64> = hits.items.iter().map(|h| h.message_id).collect();
    let numbers: HashMap<i64, i64> = hits
        .items
        .iter()
        .map(|h| (h.message_id, h.display_id))
        .collect();
    let inboxes = inboxes(caller).await?;
    Ok(views(caller, &ids)
        .await?
        .iter()
        .filter_map(|m| message_shape(m, *numbers.get(&m.id)?, &inboxes))
        .collect())
}
