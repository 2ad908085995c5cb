//! Conversations through the API: the list by page with its counts, one conversation,
//! and the changes (status, priority, assignment, team, labels), each through the
//! dashboard's own service.
use std::collections::HashMap;

use super::render::{self, ConversationParts, MessageContext};
use super::Caller;
use crate::chatwoot::model as cw;
use crate::conversations::model::{ConversationSummary, ListFilter, Tab, TabCounts};
use crate::conversations::ssr::numbered::{self, Assignee};
use crate::conversations::ssr::{access, messages};
use crate::domain::ConversationStatus;
use crate::error::AppError;

/// Chatwoot's page size for conversations.
pub const PER_PAGE: i64 = 25;

/// The list's query, as Chatwoot names it.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// `open` (default), `resolved`, `pending`, `snoozed` or `all`.
    pub status: Option<String>,
    /// `me`, `unassigned`, `assigned` or `all` (default).
    pub assignee_type: Option<String>,
    pub inbox_id: Option<i64>,
    pub team_id: Option<i64>,
    /// Label titles (`labels[]`, or one `labels` with commas, split by the caller's
    /// reader); a conversation with any of them is listed, as in Chatwoot.
    pub labels: Vec<String>,
    pub page: Option<i64>,
    /// Words of a message in the conversation (every status, as in Chatwoot).
    pub q: Option<String>,
}

impl ListQuery {
    fn text(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }
}

fn parse_status(text: Option<&str>) -> Result<Option<ConversationStatus>, AppError> {
    match text.unwrap_or("open") {
        "all" => Ok(None),
        other => ConversationStatus::parse(other)
            .map(Some)
            .ok_or_else(|| AppError::validation("status", "invalid")),
    }
}

fn parse_assignee(text: Option<&str>) -> Result<Assignee, AppError> {
    Ok(match text.unwrap_or("all") {
        "me" | "mine" => Assignee::Tab(Tab::Mine),
        "unassigned" => Assignee::Tab(Tab::Unassigned),
        "assigned" => Assignee::Anyone,
        "all" => Assignee::Tab(Tab::All),
        _ => return Err(AppError::validation("assignee_type", "invalid")),
    })
}

/// Labels one list may name: more makes a long `IN` for no one's benefit.
const MAX_LABELS: usize = 50;

/// The filter of a query and the labels a conversation must carry one of; `None` when
/// it names only labels the account does not have (nothing can match).
async fn filter_of(
    caller: &Caller<'_>,
    query: &ListQuery,
) -> Result<Option<(ListFilter, Vec<i64>)>, AppError> {
    let filter = ListFilter {
        inbox_id: query.inbox_id,
        team_id: query.team_id,
        ..ListFilter::default()
    };
    if query.labels.is_empty() {
        return Ok(Some((filter, Vec::new())));
    }
    if query.labels.len() > MAX_LABELS {
        return Err(AppError::validation("labels", "too_many"));
    }
    let titles: Vec<String> = query.labels.iter().map(|t| t.to_lowercase()).collect();
    let labels = crate::labels::ssr::list(caller.db(), caller.agent.account_id).await?;
    let known: Vec<i64> = labels
        .iter()
        .filter(|l| titles.contains(&l.name.to_lowercase()))
        .map(|l| l.id)
        .collect();
    Ok((!known.is_empty()).then_some((filter, known)))
}

fn counts_shape(counts: TabCounts) -> cw::ListCounts {
    cw::ListCounts {
        mine_count: counts.mine,
        assigned_count: counts.all - counts.unassigned,
        unassigned_count: counts.unassigned,
        all_count: counts.all,
    }
}

/// The counts for the query's status and filters (not its assignee type).
pub async fn meta(caller: &Caller<'_>, query: &ListQuery) -> Result<cw::ListCounts, AppError> {
    if query.text().is_some() {
        return Ok(list(caller, query).await?.0);
    }
    let status = parse_status(query.status.as_deref())?;
    let Some((filter, labels)) = filter_of(caller, query).await? else {
        return Ok(counts_shape(TabCounts::default()));
    };
    let counts = numbered::counts(caller.db(), caller.viewer(), status, &filter, &labels).await?;
    Ok(counts_shape(counts))
}

