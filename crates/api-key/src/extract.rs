//! Protecting host routes with API keys: the [`VerifiedKey`] extractor.
//!
//! ```no_run
//! use actix_web::{web, HttpResponse};
//! use latchkey_api_key::extract::{KeyRequirement, VerifiedKey};
//!
//! async fn report(key: VerifiedKey) -> HttpResponse {
//!     HttpResponse::Ok().body(format!("hello, {}", key.owner_id()))
//! }
//!
//! fn routes(cfg: &mut web::ServiceConfig) {
//!     cfg.service(
//!         web::resource("/reports")
//!             .app_data(KeyRequirement::permissions([("reports", &["read"][..])]))
//!             .route(web::get().to(report)),
//!     );
//! }
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use time::PrimitiveDateTime;

use crate::db::models::ApiKey;
use crate::error::ApiKeyError;
use crate::permissions::Permissions;
use crate::service::verify::{Verification, VerifyRequest};
use crate::session::presented_key;
use crate::ApiKeyState;

/// What a route demands of a key, registered with `.app_data(...)` on a
/// resource or scope (none registered: any valid key).
#[derive(Debug, Clone, Default)]
pub struct KeyRequirement {
    /// Every action of every resource here must be held.
    pub permissions: Option<Permissions>,
}

impl KeyRequirement {
    /// Requires these permissions: `[("files", &["read", "write"][..])]`.
    pub fn permissions<'a>(required: impl IntoIterator<Item = (&'a str, &'a [&'a str])>) -> Self {
        let map = required
            .into_iter()
            .map(|(resource, actions)| {
                (
                    resource.to_owned(),
                    actions.iter().map(|a| (*a).to_owned()).collect(),
                )
            })
            .collect();
        Self {
            permissions: Some(map),
        }
    }
}

/// A request admitted by its API key: verified and charged exactly once.
/// Missing or unknown key: 401; disabled or lacking a permission: 403; used
/// up or rate-limited: 429 with `Retry-After`; all as `{code, message}`.
/// Wrap the routes in [`crate::middleware::RateLimitHeaders`] to answer the
/// rate-limit headers too.
#[derive(Debug, Clone)]
pub struct VerifiedKey {
    /// The key record after this request was counted (no secret). Shared:
    /// the extractor leaves a copy in the request's extensions for the
    /// middlewares around host routes, and a clone is a reference count,
    /// not a copy of every field.
    pub key: Arc<ApiKey>,
    /// The clock's reading when the key was presented for verification:
    /// the request's time in the usage log, which reads the clock again
    /// for its response time (no clock read of its own at the start).
    pub verified_at: PrimitiveDateTime,
}

impl VerifiedKey {
    /// The owner (`referenceId`, a user id for user-owned keys).
    pub fn owner_id(&self) -> &str {
        &self.key.reference_id
    }
}

impl FromRequest for VerifiedKey {
    type Error = ApiKeyError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiKeyError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<ApiKeyState>>().cloned();
        let requirement = req
            .app_data::<KeyRequirement>()
            .cloned()
            .unwrap_or_default();
        let key = state
            .as_ref()
            .and_then(|s| presented_key(req, &s.keys.options().api_key_headers));
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or(ApiKeyError::Auth(latchkey_session::AuthError::Internal))?;
            let key = key
                .filter(|k| !k.is_empty())
                .ok_or(ApiKeyError::MissingApiKey)?;
            let request = VerifyRequest {
                permissions: requirement.permissions,
                config_id: None,
            };
            let Verification {
                outcome,
                limits,
                asked_at,
            } = state.keys.verify_with_limits(key, request).await?;
            // The rate-limit headers middleware reads the key's windows from
            // here, on an admission and on a 429 alike.
            if let Some(limits) = limits {
                req.extensions_mut().insert(limits);
            }
            match outcome {
                Ok(key) => {
                    let verified = VerifiedKey {
                        key: Arc::new(key),
                        verified_at: asked_at,
                    };
                    // Middleware around host routes (usage log, rate-limit
                    // headers) reads the admitted key from here.
                    req.extensions_mut().insert(verified.clone());
                    Ok(verified)
                }
                Err(refusal) => Err(ApiKeyError::for_host(refusal)),
            }
        })
    }
}
