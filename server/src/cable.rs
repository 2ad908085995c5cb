//! Chatwoot's ActionCable endpoint (`/cable`) for Client API contacts: the client SDKs
//! that build a chat on Chatwoot's Client API subscribe to `RoomChannel` with the
//! contact's `pubsub_token` and read her conversations' events as Chatwoot sends them
//! (`app::chatwoot::ssr::public::cable`). ActionCable's JSON protocol: `welcome`, a
//! `ping` every 3 s, `confirm_subscription` / `reject_subscription`, then
//! `{identifier, message: {event, data}}`. Agents' own clients (Chatwoot's mobile app)
//! subscribe the same way with the agent's `pubsub_token`, `user_id` and `account_id`
//! (`app::chatwoot::ssr::agent_cable`); Charla's dashboard uses its own socket.
use std::net::SocketAddr;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use http::HeaderMap;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use app::chatwoot::ssr::agent_cable::{agent_by_pubsub, AgentListener};
use app::chatwoot::ssr::public::cable::{customer_by_pubsub, Listener};
use app::live::hub::Batch;
use app::live::typing::{Said, Signal};
use app::state::AppState;
use app::widget::ssr::limits::SocketSlot;
use app::wire::request::client_address_of;

use crate::ws::send;

/// ActionCable's pings, which its clients count on to know the line is alive.
const PING: Duration = Duration::from_secs(3);
/// A socket must hold a subscription this soon after it opens (and keep one).
const SUBSCRIBE_WITHIN: Duration = Duration::from_secs(10);
/// Subscriptions refused before the socket is closed (each is a lookup).
const REFUSALS: u32 = 5;

pub async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let address = client_address_of(&headers, Some(peer), state.settings.trust_proxy);
    let base_url = crate::chatwoot::caller::base_url_of(&headers, &state);
    ws.protocols(["actioncable-v1-json"])
        .max_message_size(16 * 1024)
        .read_buffer_size(crate::ws::READ_BUFFER)
        .write_buffer_size(crate::ws::WRITE_BUFFER)
        .on_upgrade(move |socket| serve(socket, state, address, base_url))
}

/// A client's command: `identifier` is itself a JSON text, echoed back as it came.
#[derive(Debug, Deserialize)]
struct Command {
    command: String,
    #[serde(default)]
    identifier: String,
}

#[derive(Debug, Deserialize)]
struct Identifier {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    pubsub_token: String,
    /// An agent's subscription names her and her account (numbers or numeric text).
    #[serde(default)]
    user_id: Option<Value>,
    #[serde(default)]
    account_id: Option<Value>,
}

