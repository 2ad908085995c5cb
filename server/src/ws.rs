//! The agents' live socket: authenticated by the session cookie, resumable with
//! `?after=<event id>`, filtered per agent on the server (inbox membership,
//! personal events), never trusting the browser to hide anything.
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use futures::SinkExt;
use serde::Deserialize;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use crate::extract::Agent;
use app::auth::model::Session;
use app::auth::permission::EventView;
use app::db::events as log;
use app::error::AppError;
use app::events::{ClientFrame, ServerFrame};
use app::live::presence::Here;
use app::live::typing::{Said, Signal, Typing};
use app::state::AppState;

/// Replay at most this many events on resume; past that the client reloads instead.
const MAX_REPLAY: i64 = 2_000;

/// Agents send little (pings, closes, "still in use"), so the read buffer can be small; the
/// default (128 KiB, zero-filled on the first read) was most of an idle socket's memory.
pub(crate) const READ_BUFFER: usize = 4 * 1024;
/// Frames are written once this much is waiting (or on flush, once per batch).
pub(crate) const WRITE_BUFFER: usize = 16 * 1024;

#[derive(Debug, Deserialize)]
pub struct ResumeFrom {
    after: Option<i64>,
}

pub async fn upgrade(
    State(state): State<AppState>,
    Agent(session): Agent,
    Query(resume): Query<ResumeFrom>,
    ws: WebSocketUpgrade,
) -> Response {
    let visible = match EventView::load(&state.db, &session).await {
        Ok(v) => v,
        Err(err) => return err.into_response(),
    };
    ws.max_message_size(64 * 1024)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .on_upgrade(move |socket| serve(socket, state, session, visible, resume.after))
}

