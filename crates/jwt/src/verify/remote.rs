//! Fetching the JWK set over HTTP with awc (actix's client; HTTPS with the
//! `rustls` feature).

use std::time::Duration;

use futures_util::future::LocalBoxFuture;
use serde_json::Value;

use super::JwksSource;

/// The largest JWK set accepted, in bytes.
const LIMIT: usize = 256 * 1024;

/// latchkey's `/api/auth/jwks` (or any JWK-set URL).
#[derive(Debug, Clone)]
pub struct HttpJwks {
    url: String,
    timeout: Duration,
}

impl HttpJwks {
    /// A source fetching `url` with a 5-second timeout.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            timeout: Duration::from_secs(5),
        }
    }
}

impl JwksSource for HttpJwks {
    fn fetch(&self) -> LocalBoxFuture<'_, Result<Value, String>> {
        Box::pin(async move {
            // awc clients are per thread (not Send); one per fetch is cheap.
            let client = awc::Client::builder().timeout(self.timeout).finish();
            let mut res = client
                .get(&self.url)
                .insert_header(("accept", "application/json"))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !res.status().is_success() {
                return Err(format!("{} answered {}", self.url, res.status()));
            }
            res.json::<Value>()
                .limit(LIMIT)
                .await
                .map_err(|e| e.to_string())
        })
    }
}
