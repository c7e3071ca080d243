//! The session routes, relative to `/api/auth`.

use actix_web::{web, HttpResponse};

use crate::handlers::{get_session, health, sessions, sign_in, sign_out, sign_up};

/// A route that answers 404 with an empty body for other methods, as
/// better-auth does (actix would say 405).
pub fn route(path: &str, method: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(method)
        .default_service(web::to(HttpResponse::NotFound))
}

/// Registers the session routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(route(
        "/sign-up/email",
        web::post().to(sign_up::sign_up_email),
    ))
    .service(route(
        "/sign-in/email",
        web::post().to(sign_in::sign_in_email),
    ))
    .service(route(
        "/get-session",
        web::get().to(get_session::get_session),
    ))
    .service(route("/sign-out", web::post().to(sign_out::sign_out)))
    .service(route(
        "/list-sessions",
        web::get().to(sessions::list_sessions),
    ))
    .service(route(
        "/revoke-session",
        web::post().to(sessions::revoke_session),
    ))
    .service(route(
        "/revoke-other-sessions",
        web::post().to(sessions::revoke_other_sessions),
    ))
    .service(route("/ok", web::get().to(health::ok)))
    .service(route("/ready", web::get().to(health::ready)));
}
