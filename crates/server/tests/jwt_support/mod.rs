//! Helpers of the jwt tests: an app with jwt options, token decoding, and
//! verification against the served JWK set on the app's manual clock.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use latchkey::app::{assemble_with, migration_sets};
use latchkey_api_key::ApiKeyOptions;
use latchkey_jwt::verify::{verify_with, KeySet, Verification, VerifyError};
use latchkey_jwt::{JwtOptions, Jwts};
use latchkey_session::db::Backend;
use latchkey_session::testing::TestDb;
use latchkey_session::{AuthConfig, Clock, ManualClock};
use serde_json::{Map, Value};

use crate::common::{TestApp, SERVER_SECRET, TEST_SECRET};

/// The origin actix's test requests come to: the default issuer and audience.
pub const ORIGIN: &str = "http://localhost:8080";

/// A test app whose jwt (and session) options `adjust` may change.
pub fn jwt_app(
    backend: Backend,
    adjust: impl FnOnce(&mut JwtOptions, &mut AuthConfig),
) -> Option<(TestApp, JwtOptions)> {
    let db = TestDb::new(backend, &migration_sets())?;
    let mut config = AuthConfig::new(TEST_SECRET);
    config.bcrypt_cost = 4;
    let mut jwt = JwtOptions::default();
    adjust(&mut jwt, &mut config);
    let keys = ApiKeyOptions {
        server_secret: Some(SERVER_SECRET.to_owned()),
        ..ApiKeyOptions::default()
    };
    let clock = ManualClock::new();
    let auth = assemble_with(
        db.pool.clone(),
        config,
        keys,
        jwt.clone(),
        Some(clock.clone()),
    );
    Some((TestApp { auth, clock, db }, jwt))
}

/// Unwraps [`jwt_app`] or returns from the test (Postgres skipped loudly).
#[macro_export]
macro_rules! jwt_app {
    ($backend:expr) => {
        jwt_app!($backend, |_, _| {})
    };
    ($backend:expr, $adjust:expr) => {
        match jwt_support::jwt_app($backend, $adjust) {
            Some(app) => app,
            None => return,
        }
    };
}

fn segment(token: &str, n: usize) -> Value {
    let part = token.split('.').nth(n).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// A token's header, unverified.
pub fn header(token: &str) -> Value {
    segment(token, 0)
}

/// A token's claims, unverified.
pub fn claims(token: &str) -> Value {
    segment(token, 1)
}

impl TestApp {
    /// Unix seconds on the app's clock.
    pub fn unix_now(&self) -> u64 {
        self.clock.now().assume_utc().unix_timestamp() as u64
    }

    /// `GET /jwks`, as served.
    pub async fn jwks(&self) -> Value {
        let answer = self.get("/api/auth/jwks", None).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.json
    }

    /// Verifies `token` against the JWK set served now, at the app's now,
    /// requiring the default issuer and audience.
    pub async fn check(&self, token: &str) -> Result<Map<String, Value>, VerifyError> {
        let set = KeySet::from_json(&self.jwks().await).unwrap();
        verify_with(
            token,
            &set,
            &Verification::for_issuer(ORIGIN),
            self.unix_now(),
        )
    }

    /// A signing-key handle over this app's database (another "process":
    /// it shares no cache with the app's own).
    pub fn jwts(&self, options: &JwtOptions) -> Jwts {
        Jwts::from_state(&self.auth.state(), std::sync::Arc::new(options.clone()))
    }
}
