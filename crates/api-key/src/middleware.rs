//! Rate-limit response headers on a host's key-protected routes.
//!
//! Wrap the routes that take a [`crate::VerifiedKey`] with
//! [`RateLimitHeaders`]; every answer whose key went through the extractor
//! then tells the client where it stands:
//!
//! - `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` for
//!   the tightest window (the fewest admissions left): its max, what is left,
//!   and when it resets as a UTC Unix timestamp in seconds;
//! - `RateLimit-Policy` and `RateLimit` (draft-ietf-httpapi-ratelimit-headers)
//!   for every window: `"1m";q=100;w=60` and `"1m";r=42;t=17`, where `t` is
//!   the seconds until that window resets;
//! - on a 429 for a full window, the same fields beside `Retry-After`.
//!
//! ```no_run
//! use actix_web::{web, HttpResponse};
//! use latchkey_api_key::middleware::RateLimitHeaders;
//! use latchkey_api_key::VerifiedKey;
//!
//! async fn ping(_key: VerifiedKey) -> HttpResponse {
//!     HttpResponse::Ok().finish()
//! }
//!
//! fn routes(cfg: &mut web::ServiceConfig) {
//!     cfg.service(
//!         web::scope("/api")
//!             .wrap(RateLimitHeaders)
//!             .route("/ping", web::get().to(ping)),
//!     );
//! }
//! ```

use std::future::{ready, Ready};

use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::{Error, HttpMessage};
use futures_util::future::LocalBoxFuture;

use crate::rate_limits::RateLimitStatus;

/// Seconds from `from_ms` to `to_ms`, rounded up (a client never comes back early).
fn seconds_until(from_ms: i64, to_ms: i64) -> i64 {
    let ms = (to_ms - from_ms).max(0);
    (ms + 999) / 1000
}

/// The header fields for a status, in the order they are written.
pub fn header_fields(status: &RateLimitStatus) -> Vec<(&'static str, String)> {
    let mut fields = Vec::new();
    if let Some(tightest) = status.tightest() {
        fields.push(("x-ratelimit-limit", tightest.limit.to_string()));
        fields.push(("x-ratelimit-remaining", tightest.remaining.to_string()));
        fields.push((
            "x-ratelimit-reset",
            ((tightest.reset_ms + 999).div_euclid(1000)).to_string(),
        ));
    }
    let policies: Vec<String> = status
        .windows
        .iter()
        .map(|w| {
            format!(
                "\"{}\";q={};w={}",
                w.name,
                w.limit,
                seconds_until(0, w.window_ms)
            )
        })
        .collect();
    let limits: Vec<String> = status
        .windows
        .iter()
        .map(|w| {
            format!(
                "\"{}\";r={};t={}",
                w.name,
                w.remaining,
                seconds_until(status.now_ms, w.reset_ms)
            )
        })
        .collect();
    fields.push(("ratelimit-policy", policies.join(", ")));
    fields.push(("ratelimit", limits.join(", ")));
    fields
}

/// Writes the rate-limit fields of `status` into `headers`.
pub fn write_headers(status: &RateLimitStatus, headers: &mut HeaderMap) {
    for (name, value) in header_fields(status) {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}

/// Middleware adding the rate-limit headers to answers of key-protected
/// routes (see the module documentation). Routes without a key, and keys
/// with no rate limit, are answered unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct RateLimitHeaders;

impl<S, B> Transform<S, ServiceRequest> for RateLimitHeaders
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = RateLimitHeadersService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RateLimitHeadersService { service }))
    }
}

/// The service [`RateLimitHeaders`] wraps around a host's routes.
#[derive(Debug)]
pub struct RateLimitHeadersService<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for RateLimitHeadersService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let call = self.service.call(req);
        Box::pin(async move {
            let mut res = call.await?;
            // The VerifiedKey extractor left the key's windows here.
            let status = res.request().extensions().get::<RateLimitStatus>().cloned();
            if let Some(status) = status {
                write_headers(&status, res.headers_mut());
            }
            Ok(res)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limits::WindowStatus;

    #[test]
    fn fields_name_the_tightest_window_and_every_policy() {
        let now_ms = 1_700_000_000_500;
        let status = RateLimitStatus {
            now_ms,
            windows: vec![
                WindowStatus {
                    name: "1m".into(),
                    limit: 5,
                    remaining: 0,
                    window_ms: 60_000,
                    reset_ms: now_ms + 41_200,
                },
                WindowStatus {
                    name: "1h".into(),
                    limit: 8,
                    remaining: 3,
                    window_ms: 3_600_000,
                    reset_ms: now_ms + 3_000_000,
                },
            ],
        };
        assert_eq!(
            header_fields(&status),
            vec![
                ("x-ratelimit-limit", "5".to_owned()),
                ("x-ratelimit-remaining", "0".to_owned()),
                ("x-ratelimit-reset", "1700000042".to_owned()),
                (
                    "ratelimit-policy",
                    "\"1m\";q=5;w=60, \"1h\";q=8;w=3600".to_owned()
                ),
                ("ratelimit", "\"1m\";r=0;t=42, \"1h\";r=3;t=3000".to_owned()),
            ]
        );
    }
}
