//! `--api-key-<option>` / `LATCHKEY_API_KEY_<OPTION>` settings of the
//! API-key plugin, with better-auth 1.7's defaults.

use clap::{ArgAction, Args};
use latchkey_api_key::{ApiKeyOptions, RateWindow};
use serde_json::{Map, Value};

/// A boolean flag that also reads `true`/`false` from its variable.
macro_rules! switch {
    () => {
        ArgAction::Set
    };
}

/// API-key plugin settings.
#[derive(Debug, Clone, Args)]
pub struct ApiKeySettings {
    /// Credential of trusted servers (header `x-latchkey-server-secret`); off when unset.
    #[arg(
        long,
        env = "LATCHKEY_SERVER_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub server_secret: Option<String>,

    /// Comma-separated request headers that carry an API key.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_HEADERS",
        value_delimiter = ',',
        default_value = "x-api-key",
        global = true
    )]
    pub api_key_headers: Vec<String>,

    /// Random characters in generated keys (and the minimum length of a key session).
    #[arg(long, env = "LATCHKEY_API_KEY_DEFAULT_KEY_LENGTH", default_value_t = 64,
          value_parser = clap::value_parser!(u16).range(16..=512), global = true)]
    pub api_key_default_key_length: u16,

    /// Prefix of keys created without one.
    #[arg(long, env = "LATCHKEY_API_KEY_DEFAULT_PREFIX", global = true)]
    pub api_key_default_prefix: Option<String>,

    /// Shortest allowed prefix.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_MINIMUM_PREFIX_LENGTH",
        default_value_t = 1,
        global = true
    )]
    pub api_key_minimum_prefix_length: usize,

    /// Longest allowed prefix.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_MAXIMUM_PREFIX_LENGTH",
        default_value_t = 32,
        global = true
    )]
    pub api_key_maximum_prefix_length: usize,

    /// Shortest allowed name.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_MINIMUM_NAME_LENGTH",
        default_value_t = 1,
        global = true
    )]
    pub api_key_minimum_name_length: usize,

    /// Longest allowed name.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_MAXIMUM_NAME_LENGTH",
        default_value_t = 32,
        global = true
    )]
    pub api_key_maximum_name_length: usize,

    /// Create requires a name.
    #[arg(long, env = "LATCHKEY_API_KEY_REQUIRE_NAME", action = switch!(), num_args = 0..=1,
          default_value_t = false, default_missing_value = "true", global = true)]
    pub api_key_require_name: bool,

    /// Keys may carry metadata.
    #[arg(long, env = "LATCHKEY_API_KEY_METADATA", action = switch!(), num_args = 0..=1,
          default_value_t = false, default_missing_value = "true", global = true)]
    pub api_key_metadata: bool,

    /// Characters of the key kept in `start` for display.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_STARTING_CHARACTERS_LENGTH",
        default_value_t = 6,
        global = true
    )]
    pub api_key_starting_characters_length: usize,

    /// Expiry (seconds) of keys created without `expiresIn`; none by default.
    #[arg(long, env = "LATCHKEY_API_KEY_DEFAULT_EXPIRES_IN", global = true)]
    pub api_key_default_expires_in: Option<i64>,

    /// Clients may not choose an expiry.
    #[arg(long, env = "LATCHKEY_API_KEY_DISABLE_CUSTOM_EXPIRES_TIME", action = switch!(), num_args = 0..=1,
          default_value_t = false, default_missing_value = "true", global = true)]
    pub api_key_disable_custom_expires_time: bool,

    /// Smallest `expiresIn`, in days.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_MIN_EXPIRES_IN",
        default_value_t = 1.0,
        global = true
    )]
    pub api_key_min_expires_in: f64,

    /// Largest `expiresIn`, in days.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_MAX_EXPIRES_IN",
        default_value_t = 365.0,
        global = true
    )]
    pub api_key_max_expires_in: f64,

    /// Per-key rate limiting on verification.
    #[arg(long, env = "LATCHKEY_API_KEY_RATE_LIMIT_ENABLED", action = switch!(), num_args = 0..=1,
          default_value_t = true, default_missing_value = "true", global = true)]
    pub api_key_rate_limit_enabled: bool,

    /// Default rate-limit window of new keys, in milliseconds.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_RATE_LIMIT_TIME_WINDOW",
        default_value_t = 86_400_000,
        global = true
    )]
    pub api_key_rate_limit_time_window: i32,

    /// Default admissions per window of new keys.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_RATE_LIMIT_MAX",
        default_value_t = 10,
        global = true
    )]
    pub api_key_rate_limit_max: i32,

    /// Several rate-limit windows written into new keys created without
    /// `rateLimits` (latchkey; none by default): `window:max` pairs with the
    /// window in ms or with a unit (`1m:100,1h:1000,1d:10000`), or JSON
    /// (`[{"window":60000,"max":100}]`).
    #[arg(long, env = "LATCHKEY_API_KEY_RATE_LIMITS", value_parser = parse_rate_limits, global = true)]
    pub api_key_rate_limits: Option<RateLimitWindows>,

    /// Permissions of keys created without any, as JSON (`{"files":["read"]}`).
    #[arg(long, env = "LATCHKEY_API_KEY_DEFAULT_PERMISSIONS", value_parser = parse_permissions, global = true)]
    pub api_key_default_permissions: Option<Map<String, Value>>,

    /// Days an expired or used-up key is kept before the sweep deletes it
    /// (unset: kept until deleted).
    #[arg(long, env = "LATCHKEY_API_KEY_RETENTION_DAYS", global = true)]
    pub api_key_retention_days: Option<u32>,

    /// Minutes between retention sweeps.
    #[arg(long, env = "LATCHKEY_API_KEY_SWEEP_MINUTES", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub api_key_sweep_minutes: u64,

    /// At most this many keys per user (owner); one more answers 403
    /// `KEY_LIMIT_REACHED` (unset: no cap, as better-auth).
    #[arg(long, env = "LATCHKEY_API_KEY_MAX_KEYS_PER_USER",
          value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub api_key_max_keys_per_user: Option<u32>,

    /// Days usage-log rows are kept before the sweep deletes them (0: kept forever).
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_USAGE_RETENTION_DAYS",
        default_value_t = 90,
        global = true
    )]
    pub api_key_usage_retention_days: u32,

    /// Milliseconds a process answers verifies of a key without
    /// `remaining` or a rate limit from the row it last read, with no
    /// database round trip (0: read on every verify). Changes made by this
    /// process apply at once, changes made by another within this long.
    #[arg(
        long,
        env = "LATCHKEY_API_KEY_CACHE_TTL_MS",
        default_value_t = 1000,
        global = true
    )]
    pub api_key_cache_ttl_ms: u64,

    /// Milliseconds between writes of the admissions of keys without
    /// `remaining` or a rate limit (`usageCount`, `lastRequest`), counted
    /// in memory; a crash loses at most this long of them.
    #[arg(long, env = "LATCHKEY_API_KEY_COUNTER_FLUSH_MS", default_value_t = 1000,
          value_parser = clap::value_parser!(u64).range(1..), global = true)]
    pub api_key_counter_flush_ms: u64,

    /// A valid key in the key header acts as its owner's session.
    #[arg(long, env = "LATCHKEY_API_KEY_SESSIONS", action = switch!(), num_args = 0..=1,
          default_value_t = false, default_missing_value = "true", global = true)]
    pub api_key_sessions: bool,
}

