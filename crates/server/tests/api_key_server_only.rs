//! Trusted servers (`x-latchkey-server-secret`) creating and updating keys
//! with the server-only fields and for any `userId`, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod manage;

use actix_web::test::TestRequest;
use common::both_backends;
use latchkey_api_key::PlainKey;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::{json, Value};
use time::Duration;

both_backends!(
    create_with_every_server_only_field,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let body = json!({"userId": alice.id, "name": "srv-full", "prefix": "srv_", "remaining": 100,
        "refillAmount": 100, "refillInterval": 3_600_000, "rateLimitEnabled": true,
        "rateLimitTimeWindow": 60_000, "rateLimitMax": 50,
        "permissions": {"files": ["read", "write"], "users": ["read"]},
        "metadata": {"plan": "pro"}, "expiresIn": 604_800});
        let answer = app.server_post("create", body).await;
        assert_eq!(answer.status.as_u16(), 200, "{}", answer.text);
        let key = &answer.json;
        assert_record_fields(key, true);
        assert_eq!(key["referenceId"], json!(alice.id));
        assert_eq!(key["userId"], json!(alice.id));
        assert_eq!(key["remaining"], 100);
        assert_eq!(key["refillAmount"], 100);
        assert_eq!(key["refillInterval"], 3_600_000);
        assert_eq!(key["lastRefillAt"], Value::Null);
        assert_eq!(key["rateLimitEnabled"], true);
        assert_eq!(key["rateLimitTimeWindow"], 60_000);
        assert_eq!(key["rateLimitMax"], 50);
        assert_eq!(
            key["permissions"],
            json!({"files": ["read", "write"], "users": ["read"]})
        );
        assert_eq!(key["metadata"], json!({"plan": "pro"}));
        assert_eq!(
            parse_ts(&key["expiresAt"]),
            app.clock_now() + Duration::days(7)
        );
        assert!(key["key"].as_str().unwrap().starts_with("srv_"));
        // The owner sees it as their own key.
        let got = app
            .get_key(Some(&alice.bearer), key["id"].as_str().unwrap())
            .await;
        assert_eq!(got.json["permissions"], key["permissions"]);
        // Its permissions are enforced by verify.
        let plain = PlainKey::presented(key["key"].as_str().unwrap());
        let ok = app
            .verify_with(&plain, json!({"permissions": {"files": ["write"]}}))
            .await;
        assert_eq!(ok.json["valid"], true, "{}", ok.text);
        let denied = app
            .verify_with(&plain, json!({"permissions": {"files": ["delete"]}}))
            .await;
        assert_eq!(denied.json["error"]["code"], "KEY_NOT_FOUND");
    }
);

both_backends!(create_owner_rules, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let bob = app.sign_up("Bob").await;
    assert_unauthorized_session(&app.server_post("create", json!({"name": "no-owner"})).await);
    assert_unauthorized_session(&app.server_post("create", json!({"userId": ""})).await);
    // With a session and no userId, the key is the session user's.
    let own = app
        .call(server_request(
            "create",
            Some(&alice.bearer),
            json!({"remaining": 5}),
        ))
        .await;
    assert_eq!(own.json["referenceId"], json!(alice.id), "{}", own.text);
    assert_eq!(own.json["remaining"], 5);
    let same = app
        .call(server_request(
            "create",
            Some(&alice.bearer),
            json!({"userId": alice.id}),
        ))
        .await;
    assert_eq!(same.status.as_u16(), 200, "{}", same.text);
    // A session and a different userId disagree.
    let mismatch = app
        .call(server_request(
            "create",
            Some(&alice.bearer),
            json!({"userId": bob.id}),
        ))
        .await;
    assert_unauthorized_session(&mismatch);
    // No foreign key: a server may create a key for a user that does not exist.
    let ghost = app
        .server_post("create", json!({"userId": "ghost-user"}))
        .await;
    assert_eq!(ghost.json["referenceId"], "ghost-user", "{}", ghost.text);
    // userId is coerced to a string as zod does.
    let number = app.server_post("create", json!({"userId": 42})).await;
    assert_eq!(number.json["referenceId"], "42", "{}", number.text);
});

both_backends!(create_field_rules, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let create = |mut body: Value| {
        body["userId"] = json!(alice.id);
        app.server_post("create", body)
    };
    let remaining = create(json!({"remaining": 3})).await;
    assert_eq!(remaining.json["remaining"], 3);
    assert_eq!(remaining.json["refillAmount"], Value::Null);
    assert_eq!(create(json!({"remaining": 0})).await.json["remaining"], 0);
    assert_error(
        &create(json!({"refillAmount": 10})).await,
        400,
        "REFILL_AMOUNT_AND_INTERVAL_REQUIRED",
        "refillAmount is required when refillInterval is provided",
    );
    assert_error(
        &create(json!({"refillInterval": 1000})).await,
        400,
        "REFILL_INTERVAL_AND_AMOUNT_REQUIRED",
        "refillInterval is required when refillAmount is provided",
    );
    // remaining null stays null even with a refill configured.
    for body in [
        json!({"refillAmount": 7, "refillInterval": 1000, "remaining": null}),
        json!({"refillAmount": 7, "refillInterval": 1000}),
    ] {
        let refill = create(body).await;
        assert_eq!(refill.json["refillAmount"], 7, "{}", refill.text);
        assert_eq!(refill.json["refillInterval"], 1000);
        assert_eq!(refill.json["remaining"], Value::Null);
    }
    assert_validation(
        &create(json!({"remaining": -1})).await,
        "[body.remaining] Too small: expected number to be >=0",
    );
    assert_validation(
        &create(json!({"refillAmount": 0, "refillInterval": 1000})).await,
        "[body.refillAmount] Too small: expected number to be >=1",
    );
    assert_validation(
        &create(json!({"permissions": {"files": "read"}})).await,
        "[body.permissions.files] Invalid input: expected array, received string",
    );
    assert_validation(
        &create(json!({"permissions": null})).await,
        "[body.permissions] Invalid input: expected record, received null",
    );
    assert_validation(
        &create(json!({"remaining": 1.5})).await,
        "[body.remaining] Invalid input: expected int, received number",
    );
    assert_validation(
        &create(json!({"rateLimitMax": 3_000_000_000_u64})).await,
        "[body.rateLimitMax] Too big: expected number to be <=2147483647",
    );
    let disabled = create(json!({"rateLimitEnabled": false})).await;
    assert_eq!(disabled.json["rateLimitEnabled"], false);
    assert_eq!(disabled.json["rateLimitTimeWindow"], 86_400_000);
    assert_eq!(disabled.json["rateLimitMax"], 10);
    // The one-day minimum applies to trusted servers too.
    assert_error(
        &create(json!({"expiresIn": 10})).await,
        400,
        "EXPIRES_IN_IS_TOO_SMALL",
        "The expiresIn is smaller than the predefined minimum value.",
    );
});

