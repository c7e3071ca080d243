//! Locking for the in-memory tables of the background threads (the usage
//! log's buffer, the plain keys' counters, the verify batches), and their
//! joining.

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
