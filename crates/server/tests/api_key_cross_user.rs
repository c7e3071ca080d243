//! One user never sees or changes another's keys: another user's key id
//! answers exactly what a missing id answers, on get, update and delete.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod manage;

use common::both_backends;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::json;

both_backends!(
    another_users_key_is_a_missing_key,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let bob = app.sign_up("Bob").await;
        let key = app
            .create_ok(
                &alice.bearer,
                json!({"name": "ci-deploy", "prefix": "lk_", "metadata": {"t": 1}}),
            )
            .await;
        let id = key["id"].as_str().unwrap();
        let missing = "no-such-key-id-0000000000000000";
        let pairs = [
            (
                app.get_key(Some(&bob.bearer), id).await,
                app.get_key(Some(&bob.bearer), missing).await,
            ),
            (
                app.update_key(Some(&bob.bearer), json!({"keyId": id, "name": "pwned"}))
                    .await,
                app.update_key(
                    Some(&bob.bearer),
                    json!({"keyId": missing, "name": "pwned"}),
                )
                .await,
            ),
            // Ownership is checked before "no values".
            (
                app.update_key(Some(&bob.bearer), json!({"keyId": id}))
                    .await,
                app.update_key(Some(&bob.bearer), json!({"keyId": missing}))
                    .await,
            ),
            (
                app.update_key(Some(&bob.bearer), json!({"keyId": id, "name": ""}))
                    .await,
                app.update_key(Some(&bob.bearer), json!({"keyId": missing, "name": ""}))
                    .await,
            ),
            (
                app.delete_key(Some(&bob.bearer), json!({"keyId": id}))
                    .await,
                app.delete_key(Some(&bob.bearer), json!({"keyId": missing}))
                    .await,
            ),
            // A trusted server acting for Bob cannot reach Alice's key either.
            (
                app.server_post(
                    "update",
                    json!({"keyId": id, "userId": bob.id, "name": "pwned"}),
                )
                .await,
                app.server_post(
                    "update",
                    json!({"keyId": missing, "userId": bob.id, "name": "pwned"}),
                )
                .await,
            ),
        ];
        for (foreign, absent) in &pairs {
            assert_not_found(foreign);
            assert_eq!(foreign.status, absent.status);
            assert_eq!(foreign.text, absent.text);
        }
        let bobs = app.list_keys(Some(&bob.bearer), "").await;
        assert_eq!(bobs.json, json!({"apiKeys": [], "total": 0}));
        let bobs_sorted = app
            .list_keys(Some(&bob.bearer), "sortBy=name&limit=5")
            .await;
        assert_eq!(
            bobs_sorted.json,
            json!({"apiKeys": [], "total": 0, "limit": 5})
        );
        // Alice's key is unchanged.
        let got = app.get_key(Some(&alice.bearer), id).await;
        let mut expected = key.clone();
        expected.as_object_mut().unwrap().remove("key");
        assert_eq!(got.json, expected);
    }
);

both_backends!(lists_are_per_user, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let bob = app.sign_up("Bob").await;
    for i in 0..3 {
        app.create_ok(&alice.bearer, json!({"name": format!("a{i}")}))
            .await;
    }
    let bobs = app.create_ok(&bob.bearer, json!({"name": "b0"})).await;
    let list = app.list_keys(Some(&bob.bearer), "limit=10").await;
    assert_eq!(list.json["total"], 1);
    assert_eq!(list.json["apiKeys"][0]["id"], bobs["id"]);
    let list = app.list_keys(Some(&alice.bearer), "offset=1").await;
    assert_eq!(list.json["total"], 3);
    assert_eq!(list.json["apiKeys"].as_array().unwrap().len(), 2);
    // Bob's own key still works for Bob.
    let got = app
        .get_key(Some(&bob.bearer), bobs["id"].as_str().unwrap())
        .await;
    assert_eq!(got.status.as_u16(), 200);
});
