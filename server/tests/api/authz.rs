//! The authorisation matrix: every route Charla answers — each server function (from
//! the server-function registry), each plain axum route (from `server::plain_route_paths`)
//! and each page (from Leptos's route list) — called by six kinds of caller, each of
//! which must get exactly what it should. A route without a rule here fails the test,
//! so a new endpoint cannot ship unexamined.
//!
//! The callers: nobody (no cookie), the visitor of the fixture's conversation (their
//! widget token, no cookie), an administrator of *another* account, an agent of this
//! account who is not a member of the fixture's inbox, an agent who is, and an
//! administrator of this account. "Hidden" means the call succeeds but its answer holds
//! nothing of the fixture (its marker, and for the other account nothing of this one).
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

use crate::helpers::*;
use crate::on_both_backends;
use app::agents::profile::ProfileView;
use app::contacts::model::FirstMessage;
use app::domain::attachment::UploadedFile;
use app::domain::contact::ContactInput;
use app::domain::email_inbox::{EmailSettingsInput, Security, ServerSettings};
use app::domain::whatsapp::WhatsAppSettingsInput;
use app::widget::WidgetSent;

mod account_rules;
mod attribute_rules;
mod automation_rules;
mod bot_rules;
mod chatwoot_rules;
mod client_api_rules;
mod device_rules;
mod filter_rules;
mod macro_rules;
mod note_rules;
mod offline_rules;
mod page_call_rules;
mod report_rules;
mod stalled;
mod team_rules;
use chatwoot_rules::api_rules;
use client_api_rules::{api_fixture, client_api_rules};

on_both_backends!(every_route_answers_each_caller_as_it_should);

/// Written into everything the fixture's conversation holds, so a leak shows.
const MARKER: &str = "Marcadorzq";
const OTHER_ADMIN: &str = "eva@otra-cuenta.example";
/// What the fixture's visitor wrote first.
const VISITOR_SAID: &str = "Hola, soy";
const FORGED: &str = "forged-visitor-token-0000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Visitor,
    OtherAccount,
    Outsider,
    Agent,
    Admin,
}

const CALLERS: [Caller; 6] = [
    Caller::Anonymous,
    Caller::Visitor,
    Caller::OtherAccount,
    Caller::Outsider,
    Caller::Agent,
    Caller::Admin,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// 2xx (or 101 for a socket).
    Ok,
    /// 2xx, and nothing of the fixture in the answer.
    Hidden,
    /// Exactly this status.
    Status(u16),
    /// A page about something the caller may not see: "not found", or a page that
    /// holds nothing of it (the status of a streamed page is sent before its data
    /// resolves, so either may come).
    Concealed,
    /// 2xx, and this text (of the fixture) not in the answer.
    Without(&'static str),
}

use Expect::{Concealed, Hidden, Ok as Allowed, Status, Without};
const UNAUTHORIZED: Expect = Status(401);
const FORBIDDEN: Expect = Status(403);
const NOT_FOUND: Expect = Status(404);
const INVALID: Expect = Status(422);

/// What a caller sends.
enum Req {
    /// A JSON-encoded server function (`/api/<endpoint>`).
    Json(Value),
    /// A form-encoded server function.
    Form(Vec<(&'static str, String)>),
    Get(String),
    Post(String, Vec<u8>),
    /// A WebSocket handshake (GET with upgrade).
    Socket(String),
    /// Any method, with a JSON body if given.
    Other(reqwest::Method, String, Option<Value>),
}

struct Rule {
    /// As the route is registered: `/api/…` for server functions, the axum path for
    /// plain routes, Leptos's path for pages.
    route: &'static str,
    build: fn(&Fixture, Caller) -> Req,
    /// For [`CALLERS`], in order.
    expect: [Expect; 6],
}

/// An agent-only endpoint about the fixture's conversation or inbox.
const CONVERSATION: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    NOT_FOUND,
    NOT_FOUND,
    Allowed,
    Allowed,
];
/// An administrator-only endpoint about something of this account.
const ADMIN_ONLY: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    NOT_FOUND,
    FORBIDDEN,
    FORBIDDEN,
    Allowed,
];
/// Administrators, about their own account (another account's sees its own).
const OWN_ADMIN: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    Hidden,
    FORBIDDEN,
    FORBIDDEN,
    Allowed,
];
/// Anything signed in may call it, about their own agent or account.
const SIGNED_IN: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    Hidden,
    Allowed,
    Allowed,
    Allowed,
];
/// Account-wide data that inbox membership does not narrow (contacts, canned replies).
const ACCOUNT_WIDE: [Expect; 6] = SIGNED_IN;
/// Account data narrowed by inbox membership.
const BY_MEMBERSHIP: [Expect; 6] = [UNAUTHORIZED, UNAUTHORIZED, Hidden, Hidden, Allowed, Allowed];
/// Public: everyone gets the same.
const PUBLIC: [Expect; 6] = [Allowed; 6];
/// The Chatwoot API (`/api/v1/accounts/{this account}/…`): another account's agent is
/// refused (401) before anything is read.
const API_ACCOUNT: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    UNAUTHORIZED,
    Allowed,
    Allowed,
    Allowed,
];
/// The API's lists narrowed by inbox membership.
const API_MEMBERSHIP: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    UNAUTHORIZED,
    Hidden,
    Allowed,
    Allowed,
];
/// The API about the fixture's conversation or inbox.
const API_CONVERSATION: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    UNAUTHORIZED,
    NOT_FOUND,
    Allowed,
    Allowed,
];
/// The API's administrator-only changes.
const API_ADMIN: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    UNAUTHORIZED,
    FORBIDDEN,
    FORBIDDEN,
    Allowed,
];
/// What the API refuses to everyone signed in (deleting messages).
const API_REFUSED: [Expect; 6] = [
    UNAUTHORIZED,
    UNAUTHORIZED,
    UNAUTHORIZED,
    Status(405),
    Status(405),
    Status(405),
];
/// A signed-in page: everyone else is sent to sign in.
const PAGE: [Expect; 6] = [Status(303), Status(303), Allowed, Allowed, Allowed, Allowed];

