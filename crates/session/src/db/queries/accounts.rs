//! `account` table (credential accounts hold the password hash).

use diesel::prelude::*;

use crate::db::models::Account;
use crate::db::schema::accounts;
use crate::db::DbConnection;

/// The provider id of e-mail and password accounts.
pub const CREDENTIAL_PROVIDER: &str = "credential";

/// Inserts an account.
pub fn insert(conn: &mut DbConnection, account: &Account) -> QueryResult<()> {
    diesel::insert_into(accounts::table)
        .values(account)
        .execute(conn)
        .map(drop)
}

/// The password hash of a user's credential account.
pub fn find_password_hash(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<String>> {
    accounts::table
        .filter(accounts::user_id.eq(user_id))
        .filter(accounts::provider_id.eq(CREDENTIAL_PROVIDER))
        .select(accounts::password)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// Replaces the password hash of a user's credential account.
pub fn update_password_hash(
    conn: &mut DbConnection,
    user_id: &str,
    hash: &str,
    now: time::PrimitiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        accounts::table
            .filter(accounts::user_id.eq(user_id))
            .filter(accounts::provider_id.eq(CREDENTIAL_PROVIDER)),
    )
    .set((accounts::password.eq(hash), accounts::updated_at.eq(now)))
    .execute(conn)
}