fn number(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Who listens: a Client API contact, or an agent.
enum Who {
    Customer {
        listener: Box<Listener>,
        _slot: SocketSlot,
    },
    /// With the token she subscribed with, checked again on every ping.
    Agent {
        listener: Box<AgentListener>,
        token: String,
    },
}

/// The one subscription a socket holds (Chatwoot's SDKs open one per contact).
struct Subscription {
    identifier: String,
    who: Who,
    live: Receiver<Batch>,
}

async fn subscribe(
    state: &AppState,
    address: Option<&str>,
    base_url: &str,
    identifier: &str,
) -> Option<Subscription> {
    let wanted: Identifier = serde_json::from_str(identifier).ok()?;
    if wanted.channel != "RoomChannel" || wanted.pubsub_token.is_empty() {
        return None;
    }
    if let Some(user_id) = number(wanted.user_id.as_ref()) {
        let account_id = number(wanted.account_id.as_ref())?;
        let agent = agent_by_pubsub(state, user_id, account_id, &wanted.pubsub_token)
            .await
            .ok()?;
        // Listening before her view is read: a change in between still counts.
        let live = state.hub.subscribe(account_id);
        let listener = AgentListener::new(state, agent, base_url).await.ok()?;
        return Some(Subscription {
            identifier: identifier.to_owned(),
            who: Who::Agent {
                listener: Box::new(listener),
                token: wanted.pubsub_token,
            },
            live,
        });
    }
    let customer = customer_by_pubsub(&state.db, &wanted.pubsub_token)
        .await
        .ok()?;
    let slot = state
        .widget_guard
        .open_socket(customer.identity_id, address)
        .ok()?;
    // Listening before her conversations are read: one begun in between still counts.
    let live = state.hub.subscribe(customer.inbox.account_id);
    let listener = Listener::new(&state.db, customer, base_url).await.ok()?;
    Some(Subscription {
        identifier: identifier.to_owned(),
        who: Who::Customer {
            listener: Box::new(listener),
            _slot: slot,
        },
        live,
    })
}

fn said(identifier: &str, event: &str, data: Value) -> Value {
    json!({"identifier": identifier, "message": {"event": event, "data": data}})
}

/// An agent's "writing" in one of her conversations, as Chatwoot says it.
fn typing_said(sub: &Subscription, signal: &Signal) -> Option<Value> {
    let Said::Typing(typing) = &signal.said else {
        return None;
    };
    let Who::Customer { listener, .. } = &sub.who else {
        return None;
    };
    if signal.account_id != listener.customer.inbox.account_id
        || typing.agent_id.is_none()
        || typing.private
    {
        return None;
    }
    let number = listener.number(typing.conversation_id)?;
    let name = if typing.typing {
        "conversation.typing_on"
    } else {
        "conversation.typing_off"
    };
    let data =
        json!({"conversation": {"id": number}, "user": {"name": typing.name}, "is_private": false});
    Some(said(&sub.identifier, name, data))
}

async fn serve(mut socket: WebSocket, state: AppState, address: Option<String>, base_url: String) {
    if !send(&mut socket, &json!({"type": "welcome"})).await {
        return;
    }
    let mut ping = tokio::time::interval(PING);
    let mut subscription: Option<Subscription> = None;
    // Every account's typing signals: heard only while she is subscribed.
    let mut signals: Option<Receiver<Arc<Signal>>> = None;
    let mut refusals = 0;
    let opened = tokio::time::Instant::now();
    loop {
        tokio::select! {
            _ = ping.tick() => {
                if subscription.is_none() && opened.elapsed() > SUBSCRIBE_WITHIN {
                    return;
                }
                // An agent's token regenerated, she deactivated or her role changed:
                // what holds now, read again (events a slow client missed included).
                if let Some(Subscription { who: Who::Agent { listener, token }, .. }) = subscription.as_mut() {
                    if !listener.recheck(&state, token).await {
                        return;
                    }
                }
                let now = app::db::now_ms() / 1000;
                if !send(&mut socket, &json!({"type": "ping", "message": now})).await {
                    return;
                }
            }
            received = async { subscription.as_mut().expect("guarded").live.recv().await }, if subscription.is_some() => match received {
                Ok(batch) => {
                    let Some(sub) = subscription.as_mut() else { continue };
                    for event in batch.iter() {
                        let heard = match &mut sub.who {
                            Who::Customer { listener, .. } => listener.hear(&state.db, &event.event).await.into_iter().collect(),
                            Who::Agent { listener, .. } => match listener.hear(&state, &event.envelope).await {
                                Ok(heard) => heard,
                                // Deactivated, or signed out everywhere: the line ends.
                                Err(()) => return,
                            },
                        };
                        for (name, data) in heard {
                            if !send(&mut socket, &said(&sub.identifier, name, data)).await {
                                return;
                            }
                        }
                    }
                }
                // Behind the buffer: what a contact missed is in the Client API's lists;
                // an agent's line ends (what she missed may have changed what she may
                // see), and her app subscribes again.
                Err(RecvError::Lagged(_)) => {
                    if matches!(subscription.as_ref().map(|s| &s.who), Some(Who::Agent { .. })) {
                        return;
                    }
                }
                Err(RecvError::Closed) => return,
            },
            signal = async { signals.as_mut().expect("guarded").recv().await }, if signals.is_some() => match signal {
                Ok(signal) => {
                    let Some(sub) = subscription.as_ref() else { continue };
                    let frame = match &sub.who {
                        Who::Customer { .. } => typing_said(sub, &signal),
                        Who::Agent { listener, .. } => listener
                            .typing(&state, &signal)
                            .await
                            .map(|(name, data)| said(&sub.identifier, name, data)),
                    };
                    let Some(frame) = frame else { continue };
                    if !send(&mut socket, &frame).await {
                        return;
                    }
                }
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(Message::Text(text))) => {
                    let Ok(command) = serde_json::from_str::<Command>(&text) else { continue };
                    match command.command.as_str() {
                        "subscribe" => {
                            // One at a time: a new one replaces (and frees) the last.
                            subscription = None;
                            let answer = match subscribe(&state, address.as_deref(), &base_url, &command.identifier).await {
                                Some(sub) => {
                                    subscription = Some(sub);
                                    signals.get_or_insert_with(|| state.hub.subscribe_signals());
                                    "confirm_subscription"
                                }
                                None => {
                                    refusals += 1;
                                    "reject_subscription"
                                }
                            };
                            if !send(&mut socket, &json!({"identifier": command.identifier, "type": answer})).await
                                || refusals >= REFUSALS
                            {
                                return;
                            }
                        }
                        "unsubscribe" if subscription.as_ref().is_some_and(|s| s.identifier == command.identifier) => {
                            subscription = None;
                            signals = None;
                        }
                        // `message` (her presence, `update_presence`): nothing to do.
                        _ => {}
                    }
                }
                Some(Ok(_)) => {}
            },
        }
    }
}
