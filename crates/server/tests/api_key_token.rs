//! `POST /api-key/token`: an API key exchanged for a short-lived JWT. The
//! key is verified and charged once per token, exactly as a verify; refusals
//! answer as the host extractor does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod jwt_support;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use common::both_backends;
use common::keys::{insert_key, stored};
use jwt_support::{claims, ORIGIN};
use latchkey_jwt::verify::extract::ApiKeyClaims;
use latchkey_jwt::verify::{verify_with, KeySet, Verification, VerifyError};
use latchkey_session::db::Backend;
use serde_json::{json, Value};
use time::Duration;

fn exchange(key: &str) -> TestRequest {
    TestRequest::post()
        .uri("/api/auth/api-key/token")
        .insert_header(("x-api-key", key.to_owned()))
}

both_backends!(a_key_becomes_a_jwt, |backend: Backend| async move {
    let (app, _) = jwt_app!(backend);
    let (key, row) = insert_key(&app, "owner-1", |k| {
        k.rate_limit_enabled = Some(false);
        k.permissions = Some(r#"{"files":["read","write"]}"#.into());
    });
    let answer = app.call(exchange(key.expose())).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.header("cache-control").as_deref(), Some("no-store"));
    let token = answer.json["token"].as_str().unwrap();
    assert!(answer.json["expiresAt"].is_string());
    assert!(!answer.text.contains(key.expose()), "never echoes the key");
    let c = claims(token);
    let now = app.unix_now() as i64;
    assert_eq!(c["sub"], json!("owner-1"));
    assert_eq!(c["apiKeyId"], json!(row.id));
    assert_eq!(c["configId"], json!("default"));
    assert_eq!(c["permissions"], json!({"files": ["read", "write"]}));
    assert_eq!(c["iat"], json!(now));
    assert_eq!(c["exp"], json!(now + 300), "5 minutes");
    assert_eq!(c["iss"], json!(ORIGIN));
    // A downstream service checks it with the JWK set alone.
    let set = KeySet::from_json(&app.jwks().await).unwrap();
    let rules = Verification::for_issuer(ORIGIN);
    let typed: ApiKeyClaims = verify_with(token, &set, &rules, app.unix_now()).unwrap();
    assert_eq!(typed.api_key_id, row.id);
    assert!(typed.allows("files", "write") && !typed.allows("billing", "read"));
    assert_eq!(
        verify_with::<Value>(token, &set, &rules, app.unix_now() + 300).err(),
        Some(VerifyError::Expired)
    );
});

both_backends!(
    each_token_charges_the_key_once,
    |backend: Backend| async move {
        let (app, _) = jwt_app!(backend);
        let (key, _) = insert_key(&app, "owner-1", |k| {
            k.rate_limit_enabled = Some(false);
            k.remaining = Some(2);
        });
        for left in [1, 0] {
            let answer = app.call(exchange(key.expose())).await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
            let row = stored(&app, &key).unwrap();
            assert_eq!(row.remaining, Some(left));
            assert_eq!(row.usage_count, 2 - i64::from(left));
        }
        let used_up = app.call(exchange(key.expose())).await;
        assert_eq!(used_up.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(used_up.code(), "USAGE_EXCEEDED");
        assert_eq!(
            stored(&app, &key).unwrap().remaining,
            Some(0),
            "a refusal costs nothing"
        );
    }
);

both_backends!(refusals_match_verify, |backend: Backend| async move {
    let (app, _) = jwt_app!(backend);
    let (disabled, _) = insert_key(&app, "o", |k| k.enabled = Some(false));
    let answer = app.call(exchange(disabled.expose())).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.code(), "KEY_DISABLED");

    let now = app.clock_now();
    let (expired, _) = insert_key(&app, "o", |k| {
        k.expires_at = Some(now - Duration::minutes(1))
    });
    let answer = app.call(exchange(expired.expose())).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.code(), "KEY_EXPIRED");

    let answer = app.call(exchange(&"x".repeat(64))).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.code(), "INVALID_API_KEY");

    let answer = app
        .call(TestRequest::post().uri("/api/auth/api-key/token"))
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.code(), "API_KEY_REQUIRED");

    let (limited, _) = insert_key(&app, "o", |k| k.rate_limit_max = Some(1));
    assert_eq!(
        app.call(exchange(limited.expose())).await.status,
        StatusCode::OK
    );
    let answer = app.call(exchange(limited.expose())).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.code(), "RATE_LIMITED");
    assert!(answer.header("retry-after").is_some());

    let get = app
        .call(TestRequest::get().uri("/api/auth/api-key/token"))
        .await;
    assert_eq!(get.status, StatusCode::NOT_FOUND);
});

both_backends!(
    tokens_never_outlive_their_key,
    |backend: Backend| async move {
        let (app, _) = jwt_app!(backend, |jwt, _| jwt.api_key_expires_in =
            Duration::minutes(10));
        let now = app.clock_now();
        let (key, row) = insert_key(&app, "o", |k| {
            k.expires_at = Some(now + Duration::minutes(2))
        });
        let answer = app.call(exchange(key.expose())).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        let c = claims(answer.json["token"].as_str().unwrap());
        let key_exp = row.expires_at.unwrap().assume_utc().unix_timestamp();
        assert_eq!(c["exp"], json!(key_exp));
        let (plain, _) = insert_key(&app, "o", |_| {});
        let answer = app.call(exchange(plain.expose())).await;
        let c = claims(answer.json["token"].as_str().unwrap());
        assert_eq!(
            c["exp"],
            json!(app.unix_now() as i64 + 600),
            "configured lifetime"
        );
    }
);

both_backends!(
    a_token_never_outlives_the_secret_it_was_exchanged_for,
    |backend: Backend| async move {
        let (app, _) = jwt_app!(backend);
        let (old, row) = insert_key(&app, "owner-1", |k| k.rate_limit_enabled = Some(false));
        let rotate = TestRequest::post()
            .uri("/api/auth/api-key/rotate")
            .insert_header(("x-latchkey-server-secret", common::SERVER_SECRET))
            .set_json(json!({"keyId": row.id, "userId": "owner-1", "gracePeriod": 10}));
        let rotated = app.call(rotate).await;
        assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text);
        let new = rotated.json["key"].as_str().unwrap().to_owned();
        let now = app.unix_now() as i64;
        // The old secret verifies for 10 more seconds: so long, not 5 minutes.
        let answer = app.call(exchange(old.expose())).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(
            claims(answer.json["token"].as_str().unwrap())["exp"],
            json!(now + 10)
        );
        // The new secret's token keeps its 5 minutes.
        let answer = app.call(exchange(&new)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(
            claims(answer.json["token"].as_str().unwrap())["exp"],
            json!(now + 300)
        );
    }
);
