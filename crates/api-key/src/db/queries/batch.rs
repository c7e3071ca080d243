//! Verifies charged together ([`crate::batch`]), one commit per batch
//! however many verifies it holds: distinct keys in one statement; on
//! PostgreSQL a batch that holds a key more than once in one statement that
//! charges each key as many times as it was presented; on SQLite (where
//! statements cost no round trip) a hot key's further verifies right after
//! the first, in one transaction.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use super::statement::{Bind, Statement, Template};
use super::verify::{consume_locked, render_for, Consume, Kind};
use crate::db::models::ApiKey;
use crate::keys::HashedKey;
use crate::rate_limits::epoch_ms;

/// Charges the verifies of `hashes` (in arrival order) at `now` as if each
/// ran [`super::verify::consume`] in that order, in one commit. Answers,
/// per verify, the row as its admission left it, or `None`: refused,
/// unknown, a previous secret, or a key of a shape left to the one-key
/// statement; not charged, for the caller to decide alone.
pub fn charge_batch(
    conn: &mut DbConnection,
    hashes: &[HashedKey],
    now: PrimitiveDateTime,
    rate_limit_enabled: bool,
) -> QueryResult<Vec<Option<ApiKey>>> {
    if hashes.is_empty() {
        return Ok(Vec::new());
    }
    let mut arrivals = Arrivals::new();
    for (n, hash) in hashes.iter().enumerate() {
        arrivals.entry(hash.as_str()).or_default().push(n);
    }
    match conn {
        // The repeated statement locks rows before it charges them, which
        // costs PostgreSQL about twice the plain UPDATE per row: worth it
        // only when a key is there more than once.
        DbConnection::Postgres(pg) if arrivals.len() < hashes.len() => {
            charge_repeated(pg, &arrivals, hashes.len(), now, rate_limit_enabled)
        }
        _ => charge_in_turn(conn, hashes, &arrivals, now, rate_limit_enabled),
    }
}

/// A batch's verifies by key: each distinct hash (in byte order, the order
/// the batch statements list and lock them in) and where its verifies
/// stand in arrival order.
type Arrivals<'a> = BTreeMap<&'a str, Vec<usize>>;

/// A key's row as it was after the verify `back` admissions before `row`
/// (the last of a key's verifies charged together): the counters that
/// those later admissions moved, moved back.
fn rewind(row: &ApiKey, back: i32, rate_limit_enabled: bool) -> ApiKey {
    let mut key = row.clone();
    if back == 0 {
        return key;
    }
    key.remaining = key.remaining.map(|r| r + back);
    key.usage_count -= i64::from(back);
    if crate::rate_limits::single_window_applies(&key, rate_limit_enabled) {
        key.request_count = key.request_count.map(|c| c - back);
    }
    if crate::rate_limits::windows_apply(&key, rate_limit_enabled) {
        let mut windows = crate::rate_limits::from_column(key.rate_limits.as_deref());
        for window in &mut windows {
            window.count = window.count.map(|c| c - i64::from(back));
        }
        key.rate_limits = serde_json::to_string(&windows).ok();
    }
    key
}

/// The binds of the batch statements: `$1` the keys, `$2` the time, `$3`
/// the plugin's rate-limit switch, no configuration (`$4`) or permission
/// (`$5`, `$6`) condition, `$7` the time in epoch ms, `$8` the uses.
fn batch_binds<'a>(
    keys: &'a str,
    now: PrimitiveDateTime,
    rate_limit_enabled: bool,
    uses: &'a str,
) -> [Bind<'a>; 8] {
    [
        Bind::Text(keys),
        Bind::Time(now),
        Bind::Bool(rate_limit_enabled),
        Bind::OptText(None),
        Bind::Bool(false),
        Bind::OptText(None),
        Bind::BigInt(epoch_ms(now)),
        Bind::Text(uses),
    ]
}

/// A row the repeated statement charged, and how many of its verifies.
#[derive(QueryableByName)]
struct Charged {
    #[diesel(embed)]
    key: ApiKey,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    admitted: i32,
}

