//! The example host app: latchkey mounted in a foreign `App`, its
//! extractors guarding the host's routes, on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::App;
use latchkey_api_key::db::models::ApiKey;
use latchkey_api_key::db::queries::keys;
use latchkey_api_key::{ApiKeyOptions, ApiKeyPlugin, PlainKey};
use latchkey_session::db::{Backend, CORE_MIGRATIONS};
use latchkey_session::testing::TestDb;
use latchkey_session::{both_backends, Auth, AuthConfig, Clock, SystemClock};
use serde_json::{json, Value};

fn new_key(owner: &str, permissions: Option<&str>, remaining: Option<i32>) -> (PlainKey, ApiKey) {
    let plain = PlainKey::generate(Some("host_"), 64);
    let now = SystemClock.now();
    let row = ApiKey {
        id: latchkey_session::tokens::random_id(),
        config_id: "default".into(),
        name: None,
        start: Some(plain.start(6)),
        reference_id: owner.into(),
        prefix: Some("host_".into()),
        key: plain.hash().0,
        refill_interval: None,
        refill_amount: None,
        last_refill_at: None,
        enabled: Some(true),
        rate_limit_enabled: Some(false),
        rate_limit_time_window: None,
        rate_limit_max: None,
        request_count: Some(0),
        remaining,
        last_request: None,
        expires_at: None,
        created_at: now,
        updated_at: now,
        permissions: permissions.map(str::to_owned),
        metadata: None,
        rate_limit_window_start: None,
        rate_limits: None,
        usage_count: 0,
    };
    (plain, row)
}

async fn send(auth: &Auth, req: TestRequest) -> (StatusCode, Value) {
    let app = test::init_service(
        App::new().configure(|cfg| latchkey_example_host::configure(auth, None, cfg)),
    )
    .await;
    let res = test::call_service(&app, req.to_request()).await;
    let status = res.status();
    let body = test::read_body(res).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// The status and headers of one request to the host app.
async fn send_for_headers(auth: &Auth, req: TestRequest) -> (StatusCode, HeaderMap) {
    let app = test::init_service(
        App::new().configure(|cfg| latchkey_example_host::configure(auth, None, cfg)),
    )
    .await;
    let res = test::call_service(&app, req.to_request()).await;
    (res.status(), res.headers().clone())
}

both_backends!(host_routes_are_guarded, |backend: Backend| async move {
    let Some(db) = TestDb::new(
        backend,
        &[CORE_MIGRATIONS, latchkey_api_key::db::MIGRATIONS],
    ) else {
        return;
    };
    let mut config = AuthConfig::new("host-test-secret-0123456789abcdef");
    config.bcrypt_cost = 4;
    let auth = Auth::builder(db.pool.clone(), config)
        .plugin(ApiKeyPlugin::new(ApiKeyOptions::default()))
        .build();

    // A user signs up through the mounted auth routes and reaches /me.
    let (status, body) = send(
        &auth,
        TestRequest::post().uri("/api/auth/sign-up/email").set_json(
            json!({"email": "host@example.com", "password": "correct-horse-42", "name": "Host"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let token = body["token"].as_str().unwrap().to_owned();
    let user_id = body["user"]["id"].as_str().unwrap().to_owned();
    let (status, me) = send(
        &auth,
        TestRequest::get()
            .uri("/me")
            .insert_header(("authorization", format!("Bearer {token}"))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], json!(user_id));
    let (status, denied) = send(&auth, TestRequest::get().uri("/me")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(denied["code"], json!("UNAUTHORIZED"));

    // Key holders reach the API; each call is charged.
    let (plain, row) = new_key(&user_id, None, Some(2));
    keys::insert(&mut db.pool.get().unwrap(), &row).unwrap();
    let ping = || {
        TestRequest::get()
            .uri("/api/ping")
            .insert_header(("x-api-key", plain.expose()))
    };
    let (status, pong) = send(&auth, ping()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        pong,
        json!({"pong": true, "owner": user_id, "remaining": 1})
    );
    assert_eq!(send(&auth, ping()).await.0, StatusCode::OK);
    let (status, used_up) = send(&auth, ping()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(used_up["code"], json!("USAGE_EXCEEDED"));

    // Missing and unknown keys are 401; a key without the permission is 403.
    let (status, missing) = send(&auth, TestRequest::get().uri("/api/ping")).await;
    assert_eq!(
        (status, missing["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("API_KEY_REQUIRED"))
    );
    let unknown = PlainKey::generate(None, 64);
    let (status, body) = send(
        &auth,
        TestRequest::get()
            .uri("/api/ping")
            .insert_header(("x-api-key", unknown.expose())),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("INVALID_API_KEY"))
    );
    let (reader, reader_row) = new_key(&user_id, Some(r#"{"reports":["read"]}"#), None);
    let (writer, writer_row) = new_key(&user_id, Some(r#"{"files":["write"]}"#), None);
    keys::insert(&mut db.pool.get().unwrap(), &reader_row).unwrap();
    keys::insert(&mut db.pool.get().unwrap(), &writer_row).unwrap();
    let reports = |k: &PlainKey| {
        TestRequest::get()
            .uri("/api/reports")
            .insert_header(("x-api-key", k.expose().to_owned()))
    };
    assert_eq!(send(&auth, reports(&reader)).await.0, StatusCode::OK);
    let (status, body) = send(&auth, reports(&writer)).await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::FORBIDDEN, json!("INSUFFICIENT_PERMISSIONS"))
    );
});

both_backends!(
    rate_limited_keys_see_their_budget,
    |backend: Backend| async move {
        let Some(db) = TestDb::new(
            backend,
            &[CORE_MIGRATIONS, latchkey_api_key::db::MIGRATIONS],
        ) else {
            return;
        };
        let auth = Auth::builder(
            db.pool.clone(),
            AuthConfig::new("host-test-secret-0123456789abcdef"),
        )
        .plugin(ApiKeyPlugin::new(ApiKeyOptions::default()))
        .build();
        let (plain, mut row) = new_key("owner", None, None);
        row.rate_limit_enabled = Some(true);
        row.rate_limit_time_window = Some(60_000);
        row.rate_limit_max = Some(2);
        keys::insert(&mut db.pool.get().unwrap(), &row).unwrap();
        let ping = || {
            TestRequest::get()
                .uri("/api/ping")
                .insert_header(("x-api-key", plain.expose()))
        };
        let header = |headers: &HeaderMap, name: &str| {
            headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let (status, headers) = send_for_headers(&auth, ping()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(header(&headers, "x-ratelimit-limit"), "2");
        assert_eq!(header(&headers, "x-ratelimit-remaining"), "1");
        assert_eq!(header(&headers, "ratelimit-policy"), "\"1m\";q=2;w=60");
        send_for_headers(&auth, ping()).await;
        let (status, headers) = send_for_headers(&auth, ping()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(header(&headers, "x-ratelimit-remaining"), "0");
        assert!(!header(&headers, "retry-after").is_empty());
    }
);
