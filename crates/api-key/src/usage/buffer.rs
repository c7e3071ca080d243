//! The usage log's bounded buffer and its flusher loop.
//!
//! The buffer keeps each request as a small fixed-size [`Numbered`] entry;
//! its key id and route (method and path) are numbered in [`Names`], which
//! lives exactly as long as the entries that use it (the next flush takes
//! both). Recording a request whose key and route were seen since the
//! last flush allocates nothing, and the flush hashes no string again.
//!
//! The buffer is sharded by thread: each thread records into its own
//! shard (its own mutex, entries and names), so the actix workers never
//! contend for one lock or pass its cache lines between cores; only the
//! flusher visits every shard. The capacity and the flush size are shared
//! out among the shards in use.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use crate::sync::lock;

use latchkey_session::db::DbPool;
use latchkey_session::{SharedClock, StorageError};

use super::UsageLogOptions;
use crate::db::queries::usage as queries;
use crate::db::usage::names::{Names, Numbered};
use crate::db::usage::{codec, NewUsage};

#[derive(Default)]
struct Queue {
    entries: VecDeque<Numbered>,
    names: Names,
}

impl Queue {
    /// Empties the queue, keeping the entries' room (but not four times
    /// more than the last flush used, so one burst is not kept forever).
    fn clear(&mut self) {
        let used = self.entries.len();
        self.entries.clear();
        if self.entries.capacity() > 4 * used.max(1024) {
            self.entries.shrink_to(used);
        }
        self.names = Names::default();
    }
}

/// One thread's part of the buffer (or several threads', when there are
/// more threads than shards). Aligned to its own cache lines, so that two
/// workers' shards never share one.
#[derive(Default)]
#[repr(align(128))]
struct Shard {
    queue: Mutex<Queue>,
    /// The buffer the shard's last flush emptied, kept to take the next
    /// one's entries: a worker's buffer then neither grows again after
    /// each flush nor is freed by another thread (which sent its later
    /// small allocations down malloc's slow path).
    spare: Mutex<Queue>,
    /// Set by the first entry: the shard counts among those in use.
    used: AtomicBool,
}

/// What wakes the flusher.
#[derive(Default)]
struct Signal {
    /// A shard reached its share of the flush size.
    due: bool,
    stopping: bool,
}

/// Process-wide numbers of the threads that record, in order of their
/// first entry: a thread's shard is its number modulo the shard count, so
/// the first threads (the workers) each get a shard of their own.
static NEXT_THREAD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static THREAD: Cell<Option<usize>> = const { Cell::new(None) };
}

fn thread_number() -> usize {
    THREAD.with(|number| {
        number.get().unwrap_or_else(|| {
            let next = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
            number.set(Some(next));
            next
        })
    })
}

/// Shards of a log: two per core, at most 64 (a buffer's shards cost
/// nothing until a thread records into them).
fn shard_count() -> usize {
    let cores = std::thread::available_parallelism().map_or(4, std::num::NonZeroUsize::get);
    (cores * 2).clamp(2, 64)
}

/// What the middleware, the flusher thread and the handles share.
pub(super) struct Shared {
    shards: Box<[Shard]>,
    /// Shards that ever held an entry: the capacity and the flush size
    /// are divided among them.
    in_use: AtomicUsize,
    signal: Mutex<Signal>,
    /// Wakes the flusher: a shard's share of the flush size, or stop.
    wake: Condvar,
    /// Held while a batch is taken and written, so batches land in the
    /// order they were recorded and `flush_now` waits for a flush under way.
    writer: Mutex<()>,
    dropped: AtomicU64,
    written: AtomicU64,
    pool: DbPool,
    clock: SharedClock,
    options: UsageLogOptions,
}

