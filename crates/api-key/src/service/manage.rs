//! Key management (create, get, list, update, delete) with better-auth
//! 1.7's rules, in its order. No HTTP here: the handlers decide who the
//! owner is (session, server credential, `userId`) and call these methods;
//! trusted host applications call them directly, with every server-only
//! field available.
//!
//! ```no_run
//! # async fn demo(keys: latchkey_api_key::ApiKeys) -> Result<(), latchkey_api_key::ApiKeyError> {
//! use latchkey_api_key::service::manage::NewKeyInput;
//!
//! let created = keys
//!     .create(NewKeyInput {
//!         owner: "user-id".into(),
//!         name: Some("billing".into()),
//!         remaining: Some(100),
//!         ..NewKeyInput::default()
//!     })
//!     .await?;
//! println!("give this to the user once: {}", created.key.expose());
//! # Ok(()) }
//! ```

use latchkey_session::run_blocking;
use latchkey_session::tokens::random_id;
use serde_json::Value;
use time::{Duration, PrimitiveDateTime};

use super::ApiKeys;
use crate::db::models::ApiKey;
use crate::db::queries::cap;
use crate::db::queries::keys::{self, KeyFilters, ListFilter, SortColumn};
use crate::error::ApiKeyError;
use crate::keys::PlainKey;
use crate::options::DEFAULT_CONFIG_ID;
use crate::permissions::Permissions;
use crate::rate_limits::{self, RateWindow};

mod rules;

pub use rules::{prefix_format_ok, PREFIX_FORMAT};

/// A key to create. `owner` becomes its `referenceId` (a user id); every
/// other field is optional and defaults from the plugin options.
#[derive(Debug, Clone, Default)]
pub struct NewKeyInput {
    /// The owner (`referenceId`).
    pub owner: String,
    /// Display name (length-checked unless empty; see `require_name`).
    pub name: Option<String>,
    /// Lifetime in seconds (`None`: the configured default, else never).
    pub expires_in: Option<f64>,
    /// Key prefix (`[a-zA-Z0-9_-]+`); `None`: the configured default.
    pub prefix: Option<String>,
    /// A JSON object (or array); `null`/falsy values store nothing.
    pub metadata: Option<Value>,
    /// Uses allowed (`None`: unlimited). Server-only.
    pub remaining: Option<i32>,
    /// What `remaining` is reset to on refill; needs `refill_interval`. Server-only.
    pub refill_amount: Option<i32>,
    /// Refill period in ms; needs `refill_amount`. Server-only.
    pub refill_interval: Option<i32>,
    /// Per-key rate limit switch (default from options). Server-only.
    pub rate_limit_enabled: Option<bool>,
    /// Rate-limit window in ms (default from options). Server-only.
    pub rate_limit_time_window: Option<i32>,
    /// Admissions per window (default from options). Server-only.
    pub rate_limit_max: Option<i32>,
    /// latchkey's several rate-limit windows (`None`: the configured
    /// default; empty: none). Server-only.
    pub rate_limits: Option<Vec<RateWindow>>,
    /// Resource → actions (default from options). Server-only.
    pub permissions: Option<Permissions>,
}

/// A created key: the stored record and the full secret, shown once.
#[derive(Debug, Clone)]
pub struct CreatedKey {
    /// The stored row (its `key` column is the hash).
    pub record: ApiKey,
    /// The full key.
    pub key: PlainKey,
}

impl CreatedKey {
    /// better-auth's create answer: the record plus `key`, the full secret.
    pub fn to_json(&self) -> Value {
        let mut json = self.record.to_json();
        json["key"] = Value::String(self.key.expose().to_owned());
        json
    }
}

/// Changes to a key; `None` leaves a field alone.
#[derive(Debug, Clone, Default)]
pub struct KeyChanges {
    /// New name (length-checked, also when empty).
    pub name: Option<String>,
    /// Enable or disable.
    pub enabled: Option<bool>,
    /// New lifetime from now in seconds; `Some(None)` removes the expiry.
    pub expires_in: Option<Option<f64>>,
    /// New metadata (`Value::Null` clears it); ignored when metadata is disabled.
    pub metadata: Option<Value>,
    /// Uses left (at least 1). Server-only.
    pub remaining: Option<i32>,
    /// Refill amount; only together with `refill_interval`. Server-only.
    pub refill_amount: Option<i32>,
    /// Refill period (ms); only together with `refill_amount`. Server-only.
    pub refill_interval: Option<i32>,
    /// Per-key rate limit switch. Server-only.
    pub rate_limit_enabled: Option<bool>,
    /// Rate-limit window (ms). Server-only.
    pub rate_limit_time_window: Option<i32>,
    /// Admissions per window. Server-only.
    pub rate_limit_max: Option<i32>,
    /// latchkey's several windows, replacing the key's (each starts afresh);
    /// empty removes them. Server-only.
    pub rate_limits: Option<Vec<RateWindow>>,
    /// New permissions; `Some(None)` removes them. Server-only.
    pub permissions: Option<Option<Permissions>>,
}

