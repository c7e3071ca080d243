//! A short-lived cache of plain keys' rows, so that the verify of a key
//! with nothing to charge needs no database round trip at all.
//!
//! Only plain keys (no `remaining`, no rate limit that applies; see
//! [`crate::counters::is_plain`]) are cached, and only under their current
//! secret: the counters that decide admission are never held here, and a
//! rotated key's previous secret is always read. A cached row is used for
//! at most the TTL ([`crate::ApiKeyOptions::key_cache_ttl`], default 1 s,
//! zero turns the cache off) measured on the server's clock; expiry is
//! still checked against the clock on every verify.
//!
//! Staleness: every change this process makes to keys through its
//! [`crate::ApiKeys`] (update, rotate, delete, delete-expired) makes every
//! cached row stale right after it commits, so this process answers the
//! change at once. (A retention sweep only deletes expired or used-up keys,
//! which a cached row already refuses.) A change made by another process (or by
//! hand in the database) is seen by this one within the TTL: until then
//! a key disabled, deleted, rotated or given a budget there may still be
//! admitted here, uncharged.
//!
//! The entries also serve as the hint of which keys are plain: a known key
//! whose row went stale is read again (one indexed `SELECT`) rather than
//! sent to the charging statement.
//!
//! Refresh ahead: in the last quarter of a row's TTL, the first verify of
//! its key is not answered from it but reads the row again (and caches
//! what it read); every other verify meanwhile is still answered from the
//! cached row, which is still within its TTL. A busy key is therefore read
//! once per refresh by one request, instead of by every request in flight
//! at the moment its row expires: those all waited on the database
//! together, and with them the tail latency.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use time::{Duration, PrimitiveDateTime};

use crate::db::models::ApiKey;
use crate::keys::HashedKey;

/// Keys cached at most; beyond, the cache starts afresh (a row is a few
/// hundred bytes, so this bounds it to a few MiB).
const MAX_ENTRIES: usize = 16_384;

/// The cache (one per process, inside [`crate::KeyCounters`]).
pub(crate) struct KeyCache {
    ttl: Duration,
    fingerprints: RandomState,
    state: RwLock<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<u64, Arc<Entry>>,
    /// Grows with every [`KeyCache::clear`]: a row read before a change
    /// was committed must neither be remembered nor answer after it.
    generation: u64,
}

/// The generation a read started in ([`KeyCache::generation`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Generation(u64);

/// One cached row.
pub(crate) struct Entry {
    /// The row as this process last knew it, `usageCount` included.
    row: ApiKey,
    read_at: PrimitiveDateTime,
    /// The cache's generation when the row was read.
    generation: u64,
    /// Admissions answered from this entry, added to the row's `usageCount`.
    admitted: AtomicI32,
    /// Set once a verify took on reading the row again ([`KeyCache::fresh`]).
    refreshing: AtomicBool,
}

impl Entry {
    /// The cached row (for the checks that need no counters).
    pub(crate) fn row(&self) -> &ApiKey {
        &self.row
    }

    /// The row as admitted at `now`: this admission and the earlier ones
    /// answered from the entry in `usageCount`, `lastRequest` now.
    pub(crate) fn admit(&self, now: PrimitiveDateTime) -> ApiKey {
        let admitted = self
            .admitted
            .fetch_add(1, Ordering::Relaxed)
            .saturating_add(1);
        let mut key = self.row.clone();
        key.usage_count = key.usage_count.saturating_add(i64::from(admitted));
        key.last_request = Some(key.last_request.map_or(now, |at| at.max(now)));
        key.updated_at = key.updated_at.max(now);
        key
    }
}

impl KeyCache {
    /// A cache whose rows are used for at most `ttl` (zero: rows are never
    /// used, the entries only remember which keys are plain).
    pub(crate) fn new(ttl: std::time::Duration) -> Self {
        Self {
            ttl: Duration::try_from(ttl).unwrap_or(Duration::MAX),
            fingerprints: RandomState::new(),
            state: RwLock::default(),
        }
    }

    fn print(&self, hash: &HashedKey) -> u64 {
        self.fingerprints.hash_one(hash.as_str())
    }

