//! Statements on the usage log's chunks (see [`crate::db::usage`]): insert
//! a batch, a key's page and total, an owner's aggregates, pruning by age.

use diesel::dsl::{sql, sum};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use super::usage_insert::{UnnestInsert, ValuesInsert};
use crate::db::schema::apikey;
use crate::db::usage::codec::{self, CodecError};
use crate::db::usage::{usage_chunk, ChunkSpan, NewChunk, StoredChunk, UsageRow};
use crate::sync::{sqlite_writer, sqlite_writer_for};

fn unreadable(e: CodecError) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(Box::new(e))
}

/// Inserts chunks, in order, all or none; returns how many.
///
/// Each backend runs statements of a fixed shape, so every pooled
/// connection prepares them once and a batch only binds values:
/// - PostgreSQL: one `INSERT … SELECT FROM unnest(…)` over one array per
///   column, whatever the number of chunks.
/// - SQLite: `INSERT … VALUES` of 100, 10 and 1 chunks (as many as fit, in
///   order) in one `BEGIN IMMEDIATE` transaction, after queueing on the
///   process's SQLite writer lock ([`crate::sync::sqlite_writer`]) as
///   verify's `UPDATE`s do: otherwise they meet in SQLite's busy handler,
///   which sleeps.
pub fn insert_chunks(conn: &mut DbConnection, chunks: &[NewChunk]) -> QueryResult<usize> {
    if chunks.is_empty() {
        return Ok(0);
    }
    match conn {
        DbConnection::Postgres(pg) => UnnestInsert::execute_on(pg, chunks),
        DbConnection::Sqlite(lite) => {
            let _one_writer = sqlite_writer();
            let written = lite.immediate_transaction(|lite| {
                let mut written = 0;
                let mut rest = chunks;
                while !rest.is_empty() {
                    let (n, step) = match rest.len() {
                        100.. => (ValuesInsert::<100>::execute_on(lite, rest)?, 100),
                        10.. => (ValuesInsert::<10>::execute_on(lite, rest)?, 10),
                        _ => (ValuesInsert::<1>::execute_on(lite, rest)?, 1),
                    };
                    written += n;
                    rest = &rest[step..];
                }
                QueryResult::Ok(written)
            })?;
            // The batch's pages (its text spans overflow pages) would stay
            // in this connection's page cache, up to 2 MiB on each pooled
            // connection the flusher happens to get (with batches of
            // 50,000 the host's peak RSS reached 31 MiB, against 14 MiB
            // without the log). Nothing reads them back soon.
            diesel::sql_query("PRAGMA shrink_memory").execute(lite)?;
            Ok(written)
        }
    }
}

/// How many requests of a key the log holds.
pub fn count_for_key(conn: &mut DbConnection, key_id: &str) -> QueryResult<i64> {
    let total: Option<i64> = usage_chunk::table
        .filter(usage_chunk::key_id.eq(key_id))
        .select(sum(usage_chunk::calls))
        .get_result(conn)?;
    Ok(total.unwrap_or(0))
}

/// Chunk spans read per statement while paging.
const SPANS_PER_READ: i64 = 256;

/// A key's chunk spans newest first (by `lastAt`, then id), after `after`.
fn spans_after(
    conn: &mut DbConnection,
    key_id: &str,
    after: Option<(PrimitiveDateTime, i64)>,
) -> QueryResult<Vec<ChunkSpan>> {
    let mut query = usage_chunk::table
        .filter(usage_chunk::key_id.eq(key_id))
        .order_by((usage_chunk::last_at.desc(), usage_chunk::id.desc()))
        .limit(SPANS_PER_READ)
        .select(ChunkSpan::as_select())
        .into_boxed();
    if let Some((last_at, id)) = after {
        query = query.filter(
            usage_chunk::last_at
                .lt(last_at)
                .or(usage_chunk::last_at.eq(last_at).and(usage_chunk::id.lt(id))),
        );
    }
    query.load(conn)
}

/// Chunks whose entries may interleave in time, newest first; no entry
/// of a later group is as new as any entry of an earlier one.
struct Group {
    spans: Vec<ChunkSpan>,
    /// No entry of the group is older.
    floor: PrimitiveDateTime,
}

/// Where a page stands while the groups go by.
struct Page {
    /// Entries still to pass over.
    skip: i64,
    limit: usize,
    rows: Vec<UsageRow>,
}

impl Page {
    fn full(&self) -> bool {
        self.rows.len() >= self.limit
    }

    /// Passes over a group by its counts alone, or reads it.
    fn take(&mut self, conn: &mut DbConnection, group: &Group) -> QueryResult<()> {
        let calls: i64 = group.spans.iter().map(|s| i64::from(s.calls)).sum();
        if self.skip >= calls {
            self.skip -= calls;
            return Ok(());
        }
        let ids: Vec<i64> = group.spans.iter().map(|s| s.id).collect();
        let chunks: Vec<StoredChunk> = usage_chunk::table
            .filter(usage_chunk::id.eq_any(ids))
            .select(StoredChunk::as_select())
            .load(conn)?;
        let mut entries = Vec::new();
        for chunk in &chunks {
            entries.extend(codec::entries(chunk).map_err(unreadable)?);
        }
        entries.sort_unstable_by_key(|row| std::cmp::Reverse((row.created_at, row.id)));
        let skip = usize::try_from(self.skip).unwrap_or(usize::MAX);
        let room = self.limit - self.rows.len();
        self.rows.extend(entries.into_iter().skip(skip).take(room));
        self.skip = 0;
        Ok(())
    }
}

