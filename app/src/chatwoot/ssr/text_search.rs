//! The conversation list's `q`: conversations with a message that matches, the most
//! recent match first, through the message search (its index and its visibility rule).
//! As in Chatwoot the status is not filtered; the inbox, team and assignee type are.
use std::collections::HashSet;

use super::Caller;
use crate::conversations::model::ConversationSummary;
use crate::conversations::model::Tab;
use crate::conversations::ssr::access::visible_conversation;
use crate::conversations::ssr::numbered::Assignee;
use crate::error::AppError;
use crate::search::model::MessageQuery;

/// Search pages read at most for one list page (20 messages each).
const MAX_SEARCH_PAGES: usize = 25;

/// Page `page` of `per_page` conversations matching `text`, and how many were found
/// while reading (mine, unassigned, all) for the counts.
pub async fn page(
    caller: &Caller<'_>,
    text: &str,
    inbox_id: Option<i64>,
    team_id: Option<i64>,
    assignee: Assignee,
    page: i64,
    per_page: i64,
) -> Result<(Vec<ConversationSummary>, [i64; 3]), AppError> {
    let query = MessageQuery {
        text: text.to_owned(),
        inbox_id,
        ..MessageQuery::default()
    };
    let wanted = (page.max(1) * per_page) as usize;
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    let mut before = None;
    for _ in 0..MAX_SEARCH_PAGES {
        let results = crate::search::ssr::messages(
            caller.db(),
            caller.viewer(),
            &query,
            before,
            crate::search::model::PAGE,
        )
        .await?;
        for hit in &results.items {
            if !seen.insert(hit.conversation_id) {
                continue;
            }
            let row =
                visible_conversation(caller.db(), caller.viewer(), hit.conversation_id).await?;
            if team_id.is_none_or(|team| row.team_id == Some(team)) {
                found.push(row);
            }
        }
        match results.next {
            Some(next) if found.len() < wanted + per_page as usize => before = Some(next),
            _ => break,
        }
    }
    let me = caller.agent.id;
    let counts = [
        found.iter().filter(|c| c.assignee_id == Some(me)).count() as i64,
        found.iter().filter(|c| c.assignee_id.is_none()).count() as i64,
        found.len() as i64,
    ];
    let chosen: Vec<ConversationSummary> = found
        .into_iter()
        .filter(|c| match assignee {
            Assignee::Tab(Tab::Mine) => c.assignee_id == Some(me),
            Assignee::Tab(Tab::Unassigned) => c.assignee_id.is_none(),
            Assignee::Tab(Tab::All) => true,
            Assignee::Anyone => c.assignee_id.is_some(),
        })
        .skip(((page.max(1) - 1) * per_page) as usize)
        .take(per_page as usize)
        .collect();
    Ok((chosen, counts))
}
