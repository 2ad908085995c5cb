//! Chatwoot's Application API v1 (`/api/v1/…`, `api_access_token` header): thin
//! handlers over `app::chatwoot::ssr`, which calls the dashboard's own services.
mod account;
mod agents;
mod attributes;
mod automation;
mod bots;
pub(crate) mod caller;
mod contacts;
mod conversations;
mod custom_filters;
mod devise;
mod error;
mod macros;
mod members;
mod multipart;
mod notes;
mod notifications;
mod openapi;
mod public;
mod reports;
mod search;
mod webhooks;

use axum::routing::{get, patch, post, MethodRouter};

use app::state::AppState;

const ACCOUNT: &str = "/api/v1/accounts/{account_id}";

/// Every route of the API, for the router and the authorisation test.
pub fn routes() -> Vec<(String, MethodRouter<AppState>)> {
    let at = |path: &str| format!("{ACCOUNT}{path}");
    vec![
        ("/api/v1/openapi.json".to_owned(), get(openapi::document)),
        // devise_token_auth's routes, as Chatwoot mounts them (its mobile app signs in here).
        ("/auth/sign_in".to_owned(), post(devise::sign_in)),
        (
            "/auth/validate_token".to_owned(),
            get(devise::validate_token),
        ),
        (
            "/auth/sign_out".to_owned(),
            axum::routing::delete(devise::sign_out),
        ),
        (
            "/api/v1/profile".to_owned(),
            get(account::profile).put(account::update_profile),
        ),
        // Chatwoot's mobile app: its status switch, and the account it works in.
        (
            "/api/v1/profile/availability".to_owned(),
            post(account::set_availability),
        ),
        (
            "/api/v1/profile/set_active_account".to_owned(),
            axum::routing::put(account::set_active_account).post(account::set_active_account),
        ),
        (
            "/api/v1/notification_settings".to_owned(),
            get(notifications::settings)
                .patch(notifications::update_settings)
                .put(notifications::update_settings),
        ),
        (
            at(""),
            get(account::account)
                .patch(account::update_account)
                .put(account::update_account),
        ),
        (at("/agents"), get(account::agents).post(agents::create)),
        (
            at("/agents/{id}"),
            patch(agents::update)
                .put(agents::update)
                .delete(agents::remove),
        ),
        (
            at("/inboxes"),
            get(account::inboxes).post(account::create_inbox),
        ),
        (
            at("/inboxes/{id}"),
            get(account::inbox)
                .patch(account::update_inbox)
                .put(account::update_inbox),
        ),
        (at("/inbox_members/{id}"), get(account::inbox_members)),
        (
            at("/inbox_members"),
            post(members::add_inbox_members)
                .patch(members::set_inbox_members)
                .delete(members::remove_inbox_members),
        ),
        (at("/teams"), get(account::teams).post(members::create_team)),
        (
            at("/teams/{id}"),
            get(account::team)
                .patch(members::update_team)
                .put(members::update_team)
                .delete(members::delete_team),
        ),
        (
            at("/teams/{id}/team_members"),
            get(account::team_members)
                .post(members::add_team_members)
                .patch(members::set_team_members)
                .delete(members::remove_team_members),
        ),
        (
            at("/labels"),
            get(account::labels).post(account::create_label),
        ),
        (
            at("/labels/{id}"),
            get(account::label)
                .patch(account::update_label)
                .put(account::update_label)
                .delete(account::delete_label),
        ),
        (
            at("/canned_responses"),
            get(account::canned).post(account::create_canned),
        ),
        (
            at("/canned_responses/{id}"),
            patch(account::update_canned)
                .put(account::update_canned)
                .delete(account::delete_canned),
        ),
        (at("/contacts"), get(contacts::list).post(contacts::create)),
        (at("/contacts/search"), get(contacts::search)),
        (at("/contacts/filter"), post(contacts::filter)),
        (
            at("/contacts/{id}"),
            get(contacts::get)
                .put(contacts::update)
                .patch(contacts::update)
                .delete(contacts::delete),
        ),
        (
            at("/contacts/{id}/conversations"),
            get(contacts::conversations),
        ),
        (
            at("/contacts/{id}/contact_inboxes"),
            post(contacts::create_contact_inbox),
        ),
        (
            at("/contacts/{id}/contactable_inboxes"),
            get(contacts::contactable_inboxes),
        ),
        (
            at("/contacts/{id}/labels"),
            get(contacts::labels).post(contacts::set_labels),
        ),
        (
            at("/contacts/{id}/notes"),
            get(notes::list).post(notes::create),
        ),
        (
            at("/contacts/{id}/notes/{note_id}"),
            get(notes::get)
                .patch(notes::update)
                .put(notes::update)
                .delete(notes::delete),
        ),
        (at("/actions/contact_merge"), post(contacts::merge)),
        (
            at("/contacts/{id}/destroy_custom_attributes"),
            post(attributes::destroy_contact_values),
        ),
        (
            at("/custom_attribute_definitions"),
            get(attributes::list).post(attributes::create),
        ),
        (
            at("/custom_attribute_definitions/{id}"),
            get(attributes::get)
                .patch(attributes::update)
                .put(attributes::update)
                .delete(attributes::delete),
        ),
        (at("/search"), get(search::all)),
        (at("/search/contacts"), get(search::contacts)),
        (at("/search/conversations"), get(search::conversations)),
        (at("/search/messages"), get(search::messages)),
        (at("/notifications"), get(notifications::list)),
        (
            at("/notifications/unread_count"),
            get(notifications::unread_count),
        ),
        (at("/notifications/read_all"), post(notifications::read_all)),
        (
            at("/notifications/{id}"),
            patch(notifications::read).delete(notifications::delete),
        ),
        (
            at("/notifications/{id}/unread"),
            post(notifications::unread),
        ),
        (
            at("/custom_filters"),
            get(custom_filters::list).post(custom_filters::create),
        ),
        (
            at("/custom_filters/{id}"),
            get(custom_filters::get)
                .patch(custom_filters::update)
                .put(custom_filters::update)
                .delete(custom_filters::delete),
        ),
        (
            at("/conversations/{id}/custom_attributes"),
            post(attributes::set_conversation_values),
        ),
        (
            at("/conversations/{id}/destroy_custom_attributes"),
            post(attributes::destroy_conversation_values),
        ),
        (
            at("/conversations/{id}/reporting_events"),
            get(attributes::reporting_events),
        ),
        (
            at("/conversations"),
            get(conversations::list).post(conversations::create),
        ),
        (at("/conversations/meta"), get(conversations::meta)),
        (at("/conversations/filter"), post(conversations::filter)),
        (
            at("/conversations/{id}"),
            get(conversations::get)
                .patch(conversations::update)
                .delete(conversations::delete),
        ),
        (
            at("/conversations/{id}/toggle_status"),
            post(conversations::toggle_status),
        ),
        (at("/conversations/{id}/mute"), post(conversations::mute)),
        (
            at("/conversations/{id}/unmute"),
            post(conversations::unmute),
        ),
        (
            at("/conversations/{id}/toggle_priority"),
            post(conversations::toggle_priority),
        ),
        (
            at("/conversations/{id}/toggle_typing_status"),
            post(conversations::toggle_typing_status),
        ),
        (
            at("/conversations/{id}/update_last_seen"),
            post(conversations::update_last_seen),
        ),
        (
            at("/conversations/{id}/unread"),
            post(conversations::unread),
        ),
        (
            at("/conversations/{id}/assignments"),
            post(conversations::assignments),
        ),
        (
            at("/conversations/{id}/labels"),
            get(conversations::labels).post(conversations::set_labels),
        ),
        (
            at("/conversations/{id}/messages"),
            get(conversations::messages).post(conversations::create_message),
        ),
        (
            at("/conversations/{id}/messages/{message_id}"),
            axum::routing::delete(conversations::delete_message)
                .patch(conversations::delete_message)
                .put(conversations::delete_message),
        ),
        (at("/webhooks"), get(webhooks::list).post(webhooks::create)),
        (
            at("/webhooks/{id}"),
            patch(webhooks::update)
                .put(webhooks::update)
                .delete(webhooks::delete),
        ),
        (
            at("/automation_rules"),
            get(automation::list).post(automation::create),
        ),
        (
            at("/automation_rules/{id}"),
            get(automation::get)
                .patch(automation::update)
                .put(automation::update)
                .delete(automation::delete),
        ),
        (at("/macros"), get(macros::list).post(macros::create)),
        (
            at("/macros/{id}"),
            get(macros::get)
                .patch(macros::update)
                .put(macros::update)
                .delete(macros::delete),
        ),
        (at("/macros/{id}/execute"), post(macros::execute)),
        (at("/agent_bots"), get(bots::list).post(bots::create)),
        (
            at("/agent_bots/{id}"),
            get(bots::get)
                .patch(bots::update)
                .put(bots::update)
                .delete(bots::remove),
        ),
        (
            at("/agent_bots/{id}/reset_access_token"),
            post(bots::reset_token),
        ),
        (at("/inboxes/{id}/set_agent_bot"), post(bots::set_inbox_bot)),
        (at("/inboxes/{id}/agent_bot"), get(bots::inbox_bot)),
        (
            "/api/v2/accounts/{account_id}/reports".to_owned(),
            get(reports::series),
        ),
        (
            "/api/v2/accounts/{account_id}/reports/summary".to_owned(),
            get(reports::summary),
        ),
        (
            "/api/v2/accounts/{account_id}/reports/conversations".to_owned(),
            get(reports::conversations),
        ),
    ]
    .into_iter()
    .chain(public_routes())
    .collect()
}