impl Shared {
    pub(super) fn new(pool: DbPool, clock: SharedClock, options: UsageLogOptions) -> Self {
        let options = UsageLogOptions {
            capacity: options.capacity.max(1),
            batch_size: options.batch_size.max(1),
            flush_size: options.flush_size.max(1),
            ..options
        };
        Self {
            shards: (0..shard_count()).map(|_| Shard::default()).collect(),
            in_use: AtomicUsize::new(0),
            signal: Mutex::new(Signal::default()),
            wake: Condvar::new(),
            writer: Mutex::new(()),
            dropped: AtomicU64::new(0),
            written: AtomicU64::new(0),
            pool,
            clock,
            options,
        }
    }

    /// The log's clock, as milliseconds since the Unix epoch.
    pub(super) fn now_unix_millis(&self) -> i64 {
        self.clock.now_unix_millis()
    }

    /// The calling thread's shard.
    fn thread_shard(&self) -> &Shard {
        &self.shards[thread_number() % self.shards.len()]
    }

    /// The calling thread's shard, counted in use from its first entry.
    fn my_shard(&self) -> &Shard {
        let shard = self.thread_shard();
        if !shard.used.load(Ordering::Relaxed) && !shard.used.swap(true, Ordering::Relaxed) {
            self.in_use.fetch_add(1, Ordering::Relaxed);
        }
        shard
    }

    /// A shard's share of `total` (the capacity, the flush size).
    fn share(&self, total: usize) -> usize {
        (total / self.in_use.load(Ordering::Relaxed).max(1)).max(1)
    }

    pub(super) fn push(&self, request: &NewUsage<&str>) {
        let shard = self.my_shard();
        let capacity = self.share(self.options.capacity);
        let flush_at = self.share(self.options.flush_size);
        let mut queue = lock(&shard.queue);
        // `while`: a shard filled before more threads recorded may hold
        // more than its share now.
        while queue.entries.len() >= capacity {
            queue.entries.pop_front();
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        let entry = queue.names.number(request);
        queue.entries.push_back(entry);
        let due = queue.entries.len() == flush_at;
        drop(queue);
        if due {
            lock(&self.signal).due = true;
            self.wake.notify_one();
        }
    }

    pub(super) fn pending(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| lock(&shard.queue).entries.len())
            .sum()
    }

    pub(super) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub(super) fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    pub(super) fn stop(&self) {
        lock(&self.signal).stopping = true;
        self.wake.notify_all();
    }

    /// Puts entries the database could not take back in front of the
    /// calling thread's shard (they are older than everything there),
    /// dropping the oldest of them that no longer fit. The shard is not
    /// counted in use for this: the flusher's retries must not shrink the
    /// recording threads' shares.
    fn requeue(&self, rest: &[Numbered], names: &Names) {
        let capacity = self.share(self.options.capacity);
        let mut queue = lock(&self.thread_shard().queue);
        let overflow = (queue.entries.len() + rest.len()).saturating_sub(capacity);
        let kept = rest.len().saturating_sub(overflow);
        self.dropped
            .fetch_add((rest.len() - kept) as u64, Ordering::Relaxed);
        for entry in rest.iter().rev().take(kept) {
            if let Some(request) = names.resolve(entry) {
                let entry = queue.names.number(&request);
                queue.entries.push_front(entry);
            }
        }
    }

    /// Everything buffered, taken out of every shard: the entries in one
    /// table of names.
    fn take(&self) -> (Vec<Numbered>, Names) {
        let mut names = Names::default();
        let mut entries = Vec::new();
        for shard in self.shards.iter() {
            let mut part = {
                let mut queue = lock(&shard.queue);
                if queue.entries.is_empty() {
                    continue;
                }
                let spare = std::mem::take(&mut *lock(&shard.spare));
                std::mem::replace(&mut *queue, spare)
            };
            let renumber = names.absorb(&part.names);
            entries.extend(
                part.entries
                    .iter()
                    .filter_map(|entry| renumber.apply(entry)),
            );
            part.clear();
            *lock(&shard.spare) = part;
        }
        (entries, names)
    }

