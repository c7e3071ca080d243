//! API keys for tests: rows inserted directly (as a trusted server or a
//! better-auth database would have them) and verify calls.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use actix_web::test::TestRequest;
use latchkey_api_key::db::models::ApiKey;
use latchkey_api_key::db::queries::keys;
use latchkey_api_key::PlainKey;
use serde_json::{json, Value};

use super::{Answer, TestApp, SERVER_SECRET};

/// Inserts a key owned by `owner` with better-auth's creation defaults
/// (rate limit 10 per day), changed by `adjust`; returns the secret and row.
pub fn insert_key(
    app: &TestApp,
    owner: &str,
    adjust: impl FnOnce(&mut ApiKey),
) -> (PlainKey, ApiKey) {
    let plain = PlainKey::generate(None, 64);
    let now = app.clock_now();
    let mut row = ApiKey {
        id: latchkey_session::tokens::random_id(),
        config_id: "default".into(),
        name: Some("test".into()),
        start: Some(plain.start(6)),
        reference_id: owner.to_owned(),
        prefix: None,
        key: plain.hash().0,
        refill_interval: None,
        refill_amount: None,
        last_refill_at: None,
        enabled: Some(true),
        rate_limit_enabled: Some(true),
        rate_limit_time_window: Some(86_400_000),
        rate_limit_max: Some(10),
        request_count: Some(0),
        remaining: None,
        last_request: None,
        expires_at: None,
        created_at: now,
        updated_at: now,
        permissions: None,
        metadata: None,
        rate_limit_window_start: None,
        rate_limits: None,
        usage_count: 0,
    };
    adjust(&mut row);
    let mut conn = app.db.pool.get().unwrap();
    keys::insert(&mut conn, &row).unwrap();
    (plain, row)
}

/// The stored row of a key, read directly.
pub fn stored(app: &TestApp, plain: &PlainKey) -> Option<ApiKey> {
    let mut conn = app.db.pool.get().unwrap();
    keys::find_by_hash(&mut conn, &plain.hash()).unwrap()
}

/// The verify request a trusted server sends.
pub fn verify_request(body: Value) -> TestRequest {
    TestRequest::post()
        .uri("/api/auth/api-key/verify")
        .insert_header(("x-latchkey-server-secret", SERVER_SECRET))
        .set_json(body)
}

impl TestApp {
    /// `now` on the app's manual clock.
    pub fn clock_now(&self) -> time::PrimitiveDateTime {
        use latchkey_session::Clock;
        self.clock.now()
    }

    /// Writes the admissions of plain keys counted in memory, so the
    /// table shows them (as the server's own reads of keys would).
    pub async fn flush_key_counters(&self) {
        self.auth.flush().unwrap();
    }

    /// `POST /api-key/verify` as a trusted server.
    pub async fn verify(&self, key: &PlainKey) -> Answer {
        self.call(verify_request(json!({ "key": key.expose() })))
            .await
    }

    /// `POST /api-key/verify` with extra fields.
    pub async fn verify_with(&self, key: &PlainKey, mut extra: Value) -> Answer {
        extra["key"] = json!(key.expose());
        self.call(verify_request(extra)).await
    }
}

/// Sends `n` verifies of `key` at once through one app; returns the answers.
pub async fn burst(app: &TestApp, key: &PlainKey, n: usize) -> Vec<Value> {
    burst_of(app, std::iter::repeat_n(key, n)).await
}

/// Sends a verify of each of `keys` at once through one app; returns the
/// answers in the same order.
pub async fn burst_of<'a>(
    app: &TestApp,
    keys: impl IntoIterator<Item = &'a PlainKey>,
) -> Vec<Value> {
    let service = actix_web::test::init_service(latchkey::app::build_app(app.auth.clone())).await;
    let calls = keys.into_iter().map(|key| {
        let req = verify_request(json!({ "key": key.expose() })).to_request();
        actix_web::test::call_and_read_body_json::<_, _, Value>(&service, req)
    });
    futures_util::future::join_all(calls).await
}
