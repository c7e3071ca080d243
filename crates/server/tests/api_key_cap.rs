//! The per-user key cap on both backends: `KEY_LIMIT_REACHED` beyond it,
//! what counts, the Rust API and trusted servers too, and exactness under
//! 20 concurrent creates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod manage;

use actix_web::test::{self, TestRequest};
use common::both_backends;
use latchkey::app::build_app;
use latchkey_api_key::service::manage::NewKeyInput;
use latchkey_api_key::ApiKeyError;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::{json, Value};

const LIMIT: &str =
    "The maximum of 2 API keys per user has been reached. Delete a key before creating another.";

both_backends!(
    the_cap_refuses_one_more_key,
    |backend: Backend| async move {
        let app = keys_app!(backend, |o| o.max_keys_per_user = Some(2));
        let alice = app.sign_up("Alice").await;
        let bob = app.sign_up("Bob").await;
        let first = app.create_ok(&alice.bearer, json!({"name": "one"})).await;
        app.create_ok(&alice.bearer, json!({"name": "two"})).await;
        let third = app
            .create_key(Some(&alice.bearer), json!({"name": "three"}))
            .await;
        assert_error(&third, 403, "KEY_LIMIT_REACHED", LIMIT);
        assert_eq!(
            app.list_keys(Some(&alice.bearer), "").await.json["total"],
            2
        );
        // Other users have their own allowance.
        app.create_ok(&bob.bearer, json!({})).await;
        // Deleting a key makes room again.
        let deleted = app
            .delete_key(Some(&alice.bearer), json!({"keyId": first["id"]}))
            .await;
        assert_eq!(deleted.status.as_u16(), 200);
        app.create_ok(&alice.bearer, json!({"name": "three"})).await;
    }
);

both_backends!(
    every_key_counts_until_deleted,
    |backend: Backend| async move {
        let app = keys_app!(backend, |o| o.max_keys_per_user = Some(2));
        let alice = app.sign_up("Alice").await;
        let disabled = app.create_ok(&alice.bearer, json!({})).await;
        let changed = app
            .update_key(
                Some(&alice.bearer),
                json!({"keyId": disabled["id"], "enabled": false}),
            )
            .await;
        assert_eq!(changed.status.as_u16(), 200);
        app.create_ok(&alice.bearer, json!({"expiresIn": 86_400}))
            .await;
        app.tick(2 * 86_400_000);
        // One disabled and one expired key still fill the allowance.
        let refused = app.create_key(Some(&alice.bearer), json!({})).await;
        assert_error(&refused, 403, "KEY_LIMIT_REACHED", LIMIT);
    }
);

both_backends!(
    trusted_servers_and_the_rust_api_are_capped_too,
    |backend: Backend| async move {
        let app = keys_app!(backend, |o| o.max_keys_per_user = Some(2));
        let alice = app.sign_up("Alice").await;
        app.create_ok(&alice.bearer, json!({})).await;
        // A trusted server creating for alice, with a server-only field.
        let server = app
            .server_post("create", json!({"userId": alice.id, "remaining": 5}))
            .await;
        assert_eq!(server.status.as_u16(), 200, "{}", server.text);
        let refused = app.server_post("create", json!({"userId": alice.id})).await;
        assert_error(&refused, 403, "KEY_LIMIT_REACHED", LIMIT);
        // Keys of an owner that is not a user are capped the same way.
        for _ in 0..2 {
            let ok = app
                .server_post("create", json!({"userId": "service-account"}))
                .await;
            assert_eq!(ok.status.as_u16(), 200, "{}", ok.text);
        }
        let refused = app
            .server_post("create", json!({"userId": "service-account"}))
            .await;
        assert_eq!(refused.code(), "KEY_LIMIT_REACHED");
        // The Rust API.
        let state = app.auth.state();
        let keys = latchkey_api_key::ApiKeys::from_state(
            &state,
            std::sync::Arc::new(latchkey_api_key::ApiKeyOptions {
                max_keys_per_user: Some(2),
                ..latchkey_api_key::ApiKeyOptions::default()
            }),
        );
        let outcome = keys
            .create(NewKeyInput {
                owner: alice.id.clone(),
                ..NewKeyInput::default()
            })
            .await;
        assert!(matches!(
            outcome,
            Err(ApiKeyError::KeyLimitReached { max: 2 })
        ));
    }
);

both_backends!(
    twenty_concurrent_creates_with_a_cap_of_5_leave_exactly_5,
    |backend: Backend| async move {
        let app = keys_app!(backend, |o| o.max_keys_per_user = Some(5));
        let alice = app.sign_up("Alice").await;
        let service = test::init_service(build_app(app.auth.clone())).await;
        let calls = (0..20).map(|i| {
            let req = TestRequest::post()
                .uri(&format!("{BASE}/create"))
                .insert_header(("authorization", format!("Bearer {}", alice.bearer)))
                .set_json(json!({ "name": format!("k{i}") }))
                .to_request();
            test::call_service(&service, req)
        });
        let responses = futures_util::future::join_all(calls).await;
        let mut created = 0;
        let mut refused = 0;
        for res in responses {
            let status = res.status().as_u16();
            let body: Value = test::read_body_json(res).await;
            match status {
                200 => created += 1,
                403 => {
                    assert_eq!(body["code"], json!("KEY_LIMIT_REACHED"));
                    refused += 1;
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!((created, refused), (5, 15));
        let listed = app.list_keys(Some(&alice.bearer), "").await;
        assert_eq!(listed.json["total"], 5);
    }
);

both_backends!(no_cap_by_default, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    for _ in 0..7 {
        app.create_ok(&alice.bearer, json!({})).await;
    }
    assert_eq!(
        app.list_keys(Some(&alice.bearer), "").await.json["total"],
        7
    );
});
