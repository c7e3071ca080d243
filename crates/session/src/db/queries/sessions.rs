//! `session` table.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use crate::db::models::{Session, User};
use crate::db::schema::{sessions, users};
use crate::db::DbConnection;
use crate::tokens::SessionToken;

/// Inserts a session.
pub fn insert(conn: &mut DbConnection, session: &Session) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)
        .map(drop)
}

/// The live session for a presented token, with its user, in one query.
/// Matches latchkey's hashed form and, for sessions created by better-auth
/// before a migration, the raw token.
pub fn find_live_by_token(
    conn: &mut DbConnection,
    token: &SessionToken,
    now: PrimitiveDateTime,
) -> QueryResult<Option<(Session, User)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token.eq_any([token.stored_form(), token.expose().to_owned()]))
        .filter(sessions::expires_at.gt(now))
        .select((Session::as_select(), User::as_select()))
        .first(conn)
        .optional()
}

/// Pushes a session's expiry forward (better-auth's `updateAge` refresh).
/// Conditional on the old expiry, so concurrent refreshes write once.
pub fn extend(
    conn: &mut DbConnection,
    id: &str,
    old_expiry: PrimitiveDateTime,
    new_expiry: PrimitiveDateTime,
    now: PrimitiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::expires_at.eq(old_expiry)),
    )
    .set((
        sessions::expires_at.eq(new_expiry),
        sessions::updated_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n > 0)
}

/// A user's live sessions, newest first.
pub fn list_live_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    now: PrimitiveDateTime,
) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::expires_at.gt(now))
        .order(sessions::created_at.desc())
        .select(Session::as_select())
        .load(conn)
}

/// Deletes one session by id.
pub fn delete_by_id(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::id.eq(id))).execute(conn)
}

/// Deletes a user's session whose `token` column holds one of `stored`
/// (see [`crate::tokens::revocation_candidates`]).
pub fn delete_by_stored_token(
    conn: &mut DbConnection,
    user_id: &str,
    stored: &[String],
) -> QueryResult<usize> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::token.eq_any(stored)),
    )
    .execute(conn)
}

/// Deletes all of a user's sessions except one.
pub fn delete_others(conn: &mut DbConnection, user_id: &str, keep_id: &str) -> QueryResult<usize> {
    diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::id.ne(keep_id)),
    )
    .execute(conn)
}
