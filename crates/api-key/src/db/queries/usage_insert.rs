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
        Self { rows }.execute(lite)
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
        for (i, row) in self.rows.iter().enumerate() {
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
            out.push_bind_param::<Timestamp, _>(&row.created_at)?;
            out.push_sql(")");
        }
        Ok(())
    }
}

impl<const N: usize> RunQueryDsl<SqliteConnection> for ValuesInsert<'_, N> {}
