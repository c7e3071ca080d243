//! Charging the verifies that arrive together in one statement.
//!
//! Under load many verifies of keys with counters are in flight at once,
//! and each used to be its own `UPDATE … RETURNING` and its own commit:
//! the database's per-statement and per-commit work, not the rows, bound
//! the rate. A [`Batcher`] queues them instead; one thread per process
//! takes everything queued, charges all of those keys in one commit
//! ([`crate::db::queries::batch::charge_batch`]: the verify statement over
//! a list of keys, every condition evaluated per row exactly as for one
//! key), and answers each waiting verify. While that
//! statement runs, the next batch gathers, so the batches grow with the
//! load and a lone verify waits for nobody.
//!
//! A hot key's verifies in one batch are charged together too (on
//! PostgreSQL in the same statement, as many as one-by-one verifies would
//! admit; on SQLite one after another in the same transaction), so they
//! wait for one commit instead of each for the previous one's. Only
//! verifies with no permission or configuration condition join a batch.
//! A verify the batch did not admit (refused, unknown, a previous secret in
//! its grace period, a shape left to the one-key statement) comes back
//! undecided, and the caller verifies it alone, which also says why it is
//! refused. A batch that fails answers its verifies with an error (503):
//! the failure may have come after the commit, so they are never charged
//! again. Nothing is charged twice.

use std::sync::{Arc, Condvar, Mutex, PoisonError};

use futures_channel::oneshot;
use latchkey_session::db::DbPool;
use latchkey_session::{SharedClock, StorageError};
use time::PrimitiveDateTime;

use crate::db::models::ApiKey;
use crate::db::queries::batch::charge_batch;
use crate::keys::HashedKey;
use crate::sync::{lock, Worker};

/// Keys per statement at most; beyond, verifies take the one-key path.
const MAX_BATCH: usize = 256;

/// The verifies of one process waiting for the next batch, and the thread
/// that runs the batches. Cheap to clone; the thread starts with the first
/// verify and stops (answering what is queued) when the last clone goes.
#[derive(Clone)]
pub struct Batcher {
    handle: Arc<Handle>,
}

impl std::fmt::Debug for Batcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher").finish_non_exhaustive()
    }
}

/// Stops the thread when the last [`Batcher`] clone is dropped.
struct Handle(Arc<Shared>);

impl Drop for Handle {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// What a batch made of one verify.
#[derive(Debug)]
pub enum Charge {
    /// Admitted and charged: the row as this admission left it, and the
    /// batch's time.
    Admitted(Box<ApiKey>, PrimitiveDateTime),
    /// Not charged (refused, unknown, not batchable, or no batch to join):
    /// the caller decides it alone.
    Undecided,
    /// The batch failed, perhaps after it committed: the outcome is
    /// unknown, so the verify must answer an error, never be charged again.
    Failed,
}

struct Waiter {
    hash: HashedKey,
    reply: oneshot::Sender<Charge>,
}

impl Waiter {
    fn answer(self, charge: Charge) {
        // A verify that gave up meanwhile (its request cancelled) may have
        // been charged all the same, as one whose answer was lost on the way.
        let _ = self.reply.send(charge);
    }
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Waiter>,
    stopping: bool,
}

struct Shared {
    pool: DbPool,
    clock: SharedClock,
    rate_limit_enabled: bool,
    queue: Mutex<Queue>,
    /// Wakes the thread: a first verify queued, or stop.
    wake: Condvar,
    /// The thread that runs the batches, started with the first verify.
    worker: Worker,
}

impl Batcher {
    /// A batcher over a pool and a clock (the batch's time is the clock's
    /// when its statement starts).
    pub fn new(pool: DbPool, clock: SharedClock, rate_limit_enabled: bool) -> Self {
        let shared = Shared {
            pool,
            clock,
            rate_limit_enabled,
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            worker: Worker::new("latchkey-verify-batches"),
        };
        Self {
            handle: Arc::new(Handle(Arc::new(shared))),
        }
    }

    /// Admits and charges the key `hash` in the next batch ([`Charge`]).
    pub async fn consume(&self, hash: &HashedKey) -> Charge {
        let shared = &self.handle.0;
        let answer = {
            let mut queue = lock(&shared.queue);
            let full = queue.waiting.len() >= MAX_BATCH;
            if queue.stopping || full {
                return Charge::Undecided;
            }
            let (reply, answer) = oneshot::channel();
            queue.waiting.push(Waiter {
                hash: hash.clone(),
                reply,
            });
            if queue.waiting.len() == 1 {
                shared.wake.notify_one();
            }
            answer
        };
        if !shared.ensure_thread() {
            shared.give_up();
        }
        // A sender dropped unanswered: the thread died inside a batch.
        answer.await.unwrap_or(Charge::Failed)
    }
}

impl Shared {
    /// Starts the thread once; false when it cannot run (or stopped).
    fn ensure_thread(self: &Arc<Self>) -> bool {
        let shared = self.clone();
        self.worker.start(move || shared.run())
    }

    /// Stops taking verifies and answers those still queued "undecided"
    /// (none of them was in a batch): the thread is gone or cannot start.
    fn give_up(&self) {
        let waiting = {
            let mut queue = lock(&self.queue);
            queue.stopping = true;
            std::mem::take(&mut queue.waiting)
        };
        for waiter in waiting {
            waiter.answer(Charge::Undecided);
        }
    }

    /// The thread: take everything queued, charge it, answer; repeat. If
    /// it ever panics, the batch under way answers "failed" (its senders
    /// drop unanswered) and later verifies go one by one.
    fn run(&self) {
        struct GiveUp<'a>(&'a Shared);
        impl Drop for GiveUp<'_> {
            fn drop(&mut self) {
                self.0.give_up();
            }
        }
        let _give_up = GiveUp(self);
        loop {
            let batch = {
                let mut queue = lock(&self.queue);
                while queue.waiting.is_empty() && !queue.stopping {
                    queue = self
                        .wake
                        .wait(queue)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                if queue.waiting.is_empty() {
                    return;
                }
                std::mem::take(&mut queue.waiting)
            };
            self.charge(batch);
        }
    }

    /// Charges one batch and answers each of its verifies. A failure may
    /// come after the commit (a connection lost while reading the answer),
    /// so it answers every verify of the batch "failed".
    fn charge(&self, batch: Vec<Waiter>) {
        let now = self.clock.now();
        let hashes: Vec<HashedKey> = batch.iter().map(|w| w.hash.clone()).collect();
        let charged = self
            .pool
            .get()
            .map_err(StorageError::from)
            .and_then(|mut conn| {
                charge_batch(&mut conn, &hashes, now, self.rate_limit_enabled)
                    .map_err(StorageError::from)
            });
        match charged {
            Ok(rows) => {
                for (waiter, row) in batch.into_iter().zip(rows) {
                    waiter.answer(match row {
                        Some(row) => Charge::Admitted(Box::new(row), now),
                        None => Charge::Undecided,
                    });
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, verifies = hashes.len(), "verify batch failed");
                for waiter in batch {
                    waiter.answer(Charge::Failed);
                }
            }
        }
    }

    fn stop(&self) {
        lock(&self.queue).stopping = true;
        self.wake.notify_all();
        self.worker.join();
    }
}
