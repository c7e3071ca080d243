//! `POST /api/auth/api-key/create` from signed-in clients: every field,
//! valid and invalid, every option that shapes a new key, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod manage;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::both_backends;
use latchkey_session::db::Backend;
use latchkey_session::time_format;
use manage::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::Duration;

fn letters(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphabetic())
}

both_backends!(
    minimal_key_has_better_auths_defaults,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let now = time_format::format(app.clock_now());
        let key = app.create_ok(&alice.bearer, json!({})).await;
        assert_record_fields(&key, true);
        let secret = key["key"].as_str().unwrap();
        assert_eq!(secret.len(), 64);
        assert!(letters(secret));
        assert_eq!(key["start"], json!(&secret[..6]));
        assert_eq!(key["id"].as_str().unwrap().len(), 32);
        let mut rest = key.clone();
        for volatile in ["key", "start", "id"] {
            rest.as_object_mut().unwrap().remove(volatile);
        }
        assert_eq!(
            rest,
            json!({
                "configId": "default", "name": null, "referenceId": alice.id, "userId": alice.id,
                "prefix": null, "refillInterval": null, "refillAmount": null, "lastRefillAt": null,
                "enabled": true, "rateLimitEnabled": true, "rateLimitTimeWindow": 86_400_000,
                "rateLimitMax": 10, "requestCount": 0, "usageCount": 0, "remaining": null, "lastRequest": null,
                "expiresAt": null, "createdAt": now, "updatedAt": now, "permissions": null,
                "metadata": null,
            })
        );
    }
);

both_backends!(
    stores_only_the_hash_and_the_key_verifies,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let key = app.create_ok(&alice.bearer, json!({"prefix": "lk_"})).await;
        let secret = key["key"].as_str().unwrap().to_owned();
        let plain = latchkey_api_key::PlainKey::presented(secret.clone());
        let row = common::keys::stored(&app, &plain).expect("stored by its hash");
        assert_eq!(
            row.key,
            URL_SAFE_NO_PAD.encode(Sha256::digest(secret.as_bytes()))
        );
        assert_ne!(row.key, secret);
        let verified = app.verify(&plain).await;
        assert_eq!(verified.json["valid"], json!(true), "{}", verified.text);
        assert_eq!(verified.json["key"]["id"], key["id"]);
        assert!(!verified.text.contains(&secret));
    }
);

both_backends!(
    name_prefix_metadata_and_expiry,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let body = json!({"name": "ci-deploy", "prefix": "lk_",
        "metadata": {"team": "infra", "tier": 2}, "expiresIn": 2_592_000});
        let key = app.create_ok(&alice.bearer, body).await;
        assert_eq!(key["name"], "ci-deploy");
        assert_eq!(key["prefix"], "lk_");
        let secret = key["key"].as_str().unwrap();
        assert_eq!(secret.len(), 67);
        assert!(secret.starts_with("lk_") && letters(&secret[3..]));
        assert_eq!(key["start"], json!(&secret[..6]));
        assert_eq!(key["metadata"], json!({"team": "infra", "tier": 2}));
        assert_eq!(
            parse_ts(&key["expiresAt"]),
            app.clock_now() + Duration::days(30)
        );
        let one_day = app
            .create_ok(&alice.bearer, json!({"expiresIn": 86_400}))
            .await;
        assert_eq!(
            parse_ts(&one_day["expiresAt"]),
            app.clock_now() + Duration::days(1)
        );
        let max = app
            .create_ok(&alice.bearer, json!({"expiresIn": 365 * 86_400}))
            .await;
        assert_eq!(
            parse_ts(&max["expiresAt"]),
            app.clock_now() + Duration::days(365)
        );
        let never = app
            .create_ok(&alice.bearer, json!({"expiresIn": null}))
            .await;
        assert_eq!(never["expiresAt"], Value::Null);
    }
);

