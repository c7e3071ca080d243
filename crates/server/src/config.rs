//! Server settings: every flag has an environment variable.

use clap::{ArgAction, Args};
use latchkey_dashboard::{Dashboard, PathError};

/// Settings shared by `serve` and `migrate`.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on.
    #[arg(
        long,
        env = "LATCHKEY_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: String,

    /// `postgres://…`, `sqlite://PATH` or a file path.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://latchkey.db",
        global = true
    )]
    pub database_url: String,

    /// Signs session cookies and tokens; also read from `BETTER_AUTH_SECRET`.
    /// Required (32+ characters) in production; generated in development.
    #[arg(long, env = "LATCHKEY_SECRET", hide_env_values = true, global = true)]
    pub secret: Option<String>,

    /// Comma-separated origins allowed for CORS and cookie-authenticated changes.
    #[arg(
        long,
        env = "LATCHKEY_TRUSTED_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_origins: Vec<String>,

    /// Maximum database connections.
    #[arg(long, env = "LATCHKEY_POOL_SIZE", default_value_t = 16, global = true)]
    pub pool_size: u32,

    /// Seconds a request waits for a database connection before answering 503.
    #[arg(
        long,
        env = "LATCHKEY_POOL_TIMEOUT",
        default_value_t = 5,
        global = true
    )]
    pub pool_timeout: u64,

    /// bcrypt cost for new password hashes (4 to 31).
    #[arg(long, env = "LATCHKEY_BCRYPT_COST", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(4..=31), global = true)]
    pub bcrypt_cost: u32,

    /// Production mode: a real secret is required and cookies are `Secure`.
    /// Also set by `LATCHKEY_ENV=production`.
    #[arg(long, global = true)]
    pub production: bool,

    /// Largest accepted JSON body, in bytes.
    #[arg(long, env = "LATCHKEY_MAX_BODY_BYTES", default_value_t = 1024 * 1024, global = true)]
    pub max_body_bytes: usize,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "LATCHKEY_WORKERS", global = true)]
    pub workers: Option<usize>,

    /// Serve the key-management page (`--dashboard false`: do not).
    #[arg(long, env = "LATCHKEY_DASHBOARD", action = ArgAction::Set, num_args = 0..=1,
          default_value_t = true, default_missing_value = "true", global = true)]
    pub dashboard: bool,

    /// URL path of the key-management page (outside `/api/auth`).
    #[arg(
        long,
        env = "LATCHKEY_DASHBOARD_PATH",
        default_value = latchkey_dashboard::DEFAULT_PATH,
        global = true
    )]
    pub dashboard_path: String,

    /// API-key plugin settings.
    #[command(flatten)]
    pub api_key: crate::api_key_config::ApiKeySettings,

    /// jwt plugin settings.
    #[command(flatten)]
    pub jwt: crate::jwt_config::JwtSettings,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `LATCHKEY_ENV` holds something other than production or development.
    #[error("LATCHKEY_ENV must be `production` or `development`, not `{0}`")]
    UnknownEnvironment(String),
    /// Production needs a real server credential when one is set.
    #[error(
        "production mode needs LATCHKEY_SERVER_SECRET of at least 32 characters when it is set"
    )]
    WeakServerSecret,
    /// The dashboard cannot be mounted where asked.
    #[error("--dashboard-path: {0}")]
    DashboardPath(#[from] PathError),
    /// Production needs a real secret.
    #[error(
        "production mode needs LATCHKEY_SECRET (or BETTER_AUTH_SECRET) of at least 32 characters"
    )]
    WeakSecret,
}

/// Minimum secret length accepted in production.
pub const MIN_SECRET_LEN: usize = 32;

impl Settings {
    /// Production mode from the flag or `LATCHKEY_ENV=production`.
    pub fn is_production(&self) -> bool {
        self.production
            || std::env::var("LATCHKEY_ENV").is_ok_and(|v| v.eq_ignore_ascii_case("production"))
    }

    /// Refuses settings that would silently weaken a deployment: an
    /// unrecognised `LATCHKEY_ENV` (`prod` must not mean development), a
    /// short server credential in production, or a dashboard path that
    /// cannot be served.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Ok(env) = std::env::var("LATCHKEY_ENV") {
            let known = ["production", "development", ""];
            if !known.iter().any(|k| env.eq_ignore_ascii_case(k)) {
                return Err(ConfigError::UnknownEnvironment(env));
            }
        }
        let weak_server_secret = self
            .api_key
            .server_secret
            .as_ref()
            .is_some_and(|s| !s.is_empty() && s.len() < MIN_SECRET_LEN);
        if self.is_production() && weak_server_secret {
            return Err(ConfigError::WeakServerSecret);
        }
        self.dashboard()?;
        Ok(())
    }

    /// The key-management page to serve, or `None` when it is turned off.
    /// A path that is not usable is refused even then, so a typo is
    /// noticed before the page is turned back on.
    pub fn dashboard(&self) -> Result<Option<Dashboard>, ConfigError> {
        let dashboard = Dashboard::new(&self.dashboard_path, latchkey_session::BASE_PATH)?;
        Ok(self.dashboard.then_some(dashboard))
    }

    /// The secret from the flag, `LATCHKEY_SECRET` or `BETTER_AUTH_SECRET`;
    /// in development a random one (sessions then end with the process).
    pub fn resolve_secret(&self) -> Result<String, ConfigError> {
        self.validate()?;
        let given = self
            .secret
            .clone()
            .or_else(|| std::env::var("BETTER_AUTH_SECRET").ok())
            .filter(|s| !s.is_empty());
        match given {
            Some(secret) if secret.len() >= MIN_SECRET_LEN || !self.is_production() => Ok(secret),
            Some(_) => Err(ConfigError::WeakSecret),
            None if self.is_production() => Err(ConfigError::WeakSecret),
            None => {
                tracing::warn!(
                    "no LATCHKEY_SECRET set: using a random secret for this run \
                     (sessions will not survive a restart; set one in production)"
                );
                Ok(format!(
                    "{}{}",
                    latchkey_session::tokens::random_id(),
                    latchkey_session::tokens::random_id()
                ))
            }
        }
    }
}
