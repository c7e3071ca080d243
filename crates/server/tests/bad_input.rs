//! Malformed requests on the session routes, on both backends: bad JSON,
//! wrong body shapes and content types, oversized bodies, wrong methods and
//! unknown routes. Statuses, codes and messages as better-auth 1.7 answers
//! them (`shared/reference/transcripts/bad-input.json`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use actix_web::http::header::HeaderValue;
use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use common::{both_backends, Answer, TestApp};
use latchkey_session::db::Backend;
use serde_json::json;

const SIGN_UP: &str = "/api/auth/sign-up/email";
const SIGN_IN: &str = "/api/auth/sign-in/email";
const PASSWORD: &str = "correct-horse-42";

fn assert_error(answer: &Answer, status: u16, code: &str, message: &str) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.text);
    assert_eq!(answer.json, json!({"message": message, "code": code}));
    assert_eq!(
        answer.header("content-type").as_deref(),
        Some("application/json")
    );
    assert!(!answer.text.contains(PASSWORD), "{}", answer.text);
}

/// A 404 exactly as better-auth sends it: no body, no content type.
fn assert_bare_404(answer: &Answer, what: &str) {
    assert_eq!(
        answer.status,
        StatusCode::NOT_FOUND,
        "{what}: {}",
        answer.text
    );
    assert_eq!(answer.text, "", "{what}");
    assert!(answer.header("content-type").is_none(), "{what}");
}

/// POSTs raw bytes with an optional content type.
async fn post_raw(app: &TestApp, path: &str, content_type: Option<&str>, body: &[u8]) -> Answer {
    let mut req = TestRequest::post().uri(path).set_payload(body.to_vec());
    if let Some(ct) = content_type {
        req = req.insert_header(("content-type", ct));
    }
    app.call(req).await
}

fn sign_up_body(email: &str) -> String {
    json!({"email": email, "password": PASSWORD, "name": "Eve"}).to_string()
}

both_backends!(
    malformed_json_is_bad_request,
    |backend: Backend| async move {
        let app = test_app!(backend);
        for (path, body) in [
            (SIGN_IN, &b"{nope"[..]),
            (SIGN_UP, &b"{\"name\": \"x\","[..]),
            (SIGN_UP, &b"{\"email\": \"a@b.co\" \"password\": 1}"[..]),
            // Not UTF-8.
            (
                SIGN_IN,
                &b"{\"email\": \"\xff\xfe\", \"password\": \"x\"}"[..],
            ),
            // Deeper than the parser's recursion limit: an error, not a crash.
            (SIGN_IN, "[".repeat(10_000).as_bytes()),
        ] {
            let answer = post_raw(&app, path, Some("application/json"), body).await;
            assert_error(&answer, 400, "BAD_REQUEST", "Invalid JSON in request body");
        }
    }
);

both_backends!(bodies_that_are_not_objects, |backend: Backend| async move {
    let app = test_app!(backend);
    let expect =
        |received: &str| format!("[body] Invalid input: expected object, received {received}");
    for (body, received) in [
        (&b"[]"[..], "array"),
        (&b"\"name\""[..], "string"),
        (&b"42"[..], "number"),
        (&b""[..], "undefined"),
        (&b"  \n "[..], "undefined"),
    ] {
        for path in [SIGN_UP, SIGN_IN] {
            let answer = post_raw(&app, path, Some("application/json"), body).await;
            assert_error(&answer, 400, "VALIDATION_ERROR", &expect(received));
        }
    }
    // better-auth treats a POST without a content type as having no body.
    let answer = post_raw(
        &app,
        SIGN_UP,
        None,
        sign_up_body("eve@example.com").as_bytes(),
    )
    .await;
    assert_error(&answer, 400, "VALIDATION_ERROR", &expect("undefined"));
});

both_backends!(
    non_json_content_types_are_415,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let body = sign_up_body("eve@example.com");
        for content_type in [
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "application/xml",
        ] {
            let answer = post_raw(&app, SIGN_UP, Some(content_type), body.as_bytes()).await;
            assert_error(
            &answer,
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            &format!("Content-Type \"{content_type}\" is not allowed. Allowed types: application/json"),
        );
        }
        let form = post_raw(
            &app,
            SIGN_IN,
            Some("application/x-www-form-urlencoded"),
            format!("email=eve%40example.com&password={PASSWORD}").as_bytes(),
        )
        .await;
        assert_eq!(form.code(), "UNSUPPORTED_MEDIA_TYPE");
        // Nothing was created by the refused requests.
        let ok = post_raw(&app, SIGN_UP, Some("application/json"), body.as_bytes()).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    }
);

