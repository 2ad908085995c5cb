//! The visitor's side of the website chat: the live socket (only the visitor's own
//! conversation, only what `VisitorMessage` can carry) and the embed script.
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use tokio::sync::broadcast::error::RecvError;

use crate::extract::Visitor;
use app::conversations::model::{ConversationSummary, MessageView};
use app::conversations::ssr::messages::visitor_messages_after;
use app::domain::{DeliveryStatus, MessageDirection};
use app::events::LiveEvent;
use app::live::typing::{Said, Signal, Typing};
use app::state::AppState;
use app::widget::ssr::{conversations_of, is_conversation_of};
use app::widget::{VisitorFrame, VisitorMessage, VisitorSays};
use app::wire::request::client_address_of;

use crate::ws::send;
pub use embed::{chatwoot_sdk, embed_script};
pub use triggered::triggered;

mod embed;
mod receipts;
mod triggered;

/// Where the visitor's socket resumes (her tokens are read by [`Visitor`]).
#[derive(Debug, Deserialize)]
pub struct ResumeFrom {
    after: Option<i64>,
}

pub async fn upgrade(
    State(state): State<AppState>,
    Query(query): Query<ResumeFrom>,
    Visitor {
        inbox,
        identity_id: identity,
        contact_id: contact,
    }: Visitor,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let address = client_address_of(&headers, Some(peer), state.settings.trust_proxy);
    let slot = match state.widget_guard.open_socket(identity, address.as_deref()) {
        Ok(slot) => slot,
        Err(err) => return err.into_response(),
    };
    let after = query.after.unwrap_or(0);
    let visitor = Who {
        account_id: inbox.account_id,
        inbox_id: inbox.id,
        contact_id: contact,
        identity,
    };
    ws.max_message_size(16 * 1024)
        .read_buffer_size(crate::ws::READ_BUFFER)
        .write_buffer_size(crate::ws::WRITE_BUFFER)
        .on_upgrade(move |socket| async move {
            serve(socket, state, visitor, after).await;
            drop(slot);
        })
}

/// The visitor a socket serves.
struct Who {
    account_id: i64,
    inbox_id: i64,
    contact_id: i64,
    identity: i64,
}

