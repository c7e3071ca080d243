//! `POST /api-key/verify` (trusted servers): better-auth's order and answers,
//! latchkey's exact budget, fixed windows and kept keys. Time moves by the
//! injected clock, never by sleeping.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use actix_web::http::StatusCode;
use common::both_backends;
use common::keys::{burst, insert_key, stored};
use latchkey_api_key::PlainKey;
use latchkey_session::db::Backend;
use serde_json::json;
use time::Duration;

fn refusal(answer: &common::Answer) -> &str {
    answer.json["error"]["code"].as_str().unwrap_or("")
}

both_backends!(
    valid_key_is_admitted_and_counted,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, row) = insert_key(&app, "owner-1", |_| {});
        let answer = app.verify(&key).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.json["valid"], json!(true));
        assert_eq!(answer.json["error"], json!(null));
        let record = &answer.json["key"];
        assert_eq!(record["id"], json!(row.id));
        assert_eq!(record["referenceId"], json!("owner-1"));
        assert_eq!(record["userId"], json!("owner-1"));
        assert_eq!(record["requestCount"], json!(1));
        assert!(record["lastRequest"].is_string());
        assert!(
            record.get("key").is_none(),
            "verify must not answer the secret or hash"
        );
        assert!(!answer.text.contains(key.expose()));
        assert!(!answer.text.contains(&row.key));
    }
);

both_backends!(
    verify_needs_the_server_credential,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "o", |_| {});
        let body = json!({ "key": key.expose() });
        let none = app
            .post("/api/auth/api-key/verify", None, body.clone())
            .await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED);
        assert_eq!(none.code(), "SERVER_CREDENTIAL_REQUIRED");
        let wrong = app
            .call(
                actix_web::test::TestRequest::post()
                    .uri("/api/auth/api-key/verify")
                    .insert_header(("x-latchkey-server-secret", "not-it"))
                    .set_json(body),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        assert_eq!(wrong.code(), "INVALID_SERVER_CREDENTIAL");
        assert!(!wrong.text.contains("not-it"));
        // Neither call charged the key.
        assert_eq!(stored(&app, &key).unwrap().request_count, Some(0));
    }
);

both_backends!(
    unknown_empty_and_missing_keys,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let unknown = app.verify(&PlainKey::generate(None, 64)).await;
        assert_eq!(unknown.status, StatusCode::OK);
        assert_eq!(
            unknown.json,
            json!({"valid": false, "error": {"message": "Invalid API key.", "code": "INVALID_API_KEY"}, "key": null})
        );
        let empty = app.verify(&PlainKey::presented("")).await;
        assert_eq!(refusal(&empty), "INVALID_API_KEY");
        let missing = app.call(common::keys::verify_request(json!({}))).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            missing.json["message"],
            json!("[body.key] Invalid input: expected string, received undefined")
        );
    }
);

both_backends!(permissions_are_checked, |backend: Backend| async move {
    let app = test_app!(backend);
    let (key, _) = insert_key(&app, "o", |k| {
        k.rate_limit_enabled = Some(false);
        k.permissions = Some(r#"{"files":["read","write"],"users":["read"]}"#.into());
    });
    let (bare, _) = insert_key(&app, "o", |_| {});
    for ok in [
        json!({"files": ["read"]}),
        json!({"files": ["read", "write"], "users": ["read"]}),
    ] {
        let answer = app.verify_with(&key, json!({ "permissions": ok })).await;
        assert_eq!(answer.json["valid"], json!(true), "{ok}");
        assert_eq!(
            answer.json["key"]["permissions"],
            json!({"files": ["read", "write"], "users": ["read"]})
        );
    }
    for missing in [json!({"files": ["delete"]}), json!({"billing": ["read"]})] {
        let answer = app
            .verify_with(&key, json!({ "permissions": missing }))
            .await;
        assert_eq!(
            answer.json["error"],
            json!({"message": "API Key not found", "code": "KEY_NOT_FOUND"})
        );
    }
    let answer = app
        .verify_with(&bare, json!({"permissions": {"files": ["read"]}}))
        .await;
    assert_eq!(refusal(&answer), "KEY_NOT_FOUND");
    let shape = app
        .verify_with(&key, json!({"permissions": {"files": "read"}}))
        .await;
    assert_eq!(shape.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        shape.json["message"],
        json!("[body.permissions.files] Invalid input: expected array, received string")
    );
    // Refused checks counted nothing: two admissions only.
    app.flush_key_counters().await;
    assert_eq!(stored(&app, &key).unwrap().usage_count, 2);
});

both_backends!(config_id_must_match, |backend: Backend| async move {
    let app = test_app!(backend);
    let (key, _) = insert_key(&app, "o", |_| {});
    assert_eq!(
        refusal(&app.verify_with(&key, json!({"configId": "other"})).await),
        "INVALID_API_KEY"
    );
    assert_eq!(
        app.verify_with(&key, json!({"configId": "default"}))
            .await
            .json["valid"],
        json!(true)
    );
});

both_backends!(
    disabled_and_expired_keys_are_refused_and_kept,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (disabled, _) = insert_key(&app, "o", |k| k.enabled = Some(false));
        assert_eq!(
            app.verify(&disabled).await.json["error"],
            json!({"message": "API Key is disabled", "code": "KEY_DISABLED"})
        );
        let expiry = app.clock_now() + Duration::days(1);
        let (expiring, _) = insert_key(&app, "o", |k| k.expires_at = Some(expiry));
        assert_eq!(app.verify(&expiring).await.json["valid"], json!(true));
        app.clock.advance(Duration::days(1));
        for _ in 0..2 {
            let answer = app.verify(&expiring).await;
            assert_eq!(
                answer.json["error"],
                json!({"message": "API Key has expired", "code": "KEY_EXPIRED"})
            );
        }
        assert!(
            stored(&app, &expiring).is_some(),
            "latchkey keeps expired keys"
        );
    }
);

