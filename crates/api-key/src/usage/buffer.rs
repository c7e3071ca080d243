//! The usage log's bounded buffer and its flusher loop.
//!
//! The buffer keeps each request as a small fixed-size [`Numbered`] entry;
//! its key id and route (method and path) are numbered in [`Names`], which
//! lives exactly as long as the entries that use it (the next flush takes
//! both). Recording a request whose key and route were seen since the
//! last flush allocates nothing, and the flush hashes no string again.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};

use crate::sync::lock;

use latchkey_session::db::DbPool;
use latchkey_session::{SharedClock, StorageError};
use time::PrimitiveDateTime;

use super::UsageLogOptions;
use crate::db::queries::usage as queries;
use crate::db::usage::names::{Names, Numbered};
use crate::db::usage::{codec, NewUsage};

#[derive(Default)]
struct Queue {
    entries: VecDeque<Numbered>,
    names: Names,
    stopping: bool,
}

/// What the middleware, the flusher thread and the handles share.
pub(super) struct Shared {
    queue: Mutex<Queue>,
    /// Wakes the flusher: a full batch, or stop.
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
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            writer: Mutex::new(()),
            dropped: AtomicU64::new(0),
            written: AtomicU64::new(0),
            pool,
            clock,
            options,
        }
    }

    pub(super) fn now(&self) -> PrimitiveDateTime {
        self.clock.now()
    }

    pub(super) fn push(&self, request: &NewUsage<&str>) {
        let mut queue = lock(&self.queue);
        if queue.entries.len() >= self.options.capacity {
            queue.entries.pop_front();
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        let entry = queue.names.number(request);
        queue.entries.push_back(entry);
        if queue.entries.len() == self.options.flush_size {
            self.wake.notify_one();
        }
    }

    pub(super) fn pending(&self) -> usize {
        lock(&self.queue).entries.len()
    }

    pub(super) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub(super) fn written(&self) -> u64 {
        self.written.load(Ordering::Relaxed)
    }

    pub(super) fn stop(&self) {
        lock(&self.queue).stopping = true;
        self.wake.notify_all();
    }

    /// Puts entries the database could not take back in front of the
    /// buffer (they are older than everything there), dropping the oldest
    /// of them that no longer fit.
    fn requeue(&self, rest: &[Numbered], names: &Names) {
        let mut queue = lock(&self.queue);
        let overflow = (queue.entries.len() + rest.len()).saturating_sub(self.options.capacity);
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

    /// Writes everything buffered, grouped by key, a batch (one chunk per
    /// key) at a time. When the database is unavailable the rest goes back
    /// to the buffer (unless `last`: then it is dropped, as nobody will
    /// retry); any other failure drops the batch, so one bad batch cannot
    /// stall the log.
    pub(super) fn flush(&self, last: bool) -> Result<usize, StorageError> {
        let _writer = lock(&self.writer);
        let (entries, names) = {
            let mut queue = lock(&self.queue);
            (
                std::mem::take(&mut queue.entries),
                std::mem::take(&mut queue.names),
            )
        };
        let mut entries = Vec::from(entries);
        // Grouped by key (keys are numbered as they first appear; the sort
        // is stable, so each key's entries keep their order), a batch holds
        // whole runs of keys: a key gets one chunk per flush, not one per
        // batch, whatever the statement size.
        entries.sort_by_key(|entry| entry.key);
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

    /// The flusher thread: wait for `flush_size` entries, the interval or stop;
    /// write; repeat. After a failed write it waits a whole interval before
    /// retrying. On stop, one last flush.
    pub(super) fn run_flusher(&self) {
        let mut reported_drops = 0;
        let mut failed = false;
        loop {
            let stopping = {
                let queue = lock(&self.queue);
                let flush_due = queue.entries.len() >= self.options.flush_size;
                if (failed || !flush_due) && !queue.stopping {
                    self.wake
                        .wait_timeout(queue, self.options.flush_interval)
                        .map_or_else(|e| e.into_inner().0.stopping, |(q, _)| q.stopping)
                } else {
                    queue.stopping
                }
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
