//! `POST /api-key/token` (beyond better-auth): the key in the configured
//! header is verified and charged once, exactly as a verify, and exchanged
//! for a short-lived JWT that downstream services check with the JWK set
//! alone. Refusals answer as the host extractor does (401/403/429).

use actix_web::{web, HttpRequest, HttpResponse};
use latchkey_api_key::VerifiedKey;
use latchkey_session::time_format;
use serde_json::json;

use crate::error::JwtError;
use crate::service::claims;
use crate::JwtState;

/// Answers `{token, expiresAt}` for a valid key.
pub async fn exchange_api_key(
    req: HttpRequest,
    state: web::Data<JwtState>,
    verified: VerifiedKey,
) -> Result<HttpResponse, JwtError> {
    let jwts = &state.jwts;
    let now = jwts.now();
    let claims = claims::for_api_key(&verified.key, now, jwts.options(), &super::origin(&req));
    let expires_at = claims::api_key_expiry(
        verified.key.expires_at,
        now,
        jwts.options().api_key_expires_in,
    );
    let token = jwts.sign(&claims).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(json!({ "token": token, "expiresAt": time_format::format(expires_at) })))
}