both_backends!(
    json_with_charset_is_accepted,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let body = sign_up_body("eve@example.com");
        let answer = post_raw(
            &app,
            SIGN_UP,
            Some("application/json; charset=utf-8"),
            body.as_bytes(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(answer.json["user"]["email"], "eve@example.com");
        let sign_in = json!({"email": "eve@example.com", "password": PASSWORD}).to_string();
        let answer = post_raw(
            &app,
            SIGN_IN,
            Some("application/json;charset=UTF-8"),
            sign_in.as_bytes(),
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    }
);

both_backends!(oversized_bodies_are_413, |backend: Backend| async move {
    const LIMIT: usize = 256;
    let app = test_app!(backend, |c| c.max_body_bytes = LIMIT);
    let message = format!("Request body is too large (limit {LIMIT} bytes)");
    let padded = |len: usize| {
        let mut body = sign_up_body("eve@example.com");
        let pad = len - body.len() - ",\"pad\":\"\"".len();
        body.pop();
        body.push_str(&format!(",\"pad\":\"{}\"}}", "p".repeat(pad)));
        assert_eq!(body.len(), len);
        body
    };
    let too_big = post_raw(
        &app,
        SIGN_UP,
        Some("application/json"),
        padded(LIMIT + 1).as_bytes(),
    )
    .await;
    assert_error(&too_big, 413, "PAYLOAD_TOO_LARGE", &message);
    // Size is checked before the body is parsed.
    let junk = vec![b'{'; 10 * LIMIT];
    let answer = post_raw(&app, SIGN_IN, Some("application/json"), &junk).await;
    assert_error(&answer, 413, "PAYLOAD_TOO_LARGE", &message);
    // Exactly at the limit is fine.
    let at_limit = post_raw(
        &app,
        SIGN_UP,
        Some("application/json"),
        padded(LIMIT).as_bytes(),
    )
    .await;
    assert_eq!(at_limit.status, StatusCode::OK, "{}", at_limit.text);
});

both_backends!(
    wrong_methods_and_unknown_routes_are_bare_404s,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let user = app.sign_up("Alice").await;
        let cases = [
            (Method::GET, SIGN_UP),
            (Method::GET, SIGN_IN),
            (Method::GET, "/api/auth/sign-out"),
            (Method::GET, "/api/auth/revoke-session"),
            (Method::GET, "/api/auth/revoke-other-sessions"),
            (Method::POST, "/api/auth/get-session"),
            (Method::POST, "/api/auth/list-sessions"),
            (Method::POST, "/api/auth/ok"),
            (Method::PUT, SIGN_IN),
            (Method::DELETE, "/api/auth/get-session"),
            (Method::PATCH, "/api/auth/sign-out"),
            (Method::GET, "/api/auth/no-such-route"),
            (Method::POST, "/api/auth/no-such-route"),
            (Method::GET, "/api/auth"),
            (Method::GET, "/api/auth/"),
            (Method::GET, "/no-such-route"),
            (Method::GET, "/"),
        ];
        for (method, path) in cases {
            let what = format!("{method} {path}");
            for bearer in [None, Some(user.bearer.as_str())] {
                let mut req = TestRequest::default()
                    .method(method.clone())
                    .uri(path)
                    .insert_header(("content-type", "application/json"))
                    .set_payload("{}");
                if let Some(b) = bearer {
                    req = req.insert_header(("authorization", format!("Bearer {b}")));
                }
                assert_bare_404(&app.call(req).await, &what);
            }
        }
    }
);

both_backends!(wrong_field_types, |backend: Backend| async move {
    let app = test_app!(backend);
    let answer = app
        .post(SIGN_IN, None, json!({"email": 5, "password": PASSWORD}))
        .await;
    assert_error(
        &answer,
        400,
        "VALIDATION_ERROR",
        "[body.email] Invalid input: expected string, received number",
    );
    let answer = app
        .post(
            SIGN_IN,
            None,
            json!({"email": "eve@example.com", "password": ["x"]}),
        )
        .await;
    assert_error(
        &answer,
        400,
        "VALIDATION_ERROR",
        "[body.password] Invalid input: expected string, received array",
    );
    // Every issue is reported, joined by "; ".
    let answer = app
        .post(SIGN_UP, None, json!({"name": null, "email": true}))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.code(), "VALIDATION_ERROR");
    let message = answer.json["message"].as_str().unwrap();
    let issues: Vec<&str> = message.split("; ").collect();
    assert_eq!(issues.len(), 3, "{message}");
    for field in ["[body.name]", "[body.email]", "[body.password]"] {
        assert!(message.contains(field), "{message} lacks {field}");
    }
});

both_backends!(
    get_routes_ignore_bodies_and_odd_headers,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let user = app.sign_up("Alice").await;
        // A GET with a malformed body is still a GET.
        let answer = app
            .call(
                TestRequest::get()
                    .uri("/api/auth/get-session")
                    .insert_header(("authorization", format!("Bearer {}", user.bearer)))
                    .insert_header(("content-type", "application/json"))
                    .set_payload("{nope"),
            )
            .await;
        assert_eq!(answer.json["user"]["id"], user.id.as_str());
        // An Authorization header that is not text is no credential.
        let answer = app
            .call(
                TestRequest::get()
                    .uri("/api/auth/list-sessions")
                    .insert_header((
                        "authorization",
                        HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap(),
                    )),
            )
            .await;
        assert_error(&answer, 401, "UNAUTHORIZED", "Unauthorized");
        let answer = app
            .call(
                TestRequest::get()
                    .uri("/api/auth/get-session")
                    .insert_header(("cookie", "better-auth.session_token=%zz%%.@@")),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.text, "null");
    }
);

both_backends!(
    nul_characters_are_400_not_500,
    |backend: Backend| async move {
        // PostgreSQL refuses NUL in text; latchkey refuses it first, on both backends.
        let app = test_app!(backend);
        let alice = app.sign_up("Alice").await;
        let body = r#"{"email":"nul@example.com","password":"correct-horse-42","name":"a\u0000b"}"#;
        let signup = app
            .call(
                TestRequest::post()
                    .uri("/api/auth/sign-up/email")
                    .insert_header(("content-type", "application/json"))
                    .set_payload(body),
            )
            .await;
        assert_eq!(signup.status, StatusCode::BAD_REQUEST);
        assert_eq!(signup.code(), "VALIDATION_ERROR");
        assert_eq!(
            signup.json["message"],
            "[body.name] Invalid input: text may not contain NUL characters"
        );
        let get = app
            .get("/api/auth/api-key/get?id=a%00b", Some(&alice.bearer))
            .await;
        assert_eq!(get.status, StatusCode::BAD_REQUEST);
        assert_eq!(get.code(), "VALIDATION_ERROR");
    }
);
