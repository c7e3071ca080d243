//! The jwt plugin on both backends: `/token`, `set-auth-jwt` on get-session,
//! `/jwks`, every algorithm, expiry and rotation on the manual clock, and
//! the refusals a verifier must make. Tokens are checked against the JWK
//! set the app serves, as a service behind latchkey would.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod jwt_support;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use common::both_backends;
use jwt_support::{claims, header, ORIGIN};
use latchkey_jwt::verify::VerifyError;
use latchkey_jwt::SigningAlgorithm;
use latchkey_session::db::Backend;
use serde_json::{json, Value};
use time::Duration;

both_backends!(token_for_a_session, |backend: Backend| async move {
    let (app, _) = jwt_app!(backend);
    let alice = app.sign_up("Alice").await;
    let answer = app.get("/api/auth/token", Some(&alice.bearer)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let token = answer.json["token"].as_str().unwrap();
    assert_eq!(
        answer.json.as_object().map(|o| o.len()),
        Some(1),
        "only {{token}}"
    );
    let head = header(token);
    assert_eq!(head["alg"], json!("EdDSA"));
    assert!(head["kid"].is_string());
    assert!(head.get("typ").is_none(), "better-auth sends no typ");
    let c = claims(token);
    let now = app.unix_now() as i64;
    assert_eq!(c["sub"], json!(alice.id));
    assert_eq!(c["id"], json!(alice.id));
    assert_eq!(c["email"], json!(alice.email));
    assert_eq!(c["name"], json!("Alice"));
    assert_eq!(c["emailVerified"], json!(false));
    assert_eq!(c["image"], Value::Null);
    assert!(c["createdAt"].is_string() && c["updatedAt"].is_string());
    assert_eq!(c["iat"], json!(now));
    assert_eq!(c["exp"], json!(now + 900), "15 minutes");
    assert_eq!(c["iss"], json!(ORIGIN));
    assert_eq!(c["aud"], json!(ORIGIN));
    let verified = app.check(token).await.unwrap();
    assert_eq!(verified["sub"], json!(alice.id));
    // get-session carries the same kind of token, exposed as better-auth does.
    let session = app.get("/api/auth/get-session", Some(&alice.bearer)).await;
    assert_eq!(
        session.header("access-control-expose-headers").as_deref(),
        Some("set-auth-jwt")
    );
    let jwt = session.header("set-auth-jwt").expect("set-auth-jwt");
    assert_eq!(claims(&jwt), claims(token));
});

both_backends!(token_needs_a_session, |backend: Backend| async move {
    let (app, _) = jwt_app!(backend);
    let answer = app.get("/api/auth/token", None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.json,
        json!({"message": "Unauthorized", "code": "UNAUTHORIZED"})
    );
    let bogus = app.get("/api/auth/token", Some("nope")).await;
    assert_eq!(bogus.status, StatusCode::UNAUTHORIZED);
    let post = app.post("/api/auth/token", None, json!({})).await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
});

both_backends!(get_session_sets_auth_jwt, |backend: Backend| async move {
    let (app, _) = jwt_app!(backend, |_, config| {
        config.trusted_origins = vec!["http://app.example".into()];
    });
    let alice = app.sign_up("Alice").await;
    let answer = app.get("/api/auth/get-session", Some(&alice.bearer)).await;
    assert_eq!(answer.status, StatusCode::OK);
    let jwt = answer.header("set-auth-jwt").expect("set-auth-jwt");
    assert_eq!(app.check(&jwt).await.unwrap()["sub"], json!(alice.id));
    // From a browser on a trusted origin, CORS's exposed header is kept.
    let cors = app
        .call(
            TestRequest::get()
                .uri("/api/auth/get-session")
                .insert_header(("origin", "http://app.example"))
                .insert_header(("authorization", format!("Bearer {}", alice.bearer))),
        )
        .await;
    let exposed = cors
        .header("access-control-expose-headers")
        .unwrap_or_default();
    assert!(
        exposed.contains("set-auth-token") && exposed.contains("set-auth-jwt"),
        "{exposed}"
    );
    // No session: no JWT.
    let anonymous = app.get("/api/auth/get-session", None).await;
    assert_eq!(anonymous.json, Value::Null);
    assert!(anonymous.header("set-auth-jwt").is_none());
    // Other routes never carry it.
    let token = app.get("/api/auth/token", Some(&alice.bearer)).await;
    assert!(token.header("set-auth-jwt").is_none());
});

both_backends!(header_can_be_turned_off, |backend: Backend| async move {
    let (app, _) = jwt_app!(backend, |jwt, _| jwt.disable_setting_jwt_header = true);
    let alice = app.sign_up("Alice").await;
    let answer = app.get("/api/auth/get-session", Some(&alice.bearer)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.header("set-auth-jwt").is_none());
});

both_backends!(jwk_set_contents, |backend: Backend| async move {
    let (app, _) = jwt_app!(backend);
    // Created on first use, and the same key afterwards.
    let set = app.jwks().await;
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let key = keys[0].as_object().unwrap();
    let mut members: Vec<&str> = key.keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(members, ["alg", "crv", "kid", "kty", "x"]);
    assert_eq!(key["alg"], json!("EdDSA"));
    assert_eq!(key["crv"], json!("Ed25519"));
    assert_eq!(key["kty"], json!("OKP"));
    assert_eq!(app.jwks().await, set);
    let alice = app.sign_up("Alice").await;
    let token = app.get("/api/auth/token", Some(&alice.bearer)).await.json["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(header(&token)["kid"], key["kid"]);
    // The stored private key is encrypted: neither the private member nor
    // the public one appears in the column.
    let rows = latchkey_jwt::db::queries::all(&mut app.db.pool.get().unwrap()).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].private_key.contains("\"d\""));
    assert!(!rows[0].private_key.contains(key["x"].as_str().unwrap()));
    assert_eq!(rows[0].alg.as_deref(), Some("EdDSA"));
    assert_eq!(rows[0].crv.as_deref(), Some("Ed25519"));
});