const PUBLIC: &str = "/public/api/v1/inboxes/{inbox_identifier}";

/// The Client API, callable from any site's pages (no credentials cross).
fn public_routes() -> Vec<(String, MethodRouter<AppState>)> {
    let at = |path: &str| format!("{PUBLIC}{path}");
    let contact = |path: &str| format!("{PUBLIC}/contacts/{{contact_identifier}}{path}");
    let conversation = |path: &str| {
        format!("{PUBLIC}/contacts/{{contact_identifier}}/conversations/{{conversation_id}}{path}")
    };
    let cors = || {
        tower_http::cors::CorsLayer::new()
            .allow_origin(tower_http::cors::Any)
            .allow_methods([
                http::Method::GET,
                http::Method::POST,
                http::Method::PATCH,
                http::Method::PUT,
            ])
            .allow_headers([http::header::CONTENT_TYPE])
            .max_age(std::time::Duration::from_secs(3600))
    };
    vec![
        (at(""), get(public::inbox)),
        (at("/contacts"), post(public::create_contact)),
        (
            contact(""),
            get(public::contact)
                .patch(public::update_contact)
                .put(public::update_contact),
        ),
        (
            contact("/conversations"),
            get(public::conversations).post(public::create_conversation),
        ),
        (contact("/attachments/{id}"), get(public::attachment)),
        (conversation(""), get(public::conversation)),
        (conversation("/toggle_status"), post(public::toggle_status)),
        (conversation("/toggle_typing"), post(public::toggle_typing)),
        (
            conversation("/update_last_seen"),
            post(public::update_last_seen),
        ),
        (
            conversation("/messages"),
            get(public::messages).post(public::create_message),
        ),
        (
            conversation("/messages/{message_id}"),
            patch(public::update_message),
        ),
    ]
    .into_iter()
    .map(|(path, route)| (path, route.layer(cors())))
    .collect()
}
