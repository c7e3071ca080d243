//! `POST /api/auth/api-key/update` from signed-in clients on both backends:
//! every field, valid and invalid, the order of checks, and options.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod manage;

use common::both_backends;
use latchkey_session::db::Backend;
use manage::*;
use serde_json::{json, Value};
use time::Duration;

both_backends!(updates_each_field, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let key = app
        .create_ok(
            &alice.bearer,
            json!({"name": "to-update", "metadata": {"v": 1}}),
        )
        .await;
    let id = key["id"].clone();
    let update = |body: Value| {
        let mut body = body;
        body["keyId"] = id.clone();
        app.update_key(Some(&alice.bearer), body)
    };
    app.tick(5000);
    let renamed = update(json!({"name": "renamed"})).await;
    assert_eq!(renamed.status.as_u16(), 200, "{}", renamed.text);
    assert_record_fields(&renamed.json, false);
    assert_eq!(renamed.json["name"], "renamed");
    assert_eq!(renamed.json["createdAt"], key["createdAt"]);
    assert_eq!(parse_ts(&renamed.json["updatedAt"]), app.clock_now());
    assert!(!renamed.text.contains(key["key"].as_str().unwrap()));
    assert_eq!(
        update(json!({"enabled": false})).await.json["enabled"],
        false
    );
    assert_eq!(update(json!({"enabled": true})).await.json["enabled"], true);
    let metadata = update(json!({"metadata": {"v": 2, "tags": ["x"]}})).await;
    assert_eq!(metadata.json["metadata"], json!({"v": 2, "tags": ["x"]}));
    assert_eq!(
        update(json!({"metadata": [1]})).await.json["metadata"],
        json!([1])
    );
    assert_eq!(
        update(json!({"metadata": null})).await.json["metadata"],
        Value::Null
    );
    let two_days = update(json!({"expiresIn": 172_800})).await;
    assert_eq!(
        parse_ts(&two_days.json["expiresAt"]),
        app.clock_now() + Duration::days(2)
    );
    assert_eq!(
        update(json!({"expiresIn": null})).await.json["expiresAt"],
        Value::Null
    );
    let several = update(json!({"name": "multi", "enabled": true, "metadata": {"v": 3}})).await;
    assert_eq!(several.json["name"], "multi");
    assert_eq!(several.json["metadata"], json!({"v": 3}));
    // What get answers afterwards is what update answered.
    let got = app.get_key(Some(&alice.bearer), id.as_str().unwrap()).await;
    assert_eq!(got.json, several.json);
    // Nothing else moved.
    for field in [
        "start",
        "prefix",
        "referenceId",
        "userId",
        "configId",
        "rateLimitMax",
        "remaining",
    ] {
        assert_eq!(got.json[field], key[field], "{field}");
    }
});

both_backends!(invalid_values, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let key = app.create_ok(&alice.bearer, json!({"name": "orig"})).await;
    let id = key["id"].clone();
    let update = |body: Value| {
        let mut body = body;
        body["keyId"] = id.clone();
        app.update_key(Some(&alice.bearer), body)
    };
    assert_error(
        &update(json!({"metadata": "text"})).await,
        400,
        "INVALID_METADATA_TYPE",
        "metadata must be an object or undefined",
    );
    assert_error(
        &update(json!({"metadata": 0})).await,
        400,
        "INVALID_METADATA_TYPE",
        "metadata must be an object or undefined",
    );
    assert_error(
        &update(json!({"expiresIn": 60})).await,
        400,
        "EXPIRES_IN_IS_TOO_SMALL",
        "The expiresIn is smaller than the predefined minimum value.",
    );
    assert_error(
        &update(json!({"expiresIn": 34_560_000})).await,
        400,
        "EXPIRES_IN_IS_TOO_LARGE",
        "The expiresIn is larger than the predefined maximum value.",
    );
    assert_validation(
        &update(json!({"expiresIn": 0})).await,
        "[body.expiresIn] Too small: expected number to be >=1",
    );
    let name_length = "The name length is either too large or too small.";
    assert_error(
        &update(json!({"name": "n".repeat(33)})).await,
        400,
        "INVALID_NAME_LENGTH",
        name_length,
    );
    // Unlike create, update checks an empty name.
    assert_error(
        &update(json!({"name": ""})).await,
        400,
        "INVALID_NAME_LENGTH",
        name_length,
    );
    assert_validation(
        &update(json!({"enabled": "yes"})).await,
        "[body.enabled] Invalid input: expected boolean, received string",
    );
    assert_validation(
        &update(json!({"name": null})).await,
        "[body.name] Invalid input: expected string, received null",
    );
    let missing = app
        .update_key(Some(&alice.bearer), json!({"name": "x"}))
        .await;
    assert_validation(
        &missing,
        "[body.keyId] Invalid input: expected string, received undefined",
    );
    // Nothing was changed by the refused updates.
    let got = app.get_key(Some(&alice.bearer), id.as_str().unwrap()).await;
    assert_eq!(got.json["name"], "orig");
    assert_eq!(got.json["updatedAt"], key["updatedAt"]);
});

