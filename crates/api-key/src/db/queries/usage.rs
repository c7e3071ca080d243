//! Statements on the `usage` log: batch insert, a key's page, an owner's
//! aggregates, pruning by age.

use std::collections::HashMap;

use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use crate::db::schema::apikey;
use crate::db::usage::{usage, NewUsage, UsageRow};
use crate::sync::sqlite_writer;

/// Inserts a batch in one multi-row `INSERT`; returns how many rows. (The
/// multi-backend type has no batch insert, so it runs on the concrete
/// connection.) On SQLite it first queues on the process's writer lock
/// ([`sqlite_writer`]) as verify's `UPDATE`s do: else they meet the batch
/// in SQLite's busy handler, which sleeps.
pub fn insert_batch(conn: &mut DbConnection, rows: &[NewUsage]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let statement = diesel::insert_into(usage::table).values(rows);
    match conn {
        DbConnection::Postgres(pg) => statement.execute(pg),
        DbConnection::Sqlite(lite) => {
            let _one_writer = sqlite_writer();
            statement.execute(lite)
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
mod tests {
    use super::*;
    use diesel::pg::Pg;
    use diesel::sqlite::Sqlite;

    fn row(i: i32) -> NewUsage {
        NewUsage {
            key_id: format!("k{i}"),
            method: "GET".into(),
            path: "/p".into(),
            status: 200,
            duration_ms: i,
            created_at: time::macros::datetime!(2026-01-01 0:00),
        }
    }

    #[test]
    fn a_batch_is_one_insert_on_both_backends() {
        let rows: Vec<NewUsage> = (0..3).map(row).collect();
        let statement = diesel::insert_into(usage::table).values(&rows);
        let pg = diesel::debug_query::<Pg, _>(&statement).to_string();
        let lite = diesel::debug_query::<Sqlite, _>(&statement).to_string();
        for sql in [pg, lite] {
            assert_eq!(sql.matches("INSERT").count(), 1, "{sql}");
            assert!(sql.contains("), ("), "{sql}");
        }
    }
}
