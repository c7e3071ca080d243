//! Create, read, update and delete of `apikey` rows.

use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use crate::db::models::ApiKey;
use crate::db::schema::apikey;
use crate::keys::HashedKey;

/// Inserts a key.
pub fn insert(conn: &mut DbConnection, key: &ApiKey) -> QueryResult<()> {
    diesel::insert_into(apikey::table)
        .values(key)
        .execute(conn)
        .map(drop)
}

/// The key with this hash.
pub fn find_by_hash(conn: &mut DbConnection, hash: &HashedKey) -> QueryResult<Option<ApiKey>> {
    apikey::table
        .filter(apikey::key.eq(hash.as_str()))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()
}

/// The key with this id if `owner` owns it (else `None`, as for a missing id).
pub fn find_owned(conn: &mut DbConnection, id: &str, owner: &str) -> QueryResult<Option<ApiKey>> {
    apikey::table
        .filter(apikey::id.eq(id))
        .filter(apikey::reference_id.eq(owner))
        .select(ApiKey::as_select())
        .first(conn)
        .optional()
}

/// Deletes every key that expired before `now`; returns how many.
pub fn delete_expired(conn: &mut DbConnection, now: PrimitiveDateTime) -> QueryResult<usize> {
    diesel::delete(apikey::table.filter(apikey::expires_at.lt(now))).execute(conn)
}