both_backends!(expiry_bounds_and_types, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let small = app
        .create_key(Some(&alice.bearer), json!({"expiresIn": 3600}))
        .await;
    assert_error(
        &small,
        400,
        "EXPIRES_IN_IS_TOO_SMALL",
        "The expiresIn is smaller than the predefined minimum value.",
    );
    let large = app
        .create_key(Some(&alice.bearer), json!({"expiresIn": 31_622_400}))
        .await;
    assert_error(
        &large,
        400,
        "EXPIRES_IN_IS_TOO_LARGE",
        "The expiresIn is larger than the predefined maximum value.",
    );
    let zero = app
        .create_key(Some(&alice.bearer), json!({"expiresIn": 0}))
        .await;
    assert_validation(
        &zero,
        "[body.expiresIn] Too small: expected number to be >=1",
    );
    let text = app
        .create_key(Some(&alice.bearer), json!({"expiresIn": "30d"}))
        .await;
    assert_validation(
        &text,
        "[body.expiresIn] Invalid input: expected number, received string",
    );
});

both_backends!(name_rules, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let long = "n".repeat(32);
    assert_eq!(
        app.create_ok(&alice.bearer, json!({"name": long})).await["name"],
        json!(long)
    );
    let too_long = app
        .create_key(Some(&alice.bearer), json!({"name": "n".repeat(33)}))
        .await;
    assert_error(
        &too_long,
        400,
        "INVALID_NAME_LENGTH",
        "The name length is either too large or too small.",
    );
    // An empty name skips the length check on create and is stored as "".
    assert_eq!(
        app.create_ok(&alice.bearer, json!({"name": ""})).await["name"],
        ""
    );
    let number = app
        .create_key(Some(&alice.bearer), json!({"name": 5}))
        .await;
    assert_validation(
        &number,
        "[body.name] Invalid input: expected string, received number",
    );
    let null = app
        .create_key(Some(&alice.bearer), json!({"name": null}))
        .await;
    assert_validation(
        &null,
        "[body.name] Invalid input: expected string, received null",
    );
});

both_backends!(prefix_rules, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let prefix = "p".repeat(32);
    let key = app
        .create_ok(&alice.bearer, json!({"prefix": prefix}))
        .await;
    assert_eq!(key["prefix"], json!(prefix));
    assert_eq!(key["key"].as_str().unwrap().len(), 96);
    assert_eq!(key["start"], "pppppp");
    let too_long = app
        .create_key(Some(&alice.bearer), json!({"prefix": "p".repeat(33)}))
        .await;
    assert_error(
        &too_long,
        400,
        "INVALID_PREFIX_LENGTH",
        "The prefix length is either too large or too small.",
    );
    let format = "[body.prefix] Invalid prefix format, must be alphanumeric and contain only \
                  underscores and hyphens.";
    for bad in ["bad prefix!", "", "ü_"] {
        let answer = app
            .create_key(Some(&alice.bearer), json!({"prefix": bad}))
            .await;
        assert_validation(&answer, format);
    }
    let ok = app
        .create_ok(&alice.bearer, json!({"prefix": "A-z_9"}))
        .await;
    assert!(ok["key"].as_str().unwrap().starts_with("A-z_9"));
});

both_backends!(metadata_rules, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    for bad in [json!("text"), json!(42), json!(true)] {
        let answer = app
            .create_key(Some(&alice.bearer), json!({"metadata": bad}))
            .await;
        assert_error(
            &answer,
            400,
            "INVALID_METADATA_TYPE",
            "metadata must be an object or undefined",
        );
    }
    let array = app
        .create_ok(&alice.bearer, json!({"metadata": [1, 2]}))
        .await;
    assert_eq!(array["metadata"], json!([1, 2]));
    let null = app
        .create_ok(&alice.bearer, json!({"metadata": null}))
        .await;
    assert_eq!(null["metadata"], Value::Null);
    let nested = json!({"a": {"b": [1, "two", null, true]}});
    let key = app
        .create_ok(&alice.bearer, json!({"metadata": nested}))
        .await;
    assert_eq!(key["metadata"], nested);
    // Falsy values are ignored as better-auth's `if (metadata)` does.
    for falsy in [json!(0), json!(""), json!(false)] {
        let key = app
            .create_ok(&alice.bearer, json!({"metadata": falsy}))
            .await;
        assert_eq!(key["metadata"], Value::Null);
    }
});

both_backends!(
    metadata_disabled_by_default,
    |backend: Backend| async move {
        let app = keys_app!(backend, |_| {});
        let alice = app.sign_up("Alice").await;
        let answer = app
            .create_key(Some(&alice.bearer), json!({"metadata": {"a": 1}}))
            .await;
        assert_error(&answer, 400, "METADATA_DISABLED", "Metadata is disabled.");
        let array = app
            .create_key(Some(&alice.bearer), json!({"metadata": []}))
            .await;
        assert_error(&array, 400, "METADATA_DISABLED", "Metadata is disabled.");
        let null = app
            .create_ok(&alice.bearer, json!({"metadata": null}))
            .await;
        assert_eq!(null["metadata"], Value::Null);
    }
);

