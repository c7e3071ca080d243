//! The session endpoints over HTTP, on both backends: sign-up, sign-in,
//! get-session (bearer signed/raw, cookie), sign-out, list-sessions,
//! revoke-session, revoke-other-sessions, ok; expiry, refresh, origin check
//! and CORS. Statuses, codes and messages as better-auth 1.7 answers them
//! (`shared/reference/transcripts/sessions.json`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use common::{both_backends, Answer, TestApp, TestUser};
use diesel::prelude::*;
use latchkey_session::db::schema::{accounts, sessions};
use latchkey_session::db::Backend;
use serde_json::{json, Value};
use time::Duration;

const SIGN_UP: &str = "/api/auth/sign-up/email";
const SIGN_IN: &str = "/api/auth/sign-in/email";
const GET_SESSION: &str = "/api/auth/get-session";
const SIGN_OUT: &str = "/api/auth/sign-out";
const LIST: &str = "/api/auth/list-sessions";
const REVOKE: &str = "/api/auth/revoke-session";
const REVOKE_OTHERS: &str = "/api/auth/revoke-other-sessions";
const COOKIE: &str = "better-auth.session_token";

/// Asserts an error answer: status and the exact `{message, code}` body, and
/// that no secret leaked into it.
fn assert_error(answer: &Answer, status: u16, code: &str, message: &str, secrets: &[&str]) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.text);
    assert_eq!(answer.json, json!({"message": message, "code": code}));
    for secret in secrets {
        assert!(
            !answer.text.contains(secret),
            "error body {:?} leaks a secret",
            answer.text
        );
    }
}

fn unauthorized(answer: &Answer, user: &TestUser) {
    assert_error(
        answer,
        401,
        "UNAUTHORIZED",
        "Unauthorized",
        &[&user.raw_token, &user.bearer, &user.password],
    );
}

/// `name=value` of the session cookie a response sets.
fn session_cookie(answer: &Answer) -> String {
    answer
        .cookies()
        .iter()
        .find_map(|c| c.split(';').next().filter(|p| p.starts_with(COOKIE)))
        .map(str::to_owned)
        .expect("a session cookie")
}

/// The three cookies better-auth expires when a session ends or is refused.
fn assert_cookies_cleared(answer: &Answer) {
    let mut names: Vec<String> = answer
        .cookies()
        .iter()
        .map(|c| {
            assert!(c.contains("Max-Age=0"), "{c}");
            c.split('=').next().unwrap().to_owned()
        })
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "better-auth.dont_remember",
            "better-auth.session_data",
            "better-auth.session_token"
        ]
    );
}

async fn get_with(app: &TestApp, path: &str, header: (&str, &str)) -> Answer {
    app.call(TestRequest::get().uri(path).insert_header(header))
        .await
}

