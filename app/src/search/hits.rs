//! Messages found, as links that open the conversation at the message; the matched
//! words marked in the snippet.
use leptos::prelude::*;

use super::model::MessageHit;
use crate::i18n::*;
use crate::ui::time::short;

/// The search page's address for a text alone.
pub fn search_url(q: &str) -> String {
    format!("/search?q={}", crate::ui::encode_query(q.trim()))
}

/// Where a hit opens: its conversation, scrolled to the message.
pub fn hit_url(hit: &MessageHit) -> String {
    format!(
        "/conversations/{}?message={}",
        hit.conversation_id, hit.message_id
    )
}

#[component]
pub fn Hits(hits: Vec<MessageHit>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="search-hits">
            {hits.into_iter().map(|hit| {
                let at = hit.created_at;
                let who = hit.sender_name.clone().unwrap_or_default();
                let url = hit_url(&hit);
                view! {
                    <li>
                        <a href=url>
                            <span class="hit-meta">
                                <strong>{format!("#{} · {}", hit.display_id, hit.contact_name)}</strong>
                                <span class="muted">{format!(" · {} · ", hit.inbox_name)}{who}</span>
                                {hit.private.then(|| view! { <span class="note-tag">{t!(i18n, private_note)}</span> })}
                                <time class="muted">{move || short(at)}</time>
                            </span>
                            <span class="hit-snippet">
                                {hit.snippet.into_iter().map(|piece| if piece.hit {
                                    view! { <mark>{piece.text}</mark> }.into_any()
                                } else {
                                    piece.text.into_any()
                                }).collect_view()}
                            </span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