pub async fn list(
    caller: &Caller<'_>,
    query: &ListQuery,
) -> Result<(cw::ListCounts, Vec<cw::Conversation>), AppError> {
    let status = parse_status(query.status.as_deref())?;
    let assignee = parse_assignee(query.assignee_type.as_deref())?;
    if let Some(text) = query.text() {
        let page = query.page.unwrap_or(1);
        let (rows, [mine, unassigned, all]) = super::text_search::page(
            caller,
            text,
            query.inbox_id,
            query.team_id,
            assignee,
            page,
            PER_PAGE,
        )
        .await?;
        let counts = TabCounts {
            mine,
            unassigned,
            all,
        };
        return Ok((counts_shape(counts), shape(caller, rows).await?));
    }
    let Some((filter, labels)) = filter_of(caller, query).await? else {
        return Ok((counts_shape(TabCounts::default()), Vec::new()));
    };
    let page = query.page.unwrap_or(1).max(1);
    let db = caller.db();
    let rows = numbered::page(
        db,
        caller.viewer(),
        assignee,
        status,
        &filter,
        &labels,
        page,
        PER_PAGE,
    )
    .await?;
    let counts = numbered::counts(db, caller.viewer(), status, &filter, &labels).await?;
    Ok((counts_shape(counts), shape(caller, rows).await?))
}

/// The caller's conversation by its number in the account; any other is not found.
pub async fn resolve(
    caller: &Caller<'_>,
    display_id: i64,
) -> Result<ConversationSummary, AppError> {
    let id = access::by_number(caller.db(), caller.agent.account_id, display_id).await?;
    access::visible_conversation(caller.db(), caller.viewer(), id).await
}

pub async fn get(caller: &Caller<'_>, display_id: i64) -> Result<cw::Conversation, AppError> {
    let row = resolve(caller, display_id).await?;
    one(caller, row).await
}

pub async fn one(
    caller: &Caller<'_>,
    row: ConversationSummary,
) -> Result<cw::Conversation, AppError> {
    Ok(shape(caller, vec![row]).await?.remove(0))
}

/// Rows in Chatwoot's shape, with what they name read once for the whole page.
pub async fn shape(
    caller: &Caller<'_>,
    rows: Vec<ConversationSummary>,
) -> Result<Vec<cw::Conversation>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let catalog = Catalog::load(caller).await?;
    shape_with(caller, &catalog, rows).await
}

/// The account's agents, teams and labels, which every conversation's shape names:
/// read once for a page (or a run of webhook events).
pub struct Catalog {
    pub agents: Vec<crate::agents::model::AgentProfile>,
    pub teams: Vec<crate::teams::model::Team>,
    pub labels: Vec<crate::labels::model::Label>,
}

impl Catalog {
    pub async fn load(caller: &Caller<'_>) -> Result<Catalog, AppError> {
        let (db, account) = (caller.db(), caller.agent.account_id);
        Ok(Catalog {
            agents: crate::agents::ssr::list_team(db, account).await?,
            teams: crate::teams::ssr::list(db, account).await?,
            labels: crate::labels::ssr::list(db, account).await?,
        })
    }
}

pub async fn shape_with(
    caller: &Caller<'_>,
    catalog: &Catalog,
    rows: Vec<ConversationSummary>,
) -> Result<Vec<cw::Conversation>, AppError> {
    let db = caller.db();
    let account = caller.agent.account_id;
    let Catalog {
        agents,
        teams,
        labels,
    } = catalog;
    let contact_ids: Vec<i64> = rows.iter().map(|r| r.contact_id).collect();
    let contacts: HashMap<i64, cw::Contact> =
        crate::contacts::ssr::numbered::many(db, account, &contact_ids)
            .await?
            .iter()
            .map(|c| (c.id, render::contact(c)))
            .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let last: HashMap<i64, crate::conversations::model::MessageView> = messages::last_of(db, &ids)
        .await?
        .into_iter()
        .map(|m| (m.conversation_id, m))
        .collect();
    let mut attributes = crate::conversations::ssr::attributes::of_many(db, &ids).await?;
    let moments = super::moments::of_many(db, &ids).await?;
    let mut shaped = Vec::with_capacity(rows.len());
    for row in rows {
        let contact = contacts
            .get(&row.contact_id)
            .cloned()
            .ok_or(AppError::NotFound)?;
        let last = last.get(&row.id).map(|m| {
            render::message(
                m,
                &MessageContext {
                    account_id: account,
                    display_id: row.display_id,
                    base_url: caller.base_url,
                    contact: &contact,
                    agents,
                    with_sender_ids: true,
                },
            )
        });
        let parts = ConversationParts {
            account_id: account,
            assignee: row
                .assignee_id
                .and_then(|id| agents.iter().find(|a| a.id == id)),
            team: row
                .team_id
                .and_then(|id| teams.iter().find(|t| t.id == id))
                .map(|t| render::team(t, account, caller.agent.id)),
            labels: row
                .label_ids
                .iter()
                .filter_map(|id| labels.iter().find(|l| l.id == *id))
                .map(|l| l.name.clone())
                .collect(),
            contact,
            last,
            custom_attributes: attributes.remove(&row.id).unwrap_or_default(),
            moments: moments.get(&row.id).copied().unwrap_or_default(),
        };
        shaped.push(render::conversation(&row, parts));
    }
    Ok(shaped)
}