both_backends!(
    unknown_fields_and_config_ids,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        let key = app
            .create_ok(&alice.bearer, json!({"name": "extra", "colour": "blue"}))
            .await;
        assert!(key.get("colour").is_none());
        let cfg = app
            .create_ok(&alice.bearer, json!({"name": "cfg", "configId": "other"}))
            .await;
        assert_eq!(cfg["configId"], "default");
        let bad = app
            .create_key(Some(&alice.bearer), json!({"configId": 7}))
            .await;
        assert_validation(
            &bad,
            "[body.configId] Invalid input: expected string, received number",
        );
    }
);

both_backends!(
    clients_cannot_set_server_only_fields,
    |backend: Backend| async move {
        let app = keys_app!(backend);
        let alice = app.sign_up("Alice").await;
        for body in [
            json!({"remaining": 100}),
            json!({"remaining": 0}),
            json!({"permissions": {"files": ["read"]}}),
            json!({"refillAmount": 10}),
            json!({"refillInterval": 1000}),
            json!({"rateLimitMax": 5}),
            json!({"rateLimitTimeWindow": 1000}),
            json!({"rateLimitEnabled": false}),
            json!({"name": "x", "refillAmount": 10, "refillInterval": 1000}),
        ] {
            assert_server_only(&app.create_key(Some(&alice.bearer), body).await);
            // Checked before the session: even without one.
        }
        assert_server_only(&app.create_key(None, json!({"rateLimitMax": 5})).await);
        // `remaining: null` is the default and allowed.
        let key = app
            .create_ok(&alice.bearer, json!({"remaining": null}))
            .await;
        assert_eq!(key["remaining"], Value::Null);
        // The schema is checked first.
        let negative = app
            .create_key(Some(&alice.bearer), json!({"remaining": -1}))
            .await;
        assert_validation(
            &negative,
            "[body.remaining] Too small: expected number to be >=0",
        );
    }
);

both_backends!(user_id_and_session, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    // Any userId from a client is 401, even the caller's own.
    assert_unauthorized_session(
        &app.create_key(Some(&alice.bearer), json!({"userId": alice.id}))
            .await,
    );
    assert_unauthorized_session(
        &app.create_key(Some(&alice.bearer), json!({"userId": "x"}))
            .await,
    );
    assert_unauthorized_session(&app.create_key(None, json!({"name": "anon"})).await);
    assert_unauthorized_session(&app.create_key(Some("not-a-token"), json!({})).await);
    // Schema issues come before the session check, all of them at once.
    let both = app
        .create_key(None, json!({"name": 1, "expiresIn": "x"}))
        .await;
    assert_validation(
        &both,
        "[body.name] Invalid input: expected string, received number; \
        [body.expiresIn] Invalid input: expected number, received string",
    );
    // The seed's `userId` is answered beside `referenceId`.
    let key = app.create_ok(&alice.bearer, json!({})).await;
    assert_eq!(key["userId"], json!(alice.id));
    assert_eq!(key["referenceId"], json!(alice.id));
});

both_backends!(name_options, |backend: Backend| async move {
    let app = keys_app!(backend, |o| {
        o.require_name = true;
        o.minimum_name_length = 3;
        o.maximum_name_length = 5;
    });
    let alice = app.sign_up("Alice").await;
    for body in [json!({}), json!({"name": ""})] {
        let answer = app.create_key(Some(&alice.bearer), body).await;
        assert_error(&answer, 400, "NAME_REQUIRED", "API Key name is required.");
    }
    for name in ["ab", "abcdef"] {
        let answer = app
            .create_key(Some(&alice.bearer), json!({"name": name}))
            .await;
        assert_eq!(answer.code(), "INVALID_NAME_LENGTH");
    }
    assert_eq!(
        app.create_ok(&alice.bearer, json!({"name": "abc"})).await["name"],
        "abc"
    );
});

