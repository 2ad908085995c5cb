//! The agents' live socket: authenticated by the session cookie, resumable with
//! `?after=<event id>`, filtered per agent on the server (inbox membership,
//! personal events), never trusting the browser to hide anything.
use axum::extract::ws::{Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::SinkExt;
use serde::Deserialize;
use sqlx::Row;
use std::collections::HashSet;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use app::auth::ssr::Session;
use app::db::events as log;
use app::error::AppError;
use app::events::{EventEnvelope, LiveEvent, ServerFrame};
use app::state::AppState;

/// Replay at most this many events on resume; past that the client reloads instead.
const MAX_REPLAY: i64 = 2_000;

/// Agents send nothing but pings and closes, so the read buffer can be small; the
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
    session: Option<Extension<Session>>,
    Query(resume): Query<ResumeFrom>,
    ws: WebSocketUpgrade,
) -> Response {
    let Some(Extension(session)) = session else {
        return AppError::Unauthorized.into_response();
    };
    let visible = match Visibility::load(&state, &session).await {
        Ok(v) => v,
        Err(err) => return err.into_response(),
    };
    ws.max_message_size(64 * 1024)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .on_upgrade(move |socket| serve(socket, state, session, visible, resume.after))
}

/// What one agent may see of the account's events.
struct Visibility {
    /// This socket's session, as `SessionsEnded` names it.
    session: String,
    agent_id: i64,
    admin: bool,
    inboxes: HashSet<i64>,
}

impl Visibility {
    async fn load(state: &AppState, session: &Session) -> Result<Self, AppError> {
        let rows = sqlx::query("SELECT inbox_id FROM inbox_members WHERE agent_id = $1")
            .bind(session.agent.id)
            .fetch_all(&state.db.pool)
            .await?;
        Ok(Visibility {
            session: app::events::session_tag(&session.token_hash),
            agent_id: session.agent.id,
            admin: session.agent.role.is_admin(),
            inboxes: rows
                .iter()
                .map(|r| r.try_get::<i64, _>("inbox_id"))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Follows membership and role changes of this agent, in event order; `false`
    /// when the agent was deactivated and the socket must close.
    fn observe(&mut self, event: &EventEnvelope) -> bool {
        match &event.event {
            LiveEvent::MembershipChanged {
                agent_id,
                inbox_id,
                member,
            } if *agent_id == self.agent_id => {
                if *member {
                    self.inboxes.insert(*inbox_id);
                } else {
                    self.inboxes.remove(inbox_id);
                }
                true
            }
            LiveEvent::AgentChanged {
                agent_id,
                role,
                active,
            } if *agent_id == self.agent_id => {
                self.admin = role.is_admin();
                *active
            }
            // This socket's session was signed out, or another browser changed the
            // password: the socket must not outlive its session.
            LiveEvent::SessionsEnded {
                agent_id,
                only,
                except,
            } if *agent_id == self.agent_id => {
                let mine = only.as_deref().is_none_or(|tag| tag == self.session)
                    && except.as_deref() != Some(self.session.as_str());
                !mine
            }
            _ => true,
        }
    }

    fn allows(&self, event: &EventEnvelope) -> bool {
        if event.scope.agent_id.is_some_and(|id| id != self.agent_id) {
            return false;
        }
        match event.scope.inbox_id {
            Some(inbox) => self.admin || self.inboxes.contains(&inbox),
            None => true,
        }
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
    visible: &mut Visibility,
    mut after: i64,
) -> Result<Option<i64>, AppError> {
    // The log holds events of inboxes she has since left, and of ones she joined and
    // left again within the gap: only inboxes she belongs to now are replayed.
    let now = Visibility {
        session: String::new(),
        agent_id: visible.agent_id,
        admin: visible.admin,
        inboxes: visible.inboxes.clone(),
    };
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

async fn serve(
    mut socket: WebSocket,
    state: AppState,
    session: Session,
    mut visible: Visibility,
    after: Option<i64>,
) {
    let account_id = session.agent.account_id;
    // Subscribe before reading the log, so nothing falls between the two.
    let mut live = state.hub.subscribe(account_id);
    let result: Result<(), AppError> = async {
        let newest = log::last_id(&state.db, account_id).await?;
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
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Ok(()),
                    Some(Ok(_)) => {} // pings are answered by axum; clients send nothing else
                },
            }
        }
    }
    .await;
    if let Err(err) = result {
        tracing::warn!(agent = session.agent.id, error = %err, "live socket ended with an error");
    }
}
