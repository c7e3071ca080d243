//! The API-key rules with no HTTP types: the public Rust API for trusted
//! host applications, and what the HTTP handlers call.

pub mod manage;
pub mod retention;
pub mod rotate;
pub mod usage;
pub mod verify;

use std::sync::Arc;

use latchkey_session::db::{DbConnection, DbPool};
use latchkey_session::{run_blocking, AuthState, SharedClock};

use crate::batch::Batcher;
use crate::counters::KeyCounters;
use crate::error::ApiKeyError;
use crate::options::ApiKeyOptions;

/// Handle on the API keys of one database: create, update, verify, delete.
/// Cheap to clone; every method runs its statements off the async executor.
#[derive(Clone)]
pub struct ApiKeys {
    pub(crate) pool: DbPool,
    pub(crate) options: Arc<ApiKeyOptions>,
    pub(crate) clock: SharedClock,
    pub(crate) counters: KeyCounters,
    pub(crate) batcher: Batcher,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeys")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl ApiKeys {
    /// A handle over a pool, with options and a clock, counting the
    /// admissions of plain keys in its own [`KeyCounters`] and charging
    /// concurrent verifies in batches ([`Batcher`]). Clones share both;
    /// make one per process.
    pub fn new(pool: DbPool, options: Arc<ApiKeyOptions>, clock: SharedClock) -> Self {
        let counters = KeyCounters::new(
            pool.clone(),
            options.counter_flush_interval,
            options.key_cache_ttl,
        );
        let batcher = Batcher::new(pool.clone(), clock.clone(), options.rate_limit_enabled);
        Self {
            pool,
            options,
            clock,
            counters,
            batcher,
        }
    }

    /// The plain-key admissions this handle counts in memory.
    pub fn counters(&self) -> &KeyCounters {
        &self.counters
    }

    /// [`run_blocking`], after writing the plain-key admissions counted in
    /// memory so far: what `work` reads shows every admission this process
    /// made. (If they cannot be written now, they stay counted and `work`
    /// runs anyway.)
    pub(crate) async fn run_settled<T, F>(&self, work: F) -> Result<T, ApiKeyError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiKeyError> + Send + 'static,
        T: Send + 'static,
    {
        let counters = self.counters.clone();
        run_blocking(&self.pool, move |conn| {
            if let Err(e) = counters.flush_on(conn) {
                tracing::warn!(error = %e, "key counters not written before a read; still counted");
            }
            work(conn)
        })
        .await
    }

    /// [`Self::run_settled`] for work that changes keys: once it is done
    /// (committed, or failed), this process's cache of plain keys is
    /// emptied, so no verify here answers from a row older than the change.
    /// That happens on the blocking thread, right after the work: the work
    /// commits even when the request is cancelled meanwhile, and so does
    /// the emptying.
    pub(crate) async fn run_change<T, F>(&self, work: F) -> Result<T, ApiKeyError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiKeyError> + Send + 'static,
        T: Send + 'static,
    {
        let counters = self.counters.clone();
        self.run_settled(move |conn| {
            let done = work(conn);
            counters.keys_changed();
            done
        })
        .await
    }

    /// Writes the plain-key admissions counted in memory so far.
    pub async fn flush_counters(&self) -> Result<usize, ApiKeyError> {
        let counters = self.counters.clone();
        run_blocking(&self.pool, move |conn| Ok(counters.flush_on(conn)?)).await
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
