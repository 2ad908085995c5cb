//! Ajustes > Equipo y bandejas (administrators): agents (create, role, deactivate),
//! inboxes (create, rename, members, each channel's settings) and canned responses. The
//! server refuses every one of these functions to agents; the page then shows that
//! refusal.
mod api_inbox;
mod business_hours;
mod canned_responses;
mod csat;
mod email;
mod inbox_extras;
mod inboxes;
mod members;
mod offline;
mod page;
mod texts;
mod web_chat;
mod whatsapp;

pub use page::TeamAdminPage;
