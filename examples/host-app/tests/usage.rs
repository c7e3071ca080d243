//! The example host app records the usage of its key-guarded `/api`
//! routes, on both backends: one usage log shared by every app instance.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::App;
use latchkey_api_key::usage::{UsageLog, UsageLogOptions};
use latchkey_api_key::{ApiKeyOptions, ApiKeyPlugin};
use latchkey_session::db::{Backend, CORE_MIGRATIONS};
use latchkey_session::testing::TestDb;
use latchkey_session::{both_backends, Auth, AuthConfig};
use serde_json::{json, Value};

async fn send(auth: &Auth, usage: &UsageLog, req: TestRequest) -> (StatusCode, Value) {
    let app = test::init_service(
        App::new().configure(|cfg| latchkey_example_host::configure(auth, Some(usage), cfg)),
    )
    .await;
    let res = test::call_service(&app, req.to_request()).await;
    let status = res.status();
    let body = test::read_body(res).await;
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

both_backends!(the_example_records_usage, |backend: Backend| async move {
    let Some(db) = TestDb::new(
        backend,
        &[CORE_MIGRATIONS, latchkey_api_key::db::MIGRATIONS],
    ) else {
        return;
    };
    let mut config = AuthConfig::new("host-test-secret-0123456789abcdef");
    config.bcrypt_cost = 4;
    let options = ApiKeyOptions {
        rate_limit_enabled: false,
        ..ApiKeyOptions::default()
    };
    let auth = Auth::builder(db.pool.clone(), config)
        .plugin(ApiKeyPlugin::new(options))
        .build();
    let usage = UsageLog::from_state(
        &auth.state(),
        UsageLogOptions {
            flush_interval: std::time::Duration::from_secs(3600),
            ..UsageLogOptions::default()
        },
    )
    .unwrap();

    // The auth routes under /api/auth are not shadowed by the /api scope.
    let (status, body) = send(
        &auth,
        &usage,
        TestRequest::post().uri("/api/auth/sign-up/email").set_json(
            json!({"email": "host@example.com", "password": "correct-horse-42", "name": "Host"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let bearer = format!("Bearer {}", body["token"].as_str().unwrap());
    let (status, created) = send(
        &auth,
        &usage,
        TestRequest::post()
            .uri("/api/auth/api-key/create")
            .insert_header(("authorization", bearer.clone()))
            .set_json(json!({"name": "host"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let key = created["key"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();

    let with_key = |uri: &str| {
        TestRequest::get()
            .uri(uri)
            .insert_header(("x-api-key", key.clone()))
    };
    assert_eq!(
        send(&auth, &usage, with_key("/api/ping")).await.0,
        StatusCode::OK
    );
    assert_eq!(
        send(&auth, &usage, with_key("/api/ping")).await.0,
        StatusCode::OK
    );
    // Refused: no permission (403), no key (401). Neither is recorded.
    assert_eq!(
        send(&auth, &usage, with_key("/api/reports")).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = send(&auth, &usage, TestRequest::get().uri("/api/ping")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(usage.flush_now().unwrap(), 2);

    let (status, answer) = send(
        &auth,
        &usage,
        TestRequest::get()
            .uri(&format!("/api/auth/api-key/usage?keyId={id}"))
            .insert_header(("authorization", bearer.clone())),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["total"], 2);
    for entry in answer["usage"].as_array().unwrap() {
        assert_eq!(
            (
                &entry["method"],
                &entry["path"],
                &entry["status"],
                &entry["keyId"]
            ),
            (&json!("GET"), &json!("/api/ping"), &json!(200), &json!(id))
        );
    }
    let (_, stats) = send(
        &auth,
        &usage,
        TestRequest::get()
            .uri("/api/auth/api-key/stats")
            .insert_header(("authorization", bearer)),
    )
    .await;
    assert_eq!(stats["totalApiCalls"], 2);
    assert_eq!(stats["apiKeys"][0]["usageCount"], 2);
    usage.shutdown();
});