async fn sign_in(app: &TestApp, user: &TestUser) -> TestUser {
    let answer = app
        .post(
            SIGN_IN,
            None,
            json!({"email": user.email, "password": user.password}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    TestUser {
        bearer: answer.header("set-auth-token").unwrap(),
        raw_token: answer.json["token"].as_str().unwrap().to_owned(),
        ..user.clone()
    }
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

const USER_KEYS: [&str; 7] = [
    "createdAt",
    "email",
    "emailVerified",
    "id",
    "image",
    "name",
    "updatedAt",
];
const SESSION_KEYS: [&str; 8] = [
    "createdAt",
    "expiresAt",
    "id",
    "ipAddress",
    "token",
    "updatedAt",
    "userAgent",
    "userId",
];

both_backends!(
    sign_up_answers_user_token_and_headers,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let answer = app
            .post(
                SIGN_UP,
                None,
                json!({"email": "Alice@Example.com", "password": "correct-horse-42",
                   "name": "Alice", "image": "https://example.com/a.png"}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(keys(&answer.json), ["token", "user"]);
        let token = answer.json["token"].as_str().unwrap();
        assert_eq!(token.len(), 32);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric()));
        let user = &answer.json["user"];
        assert_eq!(keys(user), USER_KEYS);
        assert_eq!(user["email"], "alice@example.com", "e-mail is lower-cased");
        assert_eq!(user["name"], "Alice");
        assert_eq!(user["emailVerified"], false);
        assert_eq!(user["image"], "https://example.com/a.png");
        assert_eq!(user["id"].as_str().unwrap().len(), 32);
        let signed = answer.header("set-auth-token").unwrap();
        assert!(signed.starts_with(&format!("{token}.")), "{signed}");
        assert_eq!(
            answer.header("access-control-expose-headers").as_deref(),
            Some("set-auth-token")
        );
        let cookie = answer
            .cookies()
            .into_iter()
            .find(|c| c.starts_with(COOKIE))
            .unwrap();
        for attribute in ["Max-Age=604800", "Path=/", "HttpOnly", "SameSite=Lax"] {
            assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
        }
        assert!(!cookie.contains("Secure"), "no Secure outside production");
    }
);

both_backends!(stored_secrets_are_digests, |backend: Backend| async move {
    let app = test_app!(backend);
    let alice = app.sign_up("Alice").await;
    let second = sign_in(&app, &alice).await;
    let mut conn = app.db.pool.get().unwrap();
    let stored: Vec<String> = sessions::table
        .select(sessions::token)
        .load(&mut *conn)
        .unwrap();
    assert_eq!(stored.len(), 2);
    for token in &stored {
        for user in [&alice, &second] {
            assert!(!token.contains(&user.raw_token), "raw token stored");
            assert_ne!(token, &user.bearer);
        }
    }
    let hashes: Vec<Option<String>> = accounts::table
        .select(accounts::password)
        .load(&mut *conn)
        .unwrap();
    let hash = hashes[0].as_deref().unwrap();
    assert!(hash.starts_with("$2"), "bcrypt hash expected");
    assert!(!hash.contains(&alice.password));
});

both_backends!(
    sign_in_opens_another_session,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let answer = app
            .post(
                SIGN_IN,
                None,
                json!({"email": "ALICE@example.com", "password": alice.password}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(keys(&answer.json), ["redirect", "token", "user"]);
        assert_eq!(answer.json["redirect"], false);
        assert_eq!(answer.json["user"]["id"], alice.id.as_str());
        let token = answer.json["token"].as_str().unwrap();
        assert_ne!(token, alice.raw_token);
        let signed = answer.header("set-auth-token").unwrap();
        assert!(signed.starts_with(&format!("{token}.")));
        assert_eq!(
            answer.header("access-control-expose-headers").as_deref(),
            Some("set-auth-token")
        );
        for bearer in [&alice.bearer, &signed] {
            let session = app.get(GET_SESSION, Some(bearer)).await;
            assert_eq!(session.json["user"]["id"], alice.id.as_str());
        }
    }
);

both_backends!(
    get_session_accepts_every_credential_form,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let none = app.get(GET_SESSION, None).await;
        assert_eq!(none.status, StatusCode::OK);
        assert_eq!(none.text, "null");
        assert_eq!(none.header("cache-control").as_deref(), Some("no-store"));
        assert!(
            none.cookies().is_empty(),
            "nothing presented, nothing cleared"
        );

        let answer = app
        .post(
            SIGN_UP,
            None,
            json!({"email": "alice@example.com", "password": "correct-horse-42", "name": "Alice"}),
        )
        .await;
        let raw = answer.json["token"].as_str().unwrap().to_owned();
        let signed = answer.header("set-auth-token").unwrap();
        let cookie = session_cookie(&answer);
        let user_id = answer.json["user"]["id"].clone();

        let by_signed = get_with(
            &app,
            GET_SESSION,
            ("authorization", &format!("Bearer {signed}")),
        )
        .await;
        assert_eq!(by_signed.status, StatusCode::OK);
        assert_eq!(
            by_signed.header("cache-control").as_deref(),
            Some("no-store")
        );
        assert_eq!(keys(&by_signed.json), ["session", "user"]);
        let session = &by_signed.json["session"];
        assert_eq!(keys(session), SESSION_KEYS);
        assert_eq!(
            session["token"],
            raw.as_str(),
            "the raw token, never the stored digest"
        );
        assert_eq!(session["userId"], user_id);
        assert_eq!(by_signed.json["user"], answer.json["user"]);
        assert!(session["expiresAt"].as_str() > session["createdAt"].as_str());

        for header in [
            ("authorization", format!("Bearer {raw}")),
            ("authorization", format!("bearer {signed}")),
            ("authorization", format!("BEARER {raw}")),
            ("cookie", cookie.clone()),
        ] {
            let answer = get_with(&app, GET_SESSION, (header.0, &header.1)).await;
            assert_eq!(answer.status, StatusCode::OK);
            assert_eq!(answer.json["session"]["id"], session["id"], "{header:?}");
            assert_eq!(answer.json["session"]["token"], raw.as_str());
        }
        // The cookie works for every session route, list-sessions included.
        let listed = get_with(&app, LIST, ("cookie", &cookie)).await;
        assert_eq!(listed.status, StatusCode::OK);
        assert_eq!(listed.json.as_array().unwrap().len(), 1);
    }
);

both_backends!(sign_out_ends_the_session, |backend: Backend| async move {
    let app = test_app!(backend);
    let alice = app.sign_up("Alice").await;
    let other = sign_in(&app, &alice).await;
    let out = app.post(SIGN_OUT, Some(&alice.bearer), json!({})).await;
    assert_eq!(out.status, StatusCode::OK);
    assert_eq!(out.json, json!({"success": true}));
    assert_cookies_cleared(&out);

    for token in [&alice.bearer, &alice.raw_token] {
        let after = app.get(GET_SESSION, Some(token)).await;
        assert_eq!(after.status, StatusCode::OK);
        assert_eq!(after.text, "null");
        assert_cookies_cleared(&after);
        unauthorized(&app.get(LIST, Some(token)).await, &alice);
    }
    // Only that session ended.
    let still = app.get(GET_SESSION, Some(&other.bearer)).await;
    assert_eq!(still.json["user"]["id"], alice.id.as_str());
});

both_backends!(
    sign_out_needs_a_session_token,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        // No token at all: better-auth's 400.
        let none = app.post(SIGN_OUT, None, json!({})).await;
        assert_eq!(none.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            none.json,
            json!({"message": "Failed to get session", "code": "FAILED_TO_GET_SESSION"})
        );
        // A token that names no session any more still signs out.
        assert_eq!(
            app.post(SIGN_OUT, Some(&alice.bearer), json!({}))
                .await
                .status,
            StatusCode::OK
        );
        let again = app.post(SIGN_OUT, Some(&alice.bearer), json!({})).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.json, json!({"success": true}));
    }
);