    /// Writes everything buffered, grouped by key, a batch (one chunk per
    /// key) at a time. When the database is unavailable the rest goes back
    /// to the buffer (unless `last`: then it is dropped, as nobody will
    /// retry); any other failure drops the batch, so one bad batch cannot
    /// stall the log.
    pub(super) fn flush(&self, last: bool) -> Result<usize, StorageError> {
        let _writer = lock(&self.writer);
        let (mut entries, names) = self.take();
        // Grouped by key (keys are numbered as they first appear), a batch
        // holds whole runs of keys: a key gets one chunk per flush, not one
        // per batch, whatever the statement size. Within a key, by time:
        // the shards' entries interleave again; the sort is stable, so
        // entries of one time keep their order of arrival in a shard.
        entries.sort_by_key(|entry| (entry.key, entry.at));
        let mut total = 0;
        let size = self.options.batch_size;
        for start in (0..entries.len()).step_by(size) {
            let batch = &entries[start..entries.len().min(start + size)];
            let e = match self.write(batch, &names) {
                Ok(written) => {
                    total += written;
                    self.written.fetch_add(written as u64, Ordering::Relaxed);
                    continue;
                }
                Err(e) => e,
            };
            let mut retried = start;
            if !e.is_unavailable() || last {
                self.dropped
                    .fetch_add(batch.len() as u64, Ordering::Relaxed);
                retried += batch.len();
            }
            let retried = &mut entries[retried..];
            // Back in arrival order, so that an overflow drops the oldest.
            retried.sort_by_key(|entry| entry.at);
            self.requeue(retried, &names);
            return Err(e);
        }
        Ok(total)
    }

    /// Writes a batch as one chunk per key; returns how many entries.
    fn write(&self, batch: &[Numbered], names: &Names) -> Result<usize, StorageError> {
        let chunks = codec::chunks_of(batch, names)
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
        let mut conn = self.pool.get()?;
        queries::insert_chunks(&mut conn, &chunks)?;
        Ok(batch.len())
    }

    /// The flusher thread: wait for a shard's share of `flush_size`, the
    /// interval or stop; write; repeat. After a failed write it waits a
    /// whole interval before retrying. On stop, one last flush.
    pub(super) fn run_flusher(&self) {
        let mut reported_drops = 0;
        let mut failed = false;
        loop {
            let stopping = {
                let mut signal = lock(&self.signal);
                if (failed || !signal.due) && !signal.stopping {
                    signal = self
                        .wake
                        .wait_timeout(signal, self.options.flush_interval)
                        .map_or_else(|e| e.into_inner().0, |(signal, _)| signal);
                }
                signal.due = false;
                signal.stopping
            };
            failed = match self.flush(stopping) {
                Ok(_) => false,
                Err(e) => {
                    tracing::warn!(error = %e, pending = self.pending(), "usage log: cannot write a batch");
                    true
                }
            };
            let dropped = self.dropped();
            if dropped > reported_drops {
                tracing::warn!(
                    dropped = dropped - reported_drops,
                    "usage log: entries dropped (buffer full or batch refused)"
                );
                reported_drops = dropped;
            }
            if stopping {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use time::macros::datetime;

    use super::*;

    fn filled(entries: usize) -> Queue {
        let mut queue = Queue::default();
        let request = NewUsage {
            key_id: "k",
            method: "GET",
            path: "/p",
            status: 200,
            duration_ms: 0,
            created_at: datetime!(2026-11-24 7:00),
        };
        for _ in 0..entries {
            let entry = queue.names.number(&request);
            queue.entries.push_back(entry);
        }
        queue
    }

    #[test]
    fn a_cleared_queue_keeps_the_room_its_flush_used() {
        let mut queue = filled(10_000);
        let room = queue.entries.capacity();
        queue.clear();
        assert!(queue.entries.is_empty() && queue.names.keys() == 0);
        assert_eq!(queue.entries.capacity(), room);
    }

    #[test]
    fn a_cleared_queue_gives_back_room_a_burst_left() {
        let mut queue = filled(100_000);
        queue.entries.truncate(2_000);
        queue.clear();
        assert!(queue.entries.capacity() < 10_000);
    }
}
