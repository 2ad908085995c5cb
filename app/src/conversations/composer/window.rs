//! WhatsApp's 24-hour window: how long the customer's last message keeps free replies
//! open, on the browser's clock corrected by the server's, re-read every 20 seconds,
//! and the notice above the field.
use leptos::prelude::*;

use super::state::{now, Mode};
use crate::conversations::model::WhatsAppComposer;
use crate::domain::whatsapp::{hours_minutes, Window};
use crate::i18n::*;

/// The window now (None outside WhatsApp), as a tracked closure.
pub(super) fn window_clock(
    whatsapp: Option<&WhatsAppComposer>,
    last_inbound: RwSignal<Option<i64>>,
) -> impl Fn() -> Option<Window> + Copy + Send + Sync + 'static {
    let is_whatsapp = whatsapp.is_some();
    // The browser's clock, corrected by the server's (the server enforces the rule).
    let skew = whatsapp.map(|w| w.server_now - now()).unwrap_or(0);
    let tick = RwSignal::new(0_u32);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if is_whatsapp {
            if let Ok(handle) = set_interval_with_handle(
                move || tick.update(|n| *n = n.wrapping_add(1)),
                std::time::Duration::from_secs(20),
            ) {
                on_cleanup(move || handle.clear());
            }
        }
    });
    move || -> Option<Window> {
        tick.track();
        is_whatsapp.then(|| Window::at(last_inbound.get(), now() + skew))
    }
}

#[component]
pub(super) fn WindowNotice(
    window: impl Fn() -> Option<Window> + Copy + Send + Sync + 'static,
    mode: RwSignal<Mode>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || match window() {
        Some(Window::Open { remaining_ms }) if mode.get() == Mode::Reply => {
            let (hours, minutes) = hours_minutes(remaining_ms);
            Some(view! {
                <p class="window-notice" role="status">{t!(i18n, whatsapp_window_open, hours = hours, minutes = minutes)}</p>
            }.into_any())
        }
        Some(Window::Closed) if mode.get() == Mode::Reply => Some(
            view! {
                <p class="window-notice closed" role="status">{t!(i18n, whatsapp_window_closed)}</p>
            }
            .into_any(),
        ),
        Some(Window::NeverOpened) if mode.get() == Mode::Reply => Some(
            view! {
                <p class="window-notice closed" role="status">{t!(i18n, whatsapp_window_never)}</p>
            }
            .into_any(),
        ),
        _ => None,
    }
}