/// Sleeps until `at`; never wakes without one.
async fn sleep_until(at: Option<tokio::time::Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// Writes one JSON text frame; `false` when the socket is gone.
pub(crate) async fn send<T: serde::Serialize>(socket: &mut WebSocket, frame: &T) -> bool {
    match serde_json::to_string(frame) {
        Ok(text) => socket
            .send(Message::Text(Utf8Bytes::from(text)))
            .await
            .is_ok(),
        Err(_) => false,
    }
}

/// Sends the logged events after `after` that this agent may see; returns the last id
/// covered, or `None` if the socket is gone.
async fn replay(
    socket: &mut WebSocket,
    state: &AppState,
    account_id: i64,
    visible: &mut EventView,
    mut after: i64,
) -> Result<Option<i64>, AppError> {
    // The log holds events of inboxes she has since left, and of ones she joined and
    // left again within the gap: only inboxes she belongs to now are replayed.
    let now = visible.clone();
    loop {
        let batch = log::since(&state.db, account_id, after, 500).await?;
        let Some(last) = batch.last().map(|e| e.id) else {
            return Ok(Some(after));
        };
        for event in batch {
            let open = visible.observe(&event);
            let shown = visible.allows(&event) && now.allows(&event);
            if shown && !send(socket, &ServerFrame::Event(event)).await {
                return Ok(None);
            }
            if !open {
                return Ok(None);
            }
        }
        after = last;
    }
}

/// How often one socket may say "writing" in the same conversation; "stopped" always
/// passes. A tab repeats it every few seconds, so this only stops a flood.
pub(crate) const TYPING_AT_MOST_EVERY: std::time::Duration =
    std::time::Duration::from_millis(1_000);

/// What a socket last said about writing, to bound how often it may.
#[derive(Default)]
pub(crate) struct Typist {
    last: Option<(i64, tokio::time::Instant)>,
}

impl Typist {
    pub(crate) fn may_say(&mut self, conversation_id: i64, typing: bool) -> bool {
        let now = tokio::time::Instant::now();
        if typing
            && self.last.is_some_and(|(id, at)| {
                id == conversation_id && now.duration_since(at) < TYPING_AT_MOST_EVERY
            })
        {
            return false;
        }
        self.last = typing.then_some((conversation_id, now));
        true
    }
}

/// Relays an agent's "writing" in a conversation she may see to those who may see it.
async fn say_typing(
    state: &AppState,
    session: &Session,
    visible: &EventView,
    conversation_id: i64,
    private: bool,
    typing: bool,
) -> Result<(), AppError> {
    let inbox: Option<i64> =
        sqlx::query_scalar("SELECT inbox_id FROM conversations WHERE id = $1 AND account_id = $2")
            .bind(conversation_id)
            .bind(session.agent.account_id)
            .fetch_optional(&state.db.pool)
            .await?;
    let Some(inbox_id) = inbox.filter(|inbox| visible.sees_inbox(*inbox)) else {
        return Ok(()); // not hers to see: nothing is said
    };
    let signal = Signal {
        account_id: session.agent.account_id,
        inbox_id,
        said: Said::Typing(Typing {
            conversation_id,
            agent_id: Some(session.agent.id),
            name: session.agent.shown_name().to_owned(),
            private,
            typing,
        }),
    };
    state.hub.say(&state.db, signal).await;
    Ok(())
}

async fn serve(
    mut socket: WebSocket,
    state: AppState,
    session: Session,
    mut visible: EventView,
    after: Option<i64>,
) {
    let account_id = session.agent.account_id;
    // Subscribe before reading the log, so nothing falls between the two.
    let mut live = state.hub.subscribe(account_id);
    let mut signals = state.hub.subscribe_signals();
    let mut typist = Typist::default();
    // Where the log stands before she arrives: her own "online" comes after it, so
    // this tab hears it too (read after, it would count as already sent).
    let newest = match log::last_id(&state.db, account_id).await {
        Ok(newest) => newest,
        Err(err) => {
            tracing::warn!(error = %err, "live socket could not read the log");
            return;
        }
    };
    let mut here = Here::arrive(
        state.presence.clone(),
        state.db.clone(),
        state.hub.clone(),
        account_id,
        session.agent.id,
    );
    let idle_after = state.presence.rules.idle_after;
    let mut idle_at = idle_after.map(|idle| tokio::time::Instant::now() + idle);
    let result: Result<(), AppError> = async {
        state.hub.mark_read(account_id, newest);
        let mut sent = match after {
            Some(after) if after < newest => {
                let oldest = log::first_id(&state.db, account_id)
                    .await?
                    .unwrap_or(newest);
                if after + 1 < oldest || newest - after > MAX_REPLAY {
                    // The gap is gone from the log (or too long): the client reloads.
                    if !send(
                        &mut socket,
                        &ServerFrame::Resync {
                            last_event_id: newest,
                        },
                    )
                    .await
                    {
                        return Ok(());
                    }
                    newest
                } else {
                    if !send(
                        &mut socket,
                        &ServerFrame::Hello {
                            last_event_id: newest,
                        },
                    )
                    .await
                    {
                        return Ok(());
                    }
                    match replay(&mut socket, &state, account_id, &mut visible, after).await? {
                        Some(last) => last,
                        None => return Ok(()),
                    }
                }
            }
            _ => {
                if !send(
                    &mut socket,
                    &ServerFrame::Hello {
                        last_event_id: newest,
                    },
                )
                .await
                {
                    return Ok(());
                }
                newest
            }
        };
        loop {
            tokio::select! {
                received = live.recv() => match received {
                    Ok(batch) => {
                        // This batch and whatever else is already waiting go out in one
                        // write: with hundreds of sockets, a write per event per socket
                        // was the cost under load.
                        let mut next = Some(batch);
                        let mut lagged = false;
                        while let Some(batch) = next.take() {
                            for event in batch.iter() {
                                if event.id <= sent {
                                    continue;
                                }
                                sent = event.id;
                                let open = visible.observe(&event.envelope);
                                if visible.allows(&event.envelope)
                                    && socket.feed(Message::Text(event.agent_frame())).await.is_err()
                                {
                                    return Ok(());
                                }
                                if !open {
                                    let _ = socket.flush().await;
                                    return Ok(());
                                }
                            }
                            next = match live.try_recv() {
                                Ok(batch) => Some(batch),
                                Err(TryRecvError::Lagged(_)) => {
                                    lagged = true;
                                    None
                                }
                                Err(_) => None,
                            };
                        }
                        if socket.flush().await.is_err() {
                            return Ok(());
                        }
                        if lagged {
                            match replay(&mut socket, &state, account_id, &mut visible, sent).await? {
                                Some(last) => sent = last,
                                None => return Ok(()),
                            }
                        }
                    }
                    Err(RecvError::Lagged(_)) => {
                        // Too slow for the buffer: catch up from the log instead of dropping.
                        match replay(&mut socket, &state, account_id, &mut visible, sent).await? {
                            Some(last) => sent = last,
                            None => return Ok(()),
                        }
                    }
                    Err(RecvError::Closed) => return Ok(()),
                },
                signal = signals.recv() => match signal {
                    Ok(signal) => {
                        if let Said::Typing(typing) = &signal.said {
                            if signal.account_id == account_id
                                && typing.agent_id != Some(session.agent.id)
                                && visible.sees_inbox(signal.inbox_id)
                                && !send(&mut socket, &ServerFrame::Typing(typing.clone())).await
                            {
                                return Ok(());
                            }
                        }
                    }
                    // Missed signals are repeated by their writers.
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return Ok(()),
                },
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                    Some(Ok(Message::Text(text))) => match serde_json::from_str(&text) {
                        Ok(ClientFrame::Active) => {
                            here.active();
                            idle_at = idle_after.map(|idle| tokio::time::Instant::now() + idle);
                        }
                        Ok(ClientFrame::Typing { conversation_id, private, typing }) => {
                            if typist.may_say(conversation_id, typing) {
                                say_typing(&state, &session, &visible, conversation_id, private, typing).await?;
                            }
                        }
                        Err(_) => {}
                    },
                    Some(Ok(_)) => {} // pings are answered by axum
                },
                _ = sleep_until(idle_at) => {
                    here.idle();
                    idle_at = None;
                }
            }
        }
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(agent = session.agent.id, error = %err, "live socket ended with an error");
    }
}
