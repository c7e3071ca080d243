//! The API-key rules with no HTTP types: the public Rust API for trusted
//! host applications, and what the HTTP handlers call.

pub mod manage;
pub mod retention;
pub mod rotate;
pub mod usage;
pub mod verify;

use std::sync::Arc;

use latchkey_session::db::DbPool;
use latchkey_session::{AuthState, SharedClock};

use crate::options::ApiKeyOptions;

/// Handle on the API keys of one database: create, update, verify, delete.
/// Cheap to clone; every method runs its statements off the async executor.
#[derive(Clone)]
pub struct ApiKeys {
    pub(crate) pool: DbPool,
    pub(crate) options: Arc<ApiKeyOptions>,
    pub(crate) clock: SharedClock,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeys")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ApiKeys {
    /// A handle over a pool, with options and a clock.
    pub fn new(pool: DbPool, options: Arc<ApiKeyOptions>, clock: SharedClock) -> Self {
        Self {
            pool,
            options,
            clock,
        }
    }

    /// A handle sharing the auth server's pool and clock.
    pub fn from_state(state: &AuthState, options: Arc<ApiKeyOptions>) -> Self {
        Self::new(state.pool.clone(), options, state.clock.clone())
    }

    /// The plugin options.
    pub fn options(&self) -> &ApiKeyOptions {
        &self.options
    }
}