/// One page of a key's usage, newest first (equal times: last written
/// first).
///
/// The key's chunks are walked newest first by their spans alone (id,
/// first and last time, count); chunks whose times overlap form a group,
/// and groups are disjoint in time, so a page passes over whole groups by
/// their counts and reads (and orders) only the groups it shows.
pub fn page_for_key(
    conn: &mut DbConnection,
    key_id: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<UsageRow>> {
    let mut page = Page {
        skip: offset.max(0),
        limit: usize::try_from(limit).unwrap_or(0),
        rows: Vec::new(),
    };
    let mut group: Option<Group> = None;
    let mut after = None;
    while !page.full() {
        let spans = spans_after(conn, key_id, after)?;
        let Some(last) = spans.last() else {
            break;
        };
        after = Some((last.last_at, last.id));
        let exhausted = spans.len() < SPANS_PER_READ as usize;
        for span in spans {
            match &mut group {
                Some(open) if span.last_at >= open.floor => {
                    open.floor = open.floor.min(span.first_at);
                    open.spans.push(span);
                }
                _ => {
                    if let Some(done) = group.take() {
                        page.take(conn, &done)?;
                        if page.full() {
                            return Ok(page.rows);
                        }
                    }
                    group = Some(Group {
                        floor: span.first_at,
                        spans: vec![span],
                    });
                }
            }
        }
        if exhausted {
            break;
        }
    }
    if let Some(done) = group.filter(|_| !page.full()) {
        page.take(conn, &done)?;
    }
    Ok(page.rows)
}

/// Logged calls of one key: how many, how many succeeded (status below
/// 400), and the sum of their response times in ms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyCalls {
    /// Requests logged.
    pub calls: i64,
    /// Requests with a status below 400.
    pub successes: i64,
    /// Sum of `durationMs`.
    pub duration_ms: i64,
}

/// Per key of `owner`, its logged calls (keys without any are absent):
/// one grouped statement over the chunks' counts, no entry read.
pub fn calls_by_key(conn: &mut DbConnection, owner: &str) -> QueryResult<Vec<(String, KeyCalls)>> {
    type Sums = (String, Option<i64>, Option<i64>, Option<i64>);
    let totals: Vec<Sums> = usage_chunk::table
        .inner_join(apikey::table.on(apikey::id.eq(usage_chunk::key_id)))
        .filter(apikey::reference_id.eq(owner))
        .group_by(usage_chunk::key_id)
        .select((
            usage_chunk::key_id,
            sum(usage_chunk::calls),
            sum(usage_chunk::successes),
            // SUM of a BIGINT is NUMERIC on PostgreSQL.
            sql::<Nullable<BigInt>>(r#"CAST(SUM(usage_chunk."durationMs") AS BIGINT)"#),
        ))
        .load(conn)?;
    Ok(totals
        .into_iter()
        .map(|(key_id, calls, successes, duration)| {
            let calls = KeyCalls {
                calls: calls.unwrap_or(0),
                successes: successes.unwrap_or(0),
                duration_ms: duration.unwrap_or(0),
            };
            (key_id, calls)
        })
        .collect())
}

/// Removes the requests logged before `cutoff`; returns how many. Chunks
/// wholly older go; a chunk that straddles the cutoff is rewritten without
/// its older entries (the others keep their ids). One transaction.
pub fn delete_older_than(conn: &mut DbConnection, cutoff: PrimitiveDateTime) -> QueryResult<usize> {
    let _one_writer = sqlite_writer_for(conn);
    conn.transaction(|conn| {
        let wholly_older = usage_chunk::first_at
            .lt(cutoff)
            .and(usage_chunk::last_at.lt(cutoff));
        let gone: Option<i64> = usage_chunk::table
            .filter(wholly_older)
            .select(sum(usage_chunk::calls))
            .get_result(conn)?;
        diesel::delete(usage_chunk::table.filter(wholly_older)).execute(conn)?;
        let mut removed = usize::try_from(gone.unwrap_or(0)).unwrap_or(usize::MAX);
        // What began before the cutoff and is still here straddles it.
        // Columns in `StoredChunk`'s order: `as_select` would tie the
        // query to one backend.
        let straddling = || {
            usage_chunk::table
                .filter(usage_chunk::first_at.lt(cutoff))
                .select((
                    usage_chunk::id,
                    usage_chunk::key_id,
                    usage_chunk::first_at,
                    usage_chunk::entries,
                ))
        };
        let straddling: Vec<StoredChunk> = match conn {
            DbConnection::Postgres(pg) => straddling().for_update().load(pg)?,
            DbConnection::Sqlite(lite) => straddling().load(lite)?,
        };
        for chunk in straddling {
            let Some(pruned) = codec::prune(&chunk, cutoff).map_err(unreadable)? else {
                continue;
            };
            diesel::update(usage_chunk::table.find(chunk.id))
                .set((
                    usage_chunk::first_at.eq(pruned.first_at),
                    usage_chunk::calls.eq(pruned.calls),
                    usage_chunk::successes.eq(pruned.successes),
                    usage_chunk::duration_ms.eq(pruned.duration_ms),
                    usage_chunk::entries.eq(&pruned.entries),
                ))
                .execute(conn)?;
            removed += pruned.removed;
        }
        Ok(removed)
    })
}

#[cfg(test)]
#[path = "usage_tests.rs"]
mod storage_tests;