both_backends!(prefix_and_key_options, |backend: Backend| async move {
    let app = keys_app!(backend, |o| {
        o.default_prefix = Some("lk_".into());
        o.minimum_prefix_length = 2;
        o.maximum_prefix_length = 4;
        o.default_key_length = 32;
        o.starting_characters_length = 10;
    });
    let alice = app.sign_up("Alice").await;
    let key = app.create_ok(&alice.bearer, json!({})).await;
    assert_eq!(key["prefix"], "lk_");
    let secret = key["key"].as_str().unwrap();
    assert_eq!(secret.len(), 35);
    assert_eq!(key["start"], json!(&secret[..10]));
    let own = app.create_ok(&alice.bearer, json!({"prefix": "ab"})).await;
    assert!(own["key"].as_str().unwrap().starts_with("ab"));
    assert_eq!(own["prefix"], "ab");
    for prefix in ["a", "abcde"] {
        let answer = app
            .create_key(Some(&alice.bearer), json!({"prefix": prefix}))
            .await;
        assert_eq!(answer.code(), "INVALID_PREFIX_LENGTH");
    }
    let hidden = keys_app!(backend, |o| o.store_starting_characters = false);
    let bob = hidden.sign_up("Bob").await;
    assert_eq!(
        hidden.create_ok(&bob.bearer, json!({})).await["start"],
        Value::Null
    );
});

both_backends!(expiry_options, |backend: Backend| async move {
    let app = keys_app!(backend, |o| {
        o.default_expires_in = Some(7 * 86_400);
        o.min_expires_in_days = 2.0;
        o.max_expires_in_days = 10.0;
    });
    let alice = app.sign_up("Alice").await;
    let key = app.create_ok(&alice.bearer, json!({})).await;
    assert_eq!(
        parse_ts(&key["expiresAt"]),
        app.clock_now() + Duration::days(7)
    );
    let null = app
        .create_ok(&alice.bearer, json!({"expiresIn": null}))
        .await;
    assert_eq!(
        parse_ts(&null["expiresAt"]),
        app.clock_now() + Duration::days(7)
    );
    let small = app
        .create_key(Some(&alice.bearer), json!({"expiresIn": 86_400}))
        .await;
    assert_eq!(small.code(), "EXPIRES_IN_IS_TOO_SMALL");
    let large = app
        .create_key(Some(&alice.bearer), json!({"expiresIn": 11 * 86_400}))
        .await;
    assert_eq!(large.code(), "EXPIRES_IN_IS_TOO_LARGE");
    let fixed = keys_app!(backend, |o| o.disable_custom_expires_time = true);
    let bob = fixed.sign_up("Bob").await;
    let refused = fixed
        .create_key(Some(&bob.bearer), json!({"expiresIn": 86_400}))
        .await;
    assert_error(
        &refused,
        400,
        "KEY_DISABLED_EXPIRATION",
        "Custom key expiration values are disabled.",
    );
    assert_eq!(
        fixed.create_ok(&bob.bearer, json!({})).await["expiresAt"],
        Value::Null
    );
});

both_backends!(
    rate_limit_and_permission_options,
    |backend: Backend| async move {
        let app = keys_app!(backend, |o| {
            o.rate_limit_enabled = false;
            o.rate_limit_time_window = 60_000;
            o.rate_limit_max = 3;
            o.default_permissions = json!({"files": ["read"]}).as_object().cloned();
        });
        let alice = app.sign_up("Alice").await;
        let key = app.create_ok(&alice.bearer, json!({})).await;
        assert_eq!(key["rateLimitEnabled"], false);
        assert_eq!(key["rateLimitTimeWindow"], 60_000);
        assert_eq!(key["rateLimitMax"], 3);
        assert_eq!(key["permissions"], json!({"files": ["read"]}));
    }
);

both_backends!(timestamps_follow_the_clock, |backend: Backend| async move {
    let app = keys_app!(backend);
    let alice = app.sign_up("Alice").await;
    let first = app.create_ok(&alice.bearer, json!({})).await;
    app.tick(1500);
    let second = app.create_ok(&alice.bearer, json!({})).await;
    assert_eq!(
        parse_ts(&second["createdAt"]) - parse_ts(&first["createdAt"]),
        Duration::milliseconds(1500)
    );
    assert_eq!(second["createdAt"], second["updatedAt"]);
    assert_ne!(first["key"], second["key"]);
    assert_ne!(first["id"], second["id"]);
});
