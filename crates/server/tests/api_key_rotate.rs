//! `POST /api/auth/api-key/rotate` (latchkey) on both backends: a new
//! secret for the same key, the old one refused at once or after a grace
//! period (moved by the manual clock), owners only, and atomic under
//! concurrent verifies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod manage;

use actix_web::test;
use common::both_backends;
use common::keys::{insert_key, stored, verify_request};
use latchkey::app::build_app;
use latchkey_api_key::PlainKey;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::{json, Value};

fn plain(answer: &Value) -> PlainKey {
    PlainKey::presented(answer["key"].as_str().unwrap())
}

fn valid(answer: &common::Answer) -> bool {
    answer.json["valid"] == json!(true)
}

fn refusal(answer: &common::Answer) -> &str {
    answer.json["error"]["code"].as_str().unwrap_or("")
}

impl common::TestApp {
    async fn rotate(&self, bearer: Option<&str>, body: Value) -> common::Answer {
        self.post(&format!("{BASE}/rotate"), bearer, body).await
    }
}

both_backends!(
    rotation_keeps_the_key_and_replaces_the_secret,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let created = app
            .server_post(
                "create",
                json!({"userId": alice.id, "name": "billing", "prefix": "bill_",
                       "metadata": {"team": "a"}, "remaining": 50,
                       "permissions": {"files": ["read"]},
                       "rateLimits": [{"window": 60000, "max": 100}]}),
            )
            .await
            .json;
        let old = plain(&created);
        assert!(valid(&app.verify(&old).await));
        assert!(valid(&app.verify(&old).await));
        app.tick(1000);
        let answer = app
            .rotate(Some(&alice.bearer), json!({"keyId": created["id"]}))
            .await;
        assert_eq!(answer.status.as_u16(), 200, "{}", answer.text);
        let rotated = &answer.json;
        let new = plain(rotated);
        assert_ne!(new, old);
        assert!(new.expose().starts_with("bill_"));
        // `start` follows the new secret (it may still equal the old one's:
        // after the prefix it is one random character).
        assert_eq!(rotated["start"], json!(new.start(6)));
        for same in [
            "id",
            "name",
            "prefix",
            "metadata",
            "permissions",
            "referenceId",
            "userId",
            "createdAt",
            "rateLimits",
            "enabled",
            "expiresAt",
        ] {
            assert_eq!(rotated[same], created[same], "{same}");
        }
        // Counters carry over: two uses so far.
        assert_eq!(rotated["remaining"], json!(48));
        assert_eq!(rotated["requestCount"], json!(2));
        assert_eq!(rotated["previousKeyExpiresAt"], Value::Null);
        assert!(rotated.get("previousKey").is_none());
        assert!(!answer.text.contains(&old.hash().0));
        // No grace period: the old secret is refused at once, the new one works.
        let refused = app.verify(&old).await;
        assert_eq!(refusal(&refused), "INVALID_API_KEY");
        let admitted = app.verify(&new).await;
        assert!(valid(&admitted));
        assert_eq!(admitted.json["key"]["id"], created["id"]);
        assert_eq!(admitted.json["key"]["remaining"], json!(47));
        // The secret is shown once: get does not answer it.
        let got = app
            .get_key(Some(&alice.bearer), created["id"].as_str().unwrap())
            .await;
        assert!(got.json.get("key").is_none());
        assert_eq!(got.json["start"], rotated["start"]);
    }
);

