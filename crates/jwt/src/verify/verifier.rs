//! A verifier that fetches the JWK set and caches it: refreshed every
//! `refresh_after`, and at once when a token names a `kid` the cache lacks
//! (at most once per `min_refetch`, so random `kid`s cannot make it hammer
//! latchkey). When latchkey cannot be reached, cached keys keep working.

use std::sync::{Arc, RwLock};

use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{token_kid, verify_with, KeySet, Verification, VerifyError};

/// Where a JWK set comes from (HTTP with the `remote` feature, or a fixed set).
pub trait JwksSource: Send + Sync + 'static {
    /// Fetches the current set (`{"keys": [...]}`); the error is for logs.
    fn fetch(&self) -> LocalBoxFuture<'_, Result<Value, String>>;
}

/// A fixed JWK set (tests, or keys distributed out of band).
#[derive(Debug, Clone)]
pub struct StaticJwks(pub Value);

impl JwksSource for StaticJwks {
    fn fetch(&self) -> LocalBoxFuture<'_, Result<Value, String>> {
        let set = self.0.clone();
        Box::pin(async move { Ok(set) })
    }
}

#[derive(Default)]
struct Cache {
    keys: Arc<KeySet>,
    /// Last fetch attempt, Unix seconds.
    attempted_at: Option<u64>,
}

/// Verifies latchkey's JWTs against a fetched, cached JWK set; register it
/// as `web::Data<JwtVerifier>` for [`super::extract::VerifiedJwt`].
pub struct JwtVerifier {
    source: Arc<dyn JwksSource>,
    rules: Verification,
    cache: RwLock<Cache>,
    refresh_after: u64,
    min_refetch: u64,
    now: Arc<dyn Fn() -> u64 + Send + Sync>,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("rules", &self.rules)
            .field("refresh_after", &self.refresh_after)
            .finish_non_exhaustive()
    }
}

impl JwtVerifier {
    /// A verifier over `source` with `rules`: the set is refreshed every
    /// 10 minutes, and refetched for an unknown `kid` at most every 10 seconds.
    pub fn new(source: impl JwksSource, rules: Verification) -> Self {
        Self {
            source: Arc::new(source),
            rules,
            cache: RwLock::new(Cache::default()),
            refresh_after: 600,
            min_refetch: 10,
            now: Arc::new(super::system_now),
        }
    }

    /// Fetches the set from latchkey's `/api/auth/jwks` over HTTP(S).
    #[cfg(feature = "remote")]
    pub fn remote(jwks_url: impl Into<String>, rules: Verification) -> Self {
        Self::new(super::remote::HttpJwks::new(jwks_url), rules)
    }

    /// Changes how often the whole set is refreshed and the least time
    /// between two fetches for unknown `kid`s, in seconds.
    pub fn with_intervals(mut self, refresh_after: u64, min_refetch: u64) -> Self {
        self.refresh_after = refresh_after;
        self.min_refetch = min_refetch;
        self
    }

    /// Replaces the system clock (Unix seconds), for tests.
    pub fn with_clock(mut self, now: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.now = Arc::new(now);
        self
    }

    /// The rules tokens must satisfy.
    pub fn rules(&self) -> &Verification {
        &self.rules
    }

    fn cached(&self) -> (Arc<KeySet>, Option<u64>) {
        match self.cache.read() {
            Ok(cache) => (cache.keys.clone(), cache.attempted_at),
            Err(_) => (Arc::default(), None),
        }
    }

    async fn keys_for(&self, kid: Option<&str>, now: u64) -> Result<Arc<KeySet>, VerifyError> {
        let (keys, attempted_at) = self.cached();
        let stale = attempted_at.is_none_or(|t| now >= t.saturating_add(self.refresh_after));
        let missing = kid.is_some_and(|k| !keys.contains(k));
        let may_refetch = attempted_at.is_none_or(|t| now >= t.saturating_add(self.min_refetch));
        if !(stale || missing && may_refetch) {
            return Ok(keys);
        }
        let fetched = self
            .source
            .fetch()
            .await
            .and_then(|set| KeySet::from_json(&set).map_err(|e| e.to_string()));
        let mut cache = self
            .cache
            .write()
            .map_err(|_| VerifyError::JwksUnavailable)?;
        cache.attempted_at = Some(now);
        match fetched {
            Ok(set) => {
                cache.keys = Arc::new(set);
                Ok(cache.keys.clone())
            }
            Err(error) if !cache.keys.is_empty() => {
                log_fetch_failure(&error);
                Ok(cache.keys.clone())
            }
            Err(error) => {
                log_fetch_failure(&error);
                Err(VerifyError::JwksUnavailable)
            }
        }
    }

    /// Verifies `token` and returns its claims.
    pub async fn verify<C: DeserializeOwned>(&self, token: &str) -> Result<C, VerifyError> {
        let now = (self.now)();
        let kid = token_kid(token);
        let keys = self.keys_for(kid.as_deref(), now).await?;
        verify_with(token, &keys, &self.rules, now)
    }
}

fn log_fetch_failure(error: &str) {
    #[cfg(feature = "server")]
    tracing::warn!(error, "JWK set fetch failed");
    #[cfg(not(feature = "server"))]
    let _ = error;
}
