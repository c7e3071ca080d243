//! Admitting keys that need no counter charged without writing to the
//! database on the request path.
//!
//! A key with no `remaining` and no rate limit that applies ("plain") has
//! nothing to charge: verification only records `lastRequest`, `updatedAt`
//! and latchkey's `usageCount`. For such keys verify reads the row (one
//! indexed `SELECT`, so a disabled, expired, rotated or deleted key is
//! refused at once, exactly as before) and adds the admission to a small
//! in-memory table instead of updating the row. One thread per
//! [`KeyCounters`] writes the table every flush interval (default 1 s),
//! one transaction for all keys; management reads of this process (get,
//! list, update, rotate, stats) write it first, so they show every
//! admission this process made.
//!
//! Which keys are plain is remembered, with their rows, in a short-lived
//! cache ([`crate::key_cache`]): a fresh row admits the key with no
//! database round trip at all; a stale one is a hint, never a verdict: the
//! key is read again and, if it has meanwhile gained a budget or a rate
//! limit, goes on to the one atomic statement, which always decides keys
//! with counters. Unknown keys take that statement too, and are
//! remembered when it shows they are plain.
//!
//! What a crash loses: the admissions of plain keys not yet written, at
//! most one flush interval of them, and only their `usageCount` and
//! `lastRequest`. Nothing that decides admission is ever held here.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use latchkey_session::db::{DbConnection, DbPool};
use latchkey_session::StorageError;
use time::PrimitiveDateTime;

use crate::db::models::ApiKey;
use crate::db::queries::counters as queries;
use crate::key_cache::{Entry, Generation, KeyCache};
use crate::keys::HashedKey;
use crate::sync::{lock, Worker};

/// Keys with unwritten admissions that wake the flusher before its time.
const EAGER_FLUSH: usize = 4_096;
/// Keys with unwritten admissions at most; a new key beyond is not counted.
const MAX_PENDING: usize = 100_000;

/// Whether verifying `key` charges nothing: no `remaining`, and neither
/// better-auth's rate limit nor latchkey's windows apply (the conditions
/// of the verify statement's `remaining`, `{RL_ON}` and `{WINDOWS_ON}`).
pub fn is_plain(key: &ApiKey, rate_limit_enabled: bool) -> bool {
    key.remaining.is_none()
        && !crate::rate_limits::single_window_applies(key, rate_limit_enabled)
        && !crate::rate_limits::windows_apply(key, rate_limit_enabled)
}

/// Admissions of one key not yet written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// How many.
    pub count: i32,
    /// The latest of their times.
    pub last: PrimitiveDateTime,
}

impl Pending {
    fn merge(&mut self, other: Pending) {
        self.count = self.count.saturating_add(other.count);
        self.last = self.last.max(other.last);
    }
}

#[derive(Default)]
struct Table {
    pending: HashMap<String, Pending>,
    stopping: bool,
    dropped: u64,
}

struct Shared {
    pool: DbPool,
    interval: Duration,
    table: Mutex<Table>,
    wake: Condvar,
    /// Held while a batch is written, so a flush waits for one under way.
    writer: Mutex<()>,
    cache: KeyCache,
    /// The flusher thread, started with the first plain admission.
    worker: Worker,
}

/// The plain-key admissions of one process (shared by every clone) and
/// the thread that writes them. The thread starts with the first plain
/// admission; it stops, writing what is left, when the last clone goes.
#[derive(Clone)]
pub struct KeyCounters {
    handle: Arc<Handle>,
}

/// Stops the flusher when the last [`KeyCounters`] clone is dropped.
struct Handle(Arc<Shared>);

impl Drop for Handle {
    fn drop(&mut self) {
        self.0.stop();
    }
}

impl std::fmt::Debug for KeyCounters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCounters")
            .field("pending", &self.pending())
            .field("interval", &self.handle.0.interval)
            .finish()
    }
}

