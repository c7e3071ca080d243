//! latchkey's additions to `GET /api-key/list` on both backends: `page`/
//! `size` paging, the `enabled`, `expired` and `namePrefix` filters (done
//! by the database, `total` counting what passes), sorting by last use,
//! and their validation. Without them the answer stays better-auth's.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod manage;

use common::{both_backends, TestApp, TestUser};
use latchkey_session::db::Backend;
use manage::*;
use serde_json::{json, Value};

fn names(answer: &Value) -> Vec<String> {
    answer["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap_or("-").to_owned())
        .collect()
}

/// Alice's keys, oldest first: prod-api, prod-web (disabled), staging
/// (expired), Prod-old, a%c, abc, ключ-1; and the secrets by name.
async fn seed(app: &TestApp) -> (TestUser, Vec<(String, String)>) {
    let alice = app.sign_up("Alice").await;
    let mut secrets = Vec::new();
    for name in [
        "prod-api",
        "prod-web",
        "staging",
        "Prod-old",
        "a%c",
        "abc",
        "ключ-1",
    ] {
        let mut body = json!({ "name": name });
        if name == "staging" {
            body["expiresIn"] = json!(86_400);
        }
        let created = app.create_ok(&alice.bearer, body).await;
        if name == "prod-web" {
            let off = app
                .update_key(
                    Some(&alice.bearer),
                    json!({"keyId": created["id"], "enabled": false}),
                )
                .await;
            assert_eq!(off.status.as_u16(), 200, "{}", off.text);
        }
        secrets.push((name.to_owned(), created["key"].as_str().unwrap().to_owned()));
        app.tick(1);
    }
    app.tick(2 * 86_400_000);
    // Bob's keys never show up in Alice's lists.
    let bob = app.sign_up("Bob").await;
    app.create_ok(&bob.bearer, json!({"name": "prod-bob"}))
        .await;
    (alice, secrets)
}

both_backends!(
    filters_narrow_the_list_and_its_total,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let (alice, _) = seed(&app).await;
        let list = |query: &'static str| {
            let bearer = alice.bearer.clone();
            let app = &app;
            async move {
                let answer = app.list_keys(Some(&bearer), query).await;
                assert_eq!(answer.status.as_u16(), 200, "{query}: {}", answer.text);
                answer.json
            }
        };
        let all = list("").await;
        assert_eq!(all["total"], 7);
        assert!(all.get("page").is_none() && all.get("limit").is_none());
        let cases: [(&str, &[&str]); 9] = [
            ("enabled=false", &["prod-web"]),
            (
                "enabled=true",
                &["prod-api", "staging", "Prod-old", "a%c", "abc", "ключ-1"],
            ),
            ("expired=true", &["staging"]),
            (
                "expired=false",
                &["prod-api", "prod-web", "Prod-old", "a%c", "abc", "ключ-1"],
            ),
            // Case-sensitive, and no wildcards: `%` is a character like any other.
            ("namePrefix=prod", &["prod-api", "prod-web"]),
            ("namePrefix=Prod", &["Prod-old"]),
            ("namePrefix=a%25", &["a%c"]),
            ("namePrefix=%D0%BA%D0%BB%D1%8E", &["ключ-1"]),
            ("enabled=true&expired=false&namePrefix=prod", &["prod-api"]),
        ];
        for (query, expected) in cases {
            let answer = list(query).await;
            assert_eq!(names(&answer), expected, "{query}");
            assert_eq!(answer["total"], json!(expected.len()), "{query}");
        }
        // An empty prefix filters nothing.
        assert_eq!(list("namePrefix=").await["total"], 7);
        // Filters and paging together: total counts every match, the page holds some.
        let page = list("enabled=true&limit=2&offset=1").await;
        assert_eq!(names(&page), ["staging", "Prod-old"]);
        assert_eq!(page["total"], 6);
    }
);