both_backends!(each_algorithm, |backend: Backend| async move {
    for (alg, kty, members) in [
        (
            SigningAlgorithm::EdDSA,
            "OKP",
            vec!["alg", "crv", "kid", "kty", "x"],
        ),
        (
            SigningAlgorithm::ES256,
            "EC",
            vec!["alg", "crv", "kid", "kty", "x", "y"],
        ),
        (
            SigningAlgorithm::RS256,
            "RSA",
            vec!["alg", "e", "kid", "kty", "n"],
        ),
    ] {
        let (app, _) = jwt_app!(backend, |jwt, _| jwt.algorithm = alg);
        let alice = app.sign_up("Alice").await;
        let token = app.get("/api/auth/token", Some(&alice.bearer)).await.json["token"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(header(&token)["alg"], json!(alg.as_str()));
        let set = app.jwks().await;
        let key = set["keys"][0].as_object().unwrap();
        let mut got: Vec<&str> = key.keys().map(String::as_str).collect();
        got.sort_unstable();
        assert_eq!(got, members, "{alg}");
        assert_eq!(key["kty"], json!(kty));
        assert_eq!(key["alg"], json!(alg.as_str()));
        assert_eq!(
            app.check(&token).await.unwrap()["sub"],
            json!(alice.id),
            "{alg}"
        );
    }
});

both_backends!(
    issuer_audience_and_lifetime_are_configurable,
    |backend: Backend| async move {
        let (app, _) = jwt_app!(backend, |jwt, _| {
            jwt.issuer = Some("https://auth.example".into());
            jwt.audience = Some(vec!["api-a".into(), "api-b".into()]);
            jwt.expires_in = Duration::minutes(2);
        });
        let alice = app.sign_up("Alice").await;
        let token = app.get("/api/auth/token", Some(&alice.bearer)).await.json["token"]
            .as_str()
            .unwrap()
            .to_owned();
        let c = claims(&token);
        assert_eq!(c["iss"], json!("https://auth.example"));
        assert_eq!(c["aud"], json!(["api-a", "api-b"]));
        assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 120);
        // The default rules (issuer = audience = origin) refuse it.
        assert_eq!(
            app.check(&token).await.err(),
            Some(VerifyError::WrongIssuer)
        );
    }
);