both_backends!(sign_out_by_cookie, |backend: Backend| async move {
    let app = test_app!(backend);
    let answer = app
        .post(
            SIGN_UP,
            None,
            json!({"email": "alice@example.com", "password": "correct-horse-42", "name": "Alice"}),
        )
        .await;
    let cookie = session_cookie(&answer);
    let out = app
        .call(
            TestRequest::post()
                .uri(SIGN_OUT)
                .insert_header(("cookie", cookie.as_str()))
                .set_json(json!({})),
        )
        .await;
    assert_eq!(out.json, json!({"success": true}));
    let after = get_with(&app, GET_SESSION, ("cookie", &cookie)).await;
    assert_eq!(after.text, "null");
});

both_backends!(
    list_sessions_shows_live_sessions,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        app.clock.advance(Duration::seconds(5));
        let second = sign_in(&app, &alice).await;
        let bob = app.sign_up("Bob").await;

        let listed = app.get(LIST, Some(&second.bearer)).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
        let list = listed.json.as_array().unwrap();
        assert_eq!(list.len(), 2, "Alice's two sessions, not Bob's");
        for session in list {
            assert_eq!(keys(session), SESSION_KEYS);
            assert_eq!(session["userId"], alice.id.as_str());
            assert_ne!(session["token"], bob.raw_token.as_str());
        }
        // The caller's own session shows the token it presented; the other one
        // shows only its stored form, never a usable raw token.
        let own: Vec<&Value> = list
            .iter()
            .filter(|s| s["token"] == second.raw_token.as_str())
            .collect();
        assert_eq!(own.len(), 1);
        assert!(list.iter().all(|s| s["token"] != alice.raw_token.as_str()));

        unauthorized(&app.get(LIST, None).await, &alice);
    }
);

