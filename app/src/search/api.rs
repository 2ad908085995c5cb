//! Search's server functions: the full message search (a page at a time) and the
//! grouped quick results the search box shows as the agent types.
use crate::wire::Json;
use leptos::prelude::*;

use super::model::{MessageQuery, MessageResults, QuickResults};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use {super::ssr, crate::auth::permission::signed_in};

/// Messages the agent may see that contain every word, fragment and phrase; newest
/// first, `before` a message id from the previous page's `next`.
#[server(endpoint = "search/messages", input = Json, output = Json)]
pub async fn search_messages(
    query: MessageQuery,
    before: Option<i64>,
) -> Result<MessageResults, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::messages(
                &state.db,
                (&agent).into(),
                &query,
                before,
                super::model::PAGE,
            )
            .await
        }
        .await,
    )
}

/// A few conversations (by number), contacts and messages for what is typed.
#[server(endpoint = "search/quick", input = Json, output = Json)]
pub async fn quick_search(text: String) -> Result<QuickResults, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            let viewer = (&agent).into();
            let mut results = QuickResults::default();
            if let Some(number) = super::model::conversation_number(&text) {
                results
                    .conversations
                    .extend(ssr::conversation_by_number(&state.db, viewer, number).await?);
            }
            if let Some(contacts) = crate::domain::ContactQuery::parse(&text) {
                let page = crate::contacts::ssr::search::page(
                    &state.db,
                    agent.account_id,
                    Some(&contacts),
                    crate::contacts::model::ContactSort::Activity,
                    None,
                )
                .await?;
                results.contacts = page.items.into_iter().take(QUICK).collect();
            }
            if !super::model::terms(&text).is_empty() {
                let query = MessageQuery {
                    text,
                    ..Default::default()
                };
                results.messages = ssr::messages(&state.db, viewer, &query, None, QUICK as i64)
                    .await?
                    .items;
            }
            Ok(results)
        }
        .await,
    )
}

/// Of each kind in the quick results.
#[cfg(feature = "ssr")]
const QUICK: usize = 5;
