//! Line icons drawn for Charla (24×24, stroked in the text colour). Always decorative:
//! the control that holds one carries the accessible name.
use leptos::prelude::*;

use crate::domain::ChannelKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconKind {
    Attach,
    Microphone,
    Smile,
    More,
    Back,
    WebChat,
    WhatsApp,
    Email,
    Api,
}

impl IconKind {
    pub fn of_channel(channel: ChannelKind) -> Self {
        match channel {
            ChannelKind::WebChat => IconKind::WebChat,
            ChannelKind::WhatsApp => IconKind::WhatsApp,
            ChannelKind::Email => IconKind::Email,
            ChannelKind::Api => IconKind::Api,
        }
    }

    /// The SVG path data (one or several subpaths).
    fn path(self) -> &'static str {
        match self {
            IconKind::Attach => {
                "M20.5 11.5 12 20a5 5 0 0 1-7-7l8.5-8.5a3.3 3.3 0 0 1 4.7 4.7l-8.4 8.4a1.7 1.7 0 0 1-2.4-2.4L15 7.6"
            }
            IconKind::Microphone => {
                "M12 3a3 3 0 0 0-3 3v5a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21M8.5 21h7"
            }
            IconKind::Smile => {
                "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM8 14.2a4.8 4.8 0 0 0 8 0M9 9.5h.01M15 9.5h.01"
            }
            IconKind::More => "M12 5h.01M12 12h.01M12 19h.01",
            IconKind::Back => "M15 5l-7 7 7 7",
            IconKind::WebChat => "M4 5h16v11H10l-6 4V5z",
            IconKind::WhatsApp => {
                "M5.5 4h3.2l1.6 4-2 1.4a10 10 0 0 0 6.3 6.3l1.4-2 4 1.6v3.2a1.5 1.5 0 0 1-1.6 1.5A16 16 0 0 1 4 5.6 1.5 1.5 0 0 1 5.5 4z"
            }
            IconKind::Email => "M4 6h16v12H4zM4 7l8 6 8-6",
            IconKind::Api => "M8 7 3 12l5 5M16 7l5 5-5 5M13.5 5l-3 14",
        }
    }
}

#[component]
pub fn Icon(kind: IconKind) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=kind.path()></path>
        </svg>
    }
}
