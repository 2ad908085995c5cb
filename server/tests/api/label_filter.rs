//! The API's conversation list by labels, on both databases: `labels[]` (or one
//! `labels` with commas) lists the conversations carrying any of them, by title in any
//! case, as Chatwoot's; a title the account lacks matches nothing of its own; more than
//! fifty titles are refused.
use reqwest::Method;
use serde_json::{json, Value};

use crate::chatwoot::api as call;
use crate::helpers::*;
use crate::on_both_backends;

on_both_backends!(labels_list_conversations_carrying_any);

fn numbers(listed: &Value) -> Vec<i64> {
    let mut numbers: Vec<i64> = listed["data"]["payload"]
        .as_array()
        .unwrap_or_else(|| panic!("{listed}"))
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    numbers.sort();
    numbers
}

async fn labels_list_conversations_carrying_any(app: TestApp) {
    let account = app.account_id().await;
    let at = |path: &str| format!("/api/v1/accounts/{account}{path}");
    let lucia = app.api_token(LUCIA).await;
    let admin = app.sign_in(ADMIN).await;
    for (name, color) in [("vip", "#aa00ff"), ("urgente", "#aa0000")] {
        let _: app::labels::Label = app
            .ok(
                &admin.cookie,
                "labels/save",
                json!({"id": null, "name": name, "description": "", "color": color}),
            )
            .await;
    }
    let get = |path: String| {
        let (app, token) = (&app, lucia.clone());
        async move {
            let (status, body) = call(app, Some(&token), Method::GET, &path, None).await;
            (status.as_u16(), body)
        }
    };
    let (_, everything) = get(at("/conversations?status=all")).await;
    let all = numbers(&everything);
    assert!(all.len() >= 3, "the demo gives her conversations: {all:?}");
    let (vip, urgent) = (all[0], all[1]);
    for (number, label) in [(vip, "vip"), (urgent, "urgente")] {
        let (status, _) = call(
            &app,
            Some(&lucia),
            Method::POST,
            &at(&format!("/conversations/{number}/labels")),
            Some(json!({"labels": [label]})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let both = vec![vip, urgent];
    for query in [
        "labels[]=vip&labels[]=urgente",
        "labels=vip,urgente",
        "labels[]=VIP&labels[]=Urgente",
    ] {
        let (status, listed) = get(at(&format!("/conversations?status=all&{query}"))).await;
        assert_eq!(status, 200, "{listed}");
        assert_eq!(numbers(&listed), both, "{query}");
        assert_eq!(listed["data"]["meta"]["all_count"], 2, "{query}");
    }
    let (_, one) = get(at(
        "/conversations?status=all&labels[]=urgente&labels[]=inexistente",
    ))
    .await;
    assert_eq!(numbers(&one), vec![urgent]);
    let (_, none) = get(at("/conversations?status=all&labels[]=inexistente")).await;
    assert_eq!(numbers(&none), Vec::<i64>::new());
    let many: Vec<String> = (0..51).map(|n| format!("labels[]=l{n}")).collect();
    let (status, refused) = get(at(&format!("/conversations?{}", many.join("&")))).await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["attributes"], json!(["labels"]));
}
