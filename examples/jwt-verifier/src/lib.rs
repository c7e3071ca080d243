//! A service behind latchkey: its routes accept latchkey's JWTs, checked
//! with the JWK set fetched from latchkey's `/api/auth/jwks` (cached by
//! `kid`), never calling latchkey per request.
//!
//! - `GET /whoami`: any latchkey JWT (a session's from `/token` or
//!   `set-auth-jwt`, or one exchanged for an API key); answers its `sub`.
//! - `GET /files`: a JWT exchanged for an API key that held `files:read`.

use actix_web::{web, HttpResponse};
use latchkey_jwt::verify::extract::{ApiKeyClaims, VerifiedJwt};
use latchkey_jwt::verify::{JwtVerifier, Verification};
use serde_json::json;

/// The verifier for a latchkey at `base_url` (e.g. `http://127.0.0.1:3000`)
/// whose tokens name `issuer` (latchkey's `--jwt-issuer`, by default its own origin).
pub fn verifier(base_url: &str, issuer: &str) -> JwtVerifier {
    let jwks = format!("{}/api/auth/jwks", base_url.trim_end_matches('/'));
    JwtVerifier::remote(jwks, Verification::for_issuer(issuer))
}

async fn whoami(jwt: VerifiedJwt) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "sub": jwt.0.get("sub") }))
}

async fn files(jwt: VerifiedJwt<ApiKeyClaims>) -> HttpResponse {
    if !jwt.0.allows("files", "read") {
        return HttpResponse::Forbidden().json(
            json!({"code": "INSUFFICIENT_PERMISSIONS", "message": "files:read is required."}),
        );
    }
    HttpResponse::Ok().json(json!({ "owner": jwt.0.sub, "files": ["report.pdf"] }))
}

/// The service's routes; register `web::Data<JwtVerifier>` beside them.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/whoami", web::get().to(whoami))
        .route("/files", web::get().to(files));
}
