//! What verification counts: better-auth's `requestCount` only while a rate
//! limit applies to the key (it restarts with each window and stays 0
//! otherwise), and latchkey's `usageCount` for every admitted verify over
//! the key's life, never for a refusal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use actix_web::http::StatusCode;
use common::both_backends;
use common::keys::{insert_key, stored};
use latchkey_session::db::Backend;
use serde_json::json;
use time::Duration;

fn refusal(answer: &common::Answer) -> &str {
    answer.json["error"]["code"].as_str().unwrap_or("")
}

both_backends!(
    request_count_stays_zero_without_a_rate_limit,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "o", |k| k.rate_limit_enabled = Some(false));
        for n in 1..=5 {
            app.clock.advance(Duration::milliseconds(1));
            let answer = app.verify(&key).await;
            assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
            let record = &answer.json["key"];
            assert_eq!(record["requestCount"], json!(0), "verify {n}");
            assert_eq!(record["usageCount"], json!(n), "verify {n}");
            assert!(record["lastRequest"].is_string());
        }
        app.flush_key_counters().await;
        let row = stored(&app, &key).unwrap();
        assert_eq!(row.request_count, Some(0));
        assert_eq!(row.usage_count, 5);
        assert_eq!(row.last_request, Some(app.clock_now()));
    }
);

both_backends!(
    request_count_stays_zero_when_rate_limiting_is_off,
    |backend: Backend| async move {
        // The key has a limit, but the plugin's rate limiting is off.
        let app = test_app!(backend, |_| {}, |o| o.rate_limit_enabled = false);
        let (key, _) = insert_key(&app, "o", |k| k.rate_limit_max = Some(2));
        for n in 1..=3 {
            let answer = app.verify(&key).await;
            assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
            assert_eq!(answer.json["key"]["requestCount"], json!(0));
            assert_eq!(answer.json["key"]["usageCount"], json!(n));
        }
        app.flush_key_counters().await;
        let row = stored(&app, &key).unwrap();
        assert_eq!((row.request_count, row.usage_count), (Some(0), 3));
    }
);

both_backends!(
    request_count_counts_within_a_window,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "o", |k| {
            k.rate_limit_time_window = Some(60_000);
            k.rate_limit_max = Some(3);
        });
        for n in 1..=3 {
            let answer = app.verify(&key).await;
            assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
            assert_eq!(answer.json["key"]["requestCount"], json!(n));
            assert_eq!(answer.json["key"]["usageCount"], json!(n));
        }
        let refused = app.verify(&key).await;
        assert_eq!(refusal(&refused), "RATE_LIMITED");
        let row = stored(&app, &key).unwrap();
        assert_eq!((row.request_count, row.usage_count), (Some(3), 3));

        // A new window: requestCount starts again, usageCount goes on.
        app.clock.advance(Duration::milliseconds(60_000));
        let answer = app.verify(&key).await;
        assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
        assert_eq!(answer.json["key"]["requestCount"], json!(1));
        assert_eq!(answer.json["key"]["usageCount"], json!(4));
        let row = stored(&app, &key).unwrap();
        assert_eq!((row.request_count, row.usage_count), (Some(1), 4));
    }
);

both_backends!(
    usage_count_counts_admissions_and_no_refusal,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, row) = insert_key(&app, "o", |k| {
            k.rate_limit_enabled = Some(false);
            k.remaining = Some(2);
        });
        let mut admitted = 0;
        for _ in 0..4 {
            let answer = app.verify(&key).await;
            if answer.json["valid"] == json!(true) {
                admitted += 1;
                assert_eq!(answer.json["key"]["usageCount"], json!(admitted));
            } else {
                assert_eq!(refusal(&answer), "USAGE_EXCEEDED");
            }
        }
        assert_eq!(admitted, 2);
        assert_eq!(stored(&app, &key).unwrap().usage_count, 2);

        // Refusals for other reasons count nothing either.
        let (plain, _) = insert_key(&app, "o", |k| k.rate_limit_enabled = Some(false));
        assert_eq!(app.verify(&plain).await.json["valid"], json!(true));
        let lacking = app
            .verify_with(&plain, json!({"permissions": {"files": ["read"]}}))
            .await;
        assert_eq!(refusal(&lacking), "KEY_NOT_FOUND");
        let wrong_config = app.verify_with(&plain, json!({"configId": "other"})).await;
        assert_eq!(refusal(&wrong_config), "INVALID_API_KEY");
        let (disabled, _) = insert_key(&app, "o", |k| {
            k.rate_limit_enabled = Some(false);
            k.enabled = Some(false);
        });
        assert_eq!(refusal(&app.verify(&disabled).await), "KEY_DISABLED");
        assert_eq!(stored(&app, &disabled).unwrap().usage_count, 0);
        app.flush_key_counters().await;
        let stored_plain = stored(&app, &plain).unwrap();
        assert_eq!(stored_plain.usage_count, 1);
        assert_eq!(stored_plain.request_count, Some(0));
        // The first key is untouched by the second's verifies.
        assert_eq!(stored(&app, &key).unwrap().id, row.id);
        assert_eq!(stored(&app, &key).unwrap().usage_count, 2);
    }
);

both_backends!(
    /// `usageCount` counts a key's whole life: past 2^31 admissions (25
    /// days at 1,000 a second) a key still verifies and keeps counting, with
    /// a budget (charged by the verify statement) and without one (counted
    /// in memory, written by a flush).
    usage_count_goes_past_32_bits,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let start = i64::from(i32::MAX) - 1;
        let (counted, _) = insert_key(&app, "o", |k| {
            k.remaining = Some(10);
            k.rate_limit_enabled = Some(false);
            k.usage_count = start;
        });
        let (plain, _) = insert_key(&app, "o", |k| {
            k.rate_limit_enabled = Some(false);
            k.usage_count = start;
        });
        for n in 1..=3 {
            for key in [&counted, &plain] {
                let answer = app.verify(key).await;
                assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
                assert_eq!(answer.json["valid"], json!(true), "{}", answer.text);
                assert_eq!(answer.json["key"]["usageCount"], json!(start + n));
            }
        }
        app.flush_key_counters().await;
        for key in [&counted, &plain] {
            assert_eq!(stored(&app, key).unwrap().usage_count, start + 3);
        }
    }
);
