//! Locking for the in-memory tables of the background writers (the usage
//! log's buffer, the plain keys' counters).

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks a mutex, ignoring poisoning: the tables these mutexes guard (queues
/// and maps of counts) stay consistent whatever panicked while holding them,
/// and a writer thread must keep writing after a panic elsewhere.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
