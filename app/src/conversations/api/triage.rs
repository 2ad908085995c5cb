//! Bulk actions and saved folders: each resolves the session and calls one service.
use leptos::prelude::*;

use crate::conversations::model::{
    BulkAction, BulkOutcome, FolderCount, ListFilter, SavedFolder, Tab,
};
use crate::domain::ConversationStatus;
use crate::error::AppError;
use crate::wire::Json;

#[cfg(feature = "ssr")]
use crate::{auth::permission::signed_in, conversations::ssr};

/// One action on the selected conversations; those the agent may not act on are
/// reported one by one, the others change together.
#[server(endpoint = "conversations/bulk", input = Json, output = Json)]
pub async fn bulk_update(ids: Vec<i64>, action: BulkAction) -> Result<BulkOutcome, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::bulk::apply(&state.db, &state.hub, &agent, &ids, action).await
        }
        .await,
    )
}

/// The signed-in agent's saved folders, by name.
#[server(endpoint = "folders/list", input = Json, output = Json)]
pub async fn list_folders() -> Result<Vec<SavedFolder>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::folders::list(&state.db, (&agent).into()).await
        }
        .await,
    )
}

/// How many conversations each of the agent's folders holds now.
#[server(endpoint = "folders/counts", input = Json, output = Json)]
pub async fn folder_counts() -> Result<Vec<FolderCount>, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::folders::counts(&state.db, (&agent).into()).await
        }
        .await,
    )
}

/// Saves a tab, status and filter under a name.
#[server(endpoint = "folders/save", input = Json, output = Json)]
pub async fn save_folder(
    name: String,
    tab: Tab,
    status: ConversationStatus,
    filter: ListFilter,
) -> Result<SavedFolder, AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::folders::save(&state.db, (&agent).into(), &name, tab, status, filter).await
        }
        .await,
    )
}

#[server(endpoint = "folders/remove", input = Json, output = Json)]
pub async fn remove_folder(id: i64) -> Result<(), AppError> {
    crate::error::with_status(
        async move {
            let (state, agent) = signed_in()?;
            ssr::folders::remove(&state.db, (&agent).into(), id).await
        }
        .await,
    )
}
