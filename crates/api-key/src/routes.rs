//! The API-key routes, relative to `/api/auth`.

use actix_web::web;
use latchkey_session::routes::route;

use crate::handlers::{delete_expired, verify};

/// Registers the API-key routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(route(
        "/api-key/verify",
        web::post().to(verify::verify_api_key),
    ))
    .service(route(
        "/api-key/delete-all-expired-api-keys",
        web::post().to(delete_expired::delete_all_expired_api_keys),
    ));
}