/// PostgreSQL: every key of the batch, as many times as presented, in one
/// statement ([`Kind::Repeated`]); the first verifies of a key in arrival
/// order are the admitted ones.
fn charge_repeated(
    pg: &mut PgConnection,
    arrivals: &Arrivals<'_>,
    verifies: usize,
    now: PrimitiveDateTime,
    rate_limit_enabled: bool,
) -> QueryResult<Vec<Option<ApiKey>>> {
    static REPEATED: OnceLock<Template> = OnceLock::new();
    // Hashes are base64url: no comma to escape.
    let keys = arrivals.keys().copied().collect::<Vec<_>>().join(",");
    let uses = arrivals
        .values()
        .map(|arrived| arrived.len().to_string())
        .collect::<Vec<_>>()
        .join(",");
    let binds = batch_binds(&keys, now, rate_limit_enabled, &uses);
    let template = REPEATED.get_or_init(|| Template::new(&render_for(true, Kind::Repeated)));
    let rows = Statement::<RepeatedStatement>::new(template, &binds).load::<Charged>(pg)?;
    let mut charged: Vec<Option<ApiKey>> = vec![None; verifies];
    for row in rows {
        let Some(arrived) = arrivals.get(row.key.key.as_str()) else {
            continue;
        };
        let admitted = usize::try_from(row.admitted)
            .unwrap_or(0)
            .min(arrived.len());
        for (k, &n) in arrived.iter().take(admitted).enumerate() {
            let back = i32::try_from(admitted - 1 - k).unwrap_or(0);
            charged[n] = Some(rewind(&row.key, back, rate_limit_enabled));
        }
    }
    Ok(charged)
}

/// Names the repeated statement in Diesel's statement cache.
struct RepeatedStatement;

/// The first verify of every key in one [`consume_many`] statement, then
/// (SQLite) each further verify of a key that statement admitted with the
/// one-key statement, in one transaction under the writer lock.
fn charge_in_turn(
    conn: &mut DbConnection,
    hashes: &[HashedKey],
    arrivals: &Arrivals<'_>,
    now: PrimitiveDateTime,
    rate_limit_enabled: bool,
) -> QueryResult<Vec<Option<ApiKey>>> {
    let _one_writer = crate::sync::sqlite_writer_for(conn);
    let charge = |conn: &mut DbConnection| {
        let mut charged: Vec<Option<ApiKey>> = vec![None; hashes.len()];
        let distinct: Vec<&str> = arrivals.keys().copied().collect();
        for row in consume_many(conn, &distinct, now, rate_limit_enabled)? {
            if let Some(arrived) = arrivals.get(row.key.as_str()) {
                charged[arrived[0]] = Some(row);
            }
        }
        // A key's further verifies, in their order, if its first was admitted.
        for arrived in arrivals.values() {
            if charged[arrived[0]].is_none() {
                continue;
            }
            for &n in &arrived[1..] {
                let again = Consume {
                    hash: &hashes[n],
                    now,
                    rate_limit_enabled,
                    config_id: None,
                    checked_permissions: None,
                };
                charged[n] = consume_locked(conn, again)?;
            }
        }
        Ok(charged)
    };
    if arrivals.len() == hashes.len() {
        charge(conn)
    } else {
        conn.transaction(charge)
    }
}

/// [`super::verify::consume`] for several distinct keys in one statement:
/// each key with nothing in its way is admitted and charged once, exactly
/// as `consume` would, and comes back; a key that is refused, unknown, or
/// presented by a rotated-out previous secret does not. No configuration
/// or permission condition applies. The caller holds the SQLite writer lock.
fn consume_many(
    conn: &mut DbConnection,
    hashes: &[&str],
    now: PrimitiveDateTime,
    rate_limit_enabled: bool,
) -> QueryResult<Vec<ApiKey>> {
    static PG: OnceLock<Template> = OnceLock::new();
    static SQLITE: OnceLock<Template> = OnceLock::new();
    // Hashes are base64url: no comma, quote or bracket to escape.
    let list = match conn {
        DbConnection::Postgres(_) => hashes.join(","),
        DbConnection::Sqlite(_) => format!("[\"{}\"]", hashes.join("\",\"")),
    };
    // `$8` is not in this statement; an unused bind is never sent.
    let binds = batch_binds(&list, now, rate_limit_enabled, "");
    match conn {
        DbConnection::Postgres(pg) => {
            let template = PG.get_or_init(|| Template::new(&render_for(true, Kind::Many)));
            Statement::<ConsumeManyStatement>::new(template, &binds).load::<ApiKey>(pg)
        }
        DbConnection::Sqlite(lite) => {
            let template = SQLITE.get_or_init(|| Template::new(&render_for(false, Kind::Many)));
            Statement::<ConsumeManyStatement>::new(template, &binds).load::<ApiKey>(lite)
        }
    }
}

/// Names the batch statement in Diesel's statement cache.
struct ConsumeManyStatement;
