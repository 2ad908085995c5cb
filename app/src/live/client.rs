//! The tab's socket: frames in, applied as deltas; reconnects with a growing pause;
//! and, while someone uses the tab, a word now and then that she is still here (the
//! server marks her away when every tab of hers has gone quiet).
use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::future::{select, Either};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::{futures::WebSocket, Message};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::registry::{Live, LiveStatus};
use crate::events::{ClientFrame, ServerFrame};
use leptos::prelude::*;

const MAX_BACKOFF_MS: u32 = 15_000;
/// At most one "still here" a minute: the server's idle time is counted in minutes.
const ACTIVE_EVERY_MS: f64 = 60_000.0;

type Activity = Rc<RefCell<Option<UnboundedSender<ClientFrame>>>>;

pub fn connect(live: Live) {
    let stopped = Arc::new(AtomicBool::new(false));
    {
        let stopped = stopped.clone();
        on_cleanup(move || stopped.store(true, Ordering::SeqCst));
    }
    let activity: Activity = Rc::new(RefCell::new(None));
    watch_activity(activity.clone(), stopped.clone());
    leptos::task::spawn_local(async move {
        let mut backoff = 500;
        while !stopped.load(Ordering::SeqCst) {
            live.status.set(LiveStatus::Connecting);
            if let Ok(socket) = WebSocket::open(&socket_url(live.last_id())) {
                let (mut sink, mut stream) = socket.split();
                let (said, mut to_say) = unbounded::<ClientFrame>();
                *activity.borrow_mut() = Some(said.clone());
                if let Ok(mut sayer) = live.sayer.lock() {
                    *sayer = Some(Box::new(move |frame| {
                        let _ = said.unbounded_send(frame);
                    }));
                }
                loop {
                    let message = match select(stream.next(), to_say.next()).await {
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
                    if stopped.load(Ordering::SeqCst) {
                        return;
                    }
                    let Message::Text(text) = message else {
                        continue;
                    };
                    match serde_json::from_str::<ServerFrame>(&text) {
                        Ok(ServerFrame::Hello { .. }) => {
                            live.status.set(LiveStatus::Live);
                            backoff = 500;
                        }
                        Ok(ServerFrame::Event(event)) => live.dispatch(&event),
                        Ok(ServerFrame::Typing(typing)) => {
                            live.writing(typing, js_sys::Date::now())
                        }
                        Ok(ServerFrame::Resync { last_event_id }) => {
                            live.last_id.store(last_event_id, Ordering::SeqCst);
                            live.resync.update(|n| *n += 1);
                        }
                        Err(err) => leptos::logging::warn!("unreadable live frame: {err}"),
                    }
                }
                activity.borrow_mut().take();
                if let Ok(mut sayer) = live.sayer.lock() {
                    sayer.take();
                }
            }
            if stopped.load(Ordering::SeqCst) {
                return;
            }
            live.status.set(LiveStatus::Offline);
            gloo_timers::future::TimeoutFuture::new(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF_MS);
        }
    });
}

/// Input in a visible tab says "still here" (throttled); nothing is sent otherwise.
fn watch_activity(activity: Activity, stopped: Arc<AtomicBool>) {
    let last = Rc::new(Cell::new(js_sys::Date::now()));
    let handler = Closure::<dyn Fn()>::new(move || {
        let now = js_sys::Date::now();
        if stopped.load(Ordering::SeqCst)
            || now - last.get() < ACTIVE_EVERY_MS
            || document().hidden()
        {
            return;
        }
        last.set(now);
        if let Some(said) = activity.borrow().as_ref() {
            let _ = said.unbounded_send(ClientFrame::Active);
        }
    });
    for kind in [
        "pointerdown",
        "keydown",
        "wheel",
        "touchstart",
        "visibilitychange",
    ] {
        let _ = window().add_event_listener_with_callback(kind, handler.as_ref().unchecked_ref());
    }
    // Lives as long as the page: the layout that starts the socket never unmounts
    // while signed in, and a stopped one ignores input.
    handler.forget();
}

fn socket_url(after: i64) -> String {
    let location = window().location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}/api/live?after={after}")
}