both_backends!(tokens_expire_on_the_clock, |backend: Backend| async move {
    let (app, _) = jwt_app!(backend);
    let alice = app.sign_up("Alice").await;
    let token = app.get("/api/auth/token", Some(&alice.bearer)).await.json["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.clock.advance(Duration::seconds(899));
    assert!(app.check(&token).await.is_ok());
    app.clock.advance(Duration::seconds(1));
    assert_eq!(app.check(&token).await.err(), Some(VerifyError::Expired));
});

both_backends!(
    a_session_jwt_never_outlives_its_session,
    |backend: Backend| async move {
        let (app, _) = jwt_app!(backend, |_, config| {
            config.session_expires_in = Duration::minutes(10);
        });
        let alice = app.sign_up("Alice").await;
        app.clock.advance(Duration::minutes(4));
        let token = session_jwt(&app, &alice.bearer).await;
        let c = claims(&token);
        // 6 minutes of the session left, under the JWT's 15.
        assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 360);
        app.clock.advance(Duration::seconds(359));
        assert!(app.check(&token).await.is_ok());
        app.clock.advance(Duration::seconds(1));
        assert_eq!(app.check(&token).await.err(), Some(VerifyError::Expired));
    }
);

/// The session JWT from `/token`.
async fn session_jwt(app: &common::TestApp, bearer: &str) -> String {
    let answer = app.get("/api/auth/token", Some(bearer)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.json["token"].as_str().unwrap().to_owned()
}

fn kids(set: &Value) -> Vec<String> {
    set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap().to_owned())
        .collect()
}

both_backends!(
    a_rotated_out_key_verifies_until_its_tokens_expire,
    |backend: Backend| async move {
        // Grace 0: the key stays exactly as long as a token it signed can live
        // (15 minutes, plus the minute another process may still sign with it).
        let (app, options) = jwt_app!(backend, |jwt, _| jwt.grace_period = Duration::ZERO);
        let alice = app.sign_up("Alice").await;
        let old = session_jwt(&app, &alice.bearer).await;
        let old_kid = header(&old)["kid"].as_str().unwrap().to_owned();
        // `latchkey jwks rotate` from another process.
        let new_kid = app.jwts(&options).rotate().await.unwrap();
        assert_ne!(new_kid, old_kid);
        let mut both = kids(&app.jwks().await);
        both.sort();
        let mut expected = vec![new_kid.clone(), old_kid.clone()];
        expected.sort();
        assert_eq!(both, expected);
        // The app notices within its signer cache's minute.
        app.clock.advance(Duration::seconds(61));
        let new = session_jwt(&app, &alice.bearer).await;
        assert_eq!(header(&new)["kid"], json!(new_kid));
        assert!(app.check(&old).await.is_ok(), "old token still verifies");
        // Until it expires…
        app.clock.advance(Duration::seconds(900 - 61));
        assert_eq!(app.check(&old).await.err(), Some(VerifyError::Expired));
        // …and once the grace is over the key leaves the set.
        app.clock.advance(Duration::seconds(61));
        assert_eq!(kids(&app.jwks().await), std::slice::from_ref(&new_kid));
        assert_eq!(app.check(&old).await.err(), Some(VerifyError::UnknownKey));
        assert!(app.check(&new).await.is_err(), "expired by now");
        let fresh = session_jwt(&app, &alice.bearer).await;
        assert!(app.check(&fresh).await.is_ok());
        // prune deletes the retired row; the JWK set is unchanged.
        assert_eq!(app.jwts(&options).prune().await.unwrap(), 1);
        assert_eq!(kids(&app.jwks().await), [new_kid]);
    }
);

