//! Helpers shared by the key-management tests (`api_key_*.rs`): apps with
//! API-key options, and create/get/list/update/delete calls as a user or as
//! a trusted server.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use latchkey_api_key::ApiKeyOptions;
use latchkey_session::db::Backend;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::{Duration, PrimitiveDateTime};

use crate::common::{Answer, TestApp, SERVER_SECRET};

/// Base path of the key routes.
pub const BASE: &str = "/api/auth/api-key";

/// An app whose API-key options `adjust` changes (the server secret is set).
pub fn app_with(backend: Backend, adjust: impl FnOnce(&mut ApiKeyOptions)) -> Option<TestApp> {
    TestApp::with_options(backend, |_| {}, adjust)
}

/// An app configured as the reference server (metadata on).
pub fn reference_app(backend: Backend) -> Option<TestApp> {
    app_with(backend, |o| o.enable_metadata = true)
}

/// `Some(app)` or return from the test (Postgres unavailable outside CI).
#[macro_export]
macro_rules! keys_app {
    ($backend:expr) => {
        match manage::reference_app($backend) {
            Some(app) => app,
            None => return,
        }
    };
    ($backend:expr, $adjust:expr) => {
        match manage::app_with($backend, $adjust) {
            Some(app) => app,
            None => return,
        }
    };
}

/// A POST to a key route as a trusted server (optionally with a session).
pub fn server_request(route: &str, bearer: Option<&str>, body: Value) -> TestRequest {
    let mut req = TestRequest::post()
        .uri(&format!("{BASE}/{route}"))
        .insert_header(("x-latchkey-server-secret", SERVER_SECRET))
        .set_json(body);
    if let Some(b) = bearer {
        req = req.insert_header(("authorization", format!("Bearer {b}")));
    }
    req
}

impl TestApp {
    /// `POST /api-key/create` as a signed-in user (or nobody).
    pub async fn create_key(&self, bearer: Option<&str>, body: Value) -> Answer {
        self.post(&format!("{BASE}/create"), bearer, body).await
    }

    /// `POST /api-key/create` that must succeed; returns the answer body.
    pub async fn create_ok(&self, bearer: &str, body: Value) -> Value {
        let answer = self.create_key(Some(bearer), body).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        answer.json
    }

    /// `POST /api-key/update` as a signed-in user (or nobody).
    pub async fn update_key(&self, bearer: Option<&str>, body: Value) -> Answer {
        self.post(&format!("{BASE}/update"), bearer, body).await
    }

    /// `POST /api-key/delete` as a signed-in user (or nobody).
    pub async fn delete_key(&self, bearer: Option<&str>, body: Value) -> Answer {
        self.post(&format!("{BASE}/delete"), bearer, body).await
    }

    /// `GET /api-key/get?id=` as a signed-in user (or nobody).
    pub async fn get_key(&self, bearer: Option<&str>, id: &str) -> Answer {
        self.get(&format!("{BASE}/get?id={id}"), bearer).await
    }

    /// `GET /api-key/list?<query>` as a signed-in user (or nobody).
    pub async fn list_keys(&self, bearer: Option<&str>, query: &str) -> Answer {
        self.get(&format!("{BASE}/list?{query}"), bearer).await
    }

    /// A POST to a key route as a trusted server.
    pub async fn server_post(&self, route: &str, body: Value) -> Answer {
        self.call(server_request(route, None, body)).await
    }

    /// Moves the clock on by `ms` milliseconds.
    pub fn tick(&self, ms: i64) {
        self.clock.advance(Duration::milliseconds(ms));
    }
}

/// Asserts an error answer: status, code and message.
#[track_caller]
pub fn assert_error(answer: &Answer, status: u16, code: &str, message: &str) {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.text);
    assert_eq!(
        answer.json,
        json!({"code": code, "message": message}),
        "{}",
        answer.text
    );
}

/// better-auth's SERVER_ONLY_PROPERTY message.
pub const SERVER_ONLY: &str =
    "The property you're trying to set can only be set from the server auth instance only.";

/// Asserts a 400 SERVER_ONLY_PROPERTY.
#[track_caller]
pub fn assert_server_only(answer: &Answer) {
    assert_error(answer, 400, "SERVER_ONLY_PROPERTY", SERVER_ONLY);
}

/// Asserts a 400 VALIDATION_ERROR with this message.
#[track_caller]
pub fn assert_validation(answer: &Answer, message: &str) {
    assert_error(answer, 400, "VALIDATION_ERROR", message);
}

/// Asserts 404 KEY_NOT_FOUND.
#[track_caller]
pub fn assert_not_found(answer: &Answer) {
    assert_error(answer, 404, "KEY_NOT_FOUND", "API Key not found");
}

/// Asserts 401 UNAUTHORIZED_SESSION.
#[track_caller]
pub fn assert_unauthorized_session(answer: &Answer) {
    assert_error(
        answer,
        401,
        "UNAUTHORIZED_SESSION",
        "Unauthorized or invalid session",
    );
}

/// Asserts 401 UNAUTHORIZED (the session middleware's answer).
#[track_caller]
pub fn assert_unauthorized(answer: &Answer) {
    assert_error(answer, 401, "UNAUTHORIZED", "Unauthorized");
}

/// A wire timestamp as a UTC time.
pub fn parse_ts(value: &Value) -> PrimitiveDateTime {
    let parsed = time::OffsetDateTime::parse(value.as_str().unwrap(), &Rfc3339).unwrap();
    PrimitiveDateTime::new(parsed.date(), parsed.time())
}

/// The fields of a key record (besides `key`, which only create answers).
pub const RECORD_FIELDS: &[&str] = &[
    "configId",
    "createdAt",
    "enabled",
    "expiresAt",
    "id",
    "lastRefillAt",
    "lastRequest",
    "metadata",
    "name",
    "permissions",
    "prefix",
    "rateLimitEnabled",
    "rateLimitMax",
    "rateLimitTimeWindow",
    "referenceId",
    "refillAmount",
    "refillInterval",
    "remaining",
    "requestCount",
    "start",
    "updatedAt",
    "usageCount",
    "userId",
];

/// Asserts a record has exactly the record fields (plus `key` when `with_key`).
#[track_caller]
pub fn assert_record_fields(record: &Value, with_key: bool) {
    let mut got: Vec<&str> = record
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    got.sort_unstable();
    let mut want: Vec<&str> = RECORD_FIELDS.to_vec();
    if with_key {
        want.push("key");
        want.sort_unstable();
    }
    assert_eq!(got, want);
}
