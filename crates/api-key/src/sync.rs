//! Locking for the in-memory tables of the background threads (the usage
//! log's buffer, the plain keys' counters, the verify batches), their
//! joining, and the process's SQLite writer lock.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

/// Locks a mutex, ignoring poisoning: the tables these mutexes guard (queues
/// and maps of counts) stay consistent whatever panicked while holding them,
/// and a writer thread must keep writing after a panic elsewhere.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A background thread started once (on first need: the plain keys'
/// counters, the verify batches; at start: the usage log's flusher) and
/// joined once when its owner stops.
pub(crate) struct Worker {
    name: &'static str,
    /// [`IDLE`], [`RUNNING`] or [`DOWN`]: read by every start, so a start
    /// once the thread runs costs one atomic load.
    state: AtomicU8,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// Not started yet.
const IDLE: u8 = 0;
/// A thread was started.
const RUNNING: u8 = 1;
/// No thread could be made, or the worker was stopped.
const DOWN: u8 = 2;

impl Worker {
    /// A worker whose thread, once started, is called `name`.
    pub(crate) const fn new(name: &'static str) -> Self {
        Self {
            name,
            state: AtomicU8::new(IDLE),
            thread: Mutex::new(None),
        }
    }

    /// Starts `run` on the worker's thread unless that was done (or the
    /// worker stopped) before. True when a thread was started, now or
    /// before; false when none could be made (logged) or after a stop.
    pub(crate) fn start(&self, run: impl FnOnce() + Send + 'static) -> bool {
        self.spawn(run).unwrap_or_else(|e| {
            tracing::error!(thread = self.name, error = %e, "cannot start a latchkey background thread");
            false
        })
    }

    /// [`Self::start`] for an owner that reports a thread that could not
    /// be made itself: that is the error (and the worker is down).
    pub(crate) fn spawn(&self, run: impl FnOnce() + Send + 'static) -> std::io::Result<bool> {
        match self.state.load(Ordering::Acquire) {
            RUNNING => return Ok(true),
            DOWN => return Ok(false),
            _ => {}
        }
        let mut thread = lock(&self.thread);
        match self.state.load(Ordering::Acquire) {
            RUNNING => return Ok(true),
            DOWN => return Ok(false),
            _ => {}
        }
        match std::thread::Builder::new()
            .name(self.name.into())
            .spawn(run)
        {
            Ok(handle) => {
                *thread = Some(handle);
                self.state.store(RUNNING, Ordering::Release);
                Ok(true)
            }
            Err(e) => {
                self.state.store(DOWN, Ordering::Release);
                Err(e)
            }
        }
    }

    /// Waits for the thread (told to stop by its owner) to end, once; no
    /// later [`Self::start`] starts one.
    pub(crate) fn join(&self) {
        let thread = {
            let mut thread = lock(&self.thread);
            self.state.store(DOWN, Ordering::Release);
            thread.take()
        };
        if let Some(thread) = thread {
            if thread.join().is_err() {
                tracing::error!(thread = self.name, "a latchkey background thread panicked");
            }
        }
    }
}

/// Held by every statement of this process that writes SQLite on a
/// request's behalf or in bulk: verify's `UPDATE`s (of one key or a batch
/// of keys) and the usage log's batches. SQLite lets one connection write
/// at a time; the others wait in its busy handler, which sleeps between
/// tries (1 ms, 2 ms, 5 ms, … up to 100 ms), so writers queued there lose
/// both throughput and latency. Queued here instead, each starts as soon as
/// the previous one is done. (Other processes, and writers that do not
/// take it, still meet the busy timeout.) Take it after checking out the
/// pool connection, never before: a writer waiting for a connection while
/// holding it would stall every other writer.
pub(crate) fn sqlite_writer() -> MutexGuard<'static, ()> {
    static WRITER: Mutex<()> = Mutex::new(());
    lock(&WRITER)
}

/// [`sqlite_writer`] for a writer on `conn`: held on SQLite, nothing on
/// PostgreSQL (whose writers wait on the rows they lock, not on a file).
pub(crate) fn sqlite_writer_for(
    conn: &latchkey_session::db::DbConnection,
) -> Option<MutexGuard<'static, ()>> {
    matches!(conn, latchkey_session::db::DbConnection::Sqlite(_)).then(sqlite_writer)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::Worker;
    use std::sync::mpsc;

    #[test]
    fn a_worker_starts_once_and_never_after_it_stopped() {
        let worker = Worker::new("latchkey-test-worker");
        let (ran, runs) = mpsc::channel();
        let first = ran.clone();
        assert!(worker.start(move || first.send(1).unwrap()));
        let second = ran.clone();
        assert!(worker.start(move || second.send(2).unwrap()));
        worker.join();
        assert!(!worker.start(move || ran.send(3).unwrap()));
        // Only the first closure ran; the others were dropped unrun.
        assert_eq!(runs.iter().collect::<Vec<_>>(), vec![1]);
    }
}