struct Fixture {
    app: TestApp,
    cookies: [Option<String>; 6],
    inbox: i64,
    inbox_token: String,
    whatsapp_inbox: i64,
    email_inbox: i64,
    visitor: String,
    conversation: i64,
    /// A message the agent sent in the conversation.
    message: i64,
    contact: i64,
    /// A file the agent sent in the conversation.
    file: i64,
    /// Not yet sent: the agent's and the visitor's.
    pending: i64,
    visitor_pending: i64,
    canned: i64,
    label: i64,
    /// A contact attribute.
    attribute: i64,
    /// A saved folder of this account's administrator.
    folder: i64,
    /// A custom filter (`/custom_filters`) of Lucía's (the inbox's member).
    custom_filter: i64,
    /// A notification of Lucía's, about the conversation.
    notification: i64,
    /// Two notes of the administrator's on the contact: one read, one deleted.
    note: i64,
    spare_note: i64,
    team: i64,
    deletable_contact: i64,
    spare_agent: i64,
    /// The account, and the conversation's number in it (the Chatwoot API's ids).
    account: i64,
    number: i64,
    /// An API inbox (id, Client API identifier), a contact of it (its identifier) and
    /// her conversation's number.
    api_inbox_id: i64,
    api_inbox: String,
    api_contact: String,
    api_number: i64,
}

impl Fixture {
    fn cookie(&self, caller: Caller) -> Option<&str> {
        self.cookies[CALLERS.iter().position(|c| *c == caller).unwrap()].as_deref()
    }

    /// The visitor token a caller holds: the real one only for the visitor.
    fn visitor_token(&self, caller: Caller) -> &str {
        if caller == Caller::Visitor {
            &self.visitor
        } else {
            FORGED
        }
    }

    fn widget_query(&self, caller: Caller) -> String {
        format!(
            "token={}&visitor={}",
            self.inbox_token,
            self.visitor_token(caller)
        )
    }

    /// What must not appear in an answer marked hidden.
    fn secrets(&self, caller: Caller) -> Vec<&'static str> {
        if caller == Caller::OtherAccount {
            vec![MARKER, "charla.local", "Lucía"]
        } else {
            vec![MARKER]
        }
    }
}

fn tag(caller: Caller) -> String {
    format!("{caller:?}").to_lowercase()
}

