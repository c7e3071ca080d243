//! Time as a dependency: production reads the system clock, tests move a
//! manual one, so expiry, refill and windows are tested without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use time::{Duration, OffsetDateTime, PrimitiveDateTime};

/// A source of "now" in UTC, truncated to milliseconds: what JavaScript
/// dates (and so better-auth) keep, and what both databases compare exactly.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// The current UTC time.
    fn now(&self) -> PrimitiveDateTime;
}

/// Shared handle to a clock.
pub type SharedClock = Arc<dyn Clock>;

fn truncate_to_millis(at: OffsetDateTime) -> PrimitiveDateTime {
    let at = at.replace_millisecond(at.millisecond()).unwrap_or(at);
    PrimitiveDateTime::new(at.date(), at.time())
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> PrimitiveDateTime {
        truncate_to_millis(OffsetDateTime::now_utc())
    }
}

/// A clock that only moves when told to (for tests and simulations).
#[derive(Debug)]
pub struct ManualClock {
    micros_since_epoch: AtomicI64,
}

impl ManualClock {
    /// A clock standing at the current system time.
    pub fn new() -> Arc<Self> {
        let now = OffsetDateTime::now_utc();
        Arc::new(Self {
            micros_since_epoch: AtomicI64::new((now.unix_timestamp_nanos() / 1000) as i64),
        })
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        self.micros_since_epoch
            .fetch_add(by.whole_microseconds() as i64, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> PrimitiveDateTime {
        let micros = self.micros_since_epoch.load(Ordering::SeqCst);
        let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        truncate_to_millis(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new();
        let t0 = clock.now();
        assert_eq!(clock.now(), t0);
        clock.advance(Duration::milliseconds(1500));
        assert_eq!(clock.now() - t0, Duration::milliseconds(1500));
    }

    #[test]
    fn clocks_keep_milliseconds_only() {
        assert_eq!(SystemClock.now().nanosecond() % 1_000_000, 0);
        assert_eq!(ManualClock::new().now().nanosecond() % 1_000_000, 0);
    }
}