both_backends!(remaining_runs_out_exactly, |backend: Backend| async move {
    let app = test_app!(backend);
    let (key, _) = insert_key(&app, "o", |k| k.remaining = Some(2));
    assert_eq!(app.verify(&key).await.json["key"]["remaining"], json!(1));
    assert_eq!(app.verify(&key).await.json["key"]["remaining"], json!(0));
    for _ in 0..2 {
        let answer = app.verify(&key).await;
        assert_eq!(
            answer.json["error"],
            json!({"message": "API Key has reached its usage limit", "code": "USAGE_EXCEEDED"})
        );
    }
    let row = stored(&app, &key).expect("latchkey keeps used-up keys");
    assert_eq!(row.remaining, Some(0));
    assert_eq!(row.request_count, Some(2));
    let (zero, _) = insert_key(&app, "o", |k| k.remaining = Some(0));
    assert_eq!(refusal(&app.verify(&zero).await), "USAGE_EXCEEDED");
});

both_backends!(
    refill_restores_remaining_after_the_interval,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "o", |k| {
            k.remaining = Some(1);
            k.refill_amount = Some(2);
            k.refill_interval = Some(1000);
            k.rate_limit_enabled = Some(false);
        });
        assert_eq!(app.verify(&key).await.json["key"]["remaining"], json!(0));
        assert_eq!(refusal(&app.verify(&key).await), "USAGE_EXCEEDED");
        app.clock.advance(Duration::milliseconds(999));
        assert_eq!(refusal(&app.verify(&key).await), "USAGE_EXCEEDED");
        app.clock.advance(Duration::milliseconds(1));
        let refilled = app.verify(&key).await;
        assert_eq!(
            refilled.json["key"]["remaining"],
            json!(1),
            "refill to 2, minus this call"
        );
        assert!(refilled.json["key"]["lastRefillAt"].is_string());
        assert_eq!(app.verify(&key).await.json["key"]["remaining"], json!(0));
        assert_eq!(refusal(&app.verify(&key).await), "USAGE_EXCEEDED");
    }
);

both_backends!(
    a_stored_refill_of_nothing_never_admits_a_used_up_key,
    |backend: Backend| async move {
        // The API refuses a refillAmount under 1, but a row can hold one
        // (written by hand or by another program): its refill must not
        // admit, one verify at a time or in a burst (PostgreSQL charges
        // concurrent verifies in shared statements).
        let app = test_app!(backend);
        for amount in [0, -3] {
            let (key, _) = insert_key(&app, "o", |k| {
                k.remaining = Some(0);
                k.refill_amount = Some(amount);
                k.refill_interval = Some(1000);
                k.rate_limit_enabled = Some(false);
            });
            app.clock.advance(Duration::milliseconds(5_000));
            assert_eq!(refusal(&app.verify(&key).await), "USAGE_EXCEEDED");
            let admitted = burst(&app, &key, 20)
                .await
                .iter()
                .filter(|a| a["valid"] == json!(true))
                .count();
            assert_eq!(admitted, 0, "refillAmount {amount}");
            let row = stored(&app, &key).unwrap();
            assert_eq!((row.remaining, row.usage_count), (Some(0), 0));
        }
    }
);

