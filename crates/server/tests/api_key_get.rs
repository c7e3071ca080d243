//! `GET /api/auth/api-key/get?id=` on both backends: own keys without their
//! secret, validation, unknown ids and sessions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod manage;

use common::both_backends;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::{json, Value};

fn without_key(mut record: Value) -> Value {
    record.as_object_mut().unwrap().remove("key");
    record
}

both_backends!(own_key_without_its_secret, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let body = json!({"name": "ci-deploy", "prefix": "lk_",
        "metadata": {"team": "infra", "tier": 2}, "expiresIn": 2_592_000});
    let created = app.create_ok(&alice.bearer, body).await;
    let secret = created["key"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap();
    let answer = app.get_key(Some(&alice.bearer), id).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.text);
    assert_record_fields(&answer.json, false);
    assert_eq!(answer.json, without_key(created.clone()));
    assert!(!answer.text.contains(&secret));
    let minimal = app.create_ok(&alice.bearer, json!({})).await;
    let answer = app
        .get_key(Some(&alice.bearer), minimal["id"].as_str().unwrap())
        .await;
    assert_eq!(answer.json, without_key(minimal));
    // The stored hash is never answered either.
    let plain = latchkey_api_key::PlainKey::presented(secret);
    assert!(!answer.text.contains(plain.hash().as_str()));
});

both_backends!(missing_and_unknown_ids, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let missing = app.get(&format!("{BASE}/get"), Some(&alice.bearer)).await;
    assert_validation(
        &missing,
        "[query.id] Invalid input: expected string, received undefined",
    );
    assert_not_found(&app.get_key(Some(&alice.bearer), "no-such-key-id").await);
    assert_not_found(&app.get_key(Some(&alice.bearer), "").await);
    let twice = app
        .get(&format!("{BASE}/get?id=a&id=b"), Some(&alice.bearer))
        .await;
    assert_validation(
        &twice,
        "[query.id] Invalid input: expected string, received array",
    );
});

both_backends!(needs_a_session, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let key = app.create_ok(&alice.bearer, json!({})).await;
    let id = key["id"].as_str().unwrap();
    assert_unauthorized(&app.get_key(None, id).await);
    assert_unauthorized(&app.get_key(Some("bogus"), id).await);
    // The query is checked before the session, as better-call does.
    let missing = app.get(&format!("{BASE}/get"), None).await;
    assert_eq!(missing.code(), "VALIDATION_ERROR");
    // A signed-out session no longer reads the key.
    let out = app
        .post("/api/auth/sign-out", Some(&alice.bearer), json!({}))
        .await;
    assert_eq!(out.status.as_u16(), 200, "{}", out.text);
    assert_unauthorized(&app.get_key(Some(&alice.bearer), id).await);
});

both_backends!(post_is_not_a_route, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let answer = app
        .post(&format!("{BASE}/get?id=x"), Some(&alice.bearer), json!({}))
        .await;
    assert_eq!(answer.status.as_u16(), 404);
    assert_eq!(answer.text, "");
});