both_backends!(update_server_only_fields, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let key = app
        .server_post(
            "create",
            json!({"userId": alice.id, "name": "srv", "metadata": {"plan": "pro"},
            "permissions": {"files": ["read", "write"]}}),
        )
        .await
        .json;
    let update = |mut body: Value| {
        body["keyId"] = key["id"].clone();
        body["userId"] = json!(alice.id);
        app.server_post("update", body)
    };
    let answer = update(
        json!({"remaining": 5, "refillAmount": 20, "refillInterval": 60_000,
        "rateLimitEnabled": false, "rateLimitTimeWindow": 1000, "rateLimitMax": 3,
        "permissions": {"files": ["read"]}}),
    )
    .await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.text);
    assert_record_fields(&answer.json, false);
    for (field, value) in [
        ("remaining", json!(5)),
        ("refillAmount", json!(20)),
        ("refillInterval", json!(60_000)),
        ("rateLimitEnabled", json!(false)),
        ("rateLimitTimeWindow", json!(1000)),
        ("rateLimitMax", json!(3)),
        ("permissions", json!({"files": ["read"]})),
        ("metadata", json!({"plan": "pro"})),
        ("name", json!("srv")),
    ] {
        assert_eq!(answer.json[field], value, "{field}");
    }
    assert_eq!(
        update(json!({"permissions": null})).await.json["permissions"],
        Value::Null
    );
    assert_validation(
        &update(json!({"remaining": 0})).await,
        "[body.remaining] Too small: expected number to be >=1",
    );
    // As on create: a refill of nothing would let a used-up key through.
    for amount in [0, -5] {
        assert_validation(
            &update(json!({"refillAmount": amount, "refillInterval": 1000})).await,
            "[body.refillAmount] Too small: expected number to be >=1",
        );
    }
    assert_error(
        &update(json!({"refillAmount": 3})).await,
        400,
        "REFILL_AMOUNT_AND_INTERVAL_REQUIRED",
        "refillAmount is required when refillInterval is provided",
    );
    assert_error(
        &update(json!({"refillInterval": 3})).await,
        400,
        "REFILL_INTERVAL_AND_AMOUNT_REQUIRED",
        "refillInterval is required when refillAmount is provided",
    );
    assert_error(
        &update(json!({})).await,
        400,
        "NO_VALUES_TO_UPDATE",
        "No values to update.",
    );
    assert_unauthorized_session(
        &app.server_post("update", json!({"keyId": key["id"], "name": "x"}))
            .await,
    );
    assert_not_found(
        &app.server_post(
            "update",
            json!({"keyId": "nope", "userId": alice.id, "name": "x"}),
        )
        .await,
    );
    // The client sees the server's changes.
    let got = app
        .get_key(Some(&alice.bearer), key["id"].as_str().unwrap())
        .await;
    assert_eq!(got.json["remaining"], 5);
    assert_eq!(got.json["permissions"], Value::Null);
    // With the owner's session the server needs no userId.
    let with_session = app
        .call(server_request(
            "update",
            Some(&alice.bearer),
            json!({"keyId": key["id"], "remaining": 9}),
        ))
        .await;
    assert_eq!(with_session.json["remaining"], 9, "{}", with_session.text);
});

both_backends!(credential_is_checked, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let wrong = TestRequest::post()
        .uri(&format!("{BASE}/create"))
        .insert_header(("x-latchkey-server-secret", "wrong"))
        .insert_header(("authorization", format!("Bearer {}", alice.bearer)))
        .set_json(json!({"remaining": 5}));
    let answer = app.call(wrong).await;
    assert_eq!(answer.status.as_u16(), 403, "{}", answer.text);
    assert_eq!(answer.code(), "INVALID_SERVER_CREDENTIAL");
    // With the feature off the header means nothing: a client again.
    let off = keys_app!(backend, |o| o.server_secret = None);
    let bob = off.sign_up("Bob").await;
    let answer = off
        .call(server_request(
            "create",
            Some(&bob.bearer),
            json!({"remaining": 5}),
        ))
        .await;
    assert_server_only(&answer);
    let answer = off
        .call(server_request("create", None, json!({"userId": bob.id})))
        .await;
    assert_unauthorized_session(&answer);
});