both_backends!(
    revoke_session_by_raw_or_listed_token,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let second = sign_in(&app, &alice).await;
        let third = sign_in(&app, &alice).await;

        // By the raw token.
        let revoked = app
            .post(
                REVOKE,
                Some(&alice.bearer),
                json!({"token": second.raw_token}),
            )
            .await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
        assert_eq!(revoked.json, json!({"status": true}));
        assert_eq!(
            app.get(GET_SESSION, Some(&second.bearer)).await.text,
            "null"
        );
        unauthorized(&app.get(LIST, Some(&second.bearer)).await, &second);

        // By the token list-sessions shows for another session.
        let listed = app.get(LIST, Some(&alice.bearer)).await;
        let shown = listed
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["token"].as_str().unwrap().to_owned())
            .find(|t| *t != alice.raw_token)
            .unwrap();
        let revoked = app
            .post(REVOKE, Some(&alice.bearer), json!({"token": shown}))
            .await;
        assert_eq!(revoked.json, json!({"status": true}));
        assert_eq!(app.get(GET_SESSION, Some(&third.bearer)).await.text, "null");

        // The caller's session is untouched.
        let listed = app.get(LIST, Some(&alice.bearer)).await;
        assert_eq!(listed.json.as_array().unwrap().len(), 1);
    }
);

both_backends!(
    revoke_session_spares_other_users,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let bob = app.sign_up("Bob").await;
        let _ = app
            .post(REVOKE, Some(&alice.bearer), json!({"token": bob.raw_token}))
            .await;
        let listed = app.get(LIST, Some(&bob.bearer)).await;
        let bobs_token = listed.json[0]["token"].as_str().unwrap().to_owned();
        let _ = app
            .post(REVOKE, Some(&alice.bearer), json!({"token": bobs_token}))
            .await;
        let still = app.get(GET_SESSION, Some(&bob.bearer)).await;
        assert_eq!(
            still.json["user"]["id"],
            bob.id.as_str(),
            "Bob's session survives"
        );

        unauthorized(
            &app.post(REVOKE, None, json!({"token": bob.raw_token}))
                .await,
            &bob,
        );
        let missing = app.post(REVOKE, Some(&alice.bearer), json!({})).await;
        assert_error(
            &missing,
            400,
            "VALIDATION_ERROR",
            "[body.token] Invalid input: expected string, received undefined",
            &[&alice.raw_token],
        );
    }
);

both_backends!(
    revoke_other_sessions_keeps_the_current_one,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let second = sign_in(&app, &alice).await;
        let third = sign_in(&app, &alice).await;
        let bob = app.sign_up("Bob").await;

        let answer = app
            .post(REVOKE_OTHERS, Some(&second.bearer), json!({}))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(answer.json, json!({"status": true}));
        for gone in [&alice, &third] {
            assert_eq!(app.get(GET_SESSION, Some(&gone.bearer)).await.text, "null");
        }
        let listed = app.get(LIST, Some(&second.bearer)).await;
        assert_eq!(listed.json.as_array().unwrap().len(), 1);
        assert_eq!(listed.json[0]["token"], second.raw_token.as_str());
        let bobs = app.get(GET_SESSION, Some(&bob.bearer)).await;
        assert_eq!(
            bobs.json["user"]["id"],
            bob.id.as_str(),
            "other users untouched"
        );

        unauthorized(&app.post(REVOKE_OTHERS, None, json!({})).await, &alice);
    }
);

