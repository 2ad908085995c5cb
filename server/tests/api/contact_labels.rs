//! Labels on contacts (issue 27): the account's labels, put on from the contact's
//! page by any agent, refused whole when one is unknown, gone with the contact.
use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::on_both_backends;
use app::contacts::model::ContactDetail;
use app::error::AppError;
use app::labels::Label;

on_both_backends!(
    labels_go_on_contacts_and_go_with_them,
    chatwoot_clients_label_contacts_by_title
);

async fn labels_go_on_contacts_and_go_with_them(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    let marcos = app.sign_in(MARCOS).await;
    let mut labels = Vec::new();
    for name in ["vip", "mayorista"] {
        let label: Label = app
            .ok(
                &admin.cookie,
                "labels/save",
                json!({"id": null, "name": name, "color": "#2ca02c"}),
            )
            .await;
        labels.push(label.id);
    }
    let contact: i64 = sqlx::query_scalar("SELECT MIN(id) FROM contacts")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let detail: ContactDetail = app
        .ok(&marcos.cookie, "contacts/get", json!({"id": contact}))
        .await;
    assert!(detail.label_ids.is_empty());
    // Any agent labels a contact (contacts are the account's), duplicates folded.
    let now: Vec<i64> = app
        .ok(
            &marcos.cookie,
            "contacts/labels",
            json!({"id": contact, "label_ids": [labels[1], labels[0], labels[1]]}),
        )
        .await;
    let mut want = labels.clone();
    want.sort();
    assert_eq!(now, want);
    let detail: ContactDetail = app
        .ok(&admin.cookie, "contacts/get", json!({"id": contact}))
        .await;
    assert_eq!(detail.label_ids, want);
    // The contact list carries each row's labels (one query for the page).
    let page: app::contacts::model::ContactPage = app
        .ok(
            &marcos.cookie,
            "contacts/list",
            json!({"query": "", "sort": "name", "after": null}),
        )
        .await;
    for row in &page.items {
        let expected = if row.id == contact {
            want.clone()
        } else {
            Vec::new()
        };
        assert_eq!(row.label_ids, expected, "contact {}", row.id);
    }
    assert!(page.items.iter().any(|r| r.id == contact));

    // An unknown label, or a contact that is not there: nothing changes.
    let res = app
        .call_json(
            Some(&marcos.cookie),
            "contacts/labels",
            json!({"id": contact, "label_ids": [labels[0], 999_999]}),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<AppError>().await.unwrap(),
        AppError::validation("labels", "invalid")
    );
    let res = app
        .call_json(
            Some(&marcos.cookie),
            "contacts/labels",
            json!({"id": 999_999, "label_ids": []}),
        )
        .await;
    assert_eq!(res.status(), 404);
    let detail: ContactDetail = app
        .ok(&marcos.cookie, "contacts/get", json!({"id": contact}))
        .await;
    assert_eq!(detail.label_ids, want);

    // A deleted label leaves the contact; so does taking one off.
    let _: () = app
        .ok(&admin.cookie, "labels/remove", json!({"id": labels[0]}))
        .await;
    let detail: ContactDetail = app
        .ok(&marcos.cookie, "contacts/get", json!({"id": contact}))
        .await;
    assert_eq!(detail.label_ids, vec![labels[1]]);
    let now: Vec<i64> = app
        .ok(
            &marcos.cookie,
            "contacts/labels",
            json!({"id": contact, "label_ids": []}),
        )
        .await;
    assert!(now.is_empty());

    // Erased with the contact (S13).
    let _: Vec<i64> = app
        .ok(
            &marcos.cookie,
            "contacts/labels",
            json!({"id": contact, "label_ids": [labels[1]]}),
        )
        .await;
    let name = detail.contact.display_name().to_owned();
    let _: () = app
        .ok(
            &admin.cookie,
            "contacts/delete",
            json!({"id": contact, "confirmation": name}),
        )
        .await;
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM contact_labels WHERE contact_id = $1")
        .bind(contact)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

/// Chatwoot's `GET`/`POST …/contacts/{id}/labels`: titles in, titles out; an unknown
/// title refuses the change whole; another account's contact is not found.
async fn chatwoot_clients_label_contacts_by_title(app: TestApp) {
    let admin = app.sign_in(ADMIN).await;
    for name in ["vip", "mayorista"] {
        let _: Label = app
            .ok(
                &admin.cookie,
                "labels/save",
                json!({"id": null, "name": name, "color": "#2ca02c"}),
            )
            .await;
    }
    let token = app.api_token(MARCOS).await;
    let account = app.account_id().await;
    let contact: i64 = sqlx::query_scalar("SELECT MIN(id) FROM contacts")
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
    let path = format!("/api/v1/accounts/{account}/contacts/{contact}/labels");
    let (status, none) = crate::chatwoot::api(&app, Some(&token), Method::GET, &path, None).await;
    assert_eq!((status.as_u16(), none), (200, json!({"payload": []})));
    let (status, set) = crate::chatwoot::api(
        &app,
        Some(&token),
        Method::POST,
        &path,
        Some(json!({"labels": ["VIP", "mayorista"]})),
    )
    .await;
    assert_eq!(status, 200, "{set}");
    let mut titles: Vec<String> = serde_json::from_value(set["payload"].clone()).unwrap();
    titles.sort();
    assert_eq!(titles, ["mayorista", "vip"]);
    let (status, refused) = crate::chatwoot::api(
        &app,
        Some(&token),
        Method::POST,
        &path,
        Some(json!({"labels": ["vip", "no-existe"]})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (_, kept) = crate::chatwoot::api(&app, Some(&token), Method::GET, &path, None).await;
    assert_eq!(
        kept["payload"].as_array().unwrap().len(),
        2,
        "nothing changed"
    );
    let (status, cleared) = crate::chatwoot::api(
        &app,
        Some(&token),
        Method::POST,
        &path,
        Some(json!({"labels": []})),
    )
    .await;
    assert_eq!((status.as_u16(), cleared), (200, json!({"payload": []})));
    let nobody = format!("/api/v1/accounts/{account}/contacts/999999/labels");
    let (status, _) = crate::chatwoot::api(&app, Some(&token), Method::GET, &nobody, None).await;
    assert_eq!(status, 404);
}
