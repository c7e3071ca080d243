//! The usage log's batch `INSERT`s: statements of a fixed shape, so that
//! each pooled connection prepares them once (see
//! [`super::usage::insert_batch`]).

use diesel::pg::{Pg, PgConnection};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, Integer, Text, Timestamp};
use diesel::sqlite::{Sqlite, SqliteConnection};
use diesel::{QueryResult, RunQueryDsl};
use time::PrimitiveDateTime;

use crate::db::usage::NewUsage;

const INSERT: &str =
    r#"INSERT INTO usage ("keyId", method, path, status, "durationMs", "createdAt") "#;

/// PostgreSQL: a batch of any size as one array per column, unnested into
/// rows. `unnest` yields them in array order, so ids grow with it.
pub(super) struct UnnestInsert<'a> {
    key_ids: Vec<&'a str>,
    methods: Vec<&'a str>,
    paths: Vec<&'a str>,
    statuses: Vec<i32>,
    durations: Vec<i32>,
    times: Vec<PrimitiveDateTime>,
}

/// Names [`UnnestInsert`] in Diesel's statement cache.
pub(super) struct UnnestId;

impl<'a> UnnestInsert<'a> {
    fn new(rows: &'a [NewUsage]) -> Self {
        Self {
            key_ids: rows.iter().map(|r| r.key_id.as_str()).collect(),
            methods: rows.iter().map(|r| r.method.as_str()).collect(),
            paths: rows.iter().map(|r| r.path.as_str()).collect(),
            statuses: rows.iter().map(|r| r.status).collect(),
            durations: rows.iter().map(|r| r.duration_ms).collect(),
            times: rows.iter().map(|r| r.created_at).collect(),
        }
    }

    /// Inserts `rows` in one statement; returns how many.
    pub(super) fn execute_on(pg: &mut PgConnection, rows: &'a [NewUsage]) -> QueryResult<usize> {
        Self::new(rows).execute(pg)
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
        out.push_bind_param::<Array<Text>, _>(&self.methods)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Text>, _>(&self.paths)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.statuses)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.durations)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Timestamp>, _>(&self.times)?;
        out.push_sql(")");
        Ok(())
    }
}

impl RunQueryDsl<PgConnection> for UnnestInsert<'_> {}

/// SQLite: `INSERT … VALUES` of exactly `N` rows. (SQLite has no arrays to
/// bind; a few fixed sizes keep the statements prepared.)
pub(super) struct ValuesInsert<'a, const N: usize> {
    rows: &'a [NewUsage],
    times: Vec<Option<SqliteTime>>,
}

/// Names [`ValuesInsert`] of `N` rows in Diesel's statement cache.
pub(super) struct ValuesId<const N: usize>;

impl<'a, const N: usize> ValuesInsert<'a, N> {
    /// Inserts the first `N` of `rows` in one statement; returns how many.
    pub(super) fn execute_on(
        lite: &mut SqliteConnection,
        rows: &'a [NewUsage],
    ) -> QueryResult<usize> {
        let rows = rows.get(..N).ok_or_else(|| {
            diesel::result::Error::QueryBuilderError(
                format!("{N}-row insert given {} rows", rows.len()).into(),
            )
        })?;
        let times = rows.iter().map(|r| SqliteTime::new(r.created_at)).collect();
        Self { rows, times }.execute(lite)
    }
}

impl<const N: usize> QueryId for ValuesInsert<'_, N> {
    type QueryId = ValuesId<N>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<const N: usize> QueryFragment<Sqlite> for ValuesInsert<'_, N> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql(INSERT);
        out.push_sql("VALUES ");
        for (i, (row, time)) in self.rows.iter().zip(&self.times).enumerate() {
            out.push_sql(if i == 0 { "(" } else { ", (" });
            out.push_bind_param::<Text, str>(&row.key_id)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, str>(&row.method)?;
            out.push_sql(", ");
            out.push_bind_param::<Text, str>(&row.path)?;
            out.push_sql(", ");
            out.push_bind_param::<Integer, _>(&row.status)?;
            out.push_sql(", ");
            out.push_bind_param::<Integer, _>(&row.duration_ms)?;
            out.push_sql(", ");
            match time {
                Some(time) => out.push_bind_param::<Text, str>(time.as_str()?)?,
                None => out.push_bind_param::<Timestamp, _>(&row.created_at)?,
            }
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