both_backends!(keys_rotate_automatically, |backend: Backend| async move {
    let (app, _) = jwt_app!(backend, |jwt, _| {
        jwt.rotation_interval = Some(Duration::days(1));
        jwt.grace_period = Duration::days(2);
    });
    let alice = app.sign_up("Alice").await;
    let first = session_jwt(&app, &alice.bearer).await;
    app.clock.advance(Duration::hours(23));
    assert_eq!(
        header(&session_jwt(&app, &alice.bearer).await)["kid"],
        header(&first)["kid"]
    );
    app.clock.advance(Duration::hours(1));
    let second = session_jwt(&app, &alice.bearer).await;
    assert_ne!(header(&second)["kid"], header(&first)["kid"]);
    let set = app.jwks().await;
    assert_eq!(
        set["keys"].as_array().unwrap().len(),
        2,
        "old key kept for the grace"
    );
    assert!(app.check(&second).await.is_ok());
    let rows = latchkey_jwt::db::queries::all(&mut app.db.pool.get().unwrap()).unwrap();
    assert!(rows
        .iter()
        .all(|r| r.expires_at == Some(r.created_at + Duration::days(1))));
    app.clock.advance(Duration::days(2));
    assert_eq!(
        app.jwks().await["keys"].as_array().unwrap().len(),
        2,
        "a third key, the first gone"
    );
    assert!(!kids(&app.jwks().await).contains(&header(&first)["kid"].as_str().unwrap().to_owned()));
});

both_backends!(forged_tokens_are_refused, |backend: Backend| async move {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    let (app, _) = jwt_app!(backend);
    let alice = app.sign_up("Alice").await;
    let token = session_jwt(&app, &alice.bearer).await;
    let parts: Vec<&str> = token.split('.').collect();
    let b64 = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    // Tampered claims.
    let mut c = claims(&token);
    c["sub"] = json!("someone-else");
    let tampered = format!("{}.{}.{}", parts[0], b64(&c), parts[2]);
    assert_eq!(
        app.check(&tampered).await.err(),
        Some(VerifyError::BadSignature)
    );
    // A kid the set does not have.
    let mut h = header(&token);
    h["kid"] = json!("not-a-key");
    let wrong_kid = format!("{}.{}.{}", b64(&h), parts[1], parts[2]);
    assert_eq!(
        app.check(&wrong_kid).await.err(),
        Some(VerifyError::UnknownKey)
    );
    // alg: none, unsigned.
    let mut h = header(&token);
    h["alg"] = json!("none");
    let none = format!("{}.{}.", b64(&h), parts[1]);
    assert_eq!(
        app.check(&none).await.err(),
        Some(VerifyError::UnsupportedAlgorithm)
    );
    // Expired.
    app.clock.advance(Duration::minutes(16));
    assert_eq!(app.check(&token).await.err(), Some(VerifyError::Expired));
});

both_backends!(
    a_better_auth_jwks_table_keeps_signing,
    |backend: Backend| async move {
        // A row written by a real better-auth 1.7.25 server under its secret.
        const SECRET: &str = "dev-only-reference-secret-change-me-0123456789abcdef";
        const KID: &str = "H5xWlun0yKyprkPPDtYZ3YC8g2ioAI2b";
        let (app, _) = jwt_app!(backend, |_, config| config.secret = SECRET.into());
        let now = app.clock_now();
        let row = latchkey_jwt::db::models::JwkRow {
            id: KID.into(),
            public_key:
                r#"{"crv":"Ed25519","x":"wax6K7V9Ey9_t5TS1zZxNQraSBglJ2SS0gwsNfKU6hk","kty":"OKP"}"#
                    .into(),
            private_key: include_str!("../../jwt/tests/fixtures/better-auth-eddsa-private.txt")
                .trim()
                .into(),
            created_at: now - Duration::days(1),
            expires_at: None,
            alg: Some("EdDSA".into()),
            crv: Some("Ed25519".into()),
        };
        latchkey_jwt::db::queries::insert(&mut app.db.pool.get().unwrap(), &row).unwrap();
        let alice = app.sign_up("Alice").await;
        let token = session_jwt(&app, &alice.bearer).await;
        assert_eq!(header(&token)["kid"], json!(KID));
        assert_eq!(kids(&app.jwks().await), [KID]);
        assert!(app.check(&token).await.is_ok());
    }
);