both_backends!(
    rate_limit_uses_fixed_windows,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "o", |k| {
            k.rate_limit_max = Some(2);
            k.rate_limit_time_window = Some(1000);
        });
        assert_eq!(app.verify(&key).await.json["valid"], json!(true));
        app.clock.advance(Duration::milliseconds(600));
        assert_eq!(app.verify(&key).await.json["key"]["requestCount"], json!(2));
        let limited = app.verify(&key).await;
        assert_eq!(
            limited.json["error"],
            json!({"message": "Rate limit exceeded.", "code": "RATE_LIMITED", "details": {"tryAgainIn": 400}})
        );
        // better-auth's window slides with each admission and would still refuse
        // here; latchkey's window started at t0 and has ended at t0 + 1000 ms.
        app.clock.advance(Duration::milliseconds(400));
        let next = app.verify(&key).await;
        assert_eq!(next.json["valid"], json!(true));
        assert_eq!(next.json["key"]["requestCount"], json!(1));
    }
);

both_backends!(
    a_refused_request_is_not_charged,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "o", |k| {
            k.remaining = Some(5);
            k.rate_limit_max = Some(1);
            k.rate_limit_time_window = Some(60_000);
        });
        assert_eq!(app.verify(&key).await.json["key"]["remaining"], json!(4));
        let limited = app.verify(&key).await;
        assert_eq!(
            limited.json["error"]["details"],
            json!({"tryAgainIn": 60000})
        );
        assert_eq!(
            stored(&app, &key).unwrap().remaining,
            Some(4),
            "better-auth would leave 3"
        );
    }
);

both_backends!(
    default_rate_limit_is_ten_per_day,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "o", |_| {});
        for n in 1..=10 {
            assert_eq!(
                app.verify(&key).await.json["valid"],
                json!(true),
                "call {n}"
            );
        }
        assert_eq!(refusal(&app.verify(&key).await), "RATE_LIMITED");
        app.clock.advance(Duration::days(1));
        assert_eq!(app.verify(&key).await.json["valid"], json!(true));
    }
);

both_backends!(
    plugin_rate_limit_switch_turns_it_off,
    |backend: Backend| async move {
        let app = test_app!(backend, |_| {}, |o| o.rate_limit_enabled = false);
        let (key, _) = insert_key(&app, "o", |k| k.rate_limit_max = Some(1));
        for _ in 0..3 {
            assert_eq!(app.verify(&key).await.json["valid"], json!(true));
        }
    }
);

both_backends!(
    a_key_created_by_better_auth_verifies,
    |backend: Backend| async move {
        let app = test_app!(backend);
        // better-auth stores SHA-256 of the full key, base64url without padding,
        // and knows nothing of latchkey's window column.
        let secret = "ba_QWERTYuiopASDFGHjklZXCVBNmqwertyUIOPasdfghJKLzxcvbnmQWERTYuiopASDF";
        let hash = {
            use base64::Engine;
            use sha2::Digest;
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(sha2::Sha256::digest(secret.as_bytes()))
        };
        let (_, row) = insert_key(&app, "o", |k| {
            k.key = hash.clone();
            k.prefix = Some("ba_".into());
            k.rate_limit_window_start = None;
            k.request_count = Some(3);
            k.last_request = None;
        });
        let answer = app.verify(&PlainKey::presented(secret)).await;
        assert_eq!(answer.json["valid"], json!(true));
        assert_eq!(answer.json["key"]["id"], json!(row.id));
        assert_eq!(
            answer.json["key"]["requestCount"],
            json!(1),
            "a new window starts"
        );
    }
);

both_backends!(
    delete_all_expired_removes_only_expired_keys,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let soon = app.clock_now() + Duration::days(1);
        let (expiring, _) = insert_key(&app, "o", |k| k.expires_at = Some(soon));
        let (forever, _) = insert_key(&app, "o", |_| {});
        app.clock.advance(Duration::days(2));
        let answer = app
            .call(
                actix_web::test::TestRequest::post()
                    .uri("/api/auth/api-key/delete-all-expired-api-keys")
                    .insert_header(("x-latchkey-server-secret", common::SERVER_SECRET))
                    .set_json(json!({})),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.json, json!({"success": true, "error": null}));
        assert!(stored(&app, &expiring).is_none());
        assert!(stored(&app, &forever).is_some());
        let anonymous = app
            .post(
                "/api/auth/api-key/delete-all-expired-api-keys",
                None,
                json!({}),
            )
            .await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    }
);
