#![recursion_limit = "512"]
//! Integration tests: the real server on port 0 against a fresh SQLite file and,
//! where one is reachable, a fresh PostgreSQL database.
mod assignment;
mod auth;
mod authz;
mod bulk;
mod chatwoot;
mod contact_labels;
mod contacts;
mod crash;
mod email;
mod email_limits;
mod fake_graph;
mod guard;
mod helpers;
mod inbox;
mod list_dates;
mod live;
mod membership;
mod notify_email;
mod outage;
mod outbound;
mod presence;
mod push;
mod receipts;
mod replicas;
mod s3;
mod search;
mod search_dates;
mod team;
mod teams;
mod triage;
mod typing;
mod uploads;
mod whatsapp;
mod widget;
mod widget_limits;
