//! Benchmark helper for `bench/run`.
//!
//! * `ceiling sql DATABASE_URL` prints, one per line, the Postgres statements
//!   of a verify: the one-statement `UPDATE … RETURNING` of
//!   `db::queries::verify::consume` (its text from
//!   `verify::statement_text`, binds named `$1`..`$7`; latchkey prepares the
//!   same text with one parameter per occurrence), then the lookup of
//!   `keys::find_by_hash`, captured from a real call on a connection with
//!   instrumentation, so pgbench runs the very same text.
//! * `ceiling awake` wakes every millisecond until killed (see
//!   [`keep_awake`]).
//! * `ceiling loop DATABASE_URL KEYS_FILE MODE THREADS SECONDS` calls
//!   `service::verify::verify_on` (MODE `verify`: the statement of a counted
//!   verify) or `keys::find_by_hash` (MODE `lookup`: the read-only lookup) in
//!   a tight loop from THREADS threads, each with its own pooled connection
//!   (same pool and pragmas as the server), on a key picked at random from
//!   KEYS_FILE (one full key per line), and prints one JSON line:
//!   `{"ops": N, "seconds": S, "ops_per_sec": R, "refused": F}`.

use std::error::Error;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::Connection;
use latchkey_api_key::db::queries::{keys, verify};
use latchkey_api_key::service::verify::{verify_on, VerifyRequest};
use latchkey_api_key::{HashedKey, PlainKey};
use latchkey_session::db::{open_pool, DbConnection, PoolOptions};
use rand::Rng;
use time::{OffsetDateTime, PrimitiveDateTime};

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

/// The same "now" as latchkey's system clock: UTC, milliseconds.
fn now() -> PrimitiveDateTime {
    let at = OffsetDateTime::now_utc();
    let at = at.replace_millisecond(at.millisecond()).unwrap_or(at);
    PrimitiveDateTime::new(at.date(), at.time())
}

/// Keeps the SQL of every query started on the connection.
struct Capture(Arc<Mutex<Vec<String>>>);

impl Instrumentation for Capture {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            // `Display` of a debug query is `SQL -- binds: [...]`.
            let sql = text.split(" -- binds: ").next().unwrap_or_default();
            if let Ok(mut seen) = self.0.lock() {
                seen.push(sql.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
}

fn print_sql(url: &str) -> Res<()> {
    let pool = open_pool(url, &PoolOptions::default())?;
    let mut conn = pool.get()?;
    let seen = Arc::new(Mutex::new(Vec::new()));
    match &mut *conn {
        DbConnection::Postgres(pg) => pg.set_instrumentation(Capture(seen.clone())),
        DbConnection::Sqlite(_) => return Err("`sql` needs a postgres:// URL".into()),
    }
    // A hash no key has: nothing is changed.
    let hash = HashedKey("latchkey-bench-no-such-key".into());
    let consume = verify::Consume {
        hash: &hash,
        now: now(),
        rate_limit_enabled: true,
        config_id: None,
        checked_permissions: None,
    };
    verify::consume(&mut conn, consume)?;
    keys::find_by_hash(&mut conn, &hash)?;
    let seen = seen.lock().map_err(|_| "poisoned")?;
    let wanted = |start: &str| {
        seen.iter()
            .find(|s| s.to_ascii_uppercase().starts_with(start))
            .cloned()
            .ok_or_else(|| format!("no {start} statement captured"))
    };
    let update = verify::statement_text(true);
    println!(
        "{}",
        update.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    println!("{}", wanted("SELECT")?);
    Ok(())
}

fn run_loop(url: &str, keys_file: &str, mode: &str, threads: usize, seconds: f64) -> Res<()> {
    let lookup = match mode {
        "verify" => false,
        "lookup" => true,
        other => return Err(format!("unknown mode {other} (verify|lookup)").into()),
    };
    let presented: Arc<Vec<PlainKey>> = Arc::new(
        std::fs::read_to_string(keys_file)?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(PlainKey::presented)
            .collect(),
    );
    if presented.is_empty() {
        return Err(format!("no keys in {keys_file}").into());
    }
    let threads = threads.max(1);
    let pool = open_pool(
        url,
        &PoolOptions {
            max_size: u32::try_from(threads)?,
            connection_timeout: Duration::from_secs(10),
        },
    )?;
    // Open every connection before the clock starts.
    let mut conns = Vec::with_capacity(threads);
    for _ in 0..threads {
        conns.push(pool.get()?);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let request = VerifyRequest::default();
    let started = Instant::now();
    let handles: Vec<_> = conns
        .into_iter()
        .map(|mut conn| {
            let (stop, ops, refused, presented, request) = (
                stop.clone(),
                ops.clone(),
                refused.clone(),
                presented.clone(),
                request.clone(),
            );
            std::thread::spawn(move || -> Res<()> {
                let mut rng = rand::thread_rng();
                let (mut done, mut bad) = (0u64, 0u64);
                while !stop.load(Ordering::Relaxed) {
                    let key = &presented[rng.gen_range(0..presented.len())];
                    let ok = if lookup {
                        keys::find_by_hash(&mut conn, &key.hash())?.is_some()
                    } else {
                        verify_on(&mut conn, key, &request, true, now())?.is_ok()
                    };
                    done += 1;
                    bad += u64::from(!ok);
                }
                ops.fetch_add(done, Ordering::Relaxed);
                refused.fetch_add(bad, Ordering::Relaxed);
                Ok(())
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    for handle in handles {
        handle.join().map_err(|_| "worker panicked")??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    // Not timed: hand the database back with a short WAL. This loop writes
    // faster than SQLite's automatic checkpoints can restart the WAL (it
    // reached 900 MB in 8 s), and the next writer, latchkey's first verify
    // after its restart in bench/run, would otherwise pay for copying it
    // all into the database (measured: 0.6 s).
    if let Ok(mut conn) = pool.get() {
        if matches!(*conn, DbConnection::Sqlite(_)) {
            conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?;
        }
    }
    let ops = ops.load(Ordering::Relaxed);
    println!(
        "{{\"ops\": {ops}, \"seconds\": {elapsed:.3}, \"ops_per_sec\": {:.1}, \"refused\": {}}}",
        ops as f64 / elapsed,
        refused.load(Ordering::Relaxed)
    );
    Ok(())
}

/// Wakes every millisecond, forever (`bench/run --awake` pins one per
/// core): a virtual CPU that never sits idle for long is not halted, and
/// on a host slow to resume halted vCPUs that wake-up is what the tail
/// latency measures. Costs well under 1% of a core.
fn keep_awake() -> ! {
    loop {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match args.as_slice() {
        ["sql", url] => print_sql(url),
        ["loop", url, keys_file, mode, threads, seconds] => match (threads.parse(), seconds.parse())
        {
            (Ok(threads), Ok(seconds)) => run_loop(url, keys_file, mode, threads, seconds),
            _ => Err("THREADS and SECONDS must be numbers".into()),
        },
        ["awake"] => keep_awake(),
        _ => Err("usage: ceiling sql POSTGRES_URL | ceiling loop DATABASE_URL KEYS_FILE verify|lookup THREADS SECONDS | ceiling awake".into()),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ceiling: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
