//! `POST /api/auth/api-key/delete` on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod manage;

use common::both_backends;
use latchkey_api_key::PlainKey;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::json;

both_backends!(deletes_own_key_once, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let key = app
        .create_ok(&alice.bearer, json!({"name": "to-delete"}))
        .await;
    let keep = app.create_ok(&alice.bearer, json!({"name": "keep"})).await;
    let id = key["id"].as_str().unwrap();
    let answer = app
        .delete_key(Some(&alice.bearer), json!({"keyId": id}))
        .await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.text);
    assert_eq!(answer.json, json!({"success": true}));
    assert_not_found(
        &app.delete_key(Some(&alice.bearer), json!({"keyId": id}))
            .await,
    );
    assert_not_found(&app.get_key(Some(&alice.bearer), id).await);
    let plain = PlainKey::presented(key["key"].as_str().unwrap());
    let verified = app.verify(&plain).await;
    assert_eq!(
        verified.json,
        json!({"valid": false, "error": {"message": "Invalid API key.", "code": "INVALID_API_KEY"}, "key": null})
    );
    assert!(common::keys::stored(&app, &plain).is_none());
    // The other key is untouched.
    let list = app.list_keys(Some(&alice.bearer), "").await;
    assert_eq!(list.json["total"], 1);
    assert_eq!(list.json["apiKeys"][0]["id"], keep["id"]);
});

both_backends!(
    unknown_and_malformed_key_ids,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        assert_not_found(
            &app.delete_key(Some(&alice.bearer), json!({"keyId": "no-such-key"}))
                .await,
        );
        let missing = app.delete_key(Some(&alice.bearer), json!({})).await;
        assert_validation(
            &missing,
            "[body.keyId] Invalid input: expected string, received undefined",
        );
        let number = app
            .delete_key(Some(&alice.bearer), json!({"keyId": 123}))
            .await;
        assert_validation(
            &number,
            "[body.keyId] Invalid input: expected string, received number",
        );
        let config = app
            .delete_key(Some(&alice.bearer), json!({"keyId": "x", "configId": 1}))
            .await;
        assert_validation(
            &config,
            "[body.configId] Invalid input: expected string, received number",
        );
    }
);

both_backends!(needs_a_session, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let key = app.create_ok(&alice.bearer, json!({})).await;
    assert_unauthorized(&app.delete_key(None, json!({"keyId": key["id"]})).await);
    assert_unauthorized(
        &app.delete_key(Some("bogus"), json!({"keyId": key["id"]}))
            .await,
    );
    // The server credential alone is no session for delete.
    let server = app.server_post("delete", json!({"keyId": key["id"]})).await;
    assert_unauthorized(&server);
    assert_eq!(
        app.get_key(Some(&alice.bearer), key["id"].as_str().unwrap())
            .await
            .status
            .as_u16(),
        200
    );
    // The body is checked before the session.
    let missing = app.delete_key(None, json!({})).await;
    assert_eq!(missing.code(), "VALIDATION_ERROR");
});
