//! latchkey's API-key plugin: better-auth 1.7's `apiKey()` on the wire, with
//! exact, atomic verification; a Rust API for trusted host applications
//! ([`ApiKeys`]); and an actix extractor that protects host routes.

mod batch;
pub mod counters;
pub mod db;
pub mod error;
pub mod extract;
pub mod handlers;
mod key_cache;
pub mod keys;
pub mod middleware;
pub mod options;
pub mod permissions;
pub mod rate_limits;
pub mod routes;
pub mod server_auth;
pub mod service;
pub mod session;
mod sync;
pub mod usage;

use std::sync::{Arc, OnceLock};

use actix_web::web;
use latchkey_session::db::MigrationSet;
use latchkey_session::{AuthState, Plugin, SessionSource};

pub use counters::KeyCounters;
pub use error::{ApiKeyError, Refusal};
pub use extract::{KeyRequirement, VerifiedKey};
pub use keys::{HashedKey, PlainKey};
pub use middleware::RateLimitHeaders;
pub use options::ApiKeyOptions;
pub use rate_limits::{RateLimitStatus, RateWindow};
pub use service::verify::{Verified, VerifyRequest};
pub use service::ApiKeys;

/// What the API-key handlers share (`web::Data<ApiKeyState>`).
#[derive(Debug, Clone)]
pub struct ApiKeyState {
    /// The service handle.
    pub keys: ApiKeys,
}

/// The API-key plugin, mounted with `Auth::builder(..).plugin(ApiKeyPlugin::new(options))`.
#[derive(Debug, Clone, Default)]
pub struct ApiKeyPlugin {
    options: Arc<ApiKeyOptions>,
    /// The service handle of this server, shared by every worker's app
    /// (made with the first app, over its pool): one cache, one set of
    /// counters and one verify batcher per process.
    keys: Arc<OnceLock<ApiKeys>>,
}

impl ApiKeyPlugin {
    /// A plugin with these options.
    pub fn new(options: ApiKeyOptions) -> Self {
        Self {
            options: Arc::new(options),
            keys: Arc::default(),
        }
    }

    /// The options.
    pub fn options(&self) -> &Arc<ApiKeyOptions> {
        &self.options
    }
}

impl Plugin for ApiKeyPlugin {
    fn name(&self) -> &'static str {
        "api-key"
    }

    fn migrations(&self) -> Option<MigrationSet> {
        Some(db::MIGRATIONS)
    }

    fn app_data(&self, cfg: &mut web::ServiceConfig, state: &AuthState) {
        let keys = self
            .keys
            .get_or_init(|| ApiKeys::from_state(state, self.options.clone()))
            .clone();
        cfg.app_data(web::Data::new(ApiKeyState { keys }));
    }

    fn configure(&self, cfg: &mut web::ServiceConfig, _state: &AuthState) {
        routes::configure(cfg);
    }

    fn flush(&self) -> Result<(), latchkey_session::StorageError> {
        match self.keys.get() {
            Some(keys) => keys.counters().flush_now().map(|_| ()),
            None => Ok(()),
        }
    }

    fn session_source(&self) -> Option<Arc<dyn SessionSource>> {
        self.options
            .enable_session_for_api_keys
            .then(|| Arc::new(session::ApiKeySessions) as Arc<dyn SessionSource>)
    }
}