both_backends!(no_values_to_update, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let key = app.create_ok(&alice.bearer, json!({})).await;
    let no_values = |answer: &common::Answer| {
        assert_error(answer, 400, "NO_VALUES_TO_UPDATE", "No values to update.")
    };
    no_values(
        &app.update_key(Some(&alice.bearer), json!({"keyId": key["id"]}))
            .await,
    );
    no_values(
        &app.update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "colour": "blue"}),
        )
        .await,
    );
    // prefix is not an update field.
    no_values(
        &app.update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "prefix": "new_"}),
        )
        .await,
    );
    // Only the caller's own userId: nothing to change.
    no_values(
        &app.update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "userId": alice.id}),
        )
        .await,
    );
    // The key is looked up first: an unknown key is 404 even with nothing to change.
    assert_not_found(
        &app.update_key(Some(&alice.bearer), json!({"keyId": "nope"}))
            .await,
    );
    assert_not_found(
        &app.update_key(Some(&alice.bearer), json!({"keyId": "nope", "name": "x"}))
            .await,
    );
    assert_not_found(
        &app.update_key(Some(&alice.bearer), json!({"keyId": "nope", "name": ""}))
            .await,
    );
});

both_backends!(
    metadata_ignored_when_disabled,
    |backend: Backend| async move {
        let app = keys_app!(backend, |_| {});
        let alice = app.sign_up("Alice").await;
        let key = app.create_ok(&alice.bearer, json!({"name": "a"})).await;
        let only = app
            .update_key(
                Some(&alice.bearer),
                json!({"keyId": key["id"], "metadata": {"v": 1}}),
            )
            .await;
        assert_error(&only, 400, "NO_VALUES_TO_UPDATE", "No values to update.");
        let with_name = app
            .update_key(
                Some(&alice.bearer),
                json!({"keyId": key["id"], "metadata": "text", "name": "b"}),
            )
            .await;
        assert_eq!(with_name.status.as_u16(), 200, "{}", with_name.text);
        assert_eq!(with_name.json["name"], "b");
        assert_eq!(with_name.json["metadata"], Value::Null);
    }
);

both_backends!(
    clients_cannot_set_server_only_fields,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let key = app.create_ok(&alice.bearer, json!({})).await;
        for field in [
            json!({"remaining": 5}),
            json!({"permissions": {"files": ["read"]}}),
            json!({"permissions": null}),
            json!({"refillAmount": 1}),
            json!({"refillInterval": 1000}),
            json!({"rateLimitMax": 5}),
            json!({"rateLimitTimeWindow": 1000}),
            json!({"rateLimitEnabled": false}),
        ] {
            let mut body = field;
            body["keyId"] = key["id"].clone();
            assert_server_only(&app.update_key(Some(&alice.bearer), body).await);
        }
        // Also for a key that is not the caller's: this is checked before the lookup.
        let foreign = app
            .update_key(
                Some(&alice.bearer),
                json!({"keyId": "nope", "remaining": 5}),
            )
            .await;
        assert_server_only(&foreign);
        // The schema comes first.
        let zero = app
            .update_key(
                Some(&alice.bearer),
                json!({"keyId": key["id"], "remaining": 0}),
            )
            .await;
        assert_validation(
            &zero,
            "[body.remaining] Too small: expected number to be >=1",
        );
    }
);

