//! latchkey's session layer: better-auth-compatible users, passwords and
//! bearer/cookie sessions over SQLite or PostgreSQL, and the seam through
//! which plugins (API keys) add routes, tables and session sources.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use actix_web::{App, HttpServer};
//! use latchkey_session::{db, Auth, AuthConfig};
//!
//! let pool = db::open_pool("sqlite://app.db", &db::PoolOptions::default())?;
//! let auth = Auth::builder(pool, AuthConfig::new("a long random secret")).build();
//! auth.migrate()?;
//! HttpServer::new(move || App::new().configure(|cfg| auth.configure(cfg)))
//!     .bind(("127.0.0.1", 3000))?
//!     .run()
//!     .await?;
//! # Ok(()) }
//! ```

pub mod body;
pub mod clock;
pub mod config;
pub mod cookies;
pub mod db;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod origin;
pub mod routes;
pub mod service;
pub mod state;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod time_format;
pub mod tokens;

use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{middleware, web};

pub use clock::{unix_millis, Clock, ManualClock, SharedClock, SystemClock};
pub use config::AuthConfig;
pub use error::{AuthError, StorageError};
pub use extract::{AuthenticatedUser, CurrentSession, MaybeSession};
pub use state::{run_blocking, AuthState, Plugin, ResponseHook, SessionSource};

/// The base path better-auth serves under.
pub const BASE_PATH: &str = "/api/auth";

/// A configured auth server: state plus plugins, ready to mount in any `App`.
#[derive(Clone)]
pub struct Auth {
    state: web::Data<AuthState>,
    plugins: Arc<Vec<Arc<dyn Plugin>>>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field(
                "plugins",
                &self.plugins.iter().map(|p| p.name()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Builds an [`Auth`].
pub struct AuthBuilder {
    pool: db::DbPool,
    config: AuthConfig,
    clock: SharedClock,
    plugins: Vec<Arc<dyn Plugin>>,
}

impl AuthBuilder {
    /// Replaces the system clock (tests move a [`ManualClock`]).
    pub fn clock(mut self, clock: SharedClock) -> Self {
        self.clock = clock;
        self
    }

    /// Adds a plugin.
    pub fn plugin(mut self, plugin: impl Plugin) -> Self {
        self.plugins.push(Arc::new(plugin));
        self
    }

    /// Finishes the builder.
    pub fn build(self) -> Auth {
        let sources = self
            .plugins
            .iter()
            .filter_map(|p| p.session_source())
            .collect();
        Auth {
            state: web::Data::new(AuthState {
                pool: self.pool,
                config: Arc::new(self.config),
                clock: self.clock,
                session_sources: Arc::new(sources),
            }),
            plugins: Arc::new(self.plugins),
        }
    }
}

impl Auth {
    /// Starts a builder over a pool and a configuration.
    pub fn builder(pool: db::DbPool, config: AuthConfig) -> AuthBuilder {
        AuthBuilder {
            pool,
            config,
            clock: Arc::new(SystemClock),
            plugins: Vec::new(),
        }
    }

    /// The shared state (pool, config, clock).
    pub fn state(&self) -> web::Data<AuthState> {
        self.state.clone()
    }

    /// Every migration set: the core tables, then each plugin's.
    pub fn migration_sets(&self) -> Vec<db::MigrationSet> {
        std::iter::once(db::CORE_MIGRATIONS)
            .chain(self.plugins.iter().filter_map(|p| p.migrations()))
            .collect()
    }

    /// Applies pending migrations of the core and every plugin.
    pub fn migrate(&self) -> Result<usize, db::DbError> {
        let mut conn = self
            .state
            .pool
            .get()
            .map_err(|e| db::DbError::Connect(e.to_string()))?;
        db::run_migrations(&mut conn, &self.migration_sets())
    }

    /// Writes what plugins keep in memory to write later (for example the
    /// API-key plugin's admissions of keys without counters). It blocks:
    /// call it on shutdown, or in tests before reading tables directly.
    pub fn flush(&self) -> Result<(), StorageError> {
        self.plugins.iter().try_for_each(|p| p.flush())
    }

    /// Mounts the `/api/auth` scope (with CORS and the origin check) and
    /// registers the shared state, so host routes can use the extractors.
    pub fn configure(&self, cfg: &mut web::ServiceConfig) {
        let config = self.state.config.clone();
        let mut scope = web::scope(BASE_PATH).configure(routes::configure);
        for plugin in self.plugins.iter() {
            scope = scope.configure(|c| plugin.configure(c, &self.state));
        }
        let hooks: Vec<_> = self
            .plugins
            .iter()
            .filter_map(|p| p.response_hook())
            .collect();
        let scope = scope
            .wrap(middleware::from_fn(origin::origin_guard))
            .wrap(middleware::Condition::new(
                !config.trusted_origins.is_empty(),
                cors(&config),
            ))
            .wrap(middleware::Condition::new(
                !hooks.is_empty(),
                middleware::from_fn(run_response_hooks),
            ));
        cfg.app_data(self.state.clone());
        cfg.app_data(web::Data::new(ResponseHooks(hooks)));
        for plugin in self.plugins.iter() {
            plugin.app_data(cfg, &self.state);
        }
        cfg.service(scope);
    }
}

/// The plugins' [`ResponseHook`]s, as app data for [`run_response_hooks`].
struct ResponseHooks(Vec<Arc<dyn ResponseHook>>);

/// Runs every plugin's [`ResponseHook`] after the auth scope answered.
async fn run_response_hooks(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let hooks = req.app_data::<web::Data<ResponseHooks>>().cloned();
    let mut res = next.call(req).await?;
    if let Some(hooks) = hooks {
        let request = res.request().clone();
        let status = res.status();
        for hook in &hooks.0 {
            hook.after(&request, status, res.headers_mut()).await;
        }
    }
    Ok(res)
}

/// CORS for the trusted origins (none configured: no CORS headers at all,
/// as better-auth without CORS set up).
fn cors(config: &AuthConfig) -> Cors {
    let mut cors = Cors::default()
        .allow_any_method()
        .allow_any_header()
        .supports_credentials()
        .expose_headers(["set-auth-token"])
        .max_age(600);
    for origin in &config.trusted_origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}