both_backends!(
    ok_answers_without_a_session,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let ok = app.get("/api/auth/ok", None).await;
        assert_eq!(ok.status, StatusCode::OK);
        assert_eq!(ok.json, json!({"ok": true}));
    }
);

both_backends!(sign_up_errors, |backend: Backend| async move {
    let app = test_app!(backend);
    let alice = app.sign_up("Alice").await;
    let secrets = [alice.password.as_str(), alice.raw_token.as_str()];
    let sign_up = |body: Value| app.post(SIGN_UP, None, body);

    for email in ["alice@example.com", "ALICE@EXAMPLE.COM"] {
        let duplicate =
            sign_up(json!({"email": email, "password": "another-pass-1", "name": "A2"})).await;
        assert_error(
            &duplicate,
            422,
            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            "User already exists. Use another email.",
            &["another-pass-1"],
        );
    }
    let short = "s".repeat(7);
    let answer = sign_up(json!({"email": "c@example.com", "password": short, "name": "C"})).await;
    assert_error(
        &answer,
        400,
        "PASSWORD_TOO_SHORT",
        "Password too short",
        &[&short],
    );
    let long = "x".repeat(129);
    let answer = sign_up(json!({"email": "c@example.com", "password": long, "name": "C"})).await;
    assert_error(
        &answer,
        400,
        "PASSWORD_TOO_LONG",
        "Password too long",
        &[&long],
    );
    // The bounds themselves are allowed.
    for (email, password) in [
        ("min@example.com", "p".repeat(8)),
        ("max@example.com", "p".repeat(128)),
    ] {
        let ok = sign_up(json!({"email": email, "password": password, "name": "N"})).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    }
    let answer =
        sign_up(json!({"email": "not-an-email", "password": "correct-horse-42", "name": "N"}))
            .await;
    assert_error(
        &answer,
        400,
        "VALIDATION_ERROR",
        "[body.email] Invalid email address",
        &["correct-horse-42"],
    );
    let answer =
        sign_up(json!({"email": "dave@example.com", "password": "correct-horse-42"})).await;
    assert_error(
        &answer,
        400,
        "VALIDATION_ERROR",
        "[body.name] Invalid input: expected string, received undefined",
        &["correct-horse-42"],
    );
    let answer = sign_up(json!({"email": "dave@example.com", "name": "Dave"})).await;
    assert_error(
        &answer,
        400,
        "VALIDATION_ERROR",
        "[body.password] Invalid input: expected string, received undefined",
        &secrets,
    );
    // Nothing was created by the failures.
    let answer = app
        .post(
            SIGN_IN,
            None,
            json!({"email": "c@example.com", "password": long}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
});

both_backends!(
    sign_in_errors_do_not_tell_which_part_was_wrong,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let wrong = app
            .post(
                SIGN_IN,
                None,
                json!({"email": alice.email, "password": "wrong-password-1"}),
            )
            .await;
        assert_error(
            &wrong,
            401,
            "INVALID_EMAIL_OR_PASSWORD",
            "Invalid email or password",
            &["wrong-password-1", &alice.password],
        );
        assert!(wrong.header("set-auth-token").is_none());
        let unknown = app
            .post(
                SIGN_IN,
                None,
                json!({"email": "nobody@example.com", "password": alice.password}),
            )
            .await;
        assert_error(
            &unknown,
            401,
            "INVALID_EMAIL_OR_PASSWORD",
            "Invalid email or password",
            &[&alice.password],
        );
        let invalid = app
            .post(
                SIGN_IN,
                None,
                json!({"email": "nope", "password": alice.password}),
            )
            .await;
        assert_error(
            &invalid,
            400,
            "VALIDATION_ERROR",
            "[body.email] Invalid email address",
            &[&alice.password],
        );
    }
);

both_backends!(
    sessions_expire_after_seven_days,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        app.clock.advance(Duration::days(7) - Duration::seconds(1));
        // Still alive a second before expiry (and this use refreshes it, so
        // check expiry with a session that is not used in between).
        let fresh = sign_in(&app, &alice).await;
        app.clock.advance(Duration::seconds(2));
        let expired = app.get(GET_SESSION, Some(&alice.bearer)).await;
        assert_eq!(expired.status, StatusCode::OK);
        assert_eq!(expired.text, "null");
        assert_cookies_cleared(&expired);
        unauthorized(&app.get(LIST, Some(&alice.bearer)).await, &alice);
        unauthorized(&app.get(LIST, Some(&alice.raw_token)).await, &alice);
        // The later session lives on, and lists only itself.
        let listed = app.get(LIST, Some(&fresh.bearer)).await;
        assert_eq!(listed.json.as_array().unwrap().len(), 1);
    }
);

