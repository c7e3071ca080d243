//! Builds the auth server and the actix `App` (tests use the same).

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{App, Error};
use latchkey_api_key::usage::UsageLog;
use latchkey_api_key::{ApiKeyOptions, ApiKeyPlugin};
use latchkey_dashboard::Dashboard;
use latchkey_jwt::{JwtOptions, JwtPlugin};
use latchkey_session::db::{self, PoolOptions};
use latchkey_session::{Auth, AuthBuilder, AuthConfig, SharedClock};

use crate::config::{ConfigError, Settings};

/// Start-up failures, each a one-line message.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Bad settings.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Database URL, connection or migration problem.
    #[error(transparent)]
    Database(#[from] db::DbError),
    /// JWT signing keys could not be rotated or pruned.
    #[error("JWT signing keys: {0}")]
    Jwt(#[from] latchkey_jwt::JwtError),
    /// The usage log's writer thread could not start.
    #[error("cannot start the usage log: {0}")]
    UsageLog(std::io::Error),
    /// Cannot listen.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
}

/// The session configuration the settings describe.
pub fn auth_config(settings: &Settings, secret: String) -> AuthConfig {
    let mut config = AuthConfig::new(secret);
    config.trusted_origins = settings.trusted_origins.clone();
    config.bcrypt_cost = settings.bcrypt_cost;
    config.max_body_bytes = settings.max_body_bytes;
    config.secure_cookies = settings.is_production();
    config
}

/// Opens the database and assembles core and plugins.
pub fn build_auth(settings: &Settings, clock: Option<SharedClock>) -> Result<Auth, StartError> {
    let secret = settings.resolve_secret()?;
    let pool = db::open_pool(
        &settings.database_url,
        &PoolOptions {
            max_size: settings.pool_size,
            connection_timeout: Duration::from_secs(settings.pool_timeout.max(1)),
        },
    )?;
    Ok(assemble_with(
        pool,
        auth_config(settings, secret),
        settings.api_key.options(),
        settings.jwt.options(),
        clock,
    ))
}

/// Every migration set the server applies, core first.
pub fn migration_sets() -> Vec<db::MigrationSet> {
    vec![
        db::CORE_MIGRATIONS,
        latchkey_api_key::db::MIGRATIONS,
        latchkey_jwt::db::MIGRATIONS,
    ]
}

/// Core plus the API-key plugin over an open pool (tests assemble their own
/// this way).
pub fn assemble(
    pool: db::DbPool,
    config: AuthConfig,
    api_key: ApiKeyOptions,
    clock: Option<SharedClock>,
) -> Auth {
    builder(pool, config, api_key, clock).build()
}

/// Core plus the API-key, jwt and openapi plugins: what the server runs.
/// ([`assemble`] leaves the jwt plugin out: better-auth with `bearer()` and
/// `apiKey()` only, the configuration the reference transcripts show, where
/// get-session sends no `set-auth-jwt`.)
pub fn assemble_with(
    pool: db::DbPool,
    config: AuthConfig,
    api_key: ApiKeyOptions,
    jwt: JwtOptions,
    clock: Option<SharedClock>,
) -> Auth {
    builder(pool, config, api_key, clock)
        .plugin(JwtPlugin::new(jwt))
        .plugin(latchkey_openapi::OpenApiPlugin)
        .build()
}

fn builder(
    pool: db::DbPool,
    config: AuthConfig,
    api_key: ApiKeyOptions,
    clock: Option<SharedClock>,
) -> AuthBuilder {
    let mut builder = Auth::builder(pool, config).plugin(ApiKeyPlugin::new(api_key));
    if let Some(clock) = clock {
        builder = builder.clock(clock);
    }
    builder
}

/// What `latchkey serve` adds to the auth routes.
#[derive(Debug, Clone)]
pub struct Served {
    /// The key-management page, unless turned off.
    pub dashboard: Option<Dashboard>,
    /// Records the requests that latchkey's own key-protected routes
    /// admit (`POST /api-key/token`), so `GET /api-key/usage`, the stats
    /// and the dashboard show them. Other requests pass untouched.
    pub usage: UsageLog,
}

/// The auth routes with request logging: what tests and hosts build on.
pub fn build_app(
    auth: Auth,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    App::new()
        .configure(|cfg| auth.configure(cfg))
        .wrap(from_fn(log_request))
}

/// The application the binary serves: the auth routes, the dashboard
/// (when on), the usage log around both, and request logging.
pub fn build_served_app(
    auth: Auth,
    served: &Served,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let dashboard = served.dashboard.clone();
    App::new()
        .configure(|cfg| auth.configure(cfg))
        .configure(|cfg| {
            if let Some(dashboard) = &dashboard {
                dashboard.configure(cfg);
            }
        })
        .wrap(served.usage.clone())
        .wrap(from_fn(log_request))
}

/// One log line per request: method, path, status, latency. Never the
/// query string or headers, which may carry secrets.
async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.path().to_owned();
    let result = next.call(req).await;
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    tracing::info!(
        %method,
        path,
        status,
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    result
}
