//! Ajustes for administrators: creating agents and inboxes, membership (followed live
//! by the agent's socket), roles, deactivation (sessions end) and the last-administrator
//! rule; agents are refused every one of these functions.
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::agents::{AgentProfile, TeamMember};
use app::error::AppError;
use app::events::{LiveEvent, ServerFrame};

on_both_backends!(
    agents_are_refused_administration,
    one_active_administrator_always_remains,
    deactivation_ends_sessions_and_sign_in,
    membership_changes_reach_the_socket_at_once,
    the_first_administrator_is_created_without_demo_data,
    canned_responses_are_shared_and_kept_by_administrators,
    a_password_change_needs_the_old_one_and_ends_other_sessions,
    web_chat_settings_are_checked_and_reach_the_widget,
);

async fn error_of(res: reqwest::Response) -> (u16, AppError) {
    let status = res.status().as_u16();
    (
        status,
        serde_json::from_str(&res.text().await.unwrap()).unwrap(),
    )
}

async fn agents_are_refused_administration(app: TestApp) {
    let lucia = app.sign_in(LUCIA).await;
    let me = app.agent_id(LUCIA).await;
    for (endpoint, body) in [
        ("team/members", json!({})),
        (
            "team/create_agent",
            json!({"email": "x@example.com", "name": "X", "role": "administrator", "password": "12345678"}),
        ),
        (
            "team/update_agent",
            json!({"id": me, "role": "administrator", "active": true}),
        ),
        (
            "team/set_member",
            json!({"inbox_id": 3, "agent_id": me, "member": true}),
        ),
        (
            "team/create_inbox",
            json!({"name": "Mía", "channel": "web_chat"}),
        ),
        ("team/rename_inbox", json!({"id": 1, "name": "Mía"})),
    ] {
        let (status, err) =
            error_of(app.call_json(Some(&lucia.cookie), endpoint, body).await).await;
        assert_eq!((status, err), (403, AppError::Forbidden), "{endpoint}");
    }
    let role: String = sqlx::query_scalar("SELECT role FROM agents WHERE id = $1")
        .bind(me)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(role, "agent");
    let res = app.call_json(None, "team/members", json!({})).await;
    assert_eq!(res.status(), 401);
}