both_backends!(
    update_age_pushes_expiry_forward,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let expiry = |a: &Answer| a.json["session"]["expiresAt"].as_str().unwrap().to_owned();
        let first = app.get(GET_SESSION, Some(&alice.bearer)).await;
        let e0 = expiry(&first);

        // Less than updateAge (1 day): unchanged.
        app.clock.advance(Duration::hours(23));
        let early = app.get(GET_SESSION, Some(&alice.bearer)).await;
        assert_eq!(expiry(&early), e0);
        assert_eq!(
            early.json["session"]["updatedAt"],
            first.json["session"]["updatedAt"]
        );

        // Past updateAge: expiry becomes now + 7 days.
        app.clock.advance(Duration::hours(1) + Duration::minutes(1));
        let refreshed = app.get(GET_SESSION, Some(&alice.bearer)).await;
        let e1 = expiry(&refreshed);
        assert!(e1 > e0, "{e1} should be after {e0}");
        assert_ne!(
            refreshed.json["session"]["updatedAt"],
            first.json["session"]["updatedAt"]
        );
        // The refresh re-sends the cookie (a browser's cookie must not expire
        // before its session) and the same token for bearer clients.
        assert_eq!(
            refreshed.header("set-auth-token").as_deref(),
            Some(alice.bearer.as_str())
        );
        let cookie = refreshed
            .cookies()
            .into_iter()
            .find(|c| c.starts_with(COOKIE))
            .unwrap();
        assert!(cookie.contains("Max-Age=604800"), "{cookie}");
        // Persisted: the next read shows the same expiry, and sets nothing.
        let again = app.get(GET_SESSION, Some(&alice.bearer)).await;
        assert_eq!(expiry(&again), e1);
        assert!(again.cookies().is_empty() && again.header("set-auth-token").is_none());
        assert!(first.cookies().is_empty() && early.cookies().is_empty());

        // Alive past the original 7 days, thanks to the refresh.
        app.clock.advance(Duration::days(6) + Duration::hours(1));
        let later = app.get(GET_SESSION, Some(&alice.bearer)).await;
        assert_eq!(later.json["user"]["id"], alice.id.as_str());
    }
);