impl KeyCounters {
    /// Counters over a pool, written every `interval`, with plain keys'
    /// rows cached for `cache_ttl` (zero: not cached).
    pub fn new(pool: DbPool, interval: Duration, cache_ttl: Duration) -> Self {
        let shared = Shared {
            pool,
            interval,
            table: Mutex::new(Table::default()),
            wake: Condvar::new(),
            writer: Mutex::new(()),
            cache: KeyCache::new(cache_ttl),
            worker: Worker::new("latchkey-key-counters"),
        };
        Self {
            handle: Arc::new(Handle(Arc::new(shared))),
        }
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.handle.0
    }

    /// Whether `hash` was last seen naming a plain key.
    pub fn looks_plain(&self, hash: &HashedKey) -> bool {
        self.shared().cache.knows(hash)
    }

    /// The cached row of the plain key `hash`, if read less than the cache
    /// TTL before `now`.
    pub(crate) fn cached(&self, hash: &HashedKey, now: PrimitiveDateTime) -> Option<Arc<Entry>> {
        self.shared().cache.fresh(hash, now)
    }

    /// The cache generation a read of a key starts in.
    pub(crate) fn generation(&self) -> Generation {
        self.shared().cache.generation()
    }

    /// Remembers the row of the plain key `hash`, read (and admitted) at
    /// `now`, unless keys changed since `seen`.
    pub(crate) fn remember(
        &self,
        hash: &HashedKey,
        row: &ApiKey,
        now: PrimitiveDateTime,
        seen: Generation,
    ) {
        self.shared().cache.remember(hash, row, now, seen);
    }

    /// Remembers the row of the plain key `hash`, read at `now` (and not
    /// admitted: a verify refused it), with this process's unwritten
    /// admissions in its `usageCount`, unless keys changed since `seen`.
    pub(crate) fn remember_refused(
        &self,
        hash: &HashedKey,
        row: ApiKey,
        now: PrimitiveDateTime,
        seen: Generation,
    ) {
        self.remember(hash, &self.with_unwritten(row), now, seen);
    }

    /// Forgets `hash`: it names a key with something to charge (or none).
    pub(crate) fn forget(&self, hash: &HashedKey) {
        self.shared().cache.forget(hash);
    }

    /// Makes every cached row stale: this process changed keys.
    pub fn keys_changed(&self) {
        self.shared().cache.clear();
    }

    /// Rows in the cache of plain keys (fresh or stale).
    pub fn cached_keys(&self) -> usize {
        self.shared().cache.len()
    }

    /// A key a charging statement admitted at `now` (its read started in
    /// `seen`): when it turns out plain, answered with this process's
    /// unwritten admissions in its `usageCount` (so answers never count
    /// back) and remembered as plain, with its row.
    pub(crate) fn charged(
        &self,
        hash: &HashedKey,
        admitted: ApiKey,
        now: PrimitiveDateTime,
        seen: Generation,
        rate_limit_enabled: bool,
    ) -> ApiKey {
        if !is_plain(&admitted, rate_limit_enabled) {
            return admitted;
        }
        let admitted = self.with_unwritten(admitted);
        self.remember(hash, &admitted, now, seen);
        admitted
    }

    /// `key` read from the database, with this process's admissions of it
    /// not yet written added to its `usageCount`.
    fn with_unwritten(&self, mut key: ApiKey) -> ApiKey {
        let unwritten = lock(&self.shared().table)
            .pending
            .get(&key.id)
            .map_or(0, |pending| pending.count);
        key.usage_count = key.usage_count.saturating_add(i64::from(unwritten));
        key
    }

    /// Counts an admission of the plain key answered from the cache
    /// `entry` at `now`, and answers the key as admitted.
    pub(crate) fn admit_cached(&self, entry: &Entry, now: PrimitiveDateTime) -> ApiKey {
        self.count(&entry.row().id, now);
        entry.admit(now)
    }

    /// Counts an admission of the plain key `key` at `now`, and answers the
    /// key as admitted: `lastRequest` now, `usageCount` with this
    /// process's unwritten admissions.
    pub fn admit(&self, mut key: ApiKey, now: PrimitiveDateTime) -> ApiKey {
        let unwritten = self.count(&key.id, now);
        key.usage_count = key.usage_count.saturating_add(i64::from(unwritten));
        key.last_request = Some(key.last_request.map_or(now, |at| at.max(now)));
        key.updated_at = key.updated_at.max(now);
        key
    }

