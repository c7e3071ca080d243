//! Rotation: a new secret for the same key row, in one `UPDATE … RETURNING`.

use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use crate::db::models::ApiKey;
use crate::db::schema::apikey;
use crate::keys::HashedKey;

/// The new secret of a rotation, and how long the old one keeps working.
#[derive(Debug, Clone)]
pub struct Rotation<'a> {
    /// Hash of the new secret.
    pub hash: &'a HashedKey,
    /// Display start of the new secret (`None`: not stored).
    pub start: Option<&'a str>,
    /// Until when the replaced secret still verifies; `None`: it stops at once.
    pub previous_until: Option<PrimitiveDateTime>,
    /// The time of the rotation.
    pub now: PrimitiveDateTime,
}

/// Runs an update statement with `RETURNING` the row on either backend
/// (the multi-backend connection cannot return rows from an update).
macro_rules! returning_row {
    ($conn:expr, $statement:expr) => {
        match $conn {
            DbConnection::Postgres(pg) => $statement
                .returning(ApiKey::as_returning())
                .get_result(pg)
                .optional(),
            DbConnection::Sqlite(lite) => $statement
                .returning(ApiKey::as_returning())
                .get_result(lite)
                .optional(),
        }
    };
}

/// Gives the key with this id, if `owner` owns it, a new secret: one
/// statement, so a concurrent verify sees the key wholly before or wholly
/// after. The replaced hash becomes `previousKey` (it is read by the same
/// statement) with its grace period, or nothing is kept. Every other column
/// (name, prefix, metadata, permissions, counters, windows) stays.
pub fn rotate_owned(
    conn: &mut DbConnection,
    id: &str,
    owner: &str,
    rotation: &Rotation<'_>,
) -> QueryResult<Option<ApiKey>> {
    let target = apikey::table
        .filter(apikey::id.eq(id))
        .filter(apikey::reference_id.eq(owner));
    let new_secret = (
        apikey::key.eq(rotation.hash.as_str()),
        apikey::start.eq(rotation.start),
        apikey::updated_at.eq(rotation.now),
    );
    match rotation.previous_until {
        Some(until) => returning_row!(
            conn,
            diesel::update(target).set((
                // Right-hand sides read the row as it was: the old hash.
                apikey::previous_key.eq(apikey::key.nullable()),
                apikey::previous_key_expires_at.eq(Some(until)),
                new_secret,
            ))
        ),
        None => returning_row!(
            conn,
            diesel::update(target).set((
                apikey::previous_key.eq(None::<String>),
                apikey::previous_key_expires_at.eq(None::<PrimitiveDateTime>),
                new_secret,
            ))
        ),
    }
}

/// When `hash`, if it is the previous secret of the key `id`, stops
/// verifying (the end of its rotation's grace period); `None` otherwise.
pub fn previous_secret_expiry(
    conn: &mut DbConnection,
    id: &str,
    hash: &HashedKey,
) -> QueryResult<Option<PrimitiveDateTime>> {
    apikey::table
        .find(id)
        .filter(apikey::previous_key.eq(hash.as_str()))
        .select(apikey::previous_key_expires_at)
        .first::<Option<PrimitiveDateTime>>(conn)
        .optional()
        .map(Option::flatten)
}
