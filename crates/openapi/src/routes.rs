//! The documentation routes, relative to `/api/auth`, mounted as a plugin.

use actix_web::web;
use latchkey_session::routes::route;
use latchkey_session::{AuthState, Plugin};

use crate::handlers::{reference, schema};

/// Registers the documentation routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(route(
        "/open-api/generate-schema",
        web::get().to(schema::generate_schema),
    ))
    .service(route(
        "/reference",
        web::get().to(reference::reference_page),
    ));
}

/// Serves the document and its reference page under `/api/auth`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenApiPlugin;

impl Plugin for OpenApiPlugin {
    fn name(&self) -> &'static str {
        "openapi"
    }

    fn configure(&self, cfg: &mut web::ServiceConfig, _state: &AuthState) {
        configure(cfg);
    }
}
