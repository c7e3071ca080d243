//! The usage log's recording path alone, no HTTP and no flush: one
//! thread, then two, each recording 4 million entries as fast as it can.
//!
//!     cargo run --release -p latchkey-api-key --example usage_record
//!
//! It prints records a second and nanoseconds per record per thread. With
//! one buffer behind one mutex, a second thread made every record slower
//! (bench/RESULTS.md); with a shard per thread, it should not.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::sync::Arc;
use std::time::{Duration, Instant};

use latchkey_api_key::db::usage::NewUsage;
use latchkey_api_key::usage::{UsageLog, UsageLogOptions};
use latchkey_session::db::{open_pool, PoolOptions};
use latchkey_session::{Clock, SystemClock};

fn main() {
    let path =
        std::env::temp_dir().join(format!("latchkey-usage-record-{}.db", std::process::id()));
    let pool = open_pool(
        &format!("sqlite://{}", path.display()),
        &PoolOptions::default(),
    )
    .unwrap();
    let log = UsageLog::start(
        pool,
        Arc::new(SystemClock),
        UsageLogOptions {
            capacity: 1 << 30,
            batch_size: 10_000,
            flush_size: 1 << 30,
            flush_interval: Duration::from_secs(3600),
        },
    )
    .unwrap();
    let at = SystemClock.now();
    let per_thread = 4_000_000;
    for threads in [1, 2] {
        let start = Instant::now();
        std::thread::scope(|scope| {
            for t in 0..threads {
                let log = &log;
                scope.spawn(move || {
                    let key = format!("key-{}", t % 2);
                    for _ in 0..per_thread {
                        log.record(&NewUsage {
                            key_id: key.as_str(),
                            method: "GET",
                            path: "/api/ping",
                            status: 200,
                            duration_ms: 0,
                            created_at: at,
                        });
                    }
                });
            }
        });
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{threads} threads: {:.1} M records/s, {:.0} ns per record per thread",
            (threads * per_thread) as f64 / secs / 1e6,
            secs * 1e9 / per_thread as f64
        );
    }
    // Nothing is written: the entries were only there to be recorded.
    std::mem::forget(log);
    let _ = std::fs::remove_file(path);
}