both_backends!(
    grace_period_keeps_the_old_secret_until_it_ends,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let created = app.create_ok(&alice.bearer, json!({"name": "k"})).await;
        let old = plain(&created);
        let answer = app
            .rotate(
                Some(&alice.bearer),
                json!({"keyId": created["id"], "gracePeriod": 60}),
            )
            .await;
        assert_eq!(answer.status.as_u16(), 200, "{}", answer.text);
        assert_eq!(
            parse_ts(&answer.json["previousKeyExpiresAt"]),
            app.clock_now() + time::Duration::seconds(60)
        );
        let new = plain(&answer.json);
        // Both verify, as the same key with the same counters.
        let by_old = app.verify(&old).await;
        assert!(valid(&by_old));
        assert_eq!(by_old.json["key"]["id"], created["id"]);
        assert_eq!(by_old.json["key"]["start"], answer.json["start"]);
        assert!(valid(&app.verify(&new).await));
        app.tick(59_999);
        assert!(valid(&app.verify(&old).await));
        let last = app.verify(&new).await;
        assert_eq!(last.json["key"]["requestCount"], json!(4));
        // The grace period ends: only the new secret verifies.
        app.tick(1);
        for _ in 0..2 {
            assert_eq!(refusal(&app.verify(&old).await), "INVALID_API_KEY");
        }
        assert!(valid(&app.verify(&new).await));
        // A second rotation without grace ends the first one's at once.
        let again = app
            .rotate(
                Some(&alice.bearer),
                json!({"keyId": created["id"], "gracePeriod": 30}),
            )
            .await;
        let newest = plain(&again.json);
        let third = app
            .rotate(Some(&alice.bearer), json!({"keyId": created["id"]}))
            .await;
        for gone in [&old, &new, &newest] {
            assert_eq!(refusal(&app.verify(gone).await), "INVALID_API_KEY");
        }
        assert!(valid(&app.verify(&plain(&third.json)).await));
    }
);

both_backends!(
    only_the_owner_or_a_trusted_server_rotates,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let bob = app.sign_up("Bob").await;
        let created = app.create_ok(&alice.bearer, json!({"name": "k"})).await;
        let id = created["id"].clone();
        // Another user's key answers as a missing one.
        assert_not_found(&app.rotate(Some(&bob.bearer), json!({"keyId": id})).await);
        assert_not_found(
            &app.rotate(Some(&alice.bearer), json!({"keyId": "nope"}))
                .await,
        );
        assert_unauthorized_session(&app.rotate(None, json!({"keyId": id})).await);
        assert_unauthorized_session(
            &app.rotate(Some(&bob.bearer), json!({"keyId": id, "userId": alice.id}))
                .await,
        );
        // None of that changed the key.
        assert!(valid(&app.verify(&plain(&created)).await));
        // A trusted server rotates for `userId`; the wrong owner is not found.
        assert_not_found(
            &app.server_post("rotate", json!({"keyId": id, "userId": bob.id}))
                .await,
        );
        let by_server = app
            .server_post("rotate", json!({"keyId": id, "userId": alice.id}))
            .await;
        assert_eq!(by_server.status.as_u16(), 200, "{}", by_server.text);
        assert_eq!(by_server.json["id"], id);
        assert_eq!(
            refusal(&app.verify(&plain(&created)).await),
            "INVALID_API_KEY"
        );
        assert!(valid(&app.verify(&plain(&by_server.json)).await));
        assert_unauthorized_session(&app.server_post("rotate", json!({"keyId": id})).await);
    }
);

both_backends!(rotate_bodies_are_checked, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let created = app.create_ok(&alice.bearer, json!({})).await;
    let id = created["id"].clone();
    assert_validation(
        &app.rotate(Some(&alice.bearer), json!({})).await,
        "[body.keyId] Invalid input: expected string, received undefined",
    );
    assert_validation(
        &app.rotate(Some(&alice.bearer), json!({"keyId": id, "gracePeriod": -5}))
            .await,
        "[body.gracePeriod] Too small: expected number to be >=0",
    );
    assert_validation(
        &app.rotate(
            Some(&alice.bearer),
            json!({"keyId": id, "gracePeriod": 2_592_001}),
        )
        .await,
        "[body.gracePeriod] Too big: expected number to be <=2592000",
    );
    // Checked before the session, as every body is.
    assert_validation(
        &app.rotate(None, json!({"keyId": 5})).await,
        "[body.keyId] Invalid input: expected string, received number",
    );
    let longest = app
        .rotate(
            Some(&alice.bearer),
            json!({"keyId": id, "gracePeriod": 2_592_000}),
        )
        .await;
    assert_eq!(longest.status.as_u16(), 200, "{}", longest.text);
});

