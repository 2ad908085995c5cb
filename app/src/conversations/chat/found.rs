//! A conversation opened at one of its messages (a search hit): the history is loaded
//! back to it, and once shown it is scrolled into view, marked and focused, so a
//! keyboard or screen-reader user lands on it too.
use crate::conversations::conversation_messages;
use crate::conversations::model::MessagePage;
use crate::error::AppError;

/// Pages of history fetched at most to reach the message (a very old one in a very
/// long conversation opens at the newest page instead).
const MAX_PAGES: usize = 40;

/// The newest page, extended back until it holds `target` (when given).
pub(super) async fn history_through(
    conversation_id: i64,
    target: Option<i64>,
) -> Result<MessagePage, AppError> {
    let mut page = conversation_messages(conversation_id, None).await?;
    let Some(target) = target else {
        return Ok(page);
    };
    for _ in 0..MAX_PAGES {
        let oldest = page.items.first().map(|m| m.id);
        let reached = oldest.is_none_or(|oldest| oldest <= target);
        if reached || !page.has_older {
            break;
        }
        let older = conversation_messages(conversation_id, oldest).await?;
        let mut items = older.items;
        items.append(&mut page.items);
        page = MessagePage {
            items,
            has_older: older.has_older,
        };
    }
    Ok(page)
}

/// After the chat has drawn (and scrolled to its end), brings the message into view.
pub(super) fn reveal_later(target: Option<i64>) {
    #[cfg(feature = "hydrate")]
    if let Some(target) = target {
        leptos::task::spawn_local(async move {
            // Past the chat's own scroll to the newest message (one animation frame).
            gloo_timers::future::TimeoutFuture::new(120).await;
            reveal(target);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = target;
}

#[cfg(feature = "hydrate")]
fn reveal(target: i64) {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    let selector = format!("[data-message-id=\"{target}\"]");
    let Ok(Some(el)) = document().query_selector(&selector) else {
        return;
    };
    let _ = el.set_attribute("data-found", "true");
    let _ = el.set_attribute("tabindex", "-1");
    el.scroll_into_view_with_bool(false);
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}