    /// The entry of `hash`, and whether it is of the current generation.
    fn entry(&self, hash: &HashedKey) -> Option<(Arc<Entry>, bool)> {
        let state = self.state.read().unwrap_or_else(PoisonError::into_inner);
        let entry = state.entries.get(&self.print(hash))?;
        // A fingerprint is not the hash: two hashes may share one.
        (entry.row.key == hash.as_str())
            .then(|| (entry.clone(), entry.generation == state.generation))
    }

    /// Whether `hash` was last seen naming a plain key (a change since
    /// does not matter: this is a hint for which statement to run).
    pub(crate) fn knows(&self, hash: &HashedKey) -> bool {
        self.entry(hash).is_some()
    }

    /// The row of `hash` if it was read less than the TTL before `now`,
    /// except for the one caller that is to read it again: the first to
    /// ask in the last quarter of the TTL (see the module's "refresh
    /// ahead").
    pub(crate) fn fresh(&self, hash: &HashedKey, now: PrimitiveDateTime) -> Option<Arc<Entry>> {
        if self.ttl <= Duration::ZERO {
            return None;
        }
        let (entry, current) = self.entry(hash)?;
        // A clock set back makes no row fresh for longer than the TTL.
        let age = now - entry.read_at;
        if !current || age < Duration::ZERO || age >= self.ttl {
            return None;
        }
        let refresh_due = age >= self.ttl - self.ttl / 4;
        if refresh_due && !entry.refreshing.swap(true, Ordering::Relaxed) {
            return None;
        }
        Some(entry)
    }

    /// The generation to pass to [`Self::remember`] for a read starting now.
    pub(crate) fn generation(&self) -> Generation {
        Generation(
            self.state
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .generation,
        )
    }

    /// Remembers `row`, read at `read_at` for the presented `hash`, unless
    /// keys changed since `seen` or the hash is the key's previous secret.
    pub(crate) fn remember(
        &self,
        hash: &HashedKey,
        row: &ApiKey,
        read_at: PrimitiveDateTime,
        seen: Generation,
    ) {
        if row.key != hash.as_str() {
            return;
        }
        let print = self.print(hash);
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if state.generation != seen.0 {
            return;
        }
        let mut row = row.clone();
        match state.entries.get(&print) {
            // A refresh replaces a row that already answered admissions:
            // its answers must not count back (an admission counted in
            // memory may have been written between the read and now).
            Some(old) if old.row.key == row.key && old.generation == seen.0 => {
                let answered = old
                    .row
                    .usage_count
                    .saturating_add(i64::from(old.admitted.load(Ordering::Relaxed)));
                row.usage_count = row.usage_count.max(answered);
            }
            Some(_) => {}
            None if state.entries.len() >= MAX_ENTRIES => state.entries.clear(),
            None => {}
        }
        state.entries.insert(
            print,
            Arc::new(Entry {
                row,
                read_at,
                generation: seen.0,
                admitted: AtomicI32::new(0),
                refreshing: AtomicBool::new(false),
            }),
        );
    }

    /// Forgets `hash` (it no longer names a plain key).
    pub(crate) fn forget(&self, hash: &HashedKey) {
        let print = self.print(hash);
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        if state
            .entries
            .get(&print)
            .is_some_and(|e| e.row.key == hash.as_str())
        {
            state.entries.remove(&print);
        }
    }

    /// Makes every cached row stale (called after this process changed
    /// keys); the entries stay as hints of which keys are plain.
    pub(crate) fn clear(&self) {
        let mut state = self.state.write().unwrap_or_else(PoisonError::into_inner);
        state.generation = state.generation.wrapping_add(1);
    }

