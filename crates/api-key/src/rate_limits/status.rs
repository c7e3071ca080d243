//! Where a key stands in each of its rate-limit windows, for the
//! rate-limit response headers and for naming a refusal's wait.

use time::PrimitiveDateTime;

use super::{epoch_ms, from_column, StoredWindow};
use crate::db::models::ApiKey;

/// One window as the rate-limit headers report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowStatus {
    /// The policy's name in `RateLimit`/`RateLimit-Policy` (`"1m"`, `"1d"`).
    pub name: String,
    /// Admissions per window.
    pub limit: i64,
    /// Admissions left in the current window.
    pub remaining: i64,
    /// Length of the window in milliseconds.
    pub window_ms: i64,
    /// When the current window ends (or, if none runs, when one started
    /// now would), in milliseconds since the Unix epoch.
    pub reset_ms: i64,
}

/// Every rate-limit window of a key at one moment: better-auth's single
/// window first (if on), then latchkey's list, in configuration order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitStatus {
    /// The moment, in milliseconds since the Unix epoch.
    pub now_ms: i64,
    /// The windows; never empty.
    pub windows: Vec<WindowStatus>,
}

/// A policy name for a window length: the largest whole unit.
fn policy_name(window_ms: i64) -> String {
    for (unit, ms) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1000),
    ] {
        if window_ms >= ms && window_ms % ms == 0 {
            return format!("{}{unit}", window_ms / ms);
        }
    }
    format!("{window_ms}ms")
}

impl RateLimitStatus {
    /// The key's windows at `now`, or `None` when no window applies (rate
    /// limiting off for the plugin or the key, and no windows configured).
    /// For a key just admitted, the counts include that admission.
    pub fn of(key: &ApiKey, now: PrimitiveDateTime, rate_limit_enabled: bool) -> Option<Self> {
        if !rate_limit_enabled || key.rate_limit_enabled == Some(false) {
            return None;
        }
        let now_ms = epoch_ms(now);
        let mut windows: Vec<StoredWindow> = Vec::new();
        if let (Some(window), Some(max)) = (key.rate_limit_time_window, key.rate_limit_max) {
            windows.push(StoredWindow {
                window: i64::from(window),
                max: i64::from(max),
                start: key.rate_limit_window_start.map(epoch_ms),
                count: key.request_count.map(i64::from),
            });
        }
        windows.extend(from_column(key.rate_limits.as_deref()));
        if windows.is_empty() {
            return None;
        }
        let mut seen = std::collections::HashSet::new();
        let windows = windows
            .iter()
            .map(|w| {
                let mut name = policy_name(w.window);
                let mut n = 1;
                while !seen.insert(name.clone()) {
                    n += 1;
                    name = format!("{}-{n}", policy_name(w.window));
                }
                let reset_ms = match w.start {
                    Some(start) if w.is_open(now_ms) => start.saturating_add(w.window),
                    _ => now_ms.saturating_add(w.window),
                };
                WindowStatus {
                    name,
                    limit: w.max,
                    remaining: (w.max - w.count_at(now_ms)).max(0),
                    window_ms: w.window,
                    reset_ms,
                }
            })
            .collect();
        Some(Self { now_ms, windows })
    }

    /// The window a client runs into first: the fewest admissions left,
    /// and of those the one that resets last.
    pub fn tightest(&self) -> Option<&WindowStatus> {
        self.windows
            .iter()
            .min_by_key(|w| (w.remaining, std::cmp::Reverse(w.reset_ms)))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::rate_limits::test_support::key;
    use crate::rate_limits::{to_column, RateWindow};
    use time::macros::datetime;

    #[test]
    fn names_use_the_largest_whole_unit() {
        assert_eq!(policy_name(60_000), "1m");
        assert_eq!(policy_name(90_000), "90s");
        assert_eq!(policy_name(86_400_000), "1d");
        assert_eq!(policy_name(7_200_000), "2h");
        assert_eq!(policy_name(1500), "1500ms");
    }

    #[test]
    fn status_covers_both_kinds_of_window_and_finds_the_tightest() {
        let now = datetime!(2026-01-01 0:10);
        let now_ms = epoch_ms(now);
        let mut k = key();
        assert_eq!(RateLimitStatus::of(&k, now, true), None);
        k.rate_limit_time_window = Some(86_400_000);
        k.rate_limit_max = Some(10);
        k.request_count = Some(3);
        k.rate_limit_window_start = Some(datetime!(2026-01-01 0:00));
        k.rate_limits = Some(
            r#"[{"window":60000,"max":5,"start":START,"count":5},{"window":86400000,"max":100}]"#
                .replace("START", &(now_ms - 1000).to_string()),
        );
        let status = RateLimitStatus::of(&k, now, true).unwrap();
        let names: Vec<&str> = status.windows.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["1d", "1m", "1d-2"]);
        assert_eq!(status.windows[0].remaining, 7);
        assert_eq!(status.windows[0].reset_ms, now_ms - 600_000 + 86_400_000);
        assert_eq!(status.windows[2].remaining, 100);
        assert_eq!(status.windows[2].reset_ms, now_ms + 86_400_000);
        let tightest = status.tightest().unwrap();
        assert_eq!((tightest.name.as_str(), tightest.remaining), ("1m", 0));
        assert_eq!(tightest.reset_ms, now_ms + 59_000);
        assert_eq!(crate::rate_limits::windows_wait_ms(&k, now), Some(59_000));
        // Off for the plugin or the key: no headers.
        assert_eq!(RateLimitStatus::of(&k, now, false), None);
        k.rate_limit_enabled = Some(false);
        assert_eq!(RateLimitStatus::of(&k, now, true), None);
    }

    #[test]
    fn windows_that_ended_count_nothing() {
        let now = datetime!(2026-01-01 1:00);
        let mut k = key();
        k.rate_limits = to_column(&[RateWindow::new(60_000, 2)]);
        let status = RateLimitStatus::of(&k, now, true).unwrap();
        assert_eq!(status.windows[0].remaining, 2);
        assert_eq!(crate::rate_limits::windows_wait_ms(&k, now), None);
    }
}