/// Sends these verifies and rotations at once through one app.
async fn at_once(app: &common::TestApp, calls: Vec<actix_web::test::TestRequest>) -> Vec<Value> {
    let service = test::init_service(build_app(app.auth.clone())).await;
    let calls = calls
        .into_iter()
        .map(|req| test::call_and_read_body_json::<_, _, Value>(&service, req.to_request()));
    futures_util::future::join_all(calls).await
}

fn verify_of(key: &PlainKey) -> actix_web::test::TestRequest {
    verify_request(json!({ "key": key.expose() }))
}

both_backends!(
    rotation_is_atomic_under_concurrent_verifies,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let (old, row) = insert_key(&app, "owner", |k| k.rate_limit_enabled = Some(false));
        let old_start = row.start.clone().unwrap();
        let mut calls: Vec<_> = (0..100).map(|_| verify_of(&old)).collect();
        calls.insert(
            50,
            server_request("rotate", None, json!({"keyId": row.id, "userId": "owner"})),
        );
        let answers = at_once(&app, calls).await;
        let rotated = answers
            .iter()
            .find(|a| a.get("key").is_some_and(Value::is_string));
        let rotated = rotated.expect("the rotation answered");
        let new = plain(rotated);
        let admitted: Vec<&Value> = answers
            .iter()
            .filter(|a| a["valid"] == json!(true))
            .collect();
        // Each admitted verify saw the key wholly before the rotation; the
        // others were refused as unknown, never half-rotated.
        for a in &admitted {
            assert_eq!(a["key"]["start"], json!(old_start));
        }
        let refused = answers
            .iter()
            .filter(|a| a["error"]["code"] == json!("INVALID_API_KEY"))
            .count();
        assert_eq!(admitted.len() + refused, 100);
        app.flush_key_counters().await;
        let counted = stored(&app, &new).unwrap().usage_count;
        assert_eq!(counted as usize, admitted.len());
        // After the rotation, the old secret never verifies; the new one always.
        let after: Vec<_> = (0..50)
            .map(|_| verify_of(&old))
            .chain((0..50).map(|_| verify_of(&new)))
            .collect();
        let answers = at_once(&app, after).await;
        let (by_old, by_new) = answers.split_at(50);
        assert!(by_old
            .iter()
            .all(|a| a["error"]["code"] == json!("INVALID_API_KEY")));
        assert!(by_new.iter().all(|a| a["valid"] == json!(true)));
    }
);

both_backends!(
    no_old_secret_is_admitted_after_the_grace_ends,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let (old, row) = insert_key(&app, "owner", |k| k.rate_limit_enabled = Some(false));
        let mut calls: Vec<_> = (0..60).map(|_| verify_of(&old)).collect();
        calls.insert(
            30,
            server_request(
                "rotate",
                None,
                json!({"keyId": row.id, "userId": "owner", "gracePeriod": 10}),
            ),
        );
        let answers = at_once(&app, calls).await;
        // Within the grace period the old secret is admitted throughout.
        assert_eq!(
            answers.iter().filter(|a| a["valid"] == json!(true)).count(),
            60
        );
        let rotated = answers
            .iter()
            .find(|a| a.get("key").is_some_and(Value::is_string));
        let new = plain(rotated.unwrap());
        app.tick(10_000);
        let mut calls: Vec<_> = (0..100).map(|_| verify_of(&old)).collect();
        calls.extend((0..100).map(|_| verify_of(&new)));
        let answers = at_once(&app, calls).await;
        let (by_old, by_new) = answers.split_at(100);
        assert!(by_old
            .iter()
            .all(|a| a["error"]["code"] == json!("INVALID_API_KEY")));
        assert!(by_new.iter().all(|a| a["valid"] == json!(true)));
        app.flush_key_counters().await;
        assert_eq!(stored(&app, &new).unwrap().usage_count, 160);
    }
);
