//! latchkey's API-key plugin (better-auth's `apiKey()` on the wire).

use actix_web::web;
use latchkey_session::Plugin;

/// The API-key plugin.
#[derive(Debug, Clone, Default)]
pub struct ApiKeyPlugin;

impl Plugin for ApiKeyPlugin {
    fn name(&self) -> &'static str {
        "api-key"
    }

    fn configure(&self, _cfg: &mut web::ServiceConfig) {}
}