/// Sort direction of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDirection {
    /// Smallest first (NULLs last).
    #[default]
    Asc,
    /// Largest first (NULLs first).
    Desc,
}

/// Which of an owner's keys to list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// The owner (`referenceId`).
    pub owner: String,
    /// Only keys of this configuration.
    pub config_id: Option<String>,
    /// Sort column and direction; `None`: oldest first.
    pub sort: Option<(SortColumn, SortDirection)>,
    /// At most this many keys.
    pub limit: Option<u64>,
    /// Skip this many keys first.
    pub offset: Option<u64>,
    /// latchkey: only enabled (`true`) or disabled (`false`) keys.
    pub enabled: Option<bool>,
    /// latchkey: only expired (`true`) or unexpired (`false`) keys, now.
    pub expired: Option<bool>,
    /// latchkey: only keys whose name starts with this (case-sensitive).
    pub name_prefix: Option<String>,
}

/// One page of keys and how many there are in all.
#[derive(Debug, Clone)]
pub struct KeyPage {
    /// The keys of this page.
    pub keys: Vec<ApiKey>,
    /// All of the owner's keys matching the query, whatever the page.
    pub total: i64,
}

fn to_sql_count(n: Option<u64>) -> Option<i64> {
    n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

fn expiry(now: PrimitiveDateTime, seconds: f64) -> Result<PrimitiveDateTime, ApiKeyError> {
    Duration::checked_seconds_f64(seconds)
        .and_then(|d| now.checked_add(d))
        .ok_or(ApiKeyError::ExpiresInTooLarge)
}

impl ApiKeys {
    /// Creates a key for `input.owner`, checking better-auth's rules in its
    /// order (metadata, refill pair, expiry, prefix, name), then latchkey's
    /// per-owner cap (`KEY_LIMIT_REACHED`), exact under concurrency. The
    /// secret is in the answer only; the database keeps its hash.
    pub async fn create(&self, input: NewKeyInput) -> Result<CreatedKey, ApiKeyError> {
        let opts = &self.options;
        rules::check_new_key_schema(&input)?;
        let metadata = rules::create_metadata(opts, input.metadata.as_ref())?;
        rules::check_refill_pair_on_create(input.refill_amount, input.refill_interval)?;
        let now = self.clock.now();
        let expires_at = match input.expires_in.filter(|s| *s != 0.0) {
            Some(seconds) => {
                rules::check_expires_in(opts, seconds)?;
                Some(expiry(now, seconds)?)
            }
            None => match opts.default_expires_in {
                Some(seconds) => Some(expiry(now, seconds as f64)?),
                None => None,
            },
        };
        if let Some(prefix) = input.prefix.as_deref().filter(|p| !p.is_empty()) {
            rules::check_prefix_length(opts, prefix)?;
        }
        match input.name.as_deref().filter(|n| !n.is_empty()) {
            Some(name) => rules::check_name_length(opts, name)?,
            None if opts.require_name => return Err(ApiKeyError::NameRequired),
            None => {}
        }
        let prefix = input.prefix.or_else(|| opts.default_prefix.clone());
        let key = PlainKey::generate(prefix.as_deref(), opts.default_key_length);
        let permissions = match (&input.permissions, &opts.default_permissions) {
            (Some(p), _) => Some(rules::json_text(p)?),
            (None, Some(defaults)) => Some(rules::json_text(defaults)?),
            (None, None) => None,
        };
        let record = ApiKey {
            id: random_id(),
            config_id: DEFAULT_CONFIG_ID.to_owned(),
            name: input.name,
            start: opts
                .store_starting_characters
                .then(|| key.start(opts.starting_characters_length)),
            reference_id: input.owner,
            prefix,
            key: key.hash().0,
            refill_interval: input.refill_interval,
            refill_amount: input.refill_amount,
            last_refill_at: None,
            enabled: Some(true),
            rate_limit_enabled: Some(input.rate_limit_enabled.unwrap_or(opts.rate_limit_enabled)),
            rate_limit_time_window: Some(
                input
                    .rate_limit_time_window
                    .unwrap_or(opts.rate_limit_time_window),
            ),
            rate_limit_max: Some(input.rate_limit_max.unwrap_or(opts.rate_limit_max)),
            request_count: Some(0),
            remaining: input.remaining,
            last_request: None,
            expires_at,
            created_at: now,
            updated_at: now,
            permissions,
            metadata,
            rate_limit_window_start: None,
            rate_limits: rate_limits::to_column(
                input
                    .rate_limits
                    .as_deref()
                    .unwrap_or(&opts.default_rate_limits),
            ),
            usage_count: 0,
        };
        let row = record.clone();
        let max = opts.max_keys_per_user;
        run_blocking(&self.pool, move |conn| match max {
            None => Ok(keys::insert(conn, &row)?),
            Some(max) if cap::insert_within_cap(conn, &row, max)? => Ok(()),
            Some(max) => Err(ApiKeyError::KeyLimitReached { max }),
        })
        .await?;
        Ok(CreatedKey { record, key })
    }

    /// The key `key_id` if `owner` owns it; another owner's key is
    /// `KEY_NOT_FOUND`, exactly like a missing one.
    pub async fn get(&self, key_id: &str, owner: &str) -> Result<ApiKey, ApiKeyError> {
        let (id, owner) = (key_id.to_owned(), owner.to_owned());
        self.run_settled(move |conn| {
            keys::find_owned(conn, &id, &owner)?.ok_or(ApiKeyError::KeyNotFound)
        })
        .await
    }

    /// A page of the owner's keys matching the filters, and how many match;
    /// filtering, sorting and paging happen in the database.
    pub async fn list(&self, query: ListQuery) -> Result<KeyPage, ApiKeyError> {
        let now = self.clock.now();
        self.run_settled(move |conn| {
            let filter = ListFilter {
                owner: &query.owner,
                config_id: query.config_id.as_deref(),
                filters: KeyFilters {
                    enabled: query.enabled,
                    expired: query.expired.map(|expired| (expired, now)),
                    name_prefix: query.name_prefix.as_deref(),
                },
                sort: query
                    .sort
                    .map(|(column, dir)| (column, dir == SortDirection::Desc)),
                limit: to_sql_count(query.limit),
                offset: to_sql_count(query.offset),
            };
            let total = keys::count_matching(conn, &filter)?;
            let keys = if query.limit == Some(0) {
                Vec::new()
            } else {
                keys::list_owned(conn, &filter)?
            };
            Ok(KeyPage { keys, total })
        })
        .await
    }

    /// Changes the key `key_id` of `owner` in one `UPDATE … RETURNING`.
    /// As in better-auth, a missing key (or another owner's) is
    /// `KEY_NOT_FOUND` before any rule refuses the changes; nothing to
    /// change is `NO_VALUES_TO_UPDATE`.
    pub async fn update(
        &self,
        key_id: &str,
        owner: &str,
        changes: KeyChanges,
    ) -> Result<ApiKey, ApiKeyError> {
        rules::check_changes_schema(&changes)?;
        let (id, owner) = (key_id.to_owned(), owner.to_owned());
        let now = self.clock.now();
        let checked = rules::changeset(&self.options, changes, |s| expiry(now, s));
        self.run_change(move |conn| match checked {
            Ok(mut set) if !set.is_empty() => {
                set.updated_at = Some(now);
                keys::update_owned(conn, &id, &owner, &set)?.ok_or(ApiKeyError::KeyNotFound)
            }
            // A refusal names the key's absence first, as better-auth looks it up first.
            refused => match keys::find_owned(conn, &id, &owner)? {
                None => Err(ApiKeyError::KeyNotFound),
                Some(_) => Err(refused.err().unwrap_or(ApiKeyError::NoValuesToUpdate)),
            },
        })
        .await
    }

    /// Deletes the key `key_id` of `owner` (`KEY_NOT_FOUND` if it has none such).
    pub async fn delete(&self, key_id: &str, owner: &str) -> Result<(), ApiKeyError> {
        let (id, owner) = (key_id.to_owned(), owner.to_owned());
        self.run_change(move |conn| {
            if keys::delete_owned(conn, &id, &owner)? {
                Ok(())
            } else {
                Err(ApiKeyError::KeyNotFound)
            }
        })
        .await
    }
}
