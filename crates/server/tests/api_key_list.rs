//! `GET /api/auth/api-key/list` on both backends: totals, paging and sorting
//! done by the database, query validation, isolation and sessions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod manage;

use common::both_backends;
use common::TestApp;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::{json, Value};

fn names(answer: &Value) -> Vec<Value> {
    answer["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].clone())
        .collect()
}

/// Creates keys named as given (None: no name), one millisecond apart.
async fn create_named(app: &TestApp, bearer: &str, list: &[Option<&str>]) -> Vec<Value> {
    let mut out = Vec::new();
    for name in list {
        let body = match name {
            Some(n) => json!({"name": n}),
            None => json!({}),
        };
        out.push(app.create_ok(bearer, body).await);
        app.tick(1);
    }
    out
}

both_backends!(empty_and_full_lists, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let bob = app.sign_up("Bob").await;
    let empty = app.list_keys(Some(&bob.bearer), "").await;
    assert_eq!(empty.status.as_u16(), 200, "{}", empty.text);
    assert_eq!(empty.json, json!({"apiKeys": [], "total": 0}));
    let created = create_named(&app, &alice.bearer, &[Some("a"), None, Some("c")]).await;
    let full = app.list_keys(Some(&alice.bearer), "").await;
    assert_eq!(full.json["total"], 3);
    assert!(full.json.get("limit").is_none() && full.json.get("offset").is_none());
    let keys = full.json["apiKeys"].as_array().unwrap();
    for (listed, created) in keys.iter().zip(&created) {
        assert_record_fields(listed, false);
        let mut expected = created.clone();
        expected.as_object_mut().unwrap().remove("key");
        assert_eq!(listed, &expected);
        assert!(!full.text.contains(created["key"].as_str().unwrap()));
    }
    // Bob still sees none of Alice's keys.
    assert_eq!(app.list_keys(Some(&bob.bearer), "").await.json["total"], 0);
});

both_backends!(
    limit_and_offset_page_in_order,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let all = ["k0", "k1", "k2", "k3", "k4", "k5", "k6"];
        create_named(&app, &alice.bearer, &all.map(Some)).await;
        let page = app
            .list_keys(Some(&alice.bearer), "limit=2&offset=1&sortBy=createdAt")
            .await;
        assert_eq!(names(&page.json), vec![json!("k1"), json!("k2")]);
        assert_eq!(page.json["total"], 7);
        assert_eq!(page.json["limit"], 2);
        assert_eq!(page.json["offset"], 1);
        let zero = app.list_keys(Some(&alice.bearer), "limit=0").await;
        assert_eq!(zero.json, json!({"apiKeys": [], "total": 7, "limit": 0}));
        let offset_only = app.list_keys(Some(&alice.bearer), "offset=5").await;
        assert_eq!(names(&offset_only.json), vec![json!("k5"), json!("k6")]);
        assert_eq!(offset_only.json["offset"], 5);
        assert!(offset_only.json.get("limit").is_none());
        let beyond = app
            .list_keys(Some(&alice.bearer), "offset=50&limit=5")
            .await;
        assert_eq!(
            beyond.json,
            json!({"apiKeys": [], "total": 7, "limit": 5, "offset": 50})
        );
        // Pages of 3 cover every key exactly once.
        let mut seen = Vec::new();
        for offset in [0, 3, 6] {
            let page = app
                .list_keys(Some(&alice.bearer), &format!("limit=3&offset={offset}"))
                .await;
            seen.extend(names(&page.json));
        }
        assert_eq!(seen, all.map(|n| json!(n)).to_vec());
        // Coerced like JavaScript's Number(): "" is 0, " 2 " is 2.
        let blank = app.list_keys(Some(&alice.bearer), "limit=").await;
        assert_eq!(blank.json["limit"], 0);
        let spaced = app.list_keys(Some(&alice.bearer), "limit=%202%20").await;
        assert_eq!(names(&spaced.json).len(), 2);
    }
);

