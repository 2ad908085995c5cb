//! The visitor's live socket in the browser: replies (and changes to them) in, and
//! her "writing" out; reconnects with a growing pause.
use futures::channel::mpsc::unbounded;
use futures::future::{select, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message};
use leptos::prelude::*;

use super::model::upsert;
use super::receipts::Receipts;
use super::typing::Typing;
use super::{VisitorFrame, VisitorMessage, VisitorSays};
use crate::live::LiveStatus;

pub fn connect(
    token: String,
    visitor: String,
    messages: RwSignal<Vec<VisitorMessage>>,
    status: RwSignal<LiveStatus>,
    typing: Typing,
    receipts: Receipts,
) {
    leptos::task::spawn_local(async move {
        let mut backoff = 500;
        loop {
            status.set(LiveStatus::Connecting);
            let location = window().location();
            let scheme = if location.protocol().as_deref() == Ok("https:") {
                "wss"
            } else {
                "ws"
            };
            let after = messages.with_untracked(|m| m.iter().map(|m| m.id).max().unwrap_or(0));
            let url = format!(
                "{scheme}://{}/api/widget/live?token={token}&visitor={visitor}&after={after}",
                location.host().unwrap_or_default()
            );
            if let Ok(socket) = WebSocket::open(&url) {
                let (mut sink, mut stream) = socket.split();
                let (outbox, mut says) = unbounded::<VisitorSays>();
                typing.attach(Some(outbox));
                loop {
                    let message = match select(stream.next(), says.next()).await {
                        Either::Left((Some(Ok(message)), _)) => message,
                        Either::Left(_) => break,
                        Either::Right((Some(frame), _)) => {
                            if let Ok(text) = serde_json::to_string(&frame) {
                                let _ = sink.send(Message::Text(text)).await;
                            }
                            continue;
                        }
                        Either::Right((None, _)) => continue,
                    };
                    let Message::Text(text) = message else {
                        continue;
                    };
                    match serde_json::from_str::<VisitorFrame>(&text) {
                        Ok(VisitorFrame::Hello) => {
                            status.set(LiveStatus::Live);
                            backoff = 500;
                            receipts.check();
                        }
                        Ok(VisitorFrame::Message(m)) => {
                            // A reply arrived: whoever wrote it has stopped writing,
                            // and read what came before it.
                            if m.from_agent {
                                typing.agent_writes(String::new(), false);
                                receipts.agent_read(m.created_at);
                            }
                            messages.update(|list| upsert(list, m));
                            receipts.check();
                        }
                        Ok(VisitorFrame::Seen { at }) => receipts.agent_read(at),
                        Ok(VisitorFrame::Typing { name, typing: on }) => {
                            typing.agent_writes(name, on)
                        }
                        Err(_) => {}
                    }
                }
                typing.attach(None);
            }
            status.set(LiveStatus::Offline);
            gloo_timers::future::TimeoutFuture::new(backoff).await;
            backoff = (backoff * 2).min(15_000);
        }
    });
}
