//! Locking for the in-memory tables of the background threads (the usage
//! log's buffer, the plain keys' counters, the verify batches), their
//! joining, and the process's SQLite writer lock.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

/// Locks a mutex, ignoring poisoning: the tables these mutexes guard (queues
/// and maps of counts) stay consistent whatever panicked while holding them,
/// and a writer thread must keep writing after a panic elsewhere.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Waits for a background thread kept in `thread` to end (it was told to
/// stop), once; `name` says in the log which one panicked, if it did.
pub(crate) fn join(thread: &Mutex<Option<JoinHandle<()>>>, name: &str) {
    let thread = lock(thread).take();
    if let Some(thread) = thread {
        if thread.join().is_err() {
            tracing::error!(thread = name, "a latchkey background thread panicked");
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