both_backends!(sorts_in_the_database, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let list = [
        None,
        Some("ci-deploy"),
        Some(""),
        Some("cfg"),
        None,
        Some("zeta"),
    ];
    create_named(&app, &alice.bearer, &list).await;
    let asc = app
        .list_keys(Some(&alice.bearer), "sortBy=name&sortDirection=asc")
        .await;
    assert_eq!(
        names(&asc.json),
        vec![
            json!(""),
            json!("cfg"),
            json!("ci-deploy"),
            json!("zeta"),
            Value::Null,
            Value::Null
        ]
    );
    let limited = app
        .list_keys(Some(&alice.bearer), "sortBy=name&sortDirection=asc&limit=3")
        .await;
    assert_eq!(
        names(&limited.json),
        vec![json!(""), json!("cfg"), json!("ci-deploy")]
    );
    assert_eq!(limited.json["total"], 6);
    // Without a direction: ascending.
    let default = app.list_keys(Some(&alice.bearer), "sortBy=name").await;
    assert_eq!(names(&default.json), names(&asc.json));
    let desc = app
        .list_keys(Some(&alice.bearer), "sortBy=name&sortDirection=desc")
        .await;
    assert_eq!(
        names(&desc.json),
        vec![
            Value::Null,
            Value::Null,
            json!("zeta"),
            json!("ci-deploy"),
            json!("cfg"),
            json!("")
        ]
    );
    let newest = app
        .list_keys(
            Some(&alice.bearer),
            "sortBy=createdAt&sortDirection=desc&limit=2",
        )
        .await;
    assert_eq!(names(&newest.json), vec![json!("zeta"), Value::Null]);
    // A direction without sortBy changes nothing.
    let plain = app
        .list_keys(Some(&alice.bearer), "sortDirection=desc")
        .await;
    assert_eq!(names(&plain.json)[0], Value::Null);
    assert_eq!(names(&plain.json)[1], json!("ci-deploy"));
    // The seed's userId sorts like referenceId; other columns sort too.
    for column in [
        "userId",
        "expiresAt",
        "remaining",
        "enabled",
        "updatedAt",
        "id",
    ] {
        let answer = app
            .list_keys(Some(&alice.bearer), &format!("sortBy={column}"))
            .await;
        assert_eq!(answer.json["total"], 6, "{column}: {}", answer.text);
    }
});

both_backends!(invalid_query_values, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let cases = [
        ("limit=-1", "[query.limit] Too small: expected number to be >=0"),
        ("offset=abc", "[query.offset] Invalid input: expected number, received NaN"),
        ("limit=1.5", "[query.limit] Invalid input: expected int, received number"),
        ("sortDirection=sideways", "[query.sortDirection] Invalid option: expected one of \"asc\"|\"desc\""),
        ("limit=x&offset=-2", "[query.limit] Invalid input: expected number, received NaN; [query.offset] Too small: expected number to be >=0"),
    ];
    for (query, message) in cases {
        assert_validation(&app.list_keys(Some(&alice.bearer), query).await, message);
    }
    // latchkey refuses sort columns it does not know (better-auth's adapter fails).
    for column in ["key", "metadata", "nope"] {
        let answer = app
            .list_keys(Some(&alice.bearer), &format!("sortBy={column}"))
            .await;
        assert_eq!(answer.status.as_u16(), 400, "{}", answer.text);
        assert_eq!(answer.code(), "VALIDATION_ERROR");
        assert!(answer.json["message"]
            .as_str()
            .unwrap()
            .starts_with("[query.sortBy] Invalid option: expected one of \"id\""));
    }
});

both_backends!(
    organization_and_config_filters,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        app.create_ok(&alice.bearer, json!({})).await;
        let org = app
            .list_keys(Some(&alice.bearer), "organizationId=org-1")
            .await;
        assert_error(&org, 500, "ORGANIZATION_PLUGIN_REQUIRED",
        "Organization plugin is required for organization-owned API keys. Please install and configure the organization plugin.");
        assert_eq!(
            app.list_keys(Some(&alice.bearer), "organizationId=")
                .await
                .json["total"],
            1
        );
        assert_eq!(
            app.list_keys(Some(&alice.bearer), "configId=default")
                .await
                .json["total"],
            1
        );
        let other = app.list_keys(Some(&alice.bearer), "configId=other").await;
        assert_eq!(other.json, json!({"apiKeys": [], "total": 0}));
    }
);

both_backends!(needs_a_session, |backend: Backend| async move {
    let app = keys_app!(backend);
    assert_unauthorized(&app.list_keys(None, "").await);
    assert_unauthorized(&app.list_keys(Some("bogus"), "").await);
    let basic = app
        .call(
            actix_web::test::TestRequest::get()
                .uri(&format!("{BASE}/list"))
                .insert_header(("authorization", "Basic abc")),
        )
        .await;
    assert_unauthorized(&basic);
    // The query is checked before the session, as better-call does.
    assert_eq!(
        app.list_keys(None, "limit=-1").await.code(),
        "VALIDATION_ERROR"
    );
    let post = app.post(&format!("{BASE}/list"), None, json!({})).await;
    assert_eq!(post.status.as_u16(), 404);
});
