//! The jwt routes, relative to `/api/auth`.

use actix_web::web;
use latchkey_session::routes::route;

use crate::handlers::{api_key_token, jwks, token};

/// Registers the jwt routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(route("/token", web::get().to(token::get_token)))
        .service(route("/jwks", web::get().to(jwks::get_jwks)))
        .service(route(
            "/api-key/token",
            web::post().to(api_key_token::exchange_api_key),
        ));
}
