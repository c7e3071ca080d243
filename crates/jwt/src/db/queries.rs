//! Statements on `jwks`.

use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use super::models::JwkRow;
use super::schema::jwks;

/// Inserts a key.
pub fn insert(conn: &mut DbConnection, row: &JwkRow) -> QueryResult<()> {
    diesel::insert_into(jwks::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Every key, newest first.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<JwkRow>> {
    jwks::table
        .order((jwks::created_at.desc(), jwks::id.desc()))
        .select(JwkRow::as_select())
        .load(conn)
}

/// Keys still published at `now`: those that never stopped signing, or
/// stopped less than `grace` ago (`retired_after` = `now - grace`). Newest first.
pub fn published(
    conn: &mut DbConnection,
    retired_after: PrimitiveDateTime,
) -> QueryResult<Vec<JwkRow>> {
    jwks::table
        .filter(
            jwks::expires_at
                .is_null()
                .or(jwks::expires_at.gt(retired_after)),
        )
        .order((jwks::created_at.desc(), jwks::id.desc()))
        .select(JwkRow::as_select())
        .load(conn)
}

/// Keys that may sign at `now`, newest first.
pub fn live(conn: &mut DbConnection, now: PrimitiveDateTime) -> QueryResult<Vec<JwkRow>> {
    jwks::table
        .filter(jwks::expires_at.is_null().or(jwks::expires_at.gt(now)))
        .order((jwks::created_at.desc(), jwks::id.desc()))
        .select(JwkRow::as_select())
        .load(conn)
}

/// Stops every live key from signing from `now` on; returns how many.
pub fn retire_live(conn: &mut DbConnection, now: PrimitiveDateTime) -> QueryResult<usize> {
    diesel::update(jwks::table.filter(jwks::expires_at.is_null().or(jwks::expires_at.gt(now))))
        .set(jwks::expires_at.eq(Some(now)))
        .execute(conn)
}

/// Deletes keys retired before `retired_before` (past their grace period); returns how many.
pub fn delete_retired(
    conn: &mut DbConnection,
    retired_before: PrimitiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(jwks::table.filter(jwks::expires_at.le(retired_before))).execute(conn)
}
