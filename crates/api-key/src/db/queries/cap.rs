//! Inserting a key under a per-owner cap, exactly, under concurrency.
//!
//! A conditional `INSERT … SELECT … WHERE (SELECT count(*) …) < cap` is not
//! enough on PostgreSQL under READ COMMITTED: two transactions both count
//! N-1 rows and both insert. So each create of an owner first takes a lock
//! that every other create of the same owner waits for, then counts (a new
//! statement, so it sees every key committed before the lock was granted),
//! then inserts, then commits (which releases the lock):
//! - PostgreSQL: a transaction-scoped advisory lock on the owner,
//!   `pg_advisory_xact_lock(<latchkey's namespace>, hashtext(owner))`. It
//!   works for any `referenceId` (a trusted server may own keys for ids
//!   that are not rows of `user`), touches no row (so it never blocks user
//!   updates or the foreign-key checks of new sessions, as `SELECT … FROM
//!   "user" … FOR UPDATE` would), and is released at commit or rollback
//!   even if the connection goes back to the pool. Its two-integer key
//!   space is separate from single-bigint advisory locks a host app may
//!   use. A hash collision only makes two owners' creates wait for each
//!   other, never miscounts.
//! - SQLite: `BEGIN IMMEDIATE`, which takes the database's write lock
//!   before the count (a deferred transaction would read under a shared
//!   lock and fail with `SQLITE_BUSY` when two upgrade at once); other
//!   writers wait for it within the busy timeout.

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use latchkey_session::db::DbConnection;

use crate::db::models::ApiKey;
use crate::db::schema::apikey;

/// The first key of latchkey's advisory locks ("lkap").
const LOCK_NAMESPACE: i32 = 0x6C6B_6170;

macro_rules! count_then_insert {
    ($conn:expr, $key:expr, $cap:expr) => {{
        let owned: i64 = apikey::table
            .filter(apikey::reference_id.eq(&$key.reference_id))
            .count()
            .get_result($conn)?;
        if owned >= i64::from($cap) {
            Ok(false)
        } else {
            diesel::insert_into(apikey::table)
                .values($key)
                .execute($conn)
                .map(|_| true)
        }
    }};
}

/// Inserts `key` unless its owner already has `cap` keys (of any
/// configuration, enabled or not, expired or not: every row counts until
/// it is deleted). True when inserted.
pub fn insert_within_cap(conn: &mut DbConnection, key: &ApiKey, cap: u32) -> QueryResult<bool> {
    match conn {
        DbConnection::Postgres(pg) => pg.transaction(|pg| {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                .bind::<Integer, _>(LOCK_NAMESPACE)
                .bind::<Text, _>(&key.reference_id)
                .execute(pg)?;
            count_then_insert!(pg, key, cap)
        }),
        DbConnection::Sqlite(lite) => {
            lite.immediate_transaction(|lite| count_then_insert!(lite, key, cap))
        }
    }
}
