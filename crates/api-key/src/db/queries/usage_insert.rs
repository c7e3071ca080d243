//! The usage log's chunk `INSERT`s: statements of a fixed shape, so that
//! each pooled connection prepares them once (see
//! [`super::usage::insert_chunks`]).

use diesel::pg::{Pg, PgConnection};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Integer, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{QueryResult, RunQueryDsl};
use time::PrimitiveDateTime;

use crate::db::usage::NewChunk;

const INSERT: &str = r#"INSERT INTO usage_chunk ("keyId", "firstAt", "lastAt", calls, successes, "durationMs", entries) "#;

/// PostgreSQL: any number of chunks as one array per column, unnested into
/// rows. `unnest` yields them in array order, so ids grow with it.
pub(super) struct UnnestInsert<'a> {
    key_ids: Vec<&'a str>,
    first: Vec<PrimitiveDateTime>,
    last: Vec<PrimitiveDateTime>,
    calls: Vec<i32>,
    successes: Vec<i32>,
    durations: Vec<i64>,
    entries: Vec<&'a str>,
}

/// Names [`UnnestInsert`] in Diesel's statement cache.
pub(super) struct UnnestId;

impl<'a> UnnestInsert<'a> {
    fn new(chunks: &'a [NewChunk]) -> Self {
        Self {
            key_ids: chunks.iter().map(|c| c.key_id.as_str()).collect(),
            first: chunks.iter().map(|c| c.first_at).collect(),
            last: chunks.iter().map(|c| c.last_at).collect(),
            calls: chunks.iter().map(|c| c.calls).collect(),
            successes: chunks.iter().map(|c| c.successes).collect(),
            durations: chunks.iter().map(|c| c.duration_ms).collect(),
            entries: chunks.iter().map(|c| c.entries.as_str()).collect(),
        }
    }

    /// Inserts `chunks` in one statement; returns how many.
    pub(super) fn execute_on(pg: &mut PgConnection, chunks: &'a [NewChunk]) -> QueryResult<usize> {
        Self::new(chunks).execute(pg)
    }
}

impl QueryId for UnnestInsert<'_> {
    type QueryId = UnnestId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl QueryFragment<Pg> for UnnestInsert<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql(INSERT);
        out.push_sql("SELECT * FROM unnest(");
        out.push_bind_param::<Array<Text>, _>(&self.key_ids)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.first)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.last)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.calls)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.successes)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.durations)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.entries)?;
        out.push_sql(")");
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for UnnestInsert<'_> {}

/// SQLite: `INSERT … VALUES` of exactly `N` chunks. (SQLite has no arrays
/// to bind; a few fixed sizes keep the statements prepared.)
pub(super) struct ValuesInsert<'a, const N: usize> {
    chunks: &'a [NewChunk],
    times: Vec<(Option<SqliteTime>, Option<SqliteTime>)>,
}

/// Names [`ValuesInsert`] of `N` chunks in Diesel's statement cache.
pub(super) struct ValuesId<const N: usize>;

impl<'a, const N: usize> ValuesInsert<'a, N> {
    /// Inserts the first `N` of `chunks` in one statement; returns how many.
    pub(super) fn execute_on(
        lite: &mut SqliteConnection,
        chunks: &'a [NewChunk],
    ) -> QueryResult<usize> {
        let chunks = chunks.get(..N).ok_or_else(|| {
            diesel::result::Error::QueryBuilderError(
                format!("{N}-chunk insert given {} chunks", chunks.len()).into(),
            )
        })?;
        let times = chunks
            .iter()
            .map(|c| (SqliteTime::new(c.first_at), SqliteTime::new(c.last_at)))
            .collect();
        Self { chunks, times }.execute(lite)
    }
}

impl<const N: usize> QueryId for ValuesInsert<'_, N> {
    type QueryId = ValuesId<N>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

fn push_time<'b>(
    out: &mut AstPass<'_, 'b, Sqlite>,
    text: &'b Option<SqliteTime>,
    at: &'b PrimitiveDateTime,
) -> QueryResult<()> {
    match text {
        Some(text) => out.push_bind_param::<Text, str>(text.as_str()?),
        None => out.push_bind_param::<Timestamp, _>(at),
    }
}