both_backends!(user_id_and_session, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let bob = app.sign_up("Bob").await;
    let key = app.create_ok(&alice.bearer, json!({})).await;
    // A client may repeat its own userId on update (unlike create).
    let own = app
        .update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "userId": alice.id, "name": "own-user"}),
        )
        .await;
    assert_eq!(own.status.as_u16(), 200, "{}", own.text);
    assert_eq!(own.json["name"], "own-user");
    let other = app
        .update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "userId": bob.id, "name": "x"}),
        )
        .await;
    assert_unauthorized_session(&other);
    // userId is checked before the server-only fields.
    let other_server_only = app
        .update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "userId": bob.id, "remaining": 3}),
        )
        .await;
    assert_unauthorized_session(&other_server_only);
    assert_unauthorized_session(
        &app.update_key(None, json!({"keyId": key["id"], "name": "x"}))
            .await,
    );
    assert_unauthorized_session(
        &app.update_key(None, json!({"keyId": key["id"], "remaining": 3}))
            .await,
    );
    assert_unauthorized_session(
        &app.update_key(Some("bogus"), json!({"keyId": key["id"], "name": "x"}))
            .await,
    );
    let got = app
        .get_key(Some(&alice.bearer), key["id"].as_str().unwrap())
        .await;
    assert_eq!(got.json["name"], "own-user");
});

both_backends!(expiry_options, |backend: Backend| async move {
    let app = keys_app!(backend, |o| {
        o.min_expires_in_days = 2.0;
        o.max_expires_in_days = 3.0;
    });
    let alice = app.sign_up("Alice").await;
    let key = app.create_ok(&alice.bearer, json!({})).await;
    let small = app
        .update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "expiresIn": 86_400}),
        )
        .await;
    assert_eq!(small.code(), "EXPIRES_IN_IS_TOO_SMALL");
    let large = app
        .update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "expiresIn": 4 * 86_400}),
        )
        .await;
    assert_eq!(large.code(), "EXPIRES_IN_IS_TOO_LARGE");
    let ok = app
        .update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "expiresIn": 3 * 86_400}),
        )
        .await;
    assert_eq!(
        parse_ts(&ok.json["expiresAt"]),
        app.clock_now() + Duration::days(3)
    );
    let fixed = keys_app!(backend, |o| o.disable_custom_expires_time = true);
    let bob = fixed.sign_up("Bob").await;
    let key = fixed.create_ok(&bob.bearer, json!({})).await;
    for expires_in in [json!(86_400), Value::Null] {
        let refused = fixed
            .update_key(
                Some(&bob.bearer),
                json!({"keyId": key["id"], "expiresIn": expires_in}),
            )
            .await;
        assert_error(
            &refused,
            400,
            "KEY_DISABLED_EXPIRATION",
            "Custom key expiration values are disabled.",
        );
    }
});

both_backends!(
    disabled_key_no_longer_verifies,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let key = app.create_ok(&alice.bearer, json!({})).await;
        let plain = latchkey_api_key::PlainKey::presented(key["key"].as_str().unwrap());
        app.update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "enabled": false}),
        )
        .await;
        assert_eq!(
            app.verify(&plain).await.json["error"]["code"],
            "KEY_DISABLED"
        );
        app.update_key(
            Some(&alice.bearer),
            json!({"keyId": key["id"], "enabled": true}),
        )
        .await;
        assert_eq!(app.verify(&plain).await.json["valid"], true);
    }
);
