//! Hand-written SQL that Diesel still prepares once per connection.
//!
//! `diesel::sql_query` marks its statements unsafe to cache, so PostgreSQL
//! would parse and plan the ~2 KB verify statement on every request, and
//! SQLite compile it again (measured: half the CPU of a verify on SQLite).
//! A [`Statement`] has a static query id instead (one marker type per
//! statement and backend), so each pooled connection prepares it once and
//! then only binds and executes it.
//!
//! Templates name their binds `$1`..`$9`. Diesel numbers parameters itself,
//! so every occurrence of `$n` becomes a parameter of its own carrying the
//! n-th value: the text Diesel prepares is fixed for a template, and the
//! values are the same wherever `$n` appears.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Bool, HasSqlType, Integer, Nullable, Text, Timestamp, Untyped};
use diesel::{QueryResult, RunQueryDsl};
use time::PrimitiveDateTime;

/// One value bound to a statement. The template decides each position's
/// variant, so a prepared statement always sees the same parameter types.
#[derive(Debug, Clone, Copy)]
pub enum Bind<'a> {
    /// `Text`.
    Text(&'a str),
    /// `Nullable<Text>`.
    OptText(Option<&'a str>),
    /// `Timestamp` (UTC).
    Time(PrimitiveDateTime),
    /// `Bool`.
    Bool(bool),
    /// `BigInt`.
    BigInt(i64),
    /// `Integer`.
    Int(i32),
}

/// A piece of a template: literal SQL, or the n-th bind (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// SQL text.
    Sql(String),
    /// A bind parameter.
    Bind(usize),
}

/// A template split into SQL and binds, once (keep it in a `static`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Splits `sql` on `$1`..`$9`.
    pub fn new(sql: &str) -> Self {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = sql.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('$', Some(n)) if n >= 1 => {
                    chars.next();
                    parts.push(Part::Sql(std::mem::take(&mut text)));
                    parts.push(Part::Bind(n as usize - 1));
                }
                _ => text.push(c),
            }
        }
        parts.push(Part::Sql(text));
        parts.retain(|p| !matches!(p, Part::Sql(s) if s.is_empty()));
        Self { parts }
    }

    /// How many values the template needs (its highest `$n`).
    pub fn arity(&self) -> usize {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Bind(n) => Some(n + 1),
                Part::Sql(_) => None,
            })
            .max()
            .unwrap_or(0)
    }
}

/// A prepared-once statement: `Id` names it in Diesel's statement cache (one
/// marker type per statement text), `template` is its SQL, `binds` its
/// values, `binds[n - 1]` for `$n`.
pub struct Statement<'a, Id> {
    template: &'a Template,
    binds: &'a [Bind<'a>],
    _id: PhantomData<Id>,
}

impl<'a, Id> Statement<'a, Id> {
    /// A statement over a template and its values.
    pub fn new(template: &'a Template, binds: &'a [Bind<'a>]) -> Self {
        Self {
            template,
            binds,
            _id: PhantomData,
        }
    }
}

impl<Id: 'static> QueryId for Statement<'_, Id> {
    type QueryId = Id;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<Id> Query for Statement<'_, Id> {
    type SqlType = Untyped;
}

impl<Id, Conn> RunQueryDsl<Conn> for Statement<'_, Id> {}

impl<DB, Id> QueryFragment<DB> for Statement<'_, Id>
where
    DB: Backend
        + HasSqlType<Text>
        + HasSqlType<Timestamp>
        + HasSqlType<Bool>
        + HasSqlType<BigInt>
        + HasSqlType<Integer>,
    str: ToSql<Text, DB>,
    PrimitiveDateTime: ToSql<Timestamp, DB>,
    bool: ToSql<Bool, DB>,
    i64: ToSql<BigInt, DB>,
    i32: ToSql<Integer, DB>,
    for<'x> Option<&'x str>: ToSql<Nullable<Text>, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        for part in &self.template.parts {
            match part {
                Part::Sql(sql) => out.push_sql(sql),
                Part::Bind(n) => match self.binds.get(*n) {
                    Some(Bind::Text(v)) => out.push_bind_param::<Text, str>(v)?,
                    Some(Bind::OptText(v)) => out.push_bind_param::<Nullable<Text>, _>(v)?,
                    Some(Bind::Time(v)) => out.push_bind_param::<Timestamp, _>(v)?,
                    Some(Bind::Bool(v)) => out.push_bind_param::<Bool, _>(v)?,
                    Some(Bind::BigInt(v)) => out.push_bind_param::<BigInt, _>(v)?,
                    Some(Bind::Int(v)) => out.push_bind_param::<Integer, _>(v)?,
                    None => {
                        return Err(diesel::result::Error::QueryBuilderError(
                            format!(
                                "statement names bind ${} but has {}",
                                n + 1,
                                self.binds.len()
                            )
                            .into(),
                        ))
                    }
                },
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_on_numbered_binds() {
        let t = Template::new("a = $1 AND b > $2 OR c = $1");
        assert_eq!(
            t.parts,
            vec![
                Part::Sql("a = ".into()),
                Part::Bind(0),
                Part::Sql(" AND b > ".into()),
                Part::Bind(1),
                Part::Sql(" OR c = ".into()),
                Part::Bind(0),
            ]
        );
        assert_eq!(t.arity(), 2);
        let plain = Template::new("cost $0");
        assert_eq!(plain.parts, vec![Part::Sql("cost $0".into())]);
        assert_eq!(plain.arity(), 0);
    }

    #[test]
    fn statements_render_their_backends_placeholders() {
        use diesel::debug_query;
        use diesel::pg::Pg;
        use diesel::sqlite::Sqlite;
        struct Marker;
        let t = Template::new("SELECT $1 = $2 OR $1 IS NULL");
        let binds = [Bind::Text("x"), Bind::BigInt(7)];
        let statement = Statement::<Marker>::new(&t, &binds);
        let pg = debug_query::<Pg, _>(&statement).to_string();
        assert!(
            pg.starts_with("SELECT $1 = $2 OR $3 IS NULL -- binds: [\"x\", 7, \"x\"]"),
            "{pg}"
        );
        let lite = debug_query::<Sqlite, _>(&statement).to_string();
        assert!(lite.starts_with("SELECT ? = ? OR ? IS NULL"), "{lite}");
    }
}
