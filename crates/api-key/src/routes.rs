//! The API-key routes, relative to `/api/auth`.

use actix_web::web;
use latchkey_session::routes::route;

use crate::handlers::{create, delete, delete_expired, get, list, rotate, update, verify};
use crate::handlers::{stats, usage};

/// Registers the API-key routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(route(
        "/api-key/verify",
        web::post().to(verify::verify_api_key),
    ))
    .service(route(
        "/api-key/delete-all-expired-api-keys",
        web::post().to(delete_expired::delete_all_expired_api_keys),
    ))
    .service(route(
        "/api-key/create",
        web::post().to(create::create_api_key),
    ))
    .service(route("/api-key/get", web::get().to(get::get_api_key)))
    .service(route("/api-key/list", web::get().to(list::list_api_keys)))
    .service(route(
        "/api-key/update",
        web::post().to(update::update_api_key),
    ))
    .service(route(
        "/api-key/delete",
        web::post().to(delete::delete_api_key),
    ))
    .service(route(
        "/api-key/rotate",
        web::post().to(rotate::rotate_api_key),
    ))
    .service(route(
        "/api-key/usage",
        web::get().to(usage::list_api_key_usage),
    ))
    .service(route(
        "/api-key/stats",
        web::get().to(stats::get_api_key_stats),
    ));
}
