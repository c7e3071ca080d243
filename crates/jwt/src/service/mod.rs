//! Signing keys and tokens with no HTTP types: the `jwks` rows, the signing
//! key in use (cached briefly), rotation, and the JWK set.

pub mod at_rest;
pub mod claims;
pub mod keys;
pub mod store;

use std::sync::{Arc, Mutex};

use jsonwebtoken::{EncodingKey, Header};
use latchkey_session::db::DbPool;
use latchkey_session::{run_blocking, AuthState, SharedClock};
use serde_json::{Map, Value};
use time::PrimitiveDateTime;

use crate::algorithm::SigningAlgorithm;
use crate::error::JwtError;
use crate::options::{JwtOptions, SIGNER_CACHE_TTL};

/// The signing key in use, decrypted.
pub struct Signer {
    /// The key's id (`kid`).
    pub kid: String,
    /// Its algorithm.
    pub alg: SigningAlgorithm,
    key: EncodingKey,
    expires_at: Option<PrimitiveDateTime>,
    loaded_at: PrimitiveDateTime,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl Signer {
    fn usable(&self, now: PrimitiveDateTime) -> bool {
        self.loaded_at <= now
            && now < self.loaded_at + SIGNER_CACHE_TTL
            && self.expires_at.is_none_or(|at| at > now)
    }
}

/// Handle on the signing keys of one database: sign, publish, rotate.
/// Cheap to clone; statements run off the async executor.
#[derive(Clone)]
pub struct Jwts {
    pool: DbPool,
    clock: SharedClock,
    secret: Arc<str>,
    options: Arc<JwtOptions>,
    signer: Arc<Mutex<Option<Arc<Signer>>>>,
}

impl std::fmt::Debug for Jwts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwts")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl Jwts {
    /// A handle over a pool; `secret` encrypts private keys at rest.
    pub fn new(
        pool: DbPool,
        clock: SharedClock,
        secret: impl Into<Arc<str>>,
        options: Arc<JwtOptions>,
    ) -> Self {
        Self {
            pool,
            clock,
            secret: secret.into(),
            options,
            signer: Arc::new(Mutex::new(None)),
        }
    }

    /// A handle sharing the auth server's pool, clock and secret.
    pub fn from_state(state: &AuthState, options: Arc<JwtOptions>) -> Self {
        Self::new(
            state.pool.clone(),
            state.clock.clone(),
            state.config.secret.as_str(),
            options,
        )
    }

    /// The options.
    pub fn options(&self) -> &JwtOptions {
        &self.options
    }

    /// `now` on the handle's clock.
    pub fn now(&self) -> PrimitiveDateTime {
        self.clock.now()
    }

    fn cached_signer(&self, now: PrimitiveDateTime) -> Option<Arc<Signer>> {
        let guard = self.signer.lock().ok()?;
        guard.as_ref().filter(|s| s.usable(now)).cloned()
    }

    fn remember(&self, signer: Option<Arc<Signer>>) {
        if let Ok(mut guard) = self.signer.lock() {
            *guard = signer;
        }
    }

    /// The key that signs now: the newest live key of the configured
    /// algorithm, created on first use.
    pub async fn signer(&self) -> Result<Arc<Signer>, JwtError> {
        let now = self.now();
        if let Some(signer) = self.cached_signer(now) {
            return Ok(signer);
        }
        let (secret, options) = (self.secret.clone(), self.options.clone());
        let (row, alg, private) = run_blocking(&self.pool, move |conn| {
            store::signing_key(conn, &secret, &options, now)
        })
        .await?;
        let signer = Arc::new(Signer {
            key: keys::encoding_key(alg, &private)?,
            kid: row.id,
            alg,
            expires_at: row.expires_at,
            loaded_at: now,
        });
        self.remember(Some(signer.clone()));
        Ok(signer)
    }

    /// Signs `claims` with the current key; the header is `{alg, kid}` as better-auth's.
    pub async fn sign(&self, claims: &Map<String, Value>) -> Result<String, JwtError> {
        let signer = self.signer().await?;
        let mut header = Header::new(signer.alg.into());
        header.typ = None;
        header.kid = Some(signer.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &signer.key)?)
    }

    /// The JWK set: every key that signs or stopped signing less than the
    /// grace period ago (`{"keys": [...]}`), with a signing key created if none exists.
    pub async fn jwks(&self) -> Result<Value, JwtError> {
        let now = self.now();
        let (secret, options) = (self.secret.clone(), self.options.clone());
        let keys = run_blocking(&self.pool, move |conn| {
            store::published(conn, &secret, &options, now)
        })
        .await?;
        Ok(serde_json::json!({ "keys": keys }))
    }

    /// Retires every signing key now and creates a new one; returns its `kid`.
    /// Retired keys stay in the JWK set for the grace period.
    pub async fn rotate(&self) -> Result<String, JwtError> {
        let now = self.now();
        let (secret, options) = (self.secret.clone(), self.options.clone());
        let row = run_blocking(&self.pool, move |conn| {
            store::rotate(conn, &secret, &options, now)
        })
        .await?;
        self.remember(None);
        Ok(row.id)
    }

    /// Deletes keys whose grace period is over; returns how many.
    pub async fn prune(&self) -> Result<usize, JwtError> {
        let retired_before = self.now() - self.options.effective_grace_period();
        run_blocking(&self.pool, move |conn| {
            Ok(crate::db::queries::delete_retired(conn, retired_before)?)
        })
        .await
    }
}