both_backends!(page_and_size, |backend: Backend| async move {
    let app = keys_app!(backend);
    let (alice, _) = seed(&app).await;
    let second = app.list_keys(Some(&alice.bearer), "page=2&size=3").await;
    assert_eq!(names(&second.json), ["Prod-old", "a%c", "abc"]);
    assert_eq!(second.json["total"], 7);
    assert_eq!(
        (second.json["page"].clone(), second.json["size"].clone()),
        (json!(2), json!(3))
    );
    assert!(second.json.get("limit").is_none() && second.json.get("offset").is_none());
    let third = app.list_keys(Some(&alice.bearer), "page=3&size=3").await;
    assert_eq!(names(&third.json), ["ключ-1"]);
    let beyond = app.list_keys(Some(&alice.bearer), "page=5&size=3").await;
    assert_eq!(
        beyond.json,
        json!({"apiKeys": [], "total": 7, "page": 5, "size": 3})
    );
    // page alone: pages of 10; size alone: the first page.
    let first = app.list_keys(Some(&alice.bearer), "page=1").await;
    assert_eq!(
        (names(&first.json).len(), first.json["size"].clone()),
        (7, json!(10))
    );
    let sized = app.list_keys(Some(&alice.bearer), "size=2").await;
    assert_eq!(names(&sized.json), ["prod-api", "prod-web"]);
    assert_eq!(sized.json["page"], 1);
    // With a sort, newest first.
    let newest = app
        .list_keys(
            Some(&alice.bearer),
            "page=1&size=2&sortBy=createdAt&sortDirection=desc",
        )
        .await;
    assert_eq!(names(&newest.json), ["ключ-1", "abc"]);
});

both_backends!(sorting_by_last_use, |backend: Backend| async move {
    let app = keys_app!(backend);
    let (alice, secrets) = seed(&app).await;
    for name in ["abc", "prod-api", "Prod-old"] {
        let secret = &secrets.iter().find(|(n, _)| n == name).unwrap().1;
        let verified = app.server_post("verify", json!({"key": secret})).await;
        assert_eq!(verified.json["valid"], json!(true), "{}", verified.text);
        app.tick(1000);
    }
    let asc = app
        .list_keys(
            Some(&alice.bearer),
            "sortBy=lastRequest&expired=false&enabled=true",
        )
        .await;
    // Used keys by last use, then the never-used ones (by creation).
    assert_eq!(
        names(&asc.json),
        ["abc", "prod-api", "Prod-old", "a%c", "ключ-1"]
    );
    let desc = app
        .list_keys(
            Some(&alice.bearer),
            "sortBy=lastRequest&sortDirection=desc&page=1&size=10",
        )
        .await;
    // Descending puts keys never used first (as PostgreSQL orders NULLs),
    // those by creation.
    assert_eq!(
        names(&desc.json),
        [
            "prod-web",
            "staging",
            "a%c",
            "ключ-1",
            "Prod-old",
            "prod-api",
            "abc"
        ]
    );
});

both_backends!(invalid_filters_and_pages, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let cases = [
        (
            "enabled=yes",
            "[query.enabled] Invalid option: expected one of \"true\"|\"false\"",
        ),
        (
            "expired=1",
            "[query.expired] Invalid option: expected one of \"true\"|\"false\"",
        ),
        (
            "page=0",
            "[query.page] Too small: expected number to be >=1",
        ),
        (
            "size=101",
            "[query.size] Too big: expected number to be <=100",
        ),
        (
            "size=x",
            "[query.size] Invalid input: expected number, received NaN",
        ),
        (
            "page=2&limit=5",
            "[query.page] page/size cannot be combined with limit/offset",
        ),
        (
            "size=5&offset=1",
            "[query.page] page/size cannot be combined with limit/offset",
        ),
        (
            "namePrefix=a&namePrefix=b",
            "[query.namePrefix] Invalid input: expected string, received array",
        ),
        (
            "limit=-1&enabled=maybe",
            "[query.limit] Too small: expected number to be >=0; \
             [query.enabled] Invalid option: expected one of \"true\"|\"false\"",
        ),
    ];
    for (query, message) in cases {
        assert_validation(&app.list_keys(Some(&alice.bearer), query).await, message);
    }
    // Checked before the session, as better-auth checks its query first.
    assert_validation(
        &app.list_keys(None, "page=0").await,
        "[query.page] Too small: expected number to be >=1",
    );
    assert_unauthorized(&app.list_keys(None, "page=1").await);
});