    /// Counts an admission of the key `id` at `now`; answers its
    /// admissions not yet written.
    fn count(&self, id: &str, now: PrimitiveDateTime) -> i32 {
        let shared = self.shared();
        let admission = Pending {
            count: 1,
            last: now,
        };
        let (unwritten, wake) = {
            let mut table = lock(&shared.table);
            let len = table.pending.len();
            match table.pending.get_mut(id) {
                Some(pending) => {
                    pending.merge(admission);
                    (pending.count, false)
                }
                None if len >= MAX_PENDING => {
                    table.dropped += 1;
                    (0, true)
                }
                None => {
                    table.pending.insert(id.to_owned(), admission);
                    (1, len + 1 >= EAGER_FLUSH)
                }
            }
        };
        shared.ensure_thread();
        if wake {
            shared.wake.notify_one();
        }
        unwritten
    }

    /// Writes every admission counted so far, on `conn`. When this returns
    /// `Ok`, each of them is in the database; on an error they stay
    /// counted here for the next flush. Returns how many keys it wrote.
    pub fn flush_on(&self, conn: &mut DbConnection) -> diesel::QueryResult<usize> {
        self.shared()
            .flush_with(|batch| queries::add_usage(conn, batch))
    }

    /// [`Self::flush_on`] a connection of the pool (it blocks: for tests,
    /// shutdown and hosts that read the table directly, not for handlers).
    pub fn flush_now(&self) -> Result<usize, StorageError> {
        let mut conn = self.shared().pool.get().map_err(StorageError::from)?;
        Ok(self.flush_on(&mut conn)?)
    }

    /// Keys with admissions not yet written.
    pub fn pending(&self) -> usize {
        lock(&self.shared().table).pending.len()
    }

    /// Admissions not counted since start (too many keys waiting).
    pub fn dropped(&self) -> u64 {
        lock(&self.shared().table).dropped
    }
}

impl Shared {
    fn ensure_thread(self: &Arc<Self>) {
        // Without a thread, admissions stay in the table for the next
        // flush_on (reads, shutdown).
        let shared = self.clone();
        self.worker.start(move || shared.run());
    }

    /// The flusher: writes the table every interval, at once when it grows
    /// large, and one last time when stopped.
    fn run(self: Arc<Self>) {
        loop {
            let stopping = {
                let table = lock(&self.table);
                let (table, _) = self
                    .wake
                    .wait_timeout_while(table, self.interval, |t| {
                        !t.stopping && t.pending.len() < EAGER_FLUSH
                    })
                    .unwrap_or_else(PoisonError::into_inner);
                table.stopping
            };
            if !lock(&self.table).pending.is_empty() {
                let written = match self.pool.get() {
                    Ok(mut conn) => self
                        .flush_with(|batch| queries::add_usage(&mut conn, batch))
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(e) = written {
                    tracing::warn!(error = %e, "key counters not written; will retry");
                    if !stopping {
                        // Do not spin while the database is away.
                        std::thread::sleep(self.interval);
                    }
                }
            }
            if stopping {
                return;
            }
        }
    }

    /// Takes the table and writes it with `write`; puts it back on failure.
    fn flush_with(
        &self,
        write: impl FnOnce(&[(String, Pending)]) -> diesel::QueryResult<()>,
    ) -> diesel::QueryResult<usize> {
        let _writer = lock(&self.writer);
        let mut batch: Vec<(String, Pending)> = {
            let mut table = lock(&self.table);
            table.pending.drain().collect()
        };
        if batch.is_empty() {
            return Ok(0);
        }
        // One order for every writer, so two flushes never deadlock.
        batch.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        match write(&batch) {
            Ok(()) => Ok(batch.len()),
            Err(e) => {
                let mut table = lock(&self.table);
                for (id, pending) in batch {
                    table
                        .pending
                        .entry(id)
                        .and_modify(|p| p.merge(pending))
                        .or_insert(pending);
                }
                Err(e)
            }
        }
    }

    fn stop(&self) {
        lock(&self.table).stopping = true;
        self.wake.notify_all();
        self.worker.join();
    }
}
