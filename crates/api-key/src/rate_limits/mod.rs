//! Several rate-limit windows per key, latchkey's addition beside
//! better-auth's single `rateLimitTimeWindow`/`rateLimitMax` (seed 000:
//! 100 a minute, 1,000 an hour, 10,000 a day).
//!
//! A key's windows live in one latchkey column, `"rateLimits"`: a JSON
//! array of `{"window": ms, "max": n, "start": epoch ms, "count": n}`,
//! configuration and fixed-window state together. Keeping them in the key's
//! own row (rather than a child table) is what lets verification check and
//! charge every window in the same conditional `UPDATE … RETURNING` that
//! charges `remaining` and better-auth's window: the row lock serialises
//! concurrent verifies, and each re-evaluates every window against the row
//! as the previous one left it, so no window is ever exceeded and a
//! refused request counts in none (see [`crate::db::queries::verify`]).
//!
//! Windows are fixed and anchored at the first request after the previous
//! one ended, like latchkey's single window. Setting a key's windows (create
//! or update) starts every window afresh.

mod input;
mod status;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::PrimitiveDateTime;

use crate::db::models::ApiKey;

pub use input::{parse_spec, rate_limits_field, window_issues};
pub use status::{RateLimitStatus, WindowStatus};

/// At most this many windows per key.
pub const MAX_WINDOWS: usize = 10;
/// The longest window: 366 days, in milliseconds.
pub const MAX_WINDOW_MS: i64 = 366 * 86_400_000;
/// The largest `max` of a window.
pub const MAX_PER_WINDOW: i64 = i32::MAX as i64;

/// One window's configuration: at most `max` requests per `window` ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateWindow {
    /// Length of the window in milliseconds.
    pub window: i64,
    /// Admissions per window.
    pub max: i64,
}

impl RateWindow {
    /// A window of `max` requests per `window_ms` milliseconds.
    pub fn new(window_ms: i64, max: i64) -> Self {
        Self {
            window: window_ms,
            max,
        }
    }
}

/// Whether better-auth's window counts `key`'s verifies (the verify
/// statement's `{RL_ON}`).
pub fn single_window_applies(key: &ApiKey, rate_limit_enabled: bool) -> bool {
    rate_limit_enabled
        && key.rate_limit_enabled != Some(false)
        && key.rate_limit_time_window.is_some()
        && key.rate_limit_max.is_some()
}

/// Whether latchkey's several windows count `key`'s verifies (the verify
/// statement's `{WINDOWS_ON}`).
pub fn windows_apply(key: &ApiKey, rate_limit_enabled: bool) -> bool {
    rate_limit_enabled && key.rate_limit_enabled != Some(false) && key.rate_limits.is_some()
}

/// One window as stored: its configuration and its current fixed window
/// (`start`, epoch ms, and `count`; absent before the first request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredWindow {
    /// Length of the window in milliseconds.
    pub window: i64,
    /// Admissions per window.
    pub max: i64,
    /// Start of the current window, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// Admissions counted in the current window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

impl StoredWindow {
    /// Whether the window that started at `start` is still running at `now_ms`.
    pub fn is_open(&self, now_ms: i64) -> bool {
        self.start
            .is_some_and(|start| start.saturating_add(self.window) > now_ms)
    }

    /// Admissions counted in the window running at `now_ms` (0 if none runs).
    pub fn count_at(&self, now_ms: i64) -> i64 {
        if self.is_open(now_ms) {
            self.count.unwrap_or(0)
        } else {
            0
        }
    }
}

/// A UTC time in milliseconds since the Unix epoch (how window starts are
/// stored): the session crate's [`unix_millis`](latchkey_session::clock::unix_millis),
/// a few integer operations rather than `time`'s calendar arithmetic.
pub use latchkey_session::clock::unix_millis as epoch_ms;

/// The column text for a key's windows, with no state yet; `None` (no
/// windows) for an empty list.
pub fn to_column(windows: &[RateWindow]) -> Option<String> {
    if windows.is_empty() {
        return None;
    }
    serde_json::to_string(windows).ok()
}

/// The windows stored in the column; a corrupt value reads as none (and is
/// logged), so a key record can always be answered.
pub fn from_column(text: Option<&str>) -> Vec<StoredWindow> {
    let Some(text) = text else {
        return Vec::new();
    };
    serde_json::from_str(text).unwrap_or_else(|e| {
        tracing::error!(error = %e, "corrupt \"rateLimits\" column");
        Vec::new()
    })
}

