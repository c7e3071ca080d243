//! The test application: the real `App` over a fresh database on either
//! backend, a manual clock, and one-line helpers for users and requests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod keys;
pub mod transcript;

use std::sync::Arc;

use actix_web::http::header::HeaderMap;
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use latchkey::app::{assemble, build_app, migration_sets};
use latchkey_api_key::ApiKeyOptions;
use latchkey_session::db::Backend;
use latchkey_session::testing::TestDb;
use latchkey_session::{Auth, AuthConfig, ManualClock};
use serde_json::{json, Value};

pub use latchkey_session::both_backends;

/// The trusted-server credential of test apps (`x-latchkey-server-secret`).
pub const SERVER_SECRET: &str = "test-server-secret-0123456789abcdef";

/// The secret every test app signs with.
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// A running app over its own database.
pub struct TestApp {
    pub auth: Auth,
    pub clock: Arc<ManualClock>,
    pub db: TestDb,
}

/// What a request answered.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as JSON (`Value::Null` for an empty body).
    pub json: Value,
    /// The raw body text.
    pub text: String,
}

impl Answer {
    /// A response header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    /// Every `set-cookie` header.
    pub fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }

    /// Reads a test service's whole response.
    pub async fn read<B: actix_web::body::MessageBody>(
        res: actix_web::dev::ServiceResponse<B>,
    ) -> Self {
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = test::read_body(res).await;
        Answer {
            status,
            headers,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// The error `code` of an error body.
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }
}

/// A signed-up user.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub password: String,
    /// The signed token from `set-auth-token`, for `Authorization: Bearer`.
    pub bearer: String,
    /// The raw token from the body.
    pub raw_token: String,
}

impl TestApp {
    /// A fresh app with default settings (bcrypt cost 4), or `None` when the
    /// backend is unavailable outside CI.
    pub fn new(backend: Backend) -> Option<Self> {
        Self::with_config(backend, |_| {})
    }

    /// A fresh app whose configuration `adjust` may change.
    pub fn with_config(backend: Backend, adjust: impl FnOnce(&mut AuthConfig)) -> Option<Self> {
        Self::with_options(backend, adjust, |_| {})
    }

    /// A fresh app whose session configuration and API-key options may change.
    /// The API-key server secret is [`SERVER_SECRET`] unless changed; plain-key
    /// admissions are written only when flushed.
    pub fn with_options(
        backend: Backend,
        adjust: impl FnOnce(&mut AuthConfig),
        adjust_keys: impl FnOnce(&mut ApiKeyOptions),
    ) -> Option<Self> {
        let db = TestDb::new(backend, &migration_sets())?;
        let mut config = AuthConfig::new(TEST_SECRET);
        config.bcrypt_cost = 4;
        adjust(&mut config);
        let mut options = ApiKeyOptions {
            server_secret: Some(SERVER_SECRET.to_owned()),
            // Plain-key admissions are written when a test asks
            // (`flush_key_counters`) or a key read settles them, never
            // halfway through a test.
            counter_flush_interval: std::time::Duration::from_secs(3600),
            ..ApiKeyOptions::default()
        };
        adjust_keys(&mut options);
        let clock = ManualClock::new();
        let auth = assemble(db.pool.clone(), config, options, Some(clock.clone()));
        Some(TestApp { auth, clock, db })
    }

    /// Sends one request through a freshly initialised app.
    pub async fn call(&self, req: TestRequest) -> Answer {
        let app = test::init_service(build_app(self.auth.clone())).await;
        Answer::read(test::call_service(&app, req.to_request()).await).await
    }

    /// POSTs JSON.
    pub async fn post(&self, path: &str, bearer: Option<&str>, body: Value) -> Answer {
        let mut req = TestRequest::post().uri(path).set_json(body);
        if let Some(b) = bearer {
            req = req.insert_header(("authorization", format!("Bearer {b}")));
        }
        self.call(req).await
    }

    /// GETs a path.
    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Answer {
        let mut req = TestRequest::get().uri(path);
        if let Some(b) = bearer {
            req = req.insert_header(("authorization", format!("Bearer {b}")));
        }
        self.call(req).await
    }

    /// Signs up a user and returns their credentials.
    pub async fn sign_up(&self, name: &str) -> TestUser {
        let email = format!("{}@example.com", name.to_lowercase());
        let password = "correct-horse-42".to_owned();
        let answer = self
            .post(
                "/api/auth/sign-up/email",
                None,
                json!({"email": email, "password": password, "name": name}),
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "sign-up failed: {}",
            answer.text
        );
        TestUser {
            id: answer.json["user"]["id"].as_str().unwrap().to_owned(),
            email,
            password,
            bearer: answer.header("set-auth-token").unwrap(),
            raw_token: answer.json["token"].as_str().unwrap().to_owned(),
        }
    }
}

/// Unwraps a test app or returns from the test (Postgres skipped loudly).
#[macro_export]
macro_rules! test_app {
    ($backend:expr) => {
        match common::TestApp::new($backend) {
            Some(app) => app,
            None => return,
        }
    };
    ($backend:expr, $adjust:expr) => {
        match common::TestApp::with_config($backend, $adjust) {
            Some(app) => app,
            None => return,
        }
    };
    ($backend:expr, $adjust:expr, $adjust_keys:expr) => {
        match common::TestApp::with_options($backend, $adjust, $adjust_keys) {
            Some(app) => app,
            None => return,
        }
    };
}