    /// Rows cached (fresh or not).
    pub(crate) fn len(&self) -> usize {
        self.state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .entries
            .len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::rate_limits::test_support::key;

    fn at(ms: i64) -> PrimitiveDateTime {
        time::macros::datetime!(2026-01-01 0:00) + Duration::milliseconds(ms)
    }

    fn plain(secret: &str) -> (HashedKey, ApiKey) {
        let hash = crate::keys::PlainKey::presented(secret).hash();
        let mut row = key();
        row.key = hash.as_str().to_owned();
        row.usage_count = 10;
        (hash, row)
    }

    /// A cache of `ttl_ms` holding one plain key's row, read at 0.
    fn read_at_zero(ttl_ms: u64) -> (KeyCache, HashedKey, ApiKey) {
        let cache = KeyCache::new(std::time::Duration::from_millis(ttl_ms));
        let (hash, row) = plain("secret-a");
        cache.remember(&hash, &row, at(0), cache.generation());
        (cache, hash, row)
    }

    #[test]
    fn rows_are_fresh_for_the_ttl_only() {
        let (cache, hash, _) = read_at_zero(1_000);
        assert!(
            cache.fresh(&hash, at(999)).is_none(),
            "this caller refreshes"
        );
        assert!(cache.fresh(&hash, at(999)).is_some());
        assert!(cache.fresh(&hash, at(1_000)).is_none());
        assert!(cache.fresh(&hash, at(-1)).is_none(), "clock set back");
        assert!(
            cache.knows(&hash),
            "a stale row still says the key is plain"
        );
    }

    #[test]
    fn one_caller_reads_the_row_again_in_the_last_quarter_of_the_ttl() {
        let (cache, hash, row) = read_at_zero(1_000);
        assert!(cache.fresh(&hash, at(749)).is_some());
        assert!(
            cache.fresh(&hash, at(750)).is_none(),
            "the first caller in the last quarter refreshes"
        );
        assert!(cache.fresh(&hash, at(750)).is_some(), "the others do not");
        assert!(cache.fresh(&hash, at(999)).is_some());
        assert!(cache.fresh(&hash, at(1_000)).is_none());
        cache.remember(&hash, &row, at(760), cache.generation());
        assert!(cache.fresh(&hash, at(1_000)).is_some(), "the refreshed row");
        assert!(cache.fresh(&hash, at(1_510)).is_none());
        assert!(cache.fresh(&hash, at(1_510)).is_some());
    }

    #[test]
    fn a_refreshed_row_never_counts_back() {
        let (cache, hash, row) = read_at_zero(1_000);
        let entry = cache.fresh(&hash, at(1)).unwrap();
        entry.admit(at(1));
        entry.admit(at(2));
        // Read before those two were written: still 10 in the database.
        cache.remember(&hash, &row, at(800), cache.generation());
        let refreshed = cache.fresh(&hash, at(801)).unwrap();
        assert_eq!(refreshed.admit(at(801)).usage_count, 13);
        let mut newer = row.clone();
        newer.usage_count = 20;
        cache.remember(&hash, &newer, at(1_600), cache.generation());
        assert_eq!(cache.fresh(&hash, at(1_601)).unwrap().row().usage_count, 20);
    }

    #[test]
    fn a_zero_ttl_caches_nothing_but_remembers_plain_keys() {
        let (cache, hash, _) = read_at_zero(0);
        assert!(cache.fresh(&hash, at(0)).is_none());
        assert!(cache.knows(&hash));
    }

    #[test]
    fn a_read_from_before_a_change_is_not_remembered() {
        let cache = KeyCache::new(std::time::Duration::from_secs(1));
        let (hash, row) = plain("secret-a");
        let seen = cache.generation();
        cache.clear();
        cache.remember(&hash, &row, at(0), seen);
        assert!(!cache.knows(&hash));
        cache.remember(&hash, &row, at(0), cache.generation());
        assert!(cache.fresh(&hash, at(0)).is_some());
        cache.clear();
        // Stale at once, still a hint that the key is plain.
        assert!(cache.fresh(&hash, at(0)).is_none());
        assert!(cache.knows(&hash));
    }

    #[test]
    fn only_the_current_secret_is_cached() {
        let cache = KeyCache::new(std::time::Duration::from_secs(1));
        let (hash, row) = plain("secret-a");
        let (previous, _) = plain("secret-old");
        cache.remember(&previous, &row, at(0), cache.generation());
        assert!(!cache.knows(&previous));
        assert!(cache.fresh(&hash, at(0)).is_none());
    }

    #[test]
    fn admissions_from_an_entry_add_up_in_usage_count() {
        let (cache, hash, _) = read_at_zero(1_000);
        let entry = cache.fresh(&hash, at(5)).unwrap();
        assert_eq!(entry.admit(at(5)).usage_count, 11);
        let second = entry.admit(at(7));
        assert_eq!(second.usage_count, 12);
        assert_eq!(second.last_request, Some(at(7)));
        assert_eq!(entry.row().usage_count, 10);
    }

    #[test]
    fn forget_drops_one_key() {
        let (cache, hash, _) = read_at_zero(1_000);
        cache.forget(&hash);
        assert!(!cache.knows(&hash));
        assert_eq!(cache.len(), 0);
    }
}