/// The configuration a key record shows as `rateLimits`:
/// `[{"window": ms, "max": n}, ...]`, or `None` for a key without windows.
pub fn config_json(text: Option<&str>) -> Option<Value> {
    let windows = from_column(text);
    if windows.is_empty() {
        return None;
    }
    let config: Vec<RateWindow> = windows
        .iter()
        .map(|w| RateWindow::new(w.window, w.max))
        .collect();
    serde_json::to_value(config).ok()
}

/// How long until every full window of latchkey's list has reset, in ms;
/// `None` when none is full. (better-auth's single window is checked by
/// the caller, as before.)
pub fn windows_wait_ms(key: &ApiKey, now: PrimitiveDateTime) -> Option<i64> {
    let now_ms = epoch_ms(now);
    from_column(key.rate_limits.as_deref())
        .iter()
        .filter(|w| w.is_open(now_ms) && w.count.unwrap_or(0) >= w.max)
        .filter_map(|w| w.start.map(|start| start.saturating_add(w.window) - now_ms))
        .max()
}

/// A key row for unit tests: no limits, nothing counted.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::db::models::ApiKey;
    use time::macros::datetime;

    pub fn key() -> ApiKey {
        let at = datetime!(2026-01-01 0:00);
        ApiKey {
            id: "k".into(),
            config_id: "default".into(),
            name: None,
            start: None,
            reference_id: "u".into(),
            prefix: None,
            key: "h".into(),
            refill_interval: None,
            refill_amount: None,
            last_refill_at: None,
            enabled: Some(true),
            rate_limit_enabled: Some(true),
            rate_limit_time_window: None,
            rate_limit_max: None,
            request_count: Some(0),
            remaining: None,
            last_request: None,
            expires_at: None,
            created_at: at,
            updated_at: at,
            permissions: None,
            metadata: None,
            rate_limit_window_start: None,
            rate_limits: None,
            usage_count: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn column_round_trips_and_hides_state_in_the_record() {
        let text = to_column(&[RateWindow::new(60_000, 5), RateWindow::new(3_600_000, 8)]);
        assert_eq!(
            text.as_deref(),
            Some(r#"[{"window":60000,"max":5},{"window":3600000,"max":8}]"#)
        );
        assert_eq!(to_column(&[]), None);
        // As Postgres' jsonb writes it back, with state.
        let stored = r#"[{"max": 5, "count": 2, "start": 1000, "window": 60000}]"#;
        assert_eq!(
            from_column(Some(stored)),
            vec![StoredWindow {
                window: 60_000,
                max: 5,
                start: Some(1000),
                count: Some(2)
            }]
        );
        assert_eq!(
            config_json(Some(stored)),
            Some(json!([{"window": 60000, "max": 5}]))
        );
        assert_eq!(config_json(None), None);
        assert_eq!(config_json(Some("not json")), None);
    }

    #[test]
    fn the_wait_is_until_the_last_full_window_resets() {
        let now = time::macros::datetime!(2026-01-01 0:10);
        let now_ms = epoch_ms(now);
        let windows = format!(
            r#"[{{"window":60000,"max":2,"start":{a},"count":2}},
                {{"window":3600000,"max":5,"start":{b},"count":5}},
                {{"window":86400000,"max":9,"start":{b},"count":5}}]"#,
            a = now_ms - 1000,
            b = now_ms - 600_000
        );
        let mut key = test_support::key();
        key.rate_limits = Some(windows);
        assert_eq!(windows_wait_ms(&key, now), Some(3_000_000));
        key.rate_limits = to_column(&[RateWindow::new(60_000, 1)]);
        assert_eq!(windows_wait_ms(&key, now), None);
    }

    #[test]
    fn a_window_is_open_until_its_length_has_passed() {
        let w = StoredWindow {
            window: 1000,
            max: 1,
            start: Some(5000),
            count: Some(1),
        };
        assert!(w.is_open(5999));
        assert!(!w.is_open(6000));
        assert_eq!(w.count_at(5999), 1);
        assert_eq!(w.count_at(6000), 0);
        let fresh = StoredWindow {
            start: None,
            count: None,
            ..w
        };
        assert!(!fresh.is_open(0));
    }
}
