//! Protecting a service's routes with latchkey's JWTs: the [`VerifiedJwt`]
//! extractor reads `Authorization: Bearer <jwt>` and checks it with the
//! `web::Data<JwtVerifier>` the app registered.
//!
//! ```no_run
//! use actix_web::{web, App, HttpResponse};
//! use latchkey_jwt::verify::extract::{ApiKeyClaims, VerifiedJwt};
//!
//! async fn report(jwt: VerifiedJwt<ApiKeyClaims>) -> HttpResponse {
//!     HttpResponse::Ok().body(format!("hello, {}", jwt.0.sub))
//! }
//! ```

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::{JwtVerifier, VerifyError};

impl ResponseError for VerifyError {
    fn status_code(&self) -> StatusCode {
        match self {
            VerifyError::JwksUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if self.status_code() == StatusCode::UNAUTHORIZED {
            res.insert_header(("www-authenticate", "Bearer"));
        }
        res.json(json!({ "message": self.to_string(), "code": self.code() }))
    }
}

/// The claims of a JWT latchkey exchanged for an API key.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyClaims {
    /// The key's owner (`referenceId`: a user id for user-owned keys).
    pub sub: String,
    /// The key's id.
    pub api_key_id: String,
    /// The key's configuration (`"default"`).
    pub config_id: String,
    /// The key's permissions: resource → actions (`None`: none granted).
    pub permissions: Option<std::collections::BTreeMap<String, Vec<String>>>,
    /// Expiry, Unix seconds.
    pub exp: u64,
}

impl ApiKeyClaims {
    /// Whether the key held `action` on `resource` when the token was issued.
    pub fn allows(&self, resource: &str, action: &str) -> bool {
        self.permissions
            .as_ref()
            .and_then(|p| p.get(resource))
            .is_some_and(|actions| actions.iter().any(|a| a == action))
    }
}

/// A request whose bearer JWT verified; `C` is its claims (any JSON object
/// by default, [`ApiKeyClaims`] for exchanged API keys). Missing or
/// refused: 401 `{code, message}`; JWK set unreachable: 503.
#[derive(Debug, Clone)]
pub struct VerifiedJwt<C = Map<String, Value>>(pub C);

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

impl<C: DeserializeOwned + 'static> FromRequest for VerifiedJwt<C> {
    type Error = VerifyError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, VerifyError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let verifier = req.app_data::<web::Data<JwtVerifier>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let verifier = verifier.ok_or(VerifyError::JwksUnavailable)?;
            let token = token.ok_or(VerifyError::MissingToken)?;
            verifier.verify(&token).await.map(VerifiedJwt)
        })
    }
}
