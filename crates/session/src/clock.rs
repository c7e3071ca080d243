//! Time as a dependency: production reads the system clock, tests move a
//! manual one, so expiry, refill and windows are tested without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use time::{Duration, OffsetDateTime, PrimitiveDateTime};

/// A source of "now" in UTC, truncated to milliseconds: what JavaScript
/// dates (and so better-auth) keep, and what both databases compare exactly.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// The current UTC time.
    fn now(&self) -> PrimitiveDateTime;

    /// The current time as milliseconds since the Unix epoch: the same
    /// reading as [`Clock::now`], without building a calendar date. For
    /// measuring a span from an earlier `now()` (see [`unix_millis`]) on
    /// a path where that conversion would be a noticeable share of the
    /// cost.
    fn now_unix_millis(&self) -> i64 {
        unix_millis(self.now())
    }
}

/// Days from the Julian day count's start to 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;
const MILLIS_PER_DAY: i64 = 86_400_000;

/// `at` (UTC) as milliseconds since the Unix epoch (sub-millisecond parts
/// dropped, negative before 1970). A few integer operations: cheaper than
/// going through `OffsetDateTime`.
pub fn unix_millis(at: PrimitiveDateTime) -> i64 {
    let days = i64::from(at.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY;
    let seconds =
        (i64::from(at.hour()) * 60 + i64::from(at.minute())) * 60 + i64::from(at.second());
    days * MILLIS_PER_DAY + seconds * 1000 + i64::from(at.millisecond())
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

    fn now_unix_millis(&self) -> i64 {
        millis_since_epoch(SystemTime::now())
    }
}

/// `at` as milliseconds since the Unix epoch, floored (as [`unix_millis`]
/// does, before 1970 too).
fn millis_since_epoch(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let partial = before.subsec_nanos() % 1_000_000 != 0;
            i64::try_from(before.as_millis() + u128::from(partial)).map_or(i64::MIN, |ms| -ms)
        }
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

    fn now_unix_millis(&self) -> i64 {
        self.micros_since_epoch
            .load(Ordering::SeqCst)
            .div_euclid(1000)
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
    fn unix_millis_counts_from_the_epoch_across_days_and_years() {
        use time::macros::datetime;
        for at in [
            datetime!(1970-01-01 0:00),
            datetime!(1969-12-31 23:59:59.999),
            datetime!(2000-02-29 12:34:56.789),
            datetime!(2026-11-24 23:59:59.999_999),
            datetime!(2026-12-31 0:00:00.001),
        ] {
            let expected = at.assume_utc().unix_timestamp_nanos().div_euclid(1_000_000);
            assert_eq!(i128::from(unix_millis(at)), expected, "{at}");
        }
    }

    #[test]
    fn system_time_floors_to_milliseconds_on_both_sides_of_the_epoch() {
        use std::time::Duration as Span;
        for (offset_micros, expected) in [
            (0_i64, 0_i64),
            (1_500, 1),
            (2_000, 2),
            (-1, -1),
            (-1_500, -2),
            (-2_000, -2),
        ] {
            let span = Span::from_micros(offset_micros.unsigned_abs());
            let at = if offset_micros < 0 {
                UNIX_EPOCH - span
            } else {
                UNIX_EPOCH + span
            };
            assert_eq!(millis_since_epoch(at), expected, "{offset_micros} µs");
            let date = OffsetDateTime::UNIX_EPOCH + Duration::microseconds(offset_micros);
            let date = PrimitiveDateTime::new(date.date(), date.time());
            assert_eq!(unix_millis(date), expected, "{offset_micros} µs as a date");
        }
    }

    #[test]
    fn a_clock_reads_the_same_time_as_a_date_and_as_unix_millis() {
        let clock = ManualClock::new();
        clock.advance(Duration::microseconds(1_234_567));
        assert_eq!(clock.now_unix_millis(), unix_millis(clock.now()));
        // The system clock moves between the two reads, never backwards
        // by more than a clock step; read it around `now_unix_millis`.
        let before = unix_millis(SystemClock.now());
        let millis = SystemClock.now_unix_millis();
        let after = unix_millis(SystemClock.now());
        assert!(
            before <= millis && millis <= after,
            "{before} {millis} {after}"
        );
    }

    #[test]
    fn clocks_keep_milliseconds_only() {
        assert_eq!(SystemClock.now().nanosecond() % 1_000_000, 0);
        assert_eq!(ManualClock::new().now().nanosecond() % 1_000_000, 0);
    }
}
