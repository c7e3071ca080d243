//! What every handler shares, and the seam through which plugins add routes,
//! tables and ways of being signed in.

use std::sync::Arc;

use actix_web::web;
use futures_util::future::LocalBoxFuture;

use crate::clock::SharedClock;
use crate::config::AuthConfig;
use crate::db::{DbConnection, DbPool, MigrationSet};
use crate::error::StorageError;
use crate::extract::CurrentSession;

/// Shared state of the auth server, registered as `web::Data<AuthState>`.
#[derive(Clone)]
pub struct AuthState {
    /// The connection pool.
    pub pool: DbPool,
    /// Session settings.
    pub config: Arc<AuthConfig>,
    /// Time source (a manual clock in tests).
    pub clock: SharedClock,
    /// Extra ways to resolve a session, asked before bearer and cookie.
    pub session_sources: Arc<Vec<Arc<dyn SessionSource>>>,
}

impl std::fmt::Debug for AuthState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthState")
            .field("config", &"<redacted>")
            .field("clock", &self.clock)
            .field("session_sources", &self.session_sources.len())
            .finish()
    }
}

impl AuthState {
    /// Runs blocking Diesel work on the blocking thread pool, with a
    /// connection checked out inside the closure, never on an actix worker.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StorageError> + Send + 'static,
    {
        run_blocking(&self.pool, work).await
    }
}

/// [`AuthState::run`] for code that holds only a pool.
pub async fn run_blocking<T, E, F>(pool: &DbPool, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<StorageError> + Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get().map_err(StorageError::from)?;
        work(&mut conn)
    })
    .await
    .map_err(|_| E::from(StorageError::Unavailable("blocking pool closed".into())))?
}

/// A plugin's way of turning a request into a session (API keys as sessions).
/// `Ok(None)` means "not mine, ask the next source".
pub trait SessionSource: Send + Sync + 'static {
    /// Resolves the request, or refuses it with the plugin's own error.
    fn resolve<'a>(
        &'a self,
        req: &'a actix_web::HttpRequest,
        state: &'a AuthState,
    ) -> LocalBoxFuture<'a, Result<Option<CurrentSession>, actix_web::Error>>;
}

/// A plugin's step after a handler of the `/api/auth` scope answered
/// (better-auth's `hooks.after`): it may add response headers, e.g. the jwt
/// plugin's `set-auth-jwt` on get-session. It runs outside CORS, so it sees
/// (and may extend) `Access-Control-Expose-Headers`.
pub trait ResponseHook: Send + Sync + 'static {
    /// Adjusts the headers of the answer to `req`, which had `status`.
    fn after<'a>(
        &'a self,
        req: &'a actix_web::HttpRequest,
        status: actix_web::http::StatusCode,
        headers: &'a mut actix_web::http::header::HeaderMap,
    ) -> LocalBoxFuture<'a, ()>;
}

/// A plugin: routes under the auth scope, tables, and optionally a session source.
pub trait Plugin: Send + Sync + 'static {
    /// Short name for logs.
    fn name(&self) -> &'static str;
    /// The plugin's migrations, applied after the core ones.
    fn migrations(&self) -> Option<MigrationSet> {
        None
    }
    /// Registers app data and routes inside the `/api/auth` scope; `state`
    /// gives the pool, clock and session configuration.
    fn configure(&self, cfg: &mut web::ServiceConfig, state: &AuthState);
    /// Registers app-wide data (visible to host routes and extractors too).
    fn app_data(&self, _cfg: &mut web::ServiceConfig, _state: &AuthState) {}
    /// A way to resolve sessions this plugin offers.
    fn session_source(&self) -> Option<Arc<dyn SessionSource>> {
        None
    }
    /// A step after every answer of the auth scope this plugin offers.
    fn response_hook(&self) -> Option<Arc<dyn ResponseHook>> {
        None
    }
    /// Writes what the plugin keeps in memory to write later (blocking: for
    /// shutdown, and for tests and hosts that read the tables directly).
    fn flush(&self) -> Result<(), StorageError> {
        Ok(())
    }
}
