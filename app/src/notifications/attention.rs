//! Drawing her back while Charla is open but not in front: each new notification adds
//! to a count in the tab's title ("(2) Charla") and plays a short sound when she asked
//! for one for its kind. Back in front, the count goes.
use leptos::prelude::*;

use crate::events::LiveEvent;
use crate::live::on_event;

/// Follows live notifications for the life of the signed-in layout.
pub fn follow() {
    let unseen = RwSignal::new(0usize);
    on_event(move |envelope| {
        if let LiveEvent::NotificationCreated { notification } = &envelope.event {
            if !in_front() {
                unseen.update(|n| *n += 1);
                if notification.sound {
                    play();
                }
            }
        }
    });
    Effect::new(move |_| show_count(unseen.get()));
    #[cfg(feature = "hydrate")]
    {
        let back = move || {
            if in_front() {
                unseen.set(0);
            }
        };
        let focus = window_event_listener(leptos::ev::focus, move |_| back());
        let shown = window_event_listener(leptos::ev::visibilitychange, move |_| back());
        on_cleanup(move || {
            focus.remove();
            shown.remove();
        });
    }
}

/// The page is visible and has the focus.
fn in_front() -> bool {
    #[cfg(feature = "hydrate")]
    {
        let document = document();
        document.visibility_state() == web_sys::VisibilityState::Visible
            && document.has_focus().unwrap_or(true)
    }
    #[cfg(not(feature = "hydrate"))]
    true
}

/// The title with `(n) ` in front of whatever the page calls itself.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn counted(title: &str, n: usize) -> String {
    let bare = match title.strip_prefix('(').and_then(|t| t.split_once(") ")) {
        Some((digits, rest)) if digits.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => title,
    };
    match n {
        0 => bare.to_owned(),
        n => format!("({n}) {bare}"),
    }
}

fn show_count(n: usize) {
    #[cfg(feature = "hydrate")]
    {
        let document = document();
        let title = counted(&document.title(), n);
        if title != document.title() {
            document.set_title(&title);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = n;
}

/// A short chime (`public/sounds/notify.wav`). A browser that has not seen a click on
/// the page yet may refuse to play it; the title still counts.
fn play() {
    #[cfg(feature = "hydrate")]
    if let Ok(audio) = web_sys::HtmlAudioElement::new_with_src("/sounds/notify.wav") {
        audio.set_volume(0.6);
        if let Ok(promise) = audio.play() {
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn the_count_replaces_an_earlier_one() {
        assert_eq!(counted("Charla", 2), "(2) Charla");
        assert_eq!(counted("(2) Charla", 3), "(3) Charla");
        assert_eq!(counted("(3) Charla", 0), "Charla");
        assert_eq!(counted("(en) Charla", 1), "(1) (en) Charla");
    }
}