impl<const N: usize> QueryFragment<Sqlite> for ValuesInsert<'_, N> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql(INSERT);
        out.push_sql("VALUES ");
        for (i, (chunk, (first, last))) in self.chunks.iter().zip(&self.times).enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            out.push_bind_param::<Text, str>(&chunk.key_id)?;
            out.push_sql(", ");
            push_time(&mut out, first, &chunk.first_at)?;
            out.push_sql(", ");
            push_time(&mut out, last, &chunk.last_at)?;
            out.push_sql(", ");
            out.push_bind_param::<Integer, _>(&chunk.calls)?;
            out.push_sql(", ");
            out.push_bind_param::<Integer, _>(&chunk.successes)?;
            out.push_sql(", ");
            out.push_bind_param::<BigInt, _>(&chunk.duration_ms)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, str>(&chunk.entries)?;
            out.push_sql(")");
        }
        Ok(())
    }
}

impl<const N: usize> RunQueryDsl<SqliteConnection> for ValuesInsert<'_, N> {}

/// A `Timestamp` in the text Diesel writes to SQLite for it
/// (`YYYY-MM-DD HH:MM:SS`, then `.` and the fraction without trailing
/// zeros when there is one). SQLite compares timestamps as text, so it has
/// to be exactly Diesel's for the sweep's `<` and the pages' order to hold.
/// Diesel formats through `time`'s general formatter: about 1,900 of the
/// ~14,000 instructions a row cost the flusher (callgrind).
pub(super) struct SqliteTime {
    text: [u8; 29],
    len: usize,
}

/// Writes `n`'s last `out.len()` decimal digits into `out`.
fn put_digits(out: &mut [u8], mut n: u32) {
    for byte in out.iter_mut().rev() {
        // `n % 10` is below 10: the cast keeps it.
        *byte = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

impl SqliteTime {
    /// `None` for years Diesel does not write as four digits (below 0 or
    /// above 9999): those rows are bound through Diesel.
    pub(super) fn new(at: PrimitiveDateTime) -> Option<Self> {
        let year = u32::try_from(at.year()).ok().filter(|y| *y <= 9999)?;
        let mut text = *b"0000-00-00 00:00:00.000000000";
        put_digits(&mut text[0..4], year);
        put_digits(&mut text[5..7], u32::from(u8::from(at.month())));
        put_digits(&mut text[8..10], u32::from(at.day()));
        put_digits(&mut text[11..13], u32::from(at.hour()));
        put_digits(&mut text[14..16], u32::from(at.minute()));
        put_digits(&mut text[17..19], u32::from(at.second()));
        let nanos = at.nanosecond();
        let mut len = 19;
        if nanos != 0 {
            put_digits(&mut text[20..29], nanos);
            len = 29;
            // At least one digit is not 0: this stops after the `.`.
            while text[len - 1] == b'0' {
                len -= 1;
            }
        }
        Some(Self { text, len })
    }

    /// The text (ASCII, so never an error).
    pub(super) fn as_str(&self) -> QueryResult<&str> {
        std::str::from_utf8(&self.text[..self.len])
            .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use time::macros::{date, datetime};
    use time::{Duration, PrimitiveDateTime, Time};

    use super::SqliteTime;

    /// The text SQLite receives from Diesel for `at`.
    fn diesel_text(conn: &mut SqliteConnection, at: PrimitiveDateTime) -> String {
        diesel::select(
            sql::<diesel::sql_types::Text>("CAST(")
                .bind::<diesel::sql_types::Timestamp, _>(at)
                .sql(" AS TEXT)"),
        )
        .get_result(conn)
        .unwrap()
    }

    #[test]
    fn sqlite_times_are_written_as_diesel_writes_them() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let mut times = vec![
            datetime!(2026-11-23 22:05:07),
            datetime!(0000-01-01 0:00),
            datetime!(0999-12-31 23:59:59.999_999_999),
            datetime!(9999-12-31 23:59:59.5),
            date!(2026 - 02 - 28).with_time(Time::from_hms_nano(1, 2, 3, 1).unwrap()),
        ];
        let mut at = datetime!(2026-01-01 0:00);
        for step in 0..2_000_i64 {
            // Whole seconds, and fractions of every length.
            at += Duration::nanoseconds(step * 7_919_777 + step % 10 * 100_000_000);
            times.push(at);
            times.push(at.replace_nanosecond(0).unwrap());
        }
        for at in times {
            let ours = SqliteTime::new(at).unwrap();
            assert_eq!(ours.as_str().unwrap(), diesel_text(&mut conn, at), "{at}");
        }
        assert!(SqliteTime::new(datetime!(-0001-01-01 0:00)).is_none());
    }
}