both_backends!(
    forged_and_malformed_credentials_are_ignored,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let (token, signature) = alice.bearer.split_once('.').unwrap();
        let flipped: String = signature
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i == 3 {
                    if c == 'A' {
                        'B'
                    } else {
                        'A'
                    }
                } else {
                    c
                }
            })
            .collect();
        // Signed-looking values whose signature does not verify are ignored,
        // as better-auth's bearer plugin ignores them: no session, and no
        // cookies cleared (nothing was presented as far as it is concerned).
        // Another token: its last character changed (to one it is not).
        let other_last = if token.ends_with('x') { 'y' } else { 'x' };
        let forged = [
            format!("{token}.{flipped}"),
            format!("{token}.AAAA"),
            format!("{token}."),
            format!("{}{other_last}.{signature}", &token[..31]),
        ];
        for value in &forged {
            let session = get_with(
                &app,
                GET_SESSION,
                ("authorization", &format!("Bearer {value}")),
            )
            .await;
            assert_eq!(session.text, "null", "{value}");
            assert!(session.cookies().is_empty(), "{value}");
            let listed = app.get(LIST, Some(value)).await;
            unauthorized(&listed, &alice);
            assert!(listed.cookies().is_empty(), "{value}");
            let cookie = format!("{COOKIE}={value}");
            let by_cookie = get_with(&app, GET_SESSION, ("cookie", &cookie)).await;
            assert_eq!(by_cookie.text, "null");
            assert!(by_cookie.cookies().is_empty(), "{value}");
        }
        // The raw token inside a signed cookie is not enough.
        let cookie = format!("{COOKIE}={token}");
        assert_eq!(
            get_with(&app, GET_SESSION, ("cookie", &cookie)).await.text,
            "null"
        );
        // Other schemes and empty bearers are no credential at all.
        for header in ["Basic abc", "Bearer", "Bearer ", token] {
            let answer = get_with(&app, LIST, ("authorization", header)).await;
            unauthorized(&answer, &alice);
            assert!(answer.cookies().is_empty(), "{header}");
        }
        // A forged bearer beside a valid cookie: the bearer is ignored and
        // the cookie still works.
        let good_cookie = format!("{COOKIE}={}", alice.bearer);
        let both = app
            .call(
                TestRequest::get()
                    .uri(GET_SESSION)
                    .insert_header(("authorization", format!("Bearer {}", forged[0])))
                    .insert_header(("cookie", good_cookie.as_str())),
            )
            .await;
        assert_eq!(both.json["user"]["id"], alice.id.as_str());
    }
);

both_backends!(
    dead_tokens_clear_cookies_on_every_route,
    |backend: Backend| async move {
        // A token with a valid signature (or a raw one) that names no live
        // session: better-auth expires the cookies, on get-session and on
        // protected routes alike.
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let _ = app.post(SIGN_OUT, Some(&alice.bearer), json!({})).await;
        for credential in [
            alice.bearer.as_str(),
            alice.raw_token.as_str(),
            "not a token",
        ] {
            let session = app.get(GET_SESSION, Some(credential)).await;
            assert_eq!(session.text, "null");
            assert_cookies_cleared(&session);
            let listed = app.get(LIST, Some(credential)).await;
            unauthorized(&listed, &alice);
            assert_cookies_cleared(&listed);
            let revoke = app.post(REVOKE_OTHERS, Some(credential), json!({})).await;
            unauthorized(&revoke, &alice);
            assert_cookies_cleared(&revoke);
        }
        let cookie = format!("{COOKIE}={}", alice.bearer);
        let by_cookie = get_with(&app, LIST, ("cookie", &cookie)).await;
        unauthorized(&by_cookie, &alice);
        assert_cookies_cleared(&by_cookie);
        // Sign-out sets the cookies itself, once.
        let out = app.post(SIGN_OUT, Some(&alice.bearer), json!({})).await;
        assert_cookies_cleared(&out);
    }
);

both_backends!(origin_check_on_sign_in, |backend: Backend| async move {
    let app = test_app!(backend, |c| c.trusted_origins =
        vec!["http://app.example".into()]);
    let alice = app.sign_up("Alice").await;
    let sign_in_from = |origin: &'static str| {
        app.call(
            TestRequest::post()
                .uri(SIGN_IN)
                .insert_header(("origin", origin))
                .set_json(json!({"email": alice.email, "password": alice.password})),
        )
    };
    let refused = sign_in_from("http://evil.example").await;
    assert_error(
        &refused,
        403,
        "INVALID_ORIGIN",
        "Invalid origin",
        &[&alice.password],
    );
    assert!(refused.header("set-auth-token").is_none());
    let trusted = sign_in_from("http://app.example").await;
    assert_eq!(trusted.status, StatusCode::OK, "{}", trusted.text);
    assert_eq!(
        trusted.header("access-control-allow-origin").as_deref(),
        Some("http://app.example")
    );
    let exposed = trusted
        .header("access-control-expose-headers")
        .unwrap_or_default();
    assert!(
        exposed.to_ascii_lowercase().contains("set-auth-token"),
        "{exposed}"
    );

    // A cookie-authenticated state change from an untrusted origin is
    // refused (CSRF); the same from the trusted origin passes.
    let cookie = session_cookie(&trusted);
    let sign_out_from = |origin: &'static str| {
        app.call(
            TestRequest::post()
                .uri(SIGN_OUT)
                .insert_header(("origin", origin))
                .insert_header(("cookie", cookie.as_str()))
                .set_json(json!({})),
        )
    };
    let refused = sign_out_from("http://evil.example").await;
    assert_error(&refused, 403, "INVALID_ORIGIN", "Invalid origin", &[]);
    assert_eq!(
        get_with(&app, GET_SESSION, ("cookie", &cookie)).await.json["user"]["id"],
        alice.id.as_str()
    );
    let out = sign_out_from("http://app.example").await;
    assert_eq!(out.json, json!({"success": true}));
});

