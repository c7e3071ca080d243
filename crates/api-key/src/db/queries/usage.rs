//! Statements on the `usage` log: batch insert, a key's page, an owner's
//! aggregates, pruning by age.

use std::collections::HashMap;

use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use super::usage_insert::{UnnestInsert, ValuesInsert};
use crate::db::schema::apikey;
use crate::db::usage::{usage, NewUsage, UsageRow};
use crate::sync::sqlite_writer;

/// Inserts a batch, in order, all rows or none; returns how many rows.
///
/// Each backend runs statements of a fixed shape, so every pooled
/// connection prepares them once and a batch only binds values (Diesel's
/// multi-row `INSERT` has a new text per batch size, is never cached, and
/// PostgreSQL parsed and planned it for every batch):
/// - PostgreSQL: one `INSERT … SELECT FROM unnest(…)` over one array per
///   column, whatever the batch size.
/// - SQLite: `INSERT … VALUES` of 100, 10 and 1 rows (as many as fit, in
///   order) in one `BEGIN IMMEDIATE` transaction, after queueing on the
///   process's SQLite writer lock ([`crate::sync::sqlite_writer`]) as
///   verify's `UPDATE`s do: otherwise they meet the batch in SQLite's busy
///   handler, which sleeps.
pub fn insert_batch(conn: &mut DbConnection, rows: &[NewUsage]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    match conn {
        DbConnection::Postgres(pg) => UnnestInsert::execute_on(pg, rows),
        DbConnection::Sqlite(lite) => {
            let _one_writer = sqlite_writer();
            lite.immediate_transaction(|lite| {
                let mut written = 0;
                let mut rest = rows;
                while !rest.is_empty() {
                    let (n, chunk) = match rest.len() {
                        100.. => (ValuesInsert::<100>::execute_on(lite, &rest[..100])?, 100),
                        10.. => (ValuesInsert::<10>::execute_on(lite, &rest[..10])?, 10),
                        _ => (ValuesInsert::<1>::execute_on(lite, &rest[..1])?, 1),
                    };
                    written += n;
                    rest = &rest[chunk..];
                }
                Ok(written)
            })
        }
    }
}

/// One page of a key's usage, newest first (equal times: last written first).
pub fn page_for_key(
    conn: &mut DbConnection,
    key_id: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<UsageRow>> {
    usage::table
        .filter(usage::key_id.eq(key_id))
        .order_by((usage::created_at.desc(), usage::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(UsageRow::as_select())
        .load(conn)
}

/// How many usage rows a key has.
pub fn count_for_key(conn: &mut DbConnection, key_id: &str) -> QueryResult<i64> {
    usage::table
        .filter(usage::key_id.eq(key_id))
        .count()
        .get_result(conn)
}

/// Logged calls of one key: how many, how many succeeded (status below
/// 400), and the sum of their response times in ms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyCalls {
    /// Rows logged.
    pub calls: i64,
    /// Rows with a status below 400.
    pub successes: i64,
    /// Sum of `durationMs`.
    pub duration_ms: i64,
}

/// Per key of `owner`, its logged calls (keys without any are absent).
/// Two grouped statements over the owner's keys joined to their rows.
pub fn calls_by_key(conn: &mut DbConnection, owner: &str) -> QueryResult<Vec<(String, KeyCalls)>> {
    let owned = || {
        usage::table
            .inner_join(apikey::table.on(apikey::id.eq(usage::key_id)))
            .filter(apikey::reference_id.eq(owner))
    };
    let totals: Vec<(String, i64, Option<i64>)> = owned()
        .group_by(usage::key_id)
        .select((usage::key_id, count_star(), sum(usage::duration_ms)))
        .load(conn)?;
    let successes: HashMap<String, i64> = owned()
        .filter(usage::status.lt(400))
        .group_by(usage::key_id)
        .select((usage::key_id, count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(totals
        .into_iter()
        .map(|(key_id, calls, duration)| {
            let calls = KeyCalls {
                calls,
                successes: successes.get(&key_id).copied().unwrap_or(0),
                duration_ms: duration.unwrap_or(0),
            };
            (key_id, calls)
        })
        .collect())
}

/// Deletes usage rows older than `cutoff`; returns how many.
pub fn delete_older_than(conn: &mut DbConnection, cutoff: PrimitiveDateTime) -> QueryResult<usize> {
    diesel::delete(usage::table.filter(usage::created_at.lt(cutoff))).execute(conn)
}

#[cfg(test)]
#[path = "usage_tests.rs"]
mod storage_tests;
