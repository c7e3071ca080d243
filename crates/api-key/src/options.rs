//! Plugin options, with @better-auth/api-key 1.7's defaults.

use serde_json::{Map, Value};

/// Configuration of the API-key plugin.
#[derive(Clone)]
pub struct ApiKeyOptions {
    /// Request headers that carry a key; the first present wins.
    pub api_key_headers: Vec<String>,
    /// Length of the random part of generated keys (and the minimum length
    /// of a key accepted as a session).
    pub default_key_length: usize,
    /// Prefix used when create gives none.
    pub default_prefix: Option<String>,
    /// Allowed prefix length.
    pub minimum_prefix_length: usize,
    /// See `minimum_prefix_length`.
    pub maximum_prefix_length: usize,
    /// Allowed name length.
    pub minimum_name_length: usize,
    /// See `minimum_name_length`.
    pub maximum_name_length: usize,
    /// Create without a name fails with `NAME_REQUIRED`.
    pub require_name: bool,
    /// Metadata accepted (else `METADATA_DISABLED` on create).
    pub enable_metadata: bool,
    /// How many characters of the key `start` keeps.
    pub starting_characters_length: usize,
    /// Whether `start` is stored at all.
    pub store_starting_characters: bool,
    /// Expiry (seconds) for keys created without one.
    pub default_expires_in: Option<i64>,
    /// Clients may not choose an expiry (`KEY_DISABLED_EXPIRATION`).
    pub disable_custom_expires_time: bool,
    /// Smallest `expiresIn`, in days.
    pub min_expires_in_days: f64,
    /// Largest `expiresIn`, in days.
    pub max_expires_in_days: f64,
    /// Per-key rate limiting on verification.
    pub rate_limit_enabled: bool,
    /// Default window (ms) written into new keys.
    pub rate_limit_time_window: i32,
    /// Default admissions per window written into new keys.
    pub rate_limit_max: i32,
    /// latchkey: the several rate-limit windows written into new keys
    /// created without `rateLimits` (empty: none, as better-auth).
    pub default_rate_limits: Vec<crate::rate_limits::RateWindow>,
    /// Permissions for keys created without any.
    pub default_permissions: Option<Map<String, Value>>,
    /// A valid key in the key header acts as its owner's session.
    pub enable_session_for_api_keys: bool,
    /// The credential of trusted servers (`x-latchkey-server-secret`); off when `None`.
    pub server_secret: Option<String>,
    /// How long expired and used-up keys are kept before the sweep deletes
    /// them (`None`: until deleted by hand or by delete-all-expired).
    pub retired_key_retention: Option<time::Duration>,
    /// At most this many keys per owner (`referenceId`); creating one more
    /// answers 403 `KEY_LIMIT_REACHED`. `None` (better-auth): no cap.
    pub max_keys_per_user: Option<u32>,
    /// How long usage-log rows are kept before the sweep deletes them
    /// (`None`: kept until deleted by hand).
    pub usage_retention: Option<time::Duration>,
    /// latchkey: how often the admissions of keys without `remaining` or a
    /// rate limit, counted in memory, are written (`usageCount`,
    /// `lastRequest`); a crash loses at most this much of them.
    pub counter_flush_interval: std::time::Duration,
    /// latchkey: how long a process answers verifies of a key without
    /// `remaining` or a rate limit from the row it last read, with no
    /// database round trip ([`crate::key_cache`]); zero: never. Changes
    /// made by this process apply at once; changes made by another process
    /// within this long.
    pub key_cache_ttl: std::time::Duration,
}

impl std::fmt::Debug for ApiKeyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyOptions")
            .field("api_key_headers", &self.api_key_headers)
            .field("default_key_length", &self.default_key_length)
            .field("enable_metadata", &self.enable_metadata)
            .field(
                "enable_session_for_api_keys",
                &self.enable_session_for_api_keys,
            )
            .field("max_keys_per_user", &self.max_keys_per_user)
            .field(
                "server_secret",
                &self.server_secret.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl Default for ApiKeyOptions {
    fn default() -> Self {
        Self {
            api_key_headers: vec!["x-api-key".to_owned()],
            default_key_length: 64,
            default_prefix: None,
            minimum_prefix_length: 1,
            maximum_prefix_length: 32,
            minimum_name_length: 1,
            maximum_name_length: 32,
            require_name: false,
            enable_metadata: false,
            starting_characters_length: 6,
            store_starting_characters: true,
            default_expires_in: None,
            disable_custom_expires_time: false,
            min_expires_in_days: 1.0,
            max_expires_in_days: 365.0,
            rate_limit_enabled: true,
            rate_limit_time_window: 86_400_000,
            rate_limit_max: 10,
            default_rate_limits: Vec::new(),
            default_permissions: None,
            enable_session_for_api_keys: false,
            server_secret: None,
            retired_key_retention: None,
            max_keys_per_user: None,
            usage_retention: None,
            counter_flush_interval: std::time::Duration::from_secs(1),
            key_cache_ttl: std::time::Duration::from_secs(1),
        }
    }
}

/// The `configId` of keys created without one.
pub const DEFAULT_CONFIG_ID: &str = "default";

/// The header trusted servers put their credential in.
pub const SERVER_SECRET_HEADER: &str = "x-latchkey-server-secret";