async fn serve(mut socket: WebSocket, state: AppState, who: Who, mut after: i64) {
    let identity = who.identity;
    // Subscribed before her conversations are read: one opened in between still counts.
    let mut live = state.hub.subscribe(who.account_id);
    let mut signals = state.hub.subscribe_signals();
    let mut typist = crate::ws::Typist::default();
    let mut reading = receipts::Reading::default();
    let mut mine = match conversations_of(&state.db, identity).await {
        Ok(ids) => Mine::new(who.inbox_id, who.contact_id, ids),
        Err(err) => {
            tracing::warn!(error = %err, "visitor socket could not read its conversations");
            return;
        }
    };
    // What the visitor last got for each message: an update she cannot see (the
    // delivery state of a reply, a replay racing the live feed) sends nothing.
    let mut shown = Shown::default();
    if !send(&mut socket, &VisitorFrame::Hello).await {
        return;
    }
    match replay(&mut socket, &state, &mut shown, identity, after).await {
        Some(last) => after = last,
        None => return,
    }
    loop {
        tokio::select! {
            received = live.recv() => match received {
                Ok(batch) => {
                    for event in batch.iter() {
                        let message: &MessageView = match &event.event {
                            LiveEvent::MessageCreated { message } | LiveEvent::MessageUpdated { message } => message,
                            LiveEvent::ConversationChanged { conversation, previous: None } => {
                                mine.opened(&state, identity, conversation).await;
                                continue;
                            }
                            _ => continue, // internal events never reach a visitor
                        };
                        if !mine.has(message.conversation_id) {
                            continue;
                        }
                        if message.direction == MessageDirection::Outgoing
                            && message.delivery_status == Some(DeliveryStatus::Sent)
                        {
                            reading.sent(&state, message.conversation_id, message.id).await;
                        }
                        let Some(visible) = VisitorMessage::from_message(message) else { continue };
                        after = after.max(visible.id);
                        if !shown.is_new(&visible) {
                            continue;
                        }
                        if !send(&mut socket, &VisitorFrame::Message(visible)).await {
                            return;
                        }
                    }
                }
                // Too slow for the buffer: catch up from the database instead (a
                // conversation opened meanwhile included).
                Err(RecvError::Lagged(_)) => {
                    if let Ok(ids) = conversations_of(&state.db, identity).await {
                        mine.ids = ids.into_iter().collect();
                    }
                    match replay(&mut socket, &state, &mut shown, identity, after).await {
                        Some(last) => after = last,
                        None => return,
                    }
                }
                Err(RecvError::Closed) => return,
            },
            signal = signals.recv() => match signal {
                Ok(signal) => {
                    let frame = match &signal.said {
                        // Only agents' replies in her own conversations; never a note.
                        Said::Typing(typing) => (signal.account_id == who.account_id
                            && typing.agent_id.is_some()
                            && !typing.private
                            && mine.has(typing.conversation_id))
                        .then(|| VisitorFrame::Typing { name: typing.name.clone(), typing: typing.typing }),
                        Said::Read { .. } => receipts::seen_frame(&signal, who.account_id, |id| mine.has(id)),
                    };
                    if let Some(frame) = frame {
                        if !send(&mut socket, &frame).await {
                            return;
                        }
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(Message::Text(text))) => match serde_json::from_str(&text) {
                    Ok(VisitorSays::Typing { typing }) => {
                        // Her newest conversation is the one the widget shows.
                        if let Some(conversation_id) = mine.ids.iter().max().copied() {
                            if typist.may_say(conversation_id, typing) {
                                say_typing(&state, &who, conversation_id, typing).await;
                            }
                        }
                    }
                    Ok(VisitorSays::Seen { up_to }) => {
                        let ids: Vec<i64> = mine.ids.iter().copied().collect();
                        reading.read(&state, &ids, up_to).await;
                    }
                    Err(_) => {}
                },
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Relays the visitor's "writing" to the agents who may see her conversation.
async fn say_typing(state: &AppState, who: &Who, conversation_id: i64, typing: bool) {
    let name: String = sqlx::query_scalar("SELECT name FROM contacts WHERE id = $1")
        .bind(who.contact_id)
        .fetch_optional(&state.db.pool)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let signal = Signal {
        account_id: who.account_id,
        inbox_id: who.inbox_id,
        said: Said::Typing(Typing {
            conversation_id,
            agent_id: None,
            name,
            private: false,
            typing,
        }),
    };
    state.hub.say(&state.db, signal).await;
}

/// Which conversations are the visitor's: read once when the socket opens, then
/// grown only by conversations opened for her contact in her inbox (asked once each),
/// so the account's other traffic costs this socket no query at all.
struct Mine {
    inbox_id: i64,
    contact_id: i64,
    ids: HashSet<i64>,
}

impl Mine {
    fn new(inbox_id: i64, contact_id: i64, ids: Vec<i64>) -> Self {
        Mine {
            inbox_id,
            contact_id,
            ids: ids.into_iter().collect(),
        }
    }

    fn has(&self, conversation_id: i64) -> bool {
        self.ids.contains(&conversation_id)
    }

    async fn opened(
        &mut self,
        state: &AppState,
        identity: i64,
        conversation: &ConversationSummary,
    ) {
        if conversation.inbox_id != self.inbox_id
            || conversation.contact_id != self.contact_id
            || self.ids.contains(&conversation.id)
        {
            return;
        }
        // Her contact may have other identities (merged on purpose by an agent).
        match is_conversation_of(&state.db, identity, conversation.id).await {
            Ok(true) => {
                self.ids.insert(conversation.id);
            }
            Ok(false) => {}
            Err(err) => {
                tracing::warn!(error = %err, "visitor socket could not check a new conversation")
            }
        }
    }
}

/// Sends the visitor's messages after `after`; the last id covered, or `None` when the
/// socket is gone or the database failed.
async fn replay(
    socket: &mut WebSocket,
    state: &AppState,
    shown: &mut Shown,
    identity: i64,
    mut after: i64,
) -> Option<i64> {
    let messages = match visitor_messages_after(&state.db, identity, after).await {
        Ok(messages) => messages,
        Err(err) => {
            tracing::warn!(error = %err, "visitor replay failed");
            return None;
        }
    };
    for message in messages {
        after = after.max(message.id);
        if let Some(m) = VisitorMessage::from_message(&message).filter(|m| shown.is_new(m)) {
            if !send(socket, &VisitorFrame::Message(m)).await {
                return None;
            }
        }
    }
    Some(after)
}

/// The last frame each message gave this socket, so each change reaches it once.
#[derive(Default)]
struct Shown(HashMap<i64, VisitorMessage>);

impl Shown {
    /// Bounds the memory of a socket left open for days; past it a repeat may slip
    /// through once, which the widget's upsert absorbs.
    const MAX: usize = 512;

    /// Whether `message` differs from what was last sent for it (and records it).
    fn is_new(&mut self, message: &VisitorMessage) -> bool {
        if self.0.get(&message.id) == Some(message) {
            return false;
        }
        if self.0.len() >= Self::MAX {
            self.0.clear();
        }
        self.0.insert(message.id, message.clone());
        true
    }
}