async fn one_active_administrator_always_remains(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let admin_id = app.agent_id(ADMIN).await;
    for (role, active, field) in [("agent", true, "role"), ("administrator", false, "active")] {
        let (status, err) = error_of(
            app.call_json(
                Some(&admin.cookie),
                "team/update_agent",
                json!({"id": admin_id, "role": role, "active": active}),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, err),
            (422, AppError::validation(field, "last_administrator"))
        );
    }
    // With a second administrator, the first may step down; then the second may not.
    let second: AgentProfile = app
        .ok(&admin.cookie, "team/create_agent", json!({"email": "Nora@Example.com", "name": "Nora", "role": "administrator", "password": "contraseña-1"}))
        .await;
    assert_eq!(second.email, "nora@example.com");
    let (status, err) = error_of(
        app.call_json(Some(&admin.cookie), "team/create_agent", json!({"email": "nora@example.com", "name": "Otra", "role": "agent", "password": "contraseña-1"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, err),
        (
            409,
            AppError::Conflict {
                field: "email".into()
            }
        )
    );
    let (_, err) = error_of(
        app.call_json(
            Some(&admin.cookie),
            "team/create_agent",
            json!({"email": "b@example.com", "name": "B", "role": "agent", "password": "corta"}),
        )
        .await,
    )
    .await;
    assert_eq!(err, AppError::validation("password", "too_short"));
    let _: () = app
        .ok(
            &admin.cookie,
            "team/update_agent",
            json!({"id": admin_id, "role": "agent", "active": true}),
        )
        .await;
    let nora = app.sign_in_with("nora@example.com", "contraseña-1").await;
    let (_, err) = error_of(
        app.call_json(
            Some(&nora.cookie),
            "team/update_agent",
            json!({"id": second.id, "role": "agent", "active": true}),
        )
        .await,
    )
    .await;
    assert_eq!(err, AppError::validation("role", "last_administrator"));
    // The demoted administrator's next request is an agent's.
    let (status, _) = error_of(
        app.call_json(Some(&admin.cookie), "team/members", json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 403);
}

async fn deactivation_ends_sessions_and_sign_in(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let marcos = app.sign_in(MARCOS).await;
    let marcos_id = app.agent_id(MARCOS).await;
    let assigned_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE assignee_id = $1")
            .bind(marcos_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    let mut socket = app.socket(Some(&marcos.cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));
    let _: () = app
        .ok(
            &admin.cookie,
            "team/update_agent",
            json!({"id": marcos_id, "role": "agent", "active": false}),
        )
        .await;
    // His socket is told, then closed; his session is gone; he cannot sign in again.
    let ServerFrame::Event(envelope) = next_frame(&mut socket).await else {
        panic!("event expected")
    };
    assert!(
        matches!(envelope.event, LiveEvent::AgentChanged { agent_id, active: false, .. } if agent_id == marcos_id)
    );
    use futures::StreamExt;
    let end = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
        .await
        .unwrap();
    assert!(
        matches!(
            end,
            None | Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_))) | Some(Err(_))
        ),
        "{end:?}"
    );
    let res = app
        .call_json(
            Some(&marcos.cookie),
            "conversations/counts",
            json!({"status": "open"}),
        )
        .await;
    assert_eq!(res.status(), 401);
    let res = app
        .call(None, "login", &[("email", MARCOS), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 401);
    // His conversations keep their history and assignee.
    let assigned_after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE assignee_id = $1")
            .bind(marcos_id)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
    assert_eq!(assigned_before, assigned_after);
    let team: Vec<TeamMember> = app.ok(&admin.cookie, "team/members", json!({})).await;
    assert!(team.iter().any(|m| m.profile.id == marcos_id && !m.active));
    // Reactivated, he signs in again.
    let _: () = app
        .ok(
            &admin.cookie,
            "team/update_agent",
            json!({"id": marcos_id, "role": "agent", "active": true}),
        )
        .await;
    app.sign_in(MARCOS).await;
}

async fn membership_changes_reach_the_socket_at_once(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let inbox: i64 = app
        .ok(
            &admin.cookie,
            "team/create_inbox",
            json!({"name": "Soporte VIP", "channel": "web_chat"}),
        )
        .await;
    let (status, err) = error_of(
        app.call_json(
            Some(&admin.cookie),
            "team/create_inbox",
            json!({"name": "  ", "channel": "email"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, err),
        (422, AppError::validation("name", "required"))
    );
    let _: () = app
        .ok(
            &admin.cookie,
            "team/rename_inbox",
            json!({"id": inbox, "name": "VIP"}),
        )
        .await;
    let nora: AgentProfile = app
        .ok(&admin.cookie, "team/create_agent", json!({"email": "nora@example.com", "name": "Nora", "role": "agent", "password": "contraseña-1"}))
        .await;
    let _: () = app
        .ok(
            &admin.cookie,
            "team/set_member",
            json!({"inbox_id": inbox, "agent_id": nora.id, "member": true}),
        )
        .await;
    let nora_session = app.sign_in_with("nora@example.com", "contraseña-1").await;
    let inboxes: Vec<app::inboxes::InboxView> = app
        .call(Some(&nora_session.cookie), "inboxes", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        inboxes.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(),
        ["VIP"]
    );
    let mut socket = app.socket(Some(&nora_session.cookie), None).await.unwrap();
    assert!(matches!(
        next_frame(&mut socket).await,
        ServerFrame::Hello { .. }
    ));

    // A visitor writes to the new inbox: Nora sees it.
    let token: String = sqlx::query_scalar("SELECT web_token FROM inboxes WHERE id = $1")
        .bind(inbox)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let sent: app::widget::WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": null, "body": "Hola VIP", "name": null, "email": null}))
        .await;
    let conversation = app.conversation_of_message(sent.message.id).await;
    let mut saw_message = false;
    while !saw_message {
        if let ServerFrame::Event(e) = next_frame(&mut socket).await {
            saw_message = matches!(e.event, LiveEvent::MessageCreated { .. });
        }
    }
    // Removed: told at once, and nothing of that inbox reaches her any more.
    let _: () = app
        .ok(
            &admin.cookie,
            "team/set_member",
            json!({"inbox_id": inbox, "agent_id": nora.id, "member": false}),
        )
        .await;
    loop {
        let ServerFrame::Event(e) = next_frame(&mut socket).await else {
            panic!("event expected")
        };
        match e.event {
            LiveEvent::MembershipChanged {
                member, inbox_id, ..
            } => {
                assert!(!member && inbox_id == inbox);
                break;
            }
            // The rest of the visitor's message (its conversation's new state).
            LiveEvent::ConversationChanged { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    let _: app::widget::WidgetSent = app
        .ok("", "widget/send", json!({"token": token, "visitor": sent.visitor, "body": "¿Sigue ahí?", "name": null, "email": null}))
        .await;
    assert_silent(&mut socket).await;
    let res = app
        .call_json(
            Some(&nora_session.cookie),
            "conversations/get",
            json!({"id": conversation}),
        )
        .await;
    assert_eq!(res.status(), 404);
}

async fn the_first_administrator_is_created_without_demo_data(app: TestApp) {
    use app::agents::ssr::manage::create_first_admin;
    let db = &app.state.db;
    let err = create_first_admin(db, "Acme", "admin@charla.local", "Otra", "contraseña-1")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::Conflict {
            field: "email".into()
        }
    );
    let err = create_first_admin(db, "Acme", "ana@acme.test", "Ana", "corta")
        .await
        .unwrap_err();
    assert_eq!(err, AppError::validation("password", "too_short"));
    let ana = create_first_admin(db, "Acme", "ana@acme.test", "Ana", "contraseña-1")
        .await
        .unwrap();
    assert!(ana.role.is_admin());
    app.sign_in_with("ana@acme.test", "contraseña-1").await;
}

async fn canned_responses_are_shared_and_kept_by_administrators(app: TestApp) {
    use app::domain::canned::{fill_variables, CannedResponse};
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let body = json!({"id": null, "short_code": "/Gracias", "content": "Gracias, {{contact.name}}. Un saludo, {{agent.name}}."});
    let (status, _) = error_of(
        app.call_json(Some(&lucia.cookie), "canned/save", body.clone())
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let saved: CannedResponse = app.ok(&admin.cookie, "canned/save", body.clone()).await;
    assert_eq!(saved.short_code, "gracias");
    let (status, err) = error_of(
        app.call_json(Some(&admin.cookie), "canned/save", body)
            .await,
    )
    .await;
    assert_eq!(
        (status, err),
        (
            409,
            AppError::Conflict {
                field: "short_code".into()
            }
        )
    );
    let (_, err) = error_of(
        app.call_json(
            Some(&admin.cookie),
            "canned/save",
            json!({"id": null, "short_code": "con espacio", "content": "x"}),
        )
        .await,
    )
    .await;
    assert_eq!(err, AppError::validation("short_code", "invalid"));
    // Every agent reads the list; the composer fills the variables.
    let list: Vec<CannedResponse> = app.ok(&lucia.cookie, "canned/list", json!({})).await;
    assert_eq!(list, vec![saved.clone()]);
    let filled = fill_variables(
        &list[0].content,
        &[
            ("contact.name", "José".to_owned()),
            ("agent.name", "Lucía".to_owned()),
        ],
    );
    assert_eq!(filled, "Gracias, José. Un saludo, Lucía.");
    let (status, _) = error_of(
        app.call_json(
            Some(&lucia.cookie),
            "canned/remove",
            json!({"id": saved.id}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 403);
    let _: () = app
        .ok(&admin.cookie, "canned/remove", json!({"id": saved.id}))
        .await;
    let list: Vec<CannedResponse> = app.ok(&lucia.cookie, "canned/list", json!({})).await;
    assert!(list.is_empty());
}

async fn a_password_change_needs_the_old_one_and_ends_other_sessions(app: TestApp) {
    use app::agents::profile::ProfileView;
    let here = app.sign_in(LUCIA).await;
    let elsewhere = app.sign_in(LUCIA).await;
    let counts = |cookie: String| {
        let app = &app;
        async move {
            app.call_json(
                Some(&cookie),
                "conversations/counts",
                json!({"status": "open"}),
            )
            .await
            .status()
            .as_u16()
        }
    };
    let (status, err) = error_of(
        app.call_json(
            Some(&here.cookie),
            "profile/password",
            json!({"current": "wrong-one", "new": "nueva-clave-1"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, err),
        (422, AppError::validation("current", "invalid"))
    );
    let (_, err) = error_of(
        app.call_json(
            Some(&here.cookie),
            "profile/password",
            json!({"current": PASSWORD, "new": "corta"}),
        )
        .await,
    )
    .await;
    assert_eq!(err, AppError::validation("new", "too_short"));
    assert_eq!(
        counts(elsewhere.cookie.clone()).await,
        200,
        "refusals end nothing"
    );
    let _: () = app
        .ok(
            &here.cookie,
            "profile/password",
            json!({"current": PASSWORD, "new": "nueva-clave-1"}),
        )
        .await;
    assert_eq!(
        counts(here.cookie.clone()).await,
        200,
        "this browser stays signed in"
    );
    assert_eq!(
        counts(elsewhere.cookie.clone()).await,
        401,
        "the other session ended"
    );
    let res = app
        .call(None, "login", &[("email", LUCIA), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status(), 401);
    let fresh = app.sign_in_with(LUCIA, "nueva-clave-1").await;
    // Guessing the current password from a session is throttled like sign-in: past
    // the account's limit even the right one is refused, without being checked.
    let limit = app.state.settings.sign_in.per_account;
    for _ in 0..limit {
        let (status, _) = error_of(
            app.call_json(
                Some(&fresh.cookie),
                "profile/password",
                json!({"current": "adivinanza", "new": "otra-clave-larga"}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422);
    }
    let (status, err) = error_of(
        app.call_json(
            Some(&fresh.cookie),
            "profile/password",
            json!({"current": "nueva-clave-1", "new": "otra-clave-larga"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 429, "{err:?}");

    // The profile: the same rules on the server as in the form.
    let mut profile: ProfileView = app.ok(&here.cookie, "profile/get", json!({})).await;
    assert_eq!(profile.name, "Lucía Fernández");
    profile.avatar_url = "javascript:alert(1)".into();
    let (_, err) = error_of(
        app.call_json(
            Some(&here.cookie),
            "profile/save",
            json!({"profile": profile}),
        )
        .await,
    )
    .await;
    assert_eq!(err, AppError::validation("avatar_url", "invalid"));
    profile.avatar_url = String::new();
    profile.display_name = "Lucía".into();
    profile.signature = "Lucía · Soporte".into();
    profile.locale = "en".into();
    let _: () = app
        .ok(&here.cookie, "profile/save", json!({"profile": profile}))
        .await;
    let saved: ProfileView = app.ok(&here.cookie, "profile/get", json!({})).await;
    assert_eq!(saved, profile);
}

async fn web_chat_settings_are_checked_and_reach_the_widget(app: TestApp) {
    use app::domain::web_chat::WebChatSettings;
    let admin = app.sign_in(ADMIN).await;
    let lucia = app.sign_in(LUCIA).await;
    let inbox: i64 = sqlx::query_scalar("SELECT id FROM inboxes WHERE channel_kind = 'web_chat'")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let good = json!({"id": inbox, "settings": {"colour": "#AA3300", "greeting": "¡Bienvenida!", "allowed_origins": ["https://tienda.example.com/"]}});
    let (status, _) = error_of(
        app.call_json(Some(&lucia.cookie), "team/save_web_chat", good.clone())
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let (status, err) = error_of(
        app.call_json(Some(&admin.cookie), "team/save_web_chat", json!({"id": inbox, "settings": {"colour": "#AA3300", "greeting": "", "allowed_origins": ["tienda.example.com"]}}))
            .await,
    )
    .await;
    assert_eq!(
        (status, err),
        (422, AppError::validation("allowed_origins", "invalid"))
    );
    let _: () = app.ok(&admin.cookie, "team/save_web_chat", good).await;
    let saved: WebChatSettings = app
        .ok(
            &admin.cookie,
            "team/web_chat_settings",
            json!({"id": inbox}),
        )
        .await;
    assert_eq!(saved.colour, "#aa3300");
    assert_eq!(saved.allowed_origins, ["https://tienda.example.com"]);
    let token = app.web_chat_token().await;
    let state: app::widget::WidgetState = app
        .ok("", "widget/open", json!({"token": token, "visitor": null}))
        .await;
    assert_eq!(state.greeting.as_deref(), Some("¡Bienvenida!"));
    assert_eq!(state.colour.as_deref(), Some("#aa3300"));
}