/// The windows of `--api-key-rate-limits`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimitWindows(pub Vec<RateWindow>);

fn parse_rate_limits(text: &str) -> Result<RateLimitWindows, String> {
    latchkey_api_key::rate_limits::parse_spec(text).map(RateLimitWindows)
}

fn parse_permissions(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map))
            if map
                .values()
                .all(|v| v.as_array().is_some_and(|a| a.iter().all(Value::is_string))) =>
        {
            Ok(map)
        }
        _ => Err("expected a JSON object of resource → list of actions".into()),
    }
}

impl ApiKeySettings {
    /// The plugin options these settings describe.
    pub fn options(&self) -> ApiKeyOptions {
        ApiKeyOptions {
            api_key_headers: self
                .api_key_headers
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
            default_key_length: usize::from(self.api_key_default_key_length),
            default_prefix: self.api_key_default_prefix.clone(),
            minimum_prefix_length: self.api_key_minimum_prefix_length,
            maximum_prefix_length: self.api_key_maximum_prefix_length,
            minimum_name_length: self.api_key_minimum_name_length,
            maximum_name_length: self.api_key_maximum_name_length,
            require_name: self.api_key_require_name,
            enable_metadata: self.api_key_metadata,
            starting_characters_length: self.api_key_starting_characters_length,
            default_expires_in: self.api_key_default_expires_in,
            disable_custom_expires_time: self.api_key_disable_custom_expires_time,
            min_expires_in_days: self.api_key_min_expires_in,
            max_expires_in_days: self.api_key_max_expires_in,
            rate_limit_enabled: self.api_key_rate_limit_enabled,
            rate_limit_time_window: self.api_key_rate_limit_time_window,
            rate_limit_max: self.api_key_rate_limit_max,
            default_rate_limits: self.api_key_rate_limits.clone().unwrap_or_default().0,
            default_permissions: self.api_key_default_permissions.clone(),
            enable_session_for_api_keys: self.api_key_sessions,
            server_secret: self.server_secret.clone().filter(|s| !s.is_empty()),
            retired_key_retention: self
                .api_key_retention_days
                .map(|days| time::Duration::days(i64::from(days))),
            max_keys_per_user: self.api_key_max_keys_per_user,
            usage_retention: Some(self.api_key_usage_retention_days)
                .filter(|days| *days > 0)
                .map(|days| time::Duration::days(i64::from(days))),
            key_cache_ttl: std::time::Duration::from_millis(self.api_key_cache_ttl_ms),
            counter_flush_interval: std::time::Duration::from_millis(self.api_key_counter_flush_ms),
            ..ApiKeyOptions::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Probe {
        #[command(flatten)]
        settings: ApiKeySettings,
    }

    #[test]
    fn defaults_are_better_auths() {
        let probe = Probe::parse_from(["x"]);
        let options = probe.settings.options();
        let defaults = ApiKeyOptions::default();
        assert_eq!(options.api_key_headers, defaults.api_key_headers);
        assert_eq!(options.default_key_length, defaults.default_key_length);
        assert_eq!(options.rate_limit_max, defaults.rate_limit_max);
        assert_eq!(
            options.rate_limit_time_window,
            defaults.rate_limit_time_window
        );
        assert!(options.rate_limit_enabled);
        assert!(!options.enable_metadata);
        assert!(!options.enable_session_for_api_keys);
        assert!(options.server_secret.is_none());
        assert_eq!(options.max_keys_per_user, None);
        assert_eq!(options.usage_retention, Some(time::Duration::days(90)));
    }

    #[test]
    fn cache_ttl_and_counter_interval_are_read() {
        let defaults = Probe::parse_from(["x"]).settings.options();
        assert_eq!(
            defaults.key_cache_ttl,
            ApiKeyOptions::default().key_cache_ttl
        );
        assert_eq!(
            defaults.counter_flush_interval,
            ApiKeyOptions::default().counter_flush_interval
        );
        let probe = Probe::parse_from([
            "x",
            "--api-key-cache-ttl-ms",
            "0",
            "--api-key-counter-flush-ms",
            "250",
        ]);
        let options = probe.settings.options();
        assert_eq!(options.key_cache_ttl, std::time::Duration::ZERO);
        assert_eq!(
            options.counter_flush_interval,
            std::time::Duration::from_millis(250)
        );
        assert!(Probe::try_parse_from(["x", "--api-key-counter-flush-ms", "0"]).is_err());
    }

    #[test]
    fn max_keys_per_user_is_read() {
        let probe = Probe::parse_from(["x", "--api-key-max-keys-per-user", "5"]);
        assert_eq!(probe.settings.options().max_keys_per_user, Some(5));
        assert!(Probe::try_parse_from(["x", "--api-key-max-keys-per-user", "0"]).is_err());
    }

    #[test]
    fn usage_retention_days_are_read() {
        let days = |n: &str| {
            Probe::parse_from(["x", "--api-key-usage-retention-days", n])
                .settings
                .options()
                .usage_retention
        };
        assert_eq!(days("7"), Some(time::Duration::days(7)));
        assert_eq!(days("0"), None);
    }

    #[test]
    fn flags_set_options() {
        let probe = Probe::parse_from([
            "x",
            "--api-key-metadata",
            "--api-key-sessions=true",
            "--api-key-rate-limit-enabled=false",
            "--api-key-headers",
            "X-Key,x-other",
            "--api-key-default-permissions",
            r#"{"files":["read"]}"#,
            "--server-secret",
            "s3cret",
        ]);
        let options = probe.settings.options();
        assert!(options.enable_metadata);
        assert!(options.enable_session_for_api_keys);
        assert!(!options.rate_limit_enabled);
        assert_eq!(options.api_key_headers, vec!["x-key", "x-other"]);
        assert!(options.default_permissions.is_some());
        assert_eq!(options.server_secret.as_deref(), Some("s3cret"));
    }

    #[test]
    fn rate_limit_windows_are_read() {
        assert!(Probe::parse_from(["x"])
            .settings
            .options()
            .default_rate_limits
            .is_empty());
        let probe = Probe::parse_from([
            "x",
            "--api-key-rate-limits",
            "1m:100,1h:1000,86400000:10000",
        ]);
        assert_eq!(
            probe.settings.options().default_rate_limits,
            vec![
                RateWindow::new(60_000, 100),
                RateWindow::new(3_600_000, 1000),
                RateWindow::new(86_400_000, 10_000)
            ]
        );
        let json = Probe::parse_from([
            "x",
            "--api-key-rate-limits",
            r#"[{"window":60000,"max":5}]"#,
        ]);
        assert_eq!(
            json.settings.options().default_rate_limits,
            vec![RateWindow::new(60_000, 5)]
        );
        assert!(Probe::try_parse_from(["x", "--api-key-rate-limits", "1m:0"]).is_err());
        assert!(Probe::try_parse_from(["x", "--api-key-rate-limits", "soon:5"]).is_err());
    }

    #[test]
    fn bad_permissions_are_refused() {
        assert!(Probe::try_parse_from(["x", "--api-key-default-permissions", "[1]"]).is_err());
    }
}
