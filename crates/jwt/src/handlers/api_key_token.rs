//! `POST /api-key/token` (beyond better-auth): the key in the configured
//! header is verified and charged once, exactly as a verify, and exchanged
//! for a short-lived JWT that downstream services check with the JWK set
//! alone. Refusals answer as the host extractor does (401/403/429).

use actix_web::{web, HttpRequest, HttpResponse};
use latchkey_api_key::session::presented_key;
use latchkey_api_key::{ApiKeyState, VerifiedKey};
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
    // A rotated key's previous secret verifies only until its grace period
    // ends: the token must not outlive the secret it was exchanged for.
    let keys = req.app_data::<web::Data<ApiKeyState>>();
    let presented = keys.and_then(|k| presented_key(&req, &k.keys.options().api_key_headers));
    let secret_expires_at = match (keys, presented) {
        (Some(keys), Some(presented)) => {
            keys.keys
                .presented_secret_expires_at(&verified.key, &presented)
                .await?
        }
        _ => verified.key.expires_at,
    };
    let now = jwts.now();
    let expires_at =
        claims::api_key_expiry(secret_expires_at, now, jwts.options().api_key_expires_in);
    let claims = claims::for_api_key(
        &verified.key,
        expires_at,
        now,
        jwts.options(),
        &super::origin(&req),
    );
    let token = jwts.sign(&claims).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(json!({ "token": token, "expiresAt": time_format::format(expires_at) })))
}
