//! API keys as sessions (`--api-key-sessions`): the key header acts as its
//! owner on `/api/auth` routes, with better-auth's statuses for refusals,
//! and never echoes the key.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use common::both_backends;
use common::keys::{insert_key, stored};
use latchkey_session::db::Backend;
use serde_json::json;
use time::Duration;

fn with_key(path: &str, key: &str) -> TestRequest {
    TestRequest::get()
        .uri(path)
        .insert_header(("x-api-key", key.to_owned()))
}

both_backends!(a_key_acts_as_its_owner, |backend: Backend| async move {
    let app = test_app!(backend, |_| {}, |o| o.enable_session_for_api_keys = true);
    let alice = app.sign_up("Alice").await;
    let bob = app.sign_up("Bob").await;
    let (key, row) = insert_key(&app, &alice.id, |k| k.rate_limit_enabled = Some(false));
    let answer = app
        .call(with_key("/api/auth/get-session", key.expose()))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json["user"]["id"], json!(alice.id));
    assert_eq!(answer.json["session"]["id"], json!(row.id));
    assert_eq!(answer.json["session"]["userId"], json!(alice.id));
    assert!(
        !answer.text.contains(key.expose()),
        "the key must never be echoed"
    );
    // The key wins over Bob's bearer token.
    let both = app
        .call(
            with_key("/api/auth/get-session", key.expose())
                .insert_header(("authorization", format!("Bearer {}", bob.bearer))),
        )
        .await;
    assert_eq!(both.json["user"]["id"], json!(alice.id));
    // Each use was counted.
    app.flush_key_counters().await;
    assert_eq!(stored(&app, &key).unwrap().usage_count, 2);
});

both_backends!(
    refusals_answer_better_auths_statuses,
    |backend: Backend| async move {
        let app = test_app!(backend, |_| {}, |o| o.enable_session_for_api_keys = true);
        let alice = app.sign_up("Alice").await;
        let get = |k: &str| app.call(with_key("/api/auth/get-session", k));

        let short = get("short-key").await;
        assert_eq!(
            (short.status, short.code()),
            (StatusCode::FORBIDDEN, "INVALID_API_KEY")
        );
        let unknown = latchkey_api_key::PlainKey::generate(None, 64);
        let answer = get(unknown.expose()).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNAUTHORIZED, "INVALID_API_KEY")
        );

        let (disabled, _) = insert_key(&app, &alice.id, |k| k.enabled = Some(false));
        let answer = get(disabled.expose()).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNAUTHORIZED, "KEY_DISABLED")
        );

        let soon = app.clock_now() + Duration::days(1);
        let (expiring, _) = insert_key(&app, &alice.id, |k| k.expires_at = Some(soon));
        app.clock.advance(Duration::days(1));
        let answer = get(expiring.expose()).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::UNAUTHORIZED, "KEY_EXPIRED")
        );

        let (once, _) = insert_key(&app, &alice.id, |k| k.remaining = Some(1));
        assert_eq!(get(once.expose()).await.status, StatusCode::OK);
        let answer = get(once.expose()).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::TOO_MANY_REQUESTS, "USAGE_EXCEEDED")
        );

        let (limited, _) = insert_key(&app, &alice.id, |k| {
            k.rate_limit_max = Some(1);
            k.rate_limit_time_window = Some(60_000);
        });
        assert_eq!(get(limited.expose()).await.status, StatusCode::OK);
        let answer = get(limited.expose()).await;
        assert_eq!(
            (answer.status, answer.code()),
            (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED")
        );
        assert_eq!(answer.json["details"], json!({"tryAgainIn": 60000}));
        assert_eq!(answer.header("retry-after").as_deref(), Some("60"));

        let (orphan, _) = insert_key(&app, "no-such-user", |_| {});
        let answer = get(orphan.expose()).await;
        assert_eq!(
            (answer.status, answer.code()),
            (
                StatusCode::UNAUTHORIZED,
                "INVALID_REFERENCE_ID_FROM_API_KEY"
            )
        );
    }
);

both_backends!(
    keys_are_not_sessions_unless_enabled,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let (key, _) = insert_key(&app, &alice.id, |_| {});
        let answer = app
            .call(with_key("/api/auth/get-session", key.expose()))
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.json, json!(null));
        assert_eq!(
            stored(&app, &key).unwrap().request_count,
            Some(0),
            "nothing charged"
        );
    }
);

both_backends!(
    key_sessions_reach_session_protected_routes,
    |backend: Backend| async move {
        let app = test_app!(backend, |_| {}, |o| o.enable_session_for_api_keys = true);
        let alice = app.sign_up("Alice").await;
        let (key, _) = insert_key(&app, &alice.id, |k| k.rate_limit_enabled = Some(false));
        let answer = app
            .call(with_key("/api/auth/list-sessions", key.expose()))
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.json.as_array().is_some_and(|a| !a.is_empty()));
        // Signing out of a key session leaves the user's real sessions alone.
        let out = app
            .call(
                TestRequest::post()
                    .uri("/api/auth/sign-out")
                    .insert_header(("x-api-key", key.expose().to_owned()))
                    .set_json(json!({})),
            )
            .await;
        assert_eq!(out.status, StatusCode::OK);
        let still = app.get("/api/auth/get-session", Some(&alice.bearer)).await;
        assert_eq!(still.json["user"]["id"], json!(alice.id));
    }
);