both_backends!(
    untrusted_origin_without_configuration,
    |backend: Backend| async move {
        // The reference configuration: no trusted origins at all.
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let refused = app
            .call(
                TestRequest::post()
                    .uri(SIGN_IN)
                    .insert_header(("origin", "http://evil.example"))
                    .set_json(json!({"email": alice.email, "password": alice.password})),
            )
            .await;
        assert_error(
            &refused,
            403,
            "INVALID_ORIGIN",
            "Invalid origin",
            &[&alice.password],
        );
        // Bearer clients are not exposed to CSRF: header-only auth passes.
        let bearer = app
            .call(
                TestRequest::post()
                    .uri(REVOKE_OTHERS)
                    .insert_header(("origin", "http://evil.example"))
                    .insert_header(("authorization", format!("Bearer {}", alice.bearer)))
                    .set_json(json!({})),
            )
            .await;
        assert_eq!(bearer.status, StatusCode::OK, "{}", bearer.text);
    }
);

both_backends!(cors_preflight, |backend: Backend| async move {
    let preflight = |origin: &'static str| {
        TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri(GET_SESSION)
            .insert_header(("origin", origin))
            .insert_header(("access-control-request-method", "GET"))
            .insert_header(("access-control-request-headers", "authorization"))
    };
    let app = test_app!(backend, |c| c.trusted_origins =
        vec!["http://app.example".into()]);
    let allowed = app.call(preflight("http://app.example")).await;
    assert!(allowed.status.is_success(), "{}", allowed.status);
    assert_eq!(
        allowed.header("access-control-allow-origin").as_deref(),
        Some("http://app.example")
    );
    assert_eq!(
        allowed
            .header("access-control-allow-credentials")
            .as_deref(),
        Some("true")
    );
    let methods = allowed
        .header("access-control-allow-methods")
        .unwrap_or_default();
    assert!(methods.contains("GET"), "{methods}");
    let denied = app.call(preflight("http://evil.example")).await;
    assert!(denied.header("access-control-allow-origin").is_none());

    // No trusted origins configured: no CORS at all, as the reference
    // (OPTIONS is 404 with an empty body).
    let plain = test_app!(backend);
    let answer = plain.call(preflight("http://localhost:3000")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.text, "");
    assert!(
        answer
            .headers
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-")),
        "{:?}",
        answer.headers
    );
});

both_backends!(
    /// bcrypt reads 72 bytes; latchkey takes passwords up to 128
    /// characters, and every byte of them must count.
    every_byte_of_a_long_password_counts,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let head = "a".repeat(72);
        let password = format!("{head}-the-real-secret-tail");
        let answer = app
            .post(
                SIGN_UP,
                None,
                json!({"email": "long@example.com", "password": password, "name": "Long"}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        for (guess, status) in [
            (format!("{head}-a-completely-different-tail"), StatusCode::UNAUTHORIZED),
            (head.clone(), StatusCode::UNAUTHORIZED),
            (password.clone(), StatusCode::OK),
        ] {
            let answer = app
                .post(
                    SIGN_IN,
                    None,
                    json!({"email": "long@example.com", "password": guess}),
                )
                .await;
            assert_eq!(answer.status, status, "{}", answer.text);
        }
    }
);
