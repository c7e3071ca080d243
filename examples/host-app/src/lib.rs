//! A host application's own routes, protected by latchkey: a page for
//! signed-in users and an API for key holders, whose answers carry the
//! key's rate-limit headers and whose every admitted request goes to the
//! usage log.

use actix_web::{web, HttpResponse};
use latchkey_api_key::usage::UsageLog;
use latchkey_api_key::{KeyRequirement, RateLimitHeaders, VerifiedKey};
use latchkey_session::{Auth, AuthenticatedUser};
use serde_json::json;

/// `GET /me`: needs a signed-in user (bearer token or session cookie).
async fn me(AuthenticatedUser(current): AuthenticatedUser) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "id": current.user.id, "email": current.user.email }))
}

/// `GET /api/ping`: needs any valid API key in `x-api-key`; each call
/// counts against the key's `remaining` and rate limit.
async fn ping(key: VerifiedKey) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "pong": true,
        "owner": key.owner_id(),
        "remaining": key.key.remaining,
    }))
}

/// `GET /api/reports`: needs a key holding `reports: [read]`.
async fn reports(key: VerifiedKey) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "reports": [], "owner": key.owner_id() }))
}

/// Mounts latchkey under `/api/auth` and the host's own routes beside it.
/// The key-guarded `/api` routes answer rate-limit headers and, with a
/// usage log, are recorded in it (the log is created once per process and
/// cloned into every worker's app).
pub fn configure(auth: &Auth, usage: Option<&UsageLog>, cfg: &mut web::ServiceConfig) {
    // The auth scope (`/api/auth`) first, so the `/api` scope below does not
    // shadow it.
    auth.configure(cfg);
    cfg.route("/me", web::get().to(me));
    let api = web::scope("/api")
        .wrap(RateLimitHeaders)
        .route("/ping", web::get().to(ping))
        .service(
            web::resource("/reports")
                .app_data(KeyRequirement::permissions([("reports", &["read"][..])]))
                .route(web::get().to(reports)),
        );
    match usage {
        Some(usage) => cfg.service(api.wrap(usage.clone())),
        None => cfg.service(api),
    };
}
