//! The usage log: every request a host route admits with a key (through
//! [`crate::VerifiedKey`]) is recorded (key id, method, path, status,
//! response time, time), without slowing or failing that request.
//!
//! The [`UsageLog`] middleware only appends an entry to a bounded in-memory
//! buffer (the calling thread's own shard of it, behind a mutex no other
//! worker takes; no I/O). One flusher thread per process writes the
//! buffer in batches whenever a batch is full or the flush interval has
//! passed, and everything left on [`UsageLog::shutdown`] (or when the last
//! handle is dropped). A batch is stored as one chunk per key (see
//! [`crate::db::usage`]): one row and one statement for thousands of
//! requests, which is what keeps the log's cost to the database small
//! beside the verifies it records. A full buffer drops its oldest entry and
//! counts it ([`UsageLog::dropped`]); a batch the database cannot take for
//! now goes back to the buffer.
//!
//! What a crash loses: the entries still in the buffer, that is at most
//! one flush interval of traffic (default 2 s) and never more than about
//! the capacity (default 100,000 entries). The log is statistics, not
//! billing: the counters that admit requests (`remaining`, rate limits
//! and their `requestCount`) are written synchronously by verify and lose
//! nothing.
//! (Keys with nothing to charge have their `usageCount`/`lastRequest`
//! written in batches too, see [`crate::counters`].)
//!
//! ```no_run
//! # fn demo(auth: latchkey_session::Auth) -> std::io::Result<()> {
//! use actix_web::{web, App, HttpServer};
//! use latchkey_api_key::usage::{UsageLog, UsageLogOptions};
//!
//! // Once per process, outside the per-worker app factory.
//! let usage = UsageLog::from_state(&auth.state(), UsageLogOptions::default())?;
//! let server = HttpServer::new({
//!     let usage = usage.clone();
//!     move || {
//!         let auth = auth.clone();
//!         App::new()
//!             .configure(move |cfg| auth.configure(cfg))
//!             .service(web::scope("/api").wrap(usage.clone()) /* .route(...) */)
//!     }
//! });
//! // … server.run().await, then:
//! usage.shutdown();
//! # Ok(()) }
//! ```

mod buffer;
mod middleware;

use std::sync::Arc;
use std::time::Duration;

use latchkey_session::db::DbPool;
use latchkey_session::{AuthState, SharedClock, StorageError};

use crate::db::usage::NewUsage;
use crate::sync::Worker;
use buffer::Shared;
pub use middleware::{Logged, UsageMiddleware};

/// Sizes and timing of the usage log.
#[derive(Debug, Clone)]
pub struct UsageLogOptions {
    /// Entries kept in memory at most; beyond, the oldest is dropped. The
    /// buffer is sharded by thread, and each thread that records keeps at
    /// most its share (this ÷ the threads recording so far; a shard filled
    /// before more threads joined keeps its larger share until the next
    /// flush empties it).
    pub capacity: usize,
    /// Entries per write statement at most. A flush groups what it writes
    /// by key first, so a key still gets one chunk per flush (more only
    /// when its entries outnumber this); the size bounds the memory a
    /// statement takes, not the number of rows.
    pub batch_size: usize,
    /// Entries buffered that wake the flusher at once (each recording
    /// thread's share of this wakes it).
    pub flush_size: usize,
    /// The flusher writes whatever is buffered at least this often. Longer
    /// intervals make fuller chunks, fewer rows.
    pub flush_interval: Duration,
}

impl Default for UsageLogOptions {
    fn default() -> Self {
        Self {
            // 28 bytes an entry (key ids and routes are stored once per
            // flush): under 3 MiB when full, plus the room each shard's
            // spare buffer keeps from its last flush. Statements of 50,000
            // entries grew the heap (bench/RESULTS.md); of 10,000, about
            // 160 KiB of JSON each.
            capacity: 100_000,
            batch_size: 10_000,
            flush_size: 50_000,
            flush_interval: Duration::from_secs(2),
        }
    }
}

/// Handle on the usage log of one process: the actix middleware (wrap a
/// scope or resource guarded by [`crate::VerifiedKey`] with a clone), and
/// its buffer and flusher thread. Cheap to clone; create it once, outside
/// `HttpServer::new`'s factory, so every worker shares one buffer.
#[derive(Clone)]
pub struct UsageLog {
    shared: Arc<Shared>,
    flusher: Arc<Flusher>,
}

impl std::fmt::Debug for UsageLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsageLog")
            .field("pending", &self.pending())
            .field("dropped", &self.dropped())
            .field("written", &self.written())
            .finish()
    }
}

/// Stops the flusher (writing what is left) when the last handle goes.
struct Flusher {
    shared: Arc<Shared>,
    worker: Worker,
}

impl Flusher {
    fn stop(&self) {
        self.shared.stop();
        self.worker.join();
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.stop();
    }
}

impl UsageLog {
    /// Starts the log's flusher thread over a pool and a clock.
    pub fn start(
        pool: DbPool,
        clock: SharedClock,
        options: UsageLogOptions,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::new(pool, clock, options));
        let worker = Worker::new("latchkey-usage-flusher");
        worker.spawn({
            let shared = shared.clone();
            move || shared.run_flusher()
        })?;
        Ok(Self {
            flusher: Arc::new(Flusher {
                shared: shared.clone(),
                worker,
            }),
            shared,
        })
    }

    /// Starts the log over the auth server's pool and clock.
    pub fn from_state(state: &AuthState, options: UsageLogOptions) -> std::io::Result<Self> {
        Self::start(state.pool.clone(), state.clock.clone(), options)
    }

    /// Buffers one entry (never blocks on I/O, never fails); when the
    /// buffer is full, the oldest entry is dropped and counted.
    pub fn record(&self, entry: &NewUsage<&str>) {
        self.shared.push(entry);
    }

    /// Writes everything buffered now, on the calling thread (it blocks:
    /// for tests and shutdown, not for request handlers). Returns how many
    /// rows were written. After it returns, every entry recorded before the
    /// call is in the database (or was dropped, or the error says why not).
    pub fn flush_now(&self) -> Result<usize, StorageError> {
        self.shared.flush(false)
    }

    /// Stops the flusher after it wrote what is left; later entries are
    /// still buffered and written by [`Self::flush_now`] only. Blocks until
    /// done. Call it after the server stopped (`server.run().await`).
    pub fn shutdown(&self) {
        self.flusher.stop();
    }

    /// Entries waiting in memory.
    pub fn pending(&self) -> usize {
        self.shared.pending()
    }

    /// Entries dropped since start (buffer full, or a batch refused).
    pub fn dropped(&self) -> u64 {
        self.shared.dropped()
    }

    /// Rows written since start.
    pub fn written(&self) -> u64 {
        self.shared.written()
    }
}