fn rules() -> Vec<Rule> {
    let mut rules = api_rules();
    rules.extend(client_api_rules());
    rules.extend(device_rules::device_rules());
    rules.extend(bot_rules::bot_rules());
    rules.extend(report_rules::report_rules());
    rules.extend(filter_rules::filter_rules());
    rules.extend(note_rules::note_rules());
    rules.extend(offline_rules::offline_rules());
    rules.extend(page_call_rules::page_call_rules());
    rules.extend(automation_rules::automation_rules());
    rules.extend(macro_rules::macro_rules());
    rules.extend(team_rules::team_rules());
    rules.extend(attribute_rules::attribute_rules());
    rules.extend(account_rules::account_rules());
    rules.extend(vec![
        // --- the visitor's widget -------------------------------------------------
        Rule {
            route: "/api/widget/open",
            build: |f, c| Req::Json(json!({"token": f.inbox_token, "visitor": f.visitor_token(c)})),
            // Anyone may open the widget (its inbox's public name and colours); only the
            // visitor gets their conversation back.
            expect: [
                Without(VISITOR_SAID),
                Allowed,
                Without(VISITOR_SAID),
                Without(VISITOR_SAID),
                Without(VISITOR_SAID),
                Without(VISITOR_SAID),
            ],
        },
        Rule {
            route: "/api/widget/send",
            build: |f, c| {
                Req::Json(
                    json!({"token": f.inbox_token, "visitor": f.visitor_token(c), "body": "otra pregunta", "name": null, "email": null}),
                )
            },
            // An unknown visitor token is a new visitor with a conversation of their
            // own: it never reaches the fixture's.
            expect: [Hidden, Allowed, Hidden, Hidden, Hidden, Hidden],
        },
        Rule {
            route: "/api/widget/rate",
            build: |f, c| {
                Req::Json(
                    json!({"token": f.inbox_token, "visitor": f.visitor_token(c), "message_id": f.message, "rating": 5}),
                )
            },
            // The fixture's message is no survey: nobody finds one to answer.
            expect: [NOT_FOUND; 6],
        },
        Rule {
            route: "/api/widget/triggered",
            build: |f, c| Req::Json(json!({"token": f.inbox_token, "visitor": f.visitor_token(c)})),
            // Anyone with the page's widget may say it opened; the answer is empty, and
            // only webhooks the administrators chose hear of it.
            expect: PUBLIC,
        },
        Rule {
            route: "/api/survey/get",
            build: |_, _| Req::Json(json!({"token": "no-such-survey"})),
            expect: [NOT_FOUND; 6],
        },
        Rule {
            route: "/api/survey/answer",
            build: |_, _| Req::Json(json!({"token": "no-such-survey", "rating": 5})),
            expect: [NOT_FOUND; 6],
        },
        Rule {
            route: "/survey/{token}",
            build: |_, _| Req::Get("/survey/no-such-survey".into()),
            // The page loads its survey in the browser (`survey/get` says 404).
            expect: PUBLIC,
        },
        Rule {
            route: "/api/widget/live",
            build: |f, c| Req::Socket(format!("/api/widget/live?{}", f.widget_query(c))),
            expect: [
                UNAUTHORIZED,
                Allowed,
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
            ],
        },
        Rule {
            route: "/api/widget/uploads",
            build: |f, c| {
                Req::Post(
                    format!("/api/widget/uploads?{}&name=nota.txt", f.widget_query(c)),
                    b"hola".to_vec(),
                )
            },
            expect: [
                UNAUTHORIZED,
                Allowed,
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
            ],
        },
        Rule {
            route: "/api/widget/uploads/{id}/discard",
            build: |f, c| {
                Req::Post(
                    format!(
                        "/api/widget/uploads/{}/discard?{}",
                        f.visitor_pending,
                        f.widget_query(c)
                    ),
                    Vec::new(),
                )
            },
            expect: [
                UNAUTHORIZED,
                Allowed,
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
            ],
        },
        Rule {
            route: "/api/widget/attachments/{id}",
            build: |f, c| {
                Req::Get(format!(
                    "/api/widget/attachments/{}?{}",
                    f.file,
                    f.widget_query(c)
                ))
            },
            expect: [
                UNAUTHORIZED,
                Allowed,
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
                UNAUTHORIZED,
            ],
        },
        Rule {
            route: "/widget.js",
            build: |_, _| Req::Get("/widget.js".into()),
            expect: PUBLIC,
        },
        Rule {
            route: "/packs/js/sdk.js",
            build: |_, _| Req::Get("/packs/js/sdk.js".into()),
            expect: PUBLIC,
        },
        Rule {
            route: "/widget/{token}",
            build: |f, _| Req::Get(format!("/widget/{}", f.inbox_token)),
            expect: PUBLIC,
        },
        // --- conversations ----------------------------------------------------------
        Rule {
            route: "/api/conversations/list",
            build: |_, _| Req::Json(json!({"tab": "all", "status": "open", "after": null})),
            expect: BY_MEMBERSHIP,
        },
        Rule {
            route: "/api/conversations/counts",
            build: |_, _| Req::Json(json!({"status": "open"})),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/conversations/get",
            build: |f, _| Req::Json(json!({"id": f.conversation})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/messages",
            build: |f, _| Req::Json(json!({"id": f.conversation, "before": null})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/send",
            build: |f, c| {
                Req::Json(
                    json!({"conversation_id": f.conversation, "body": format!("nota de {}", tag(c)), "private": true, "idempotency_key": null, "mentions": []}),
                )
            },
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/send_template",
            build: |f, _| {
                Req::Json(
                    json!({"conversation_id": f.conversation, "template_id": 1, "params": [], "idempotency_key": null}),
                )
            },
            // A web chat has no templates: members are told so, others learn nothing.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                NOT_FOUND,
                INVALID,
                INVALID,
            ],
        },
        Rule {
            route: "/api/conversations/retry",
            build: |f, _| {
                Req::Json(json!({"conversation_id": f.conversation, "message_id": f.message}))
            },
            // Retrying a message that did not fail changes nothing.
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/assign",
            build: |f, _| Req::Json(json!({"id": f.conversation, "assignee_id": null})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/status",
            build: |f, _| {
                Req::Json(json!({"id": f.conversation, "status": "open", "snoozed_until": null}))
            },
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/priority",
            build: |f, _| Req::Json(json!({"id": f.conversation, "priority": "high"})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/mute",
            // Unmuting a conversation that is not muted changes nothing.
            build: |f, _| Req::Json(json!({"id": f.conversation, "muted": false})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/labels",
            build: |f, _| Req::Json(json!({"id": f.conversation, "label_ids": [f.label]})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/bulk",
            build: |f, _| {
                Req::Json(
                    json!({"ids": [f.conversation], "action": {"kind": "set_priority", "priority": "high"}}),
                )
            },
            // Others get an answer that refuses the conversation without naming it.
            expect: BY_MEMBERSHIP,
        },
        Rule {
            route: "/api/conversations/team",
            build: |f, _| Req::Json(json!({"id": f.conversation, "team_id": f.team})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/folders/list",
            build: |_, _| Req::Json(json!({})),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/folders/counts",
            build: |_, _| Req::Json(json!({})),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/folders/save",
            build: |_, c| {
                Req::Json(
                    json!({"name": format!("carpeta {}", tag(c)), "tab": "mine", "status": "open", "filter": {}}),
                )
            },
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/folders/remove",
            build: |f, _| Req::Json(json!({"id": f.folder})),
            // A folder is its owner's alone (here the administrator's).
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                NOT_FOUND,
                NOT_FOUND,
                Allowed,
            ],
        },
        Rule {
            route: "/api/conversations/read",
            build: |f, _| Req::Json(json!({"id": f.conversation, "read": true})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/conversations/teammates",
            build: |f, _| Req::Json(json!({"id": f.conversation})),
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/live",
            build: |_, _| Req::Socket("/api/live".into()),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Allowed,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/api/uploads",
            build: |f, _| {
                Req::Post(
                    format!(
                        "/api/uploads?conversation_id={}&name=nota.txt",
                        f.conversation
                    ),
                    b"hola".to_vec(),
                )
            },
            expect: CONVERSATION,
        },
        Rule {
            route: "/api/uploads/{id}/discard",
            build: |f, _| Req::Post(format!("/api/uploads/{}/discard", f.pending), Vec::new()),
            // Only whoever uploaded it (the agent) may discard it; the administrator
            // is refused like everyone else (and, after the agent, it is gone).
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                NOT_FOUND,
                Allowed,
                NOT_FOUND,
            ],
        },
        Rule {
            route: "/api/attachments/{id}",
            build: |f, _| Req::Get(format!("/api/attachments/{}", f.file)),
            expect: CONVERSATION,
        },
        // --- search -----------------------------------------------------------------
        Rule {
            route: "/api/search/messages",
            build: |_, _| Req::Json(json!({"query": {"text": MARKER}, "before": null})),
            expect: BY_MEMBERSHIP,
        },
        Rule {
            route: "/api/search/quick",
            // Contacts are the account's (the marker is in the fixture's contact too);
            // the messages' visibility is the rule above.
            build: |_, _| Req::Json(json!({"text": MARKER})),
            expect: ACCOUNT_WIDE,
        },
        Rule {
            route: "/search",
            build: |_, _| Req::Get("/search".into()),
            expect: PAGE,
        },
        // --- contacts ---------------------------------------------------------------
        Rule {
            route: "/api/contacts/list",
            build: |_, _| Req::Json(json!({"query": "", "sort": "name", "after": null})),
            expect: ACCOUNT_WIDE,
        },
        Rule {
            route: "/api/contacts/get",
            build: |f, _| Req::Json(json!({"id": f.contact})),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/api/contacts/save",
            build: |f, _| {
                let input = ContactInput {
                    name: format!("Visitante {MARKER}"),
                    email: "visitante@example.com".into(),
                    phone: String::new(),
                    company: String::new(),
                };
                Req::Json(json!({"id": f.contact, "input": input}))
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/api/contacts/history",
            build: |f, _| Req::Json(json!({"id": f.contact, "after": null})),
            // The contact is the account's; its conversations only where one may look.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                Hidden,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/api/contacts/start_options",
            build: |f, _| Req::Json(json!({"id": f.contact})),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/api/contacts/start",
            build: |f, _| {
                let first = FirstMessage::Email {
                    subject: "Hola".into(),
                    body: "Hola".into(),
                };
                Req::Json(
                    json!({"contact_id": f.contact, "inbox_id": f.email_inbox, "to": "visitante@example.com", "first": first}),
                )
            },
            // Only through an inbox the caller works in (Lucía is not in the email one);
            // a mail that cannot go yet waits in the outbox.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                NOT_FOUND,
                NOT_FOUND,
                Allowed,
            ],
        },
        Rule {
            route: "/api/contacts/delete",
            build: |f, _| {
                Req::Json(
                    json!({"id": f.deletable_contact, "confirmation": format!("Borrable {MARKER}")}),
                )
            },
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/contacts/merge_claimed",
            // The fixture's visitor has an email by now (contacts/save): nothing to merge
            // for anyone of the account; another account cannot even find her.
            build: |f, _| Req::Json(json!({"id": f.contact})),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                INVALID,
                INVALID,
                INVALID,
            ],
        },
        Rule {
            route: "/api/contacts/export.csv",
            build: |_, _| Req::Get("/api/contacts/export.csv".into()),
            expect: ACCOUNT_WIDE,
        },
        // --- reports (administrators; another account's reads its own) ---------------
        Rule {
            route: "/api/reports/get",
            build: |_, _| {
                Req::Json(
                    json!({"query": {"period": {"Last": 30}, "scope": "Account", "business_hours": false}}),
                )
            },
            expect: OWN_ADMIN,
        },
        Rule {
            route: "/api/reports/time_zone",
            build: |_, _| Req::Json(json!({"time_zone": "UTC"})),
            expect: OWN_ADMIN,
        },
        Rule {
            route: "/api/reports/export.csv",
            build: |_, _| Req::Get("/api/reports/export.csv?kind=conversations&period=7".into()),
            expect: OWN_ADMIN,
        },
        Rule {
            route: "/api/contacts/labels",
            build: |f, _| Req::Json(json!({"id": f.contact, "label_ids": [f.label]})),
            // Contacts are account-wide; another account's caller does not find it.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/api/contacts/import",
            build: |_, c| {
                Req::Post(
                    "/api/contacts/import".into(),
                    format!(
                        "name,email\nImportado {0},importado-{0}@example.net\n",
                        tag(c)
                    )
                    .into_bytes(),
                )
            },
            expect: SIGNED_IN,
        },
        // --- canned responses -------------------------------------------------------
        Rule {
            route: "/api/canned/list",
            build: |_, _| Req::Json(json!({})),
            expect: ACCOUNT_WIDE,
        },
        Rule {
            route: "/api/canned/save",
            build: |_, c| {
                Req::Json(
                    json!({"id": null, "short_code": format!("atajo{}", tag(c)), "content": "Gracias"}),
                )
            },
            // Another account's administrator saves into their own account.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/canned/remove",
            build: |f, _| Req::Json(json!({"id": f.canned})),
            expect: ADMIN_ONLY,
        },
        // --- labels ------------------------------------------------------------------
        Rule {
            route: "/api/labels/list",
            build: |_, _| Req::Json(json!({})),
            expect: ACCOUNT_WIDE,
        },
        Rule {
            route: "/api/labels/save",
            build: |_, c| {
                Req::Json(
                    json!({"id": null, "name": format!("etiqueta-{}", tag(c)), "color": "#2ca02c"}),
                )
            },
            // Another account's administrator saves into their own account.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/labels/remove",
            build: |f, _| Req::Json(json!({"id": f.label})),
            expect: ADMIN_ONLY,
        },
        // --- teams ------------------------------------------------------------------
        Rule {
            route: "/api/teams/list",
            build: |_, _| Req::Json(json!({})),
            expect: ACCOUNT_WIDE,
        },
        Rule {
            route: "/api/teams/save",
            build: |_, c| Req::Json(json!({"id": null, "name": format!("Equipo {}", tag(c))})),
            // Another account's administrator saves into their own account.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/teams/members",
            build: |f, _| Req::Json(json!({"id": f.team, "agent_ids": []})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/teams/remove",
            build: |f, _| Req::Json(json!({"id": f.team})),
            expect: ADMIN_ONLY,
        },
        // --- the team and inboxes (administration) --------------------------------
        Rule {
            route: "/api/team/members",
            build: |_, _| Req::Json(json!({})),
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/team/create_agent",
            build: |_, c| {
                Req::Json(
                    json!({"email": format!("nuevo-{}@example.net", tag(c)), "name": "Nuevo", "role": "agent", "password": "una-clave-larga"}),
                )
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/team/update_agent",
            build: |f, _| Req::Json(json!({"id": f.spare_agent, "role": "agent", "active": true})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/set_capacity",
            build: |f, _| Req::Json(json!({"id": f.spare_agent, "max_open": 3})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/set_member",
            build: |f, _| {
                Req::Json(json!({"inbox_id": f.inbox, "agent_id": f.spare_agent, "member": true}))
            },
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/create_inbox",
            build: |_, c| {
                Req::Json(json!({"name": format!("Nueva {}", tag(c)), "channel": "web_chat"}))
            },
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/api/team/rename_inbox",
            build: |f, _| Req::Json(json!({"id": f.inbox, "name": format!("Bandeja {MARKER}")})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/web_chat_settings",
            build: |f, _| Req::Json(json!({"id": f.inbox})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/save_web_chat",
            build: |f, _| {
                Req::Json(
                    json!({"id": f.inbox, "settings": {"colour": "#1f6feb", "greeting": "Hola", "allowed_origins": []}}),
                )
            },
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/web_chat_identity_secret",
            build: |f, _| Req::Json(json!({"id": f.inbox, "regenerate": false})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/inbox_routing",
            build: |f, _| Req::Json(json!({"id": f.inbox})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/save_inbox_routing",
            build: |f, _| Req::Json(json!({"id": f.inbox, "reopen_resolved": false})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/inbox_assignment",
            build: |f, _| Req::Json(json!({"id": f.inbox})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/save_inbox_assignment",
            build: |f, _| Req::Json(json!({"id": f.inbox, "enabled": false, "limit": 0})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/inbox_business_hours",
            build: |f, _| Req::Json(json!({"id": f.inbox})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/save_inbox_business_hours",
            // Switched off: the fixture's inbox keeps answering as before.
            build: |f, _| {
                Req::Json(json!({"id": f.inbox, "hours": {"enabled": false, "time_zone": "Europe/Madrid",
                    "days": [null, null, null, null, null, null, null], "holidays": [], "out_of_office": ""}}))
            },
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/inbox_csat",
            build: |f, _| Req::Json(json!({"id": f.inbox})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/save_inbox_csat",
            // Switched off: resolving the fixture's conversation sends nothing.
            build: |f, _| Req::Json(json!({"id": f.inbox, "settings": {"enabled": false, "question": ""}})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/whatsapp_settings",
            build: |f, _| Req::Json(json!({"id": f.whatsapp_inbox})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/save_whatsapp",
            build: |f, _| {
                let settings = WhatsAppSettingsInput {
                    phone_number_id: "1234567890".into(),
                    business_account_id: "9876543210".into(),
                    api_base_url: "http://127.0.0.1:9".into(),
                    api_version: "v21.0".into(),
                    access_token: "token".into(),
                    app_secret: "secret".into(),
                    verify_token: "verify".into(),
                };
                Req::Json(json!({"id": f.whatsapp_inbox, "settings": settings}))
            },
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/sync_templates",
            build: |f, _| Req::Json(json!({"id": f.whatsapp_inbox})),
            // Meta is not reachable from here: the administrator is told so.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                FORBIDDEN,
                FORBIDDEN,
                INVALID,
            ],
        },
        Rule {
            route: "/api/team/email_settings",
            build: |f, _| Req::Json(json!({"id": f.email_inbox})),
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/save_email",
            build: |f, _| {
                let server = |port| ServerSettings {
                    host: "127.0.0.1".into(),
                    port,
                    security: Security::None,
                    user: "soporte".into(),
                };
                let settings = EmailSettingsInput {
                    from_name: "Soporte".into(),
                    from_address: "soporte@example.net".into(),
                    smtp: server(9),
                    smtp_password: "clave".into(),
                    imap: server(9),
                    imap_password: "clave".into(),
                    imap_mailbox: "INBOX".into(),
                    poll_interval_secs: 60,
                };
                Req::Json(json!({"id": f.email_inbox, "settings": settings}))
            },
            expect: ADMIN_ONLY,
        },
        Rule {
            route: "/api/team/test_email",
            build: |f, _| Req::Json(json!({"id": f.email_inbox, "server": "smtp"})),
            // Nothing listens on port 9: the administrator is told the connection failed.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                NOT_FOUND,
                FORBIDDEN,
                FORBIDDEN,
                INVALID,
            ],
        },
        Rule {
            route: "/api/list_team",
            build: |_, _| Req::Form(Vec::new()),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/inboxes",
            build: |_, _| Req::Form(Vec::new()),
            expect: BY_MEMBERSHIP,
        },
        // --- the agent's own things -------------------------------------------------
        Rule {
            route: "/api/session",
            build: |_, _| Req::Form(Vec::new()),
            // Without a session the answer is "none", not an error.
            expect: [Allowed, Allowed, Hidden, Allowed, Allowed, Allowed],
        },
        Rule {
            route: "/api/profile/get",
            build: |_, _| Req::Json(json!({})),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/profile/save",
            build: |_, c| {
                let profile = ProfileView {
                    name: format!("Nombre {}", tag(c)),
                    locale: "es".into(),
                    ..Default::default()
                };
                Req::Json(json!({ "profile": profile }))
            },
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/set_availability",
            build: |_, _| Req::Form(vec![("availability", "online".into())]),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/notifications",
            build: |_, _| Req::Form(Vec::new()),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/notifications_read",
            build: |_, _| Req::Form(Vec::new()),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/notifications/prefs",
            build: |_, _| Req::Form(Vec::new()),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/notifications/prefs/save",
            build: |_, _| {
                Req::Json(
                    json!({ "kinds": [{"kind": "mention", "ways": {"push": true, "email": false, "sound": true}}] }),
                )
            },
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/notifications/push/subscribe",
            // The P-256 base point: a valid browser key; nothing is sent on subscribing.
            build: |_, c| {
                Req::Json(json!({ "subscription": {
                    "endpoint": format!("https://push.example.org/{}", tag(c)),
                    "p256dh": "BGsX0fLhLEJH-Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU",
                    "auth": "AAECAwQFBgcICQoLDA0ODw",
                } }))
            },
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/notifications/push/unsubscribe",
            build: |_, c| {
                Req::Json(json!({ "endpoint": format!("https://push.example.org/{}", tag(c)) }))
            },
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/emoji",
            build: |_, _| Req::Form(vec![("lang", "es".into())]),
            // The same CLDR catalogue for every account: it names people and places
            // ("Santa Lucía") that happen to match the fixture's names, so it is not
            // checked for them.
            expect: [
                UNAUTHORIZED,
                UNAUTHORIZED,
                Allowed,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
        // --- public and machine routes ----------------------------------------------
        Rule {
            route: "/healthz",
            build: |_, _| Req::Get("/healthz".into()),
            expect: PUBLIC,
        },
        Rule {
            route: "/sw.js",
            build: |_, _| Req::Get("/sw.js".into()),
            expect: PUBLIC,
        },
        Rule {
            route: "/webhooks/whatsapp/{inbox_id}",
            build: |f, _| {
                Req::Post(
                    format!("/webhooks/whatsapp/{}", f.whatsapp_inbox),
                    br#"{"entry":[]}"#.to_vec(),
                )
            },
            // Unsigned: refused for everyone, whatever cookie comes with it.
            expect: [UNAUTHORIZED; 6],
        },
        // --- pages --------------------------------------------------------------------
        Rule {
            route: "/login",
            build: |_, _| Req::Get("/login".into()),
            // Signed in, the sign-in page sends you to the inbox.
            expect: [
                Allowed,
                Allowed,
                Status(303),
                Status(303),
                Status(303),
                Status(303),
            ],
        },
        Rule {
            route: "/",
            build: |_, _| Req::Get("/".into()),
            expect: [Status(303), Status(303), Allowed, Allowed, Allowed, Allowed],
        },
        Rule {
            route: "/conversations",
            build: |_, _| Req::Get("/conversations".into()),
            expect: [Status(303), Status(303), Hidden, Hidden, Allowed, Allowed],
        },
        Rule {
            route: "/conversations/{id}",
            build: |f, _| Req::Get(format!("/conversations/{}", f.conversation)),
            expect: [
                Status(303),
                Status(303),
                Concealed,
                Concealed,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/contacts",
            build: |_, _| Req::Get("/contacts".into()),
            expect: [Status(303), Status(303), Hidden, Allowed, Allowed, Allowed],
        },
        Rule {
            route: "/contacts/{id}",
            build: |f, _| Req::Get(format!("/contacts/{}", f.contact)),
            expect: [
                Status(303),
                Status(303),
                Concealed,
                Allowed,
                Allowed,
                Allowed,
            ],
        },
        Rule {
            route: "/settings",
            build: |_, _| Req::Get("/settings".into()),
            expect: PAGE,
        },
        Rule {
            route: "/settings/team",
            build: |_, _| Req::Get("/settings/team".into()),
            // Agents get the page's "administrators only" answer.
            expect: [
                Status(303),
                Status(303),
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/reports",
            build: |_, _| Req::Get("/reports".into()),
            // Agents get the page's "administrators only" answer.
            expect: [
                Status(303),
                Status(303),
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/settings/automation",
            build: |_, _| Req::Get("/settings/automation".into()),
            // Agents get the page's "administrators only" answer.
            expect: [
                Status(303),
                Status(303),
                Hidden,
                FORBIDDEN,
                FORBIDDEN,
                Allowed,
            ],
        },
        Rule {
            route: "/settings/profile",
            build: |_, _| Req::Get("/settings/profile".into()),
            expect: PAGE,
        },
        // Last: these change the caller's own session or password.
        Rule {
            route: "/api/profile/password",
            build: |_, _| Req::Json(json!({"current": PASSWORD, "new": PASSWORD})),
            expect: SIGNED_IN,
        },
        Rule {
            route: "/api/login",
            build: |_, _| {
                Req::Form(vec![
                    ("email", "repuesto@charla.local".into()),
                    ("password", "una-clave-larga".into()),
                ])
            },
            // Signing in rotates the session: the caller's own cookie is ended.
            expect: PUBLIC,
        },
        Rule {
            route: "/api/logout",
            build: |_, _| Req::Form(Vec::new()),
            // Signing out without a session is harmless and answered alike.
            expect: PUBLIC,
        },
    ]);
    rules
}

async fn created_inbox(app: &TestApp, admin: &str, name: &str, channel: &str) -> i64 {
    app.ok(
        admin,
        "team/create_inbox",
        json!({"name": name, "channel": channel}),
    )
    .await
}

async fn fixture(app: TestApp) -> Fixture {
    let admin = app.sign_in(ADMIN).await.cookie;
    let lucia = app.sign_in(LUCIA).await.cookie;
    let marcos = app.sign_in(MARCOS).await.cookie;

    // An inbox only Lucía (and administrators) can see, and a visitor writing into it.
    let inbox = created_inbox(&app, &admin, &format!("Bandeja {MARKER}"), "web_chat").await;
    let lucia_id = app.agent_id(LUCIA).await;
    let _: () = app
        .ok(
            &admin,
            "team/set_member",
            json!({"inbox_id": inbox, "agent_id": lucia_id, "member": true}),
        )
        .await;
    let whatsapp_inbox = created_inbox(&app, &admin, "WhatsApp authz", "whatsapp").await;
    let email_inbox = created_inbox(&app, &admin, "Correo authz", "email").await;
    let (api_inbox_id, api_inbox, api_contact, api_number) = api_fixture(&app, &admin).await;
    let inbox_token: String = sqlx::query_scalar("SELECT web_token FROM inboxes WHERE id = $1")
        .bind(inbox)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let sent: WidgetSent = app
        .ok(
            "",
            "widget/send",
            json!({"token": inbox_token, "visitor": null, "body": format!("{VISITOR_SAID} {MARKER}"), "name": format!("Visitante {MARKER}"), "email": "visitante@example.com"}),
        )
        .await;
    let visitor = sent.visitor;
    let conversation = app.conversation_of_message(sent.message.id).await;
    let contact: i64 = sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(conversation)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();

    // Lucía answers with a file; she and the visitor each leave one upload unsent.
    let upload = |path: String, cookie: Option<String>| {
        let app = &app;
        async move {
            let mut req = client().post(app.url(&path)).body(b"%PDF-1.4\n".to_vec());
            if let Some(cookie) = cookie {
                req = req.header("cookie", cookie);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::CREATED, "{path}");
            res.json::<UploadedFile>().await.unwrap().id
        }
    };
    let agent_upload = format!("/api/uploads?conversation_id={conversation}&name=factura.pdf");
    let upload_id = upload(agent_upload.clone(), Some(lucia.clone())).await;
    let reply: app::conversations::model::MessageView = app
        .ok(
            &lucia,
            "conversations/send",
            json!({"conversation_id": conversation, "body": format!("Respuesta {MARKER}"), "private": false, "idempotency_key": null, "mentions": [], "attachments": [upload_id]}),
        )
        .await;
    // Sending turns the pending upload into the message's attachment (a new row).
    let file = reply.attachments[0].id;
    let pending = upload(agent_upload, Some(lucia.clone())).await;
    let visitor_pending = upload(
        format!("/api/widget/uploads?token={inbox_token}&visitor={visitor}&name=foto.pdf"),
        None,
    )
    .await;

    let canned: app::domain::canned::CannedResponse = app
        .ok(
            &admin,
            "canned/save",
            json!({"id": null, "short_code": "marcador", "content": format!("Texto {MARKER}")}),
        )
        .await;
    let label: app::labels::Label = app
        .ok(
            &admin,
            "labels/save",
            json!({"id": null, "name": "marcador", "description": format!("Etiqueta {MARKER}"), "color": "#1f77b4"}),
        )
        .await;
    let attribute: app::attributes::AttributeDefinition = app
        .ok(
            &admin,
            "attributes/save",
            json!({"id": null, "model": "contact", "key": "marcador", "display_name": "Marcador",
                "display_type": "text", "description": format!("Atributo {MARKER}")}),
        )
        .await;
    let team: app::teams::Team = app
        .ok(
            &admin,
            "teams/save",
            json!({"id": null, "name": "Equipo marcador", "description": format!("Equipo {MARKER}")}),
        )
        .await;
    let folder: app::conversations::model::SavedFolder = app
        .ok(
            &admin,
            "folders/save",
            json!({"name": "marcador", "tab": "all", "status": "open", "filter": {"label_id": label.id}}),
        )
        .await;
    let custom_filter: i64 = sqlx::query_scalar(
        "INSERT INTO custom_filters (account_id, agent_id, name, filter_type, query, created_at, updated_at) \
         SELECT account_id, id, 'marcador', 'conversation', '{\"payload\": []}', 0, 0 FROM agents \
         WHERE email = $1 RETURNING id",
    )
    .bind(LUCIA)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let notification: i64 = sqlx::query_scalar(
        "INSERT INTO notifications (account_id, agent_id, kind, conversation_id, created_at) \
         SELECT account_id, id, 'assigned', $2, 0 FROM agents WHERE email = $1 RETURNING id",
    )
    .bind(LUCIA)
    .bind(conversation)
    .fetch_one(&app.state.db.pool)
    .await
    .unwrap();
    let mut notes = Vec::new();
    for body in ["Nota marcador", "Nota de repuesto"] {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO contact_notes (account_id, contact_id, agent_id, body, created_at, updated_at) \
             SELECT account_id, $2, id, $3, 0, 0 FROM agents WHERE email = $1 RETURNING id",
        )
        .bind(ADMIN)
        .bind(contact)
        .bind(body)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        notes.push(id);
    }
    let deletable: app::contacts::model::ContactRow = app
        .ok(
            &admin,
            "contacts/save",
            json!({"id": null, "input": ContactInput { name: format!("Borrable {MARKER}"), email: "borrable@example.com".into(), ..Default::default() }}),
        )
        .await;
    let spare: app::agents::AgentProfile = app
        .ok(
            &admin,
            "team/create_agent",
            json!({"email": "repuesto@charla.local", "name": "Repuesto", "role": "agent", "password": "una-clave-larga"}),
        )
        .await;

    // Another account, with its own administrator.
    let other_account: i64 =
        sqlx::query_scalar("INSERT INTO accounts (name, created_at) VALUES ($1, $2) RETURNING id")
            .bind("Otra cuenta")
            .bind(app::db::now_ms())
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let installer = app::agents::AgentProfile {
        id: 0,
        account_id: other_account,
        email: String::new(),
        name: String::new(),
        display_name: None,
        role: app::domain::Role::Administrator,
        availability: app::domain::Availability::Offline,
    };
    app::agents::ssr::manage::create_agent(
        &app.state.db,
        &installer,
        OTHER_ADMIN,
        "Eva Otra",
        app::domain::Role::Administrator,
        PASSWORD,
    )
    .await
    .unwrap();
    let other = app.sign_in(OTHER_ADMIN).await.cookie;

    let (account, number): (i64, i64) =
        sqlx::query_as("SELECT account_id, display_id FROM conversations WHERE id = $1")
            .bind(conversation)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    Fixture {
        cookies: [
            None,
            None,
            Some(other),
            Some(marcos),
            Some(lucia),
            Some(admin),
        ],
        inbox,
        inbox_token,
        whatsapp_inbox,
        email_inbox,
        visitor,
        conversation,
        message: reply.id,
        contact,
        file,
        pending,
        visitor_pending,
        canned: canned.id,
        label: label.id,
        attribute: attribute.id,
        folder: folder.id,
        custom_filter,
        notification,
        note: notes[0],
        spare_note: notes[1],
        team: team.id,
        deletable_contact: deletable.id,
        spare_agent: spare.id,
        account,
        number,
        app,
        api_inbox_id,
        api_inbox,
        api_contact,
        api_number,
    }
}

/// Sends a caller's request; the status and body of the answer.
/// A call that fails to get an answer is the matrix's failure, told by route and caller.
async fn send(f: &Fixture, route: &str, caller: Caller, req: Req) -> Result<(u16, String), String> {
    let cookie = f.cookie(caller);
    let request = match req {
        Req::Socket(path) => {
            use tokio_tungstenite::tungstenite::client::IntoClientRequest;
            let mut request = format!("ws://{}{path}", f.app.addr)
                .into_client_request()
                .unwrap();
            if let Some(cookie) = cookie {
                request
                    .headers_mut()
                    .insert("cookie", cookie.parse().unwrap());
            }
            return match tokio_tungstenite::connect_async(request).await {
                Ok(_) => Ok((101, String::new())),
                Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Ok((
                    res.status().as_u16(),
                    String::from_utf8_lossy(res.body().as_deref().unwrap_or_default()).into(),
                )),
                Err(err) => Err(format!("{route}: {err}")),
            };
        }
        Req::Json(body) => client().post(f.app.url(route)).json(&body),
        Req::Form(form) => client().post(f.app.url(route)).form(&form),
        Req::Get(path) => client().get(f.app.url(&path)),
        Req::Post(path, body) => client().post(f.app.url(&path)).body(body),
        Req::Other(method, path, body) => {
            let request = client().request(method, f.app.url(&path));
            match body {
                Some(body) => request.json(&body),
                None => request,
            }
        }
    };
    let request = match cookie {
        Some(cookie) => request.header("cookie", cookie),
        None => request,
    };
    let res = request
        .send()
        .await
        .map_err(|err| format!("{route}: {err:?}"))?;
    Ok((res.status().as_u16(), res.text().await.unwrap_or_default()))
}

fn meets(expect: Expect, status: u16, body: &str, secrets: &[&str]) -> Result<(), String> {
    let success = (200..300).contains(&status) || status == 101;
    match expect {
        Expect::Ok if success => Ok(()),
        Expect::Concealed if status == 404 => Ok(()),
        Expect::Hidden | Expect::Concealed if success => {
            match secrets.iter().find(|s| body.contains(*s)) {
                Some(leak) => Err(format!("{status}, but the answer holds {leak:?}")),
                None => Ok(()),
            }
        }
        Expect::Without(text) if success => match body.contains(text) {
            true => Err(format!("{status}, but the answer holds {text:?}")),
            false => Ok(()),
        },
        Expect::Status(want) if want == status => Ok(()),
        _ => Err(format!("{status}")),
    }
}

async fn every_route_answers_each_caller_as_it_should(app: TestApp) -> Result<(), Failure> {
    let f = fixture(app).await;
    let rules = rules();

    // Every route has exactly one rule, and every rule a route.
    let mut routes: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    routes.extend(server::plain_route_paths());
    routes.extend(server::page_routes().iter().map(|r| r.path().to_owned()));
    let ruled: BTreeSet<String> = rules.iter().map(|r| r.route.to_owned()).collect();
    if ruled.len() != rules.len() {
        return Err(Failure("a route has two rules".into()));
    }
    let unruled: Vec<&String> = routes.difference(&ruled).collect();
    if !unruled.is_empty() {
        return Err(Failure(format!(
            "routes without an authorisation rule: {unruled:?}"
        )));
    }
    let stale: Vec<&String> = ruled.difference(&routes).collect();
    if !stale.is_empty() {
        return Err(Failure(format!(
            "rules for routes that do not exist: {stale:?}"
        )));
    }

    let mut failures = Vec::new();
    let mut calls = 0;
    for rule in &rules {
        for (caller, expect) in CALLERS.iter().zip(rule.expect) {
            // A guard, not a timing check: a call that never answers (seen once under a
            // loaded machine's full suite) fails naming its route instead of hanging.
            let call = send(&f, rule.route, *caller, (rule.build)(&f, *caller));
            calls += 1;
            let (status, body) =
                match tokio::time::timeout(std::time::Duration::from_secs(120), call).await {
                    Ok(Ok(answer)) => answer,
                    Ok(Err(err)) => {
                        failures.push(format!("{} as {caller:?}: no answer: {err}", rule.route));
                        continue;
                    }
                    // A server that stopped answering would make every later call wait
                    // as long: the matrix ends here, with what it found so far.
                    Err(_) => {
                        let activity = stalled::database_activity(f.app.state.db.url()).await;
                        failures.push(format!(
                            "{} as {caller:?}: no answer in 120 s{activity}",
                            rule.route
                        ));
                        return Err(Failure(format!(
                            "the matrix stopped after {calls} calls:\n{}",
                            failures.join("\n")
                        )));
                    }
                };
            if let Err(got) = meets(expect, status, &body, &f.secrets(*caller)) {
                let body: String = body.chars().take(160).collect();
                failures.push(format!(
                    "{} as {caller:?}: expected {expect:?}, got {got} ({body})",
                    rule.route
                ));
            }
        }
    }
    println!(
        "authorisation matrix: {} routes × {} callers = {calls} calls",
        rules.len(),
        CALLERS.len()
    );
    if failures.is_empty() {
        return Ok(());
    }
    Err(Failure(format!(
        "{} of {calls} calls answered wrongly:\n{}",
        failures.len(),
        failures.join("\n")
    )))
}
