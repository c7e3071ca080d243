//! Removing retired keys: expired, or used up with no refill, for longer
//! than the retention period.

use diesel::prelude::*;
use latchkey_session::db::DbConnection;
use time::PrimitiveDateTime;

use crate::db::schema::apikey;

/// Deletes keys that expired before `cutoff`, and keys used up (remaining
/// 0, no refill) whose last change is before `cutoff`. Returns how many.
pub fn delete_retired(conn: &mut DbConnection, cutoff: PrimitiveDateTime) -> QueryResult<usize> {
    let expired = apikey::expires_at.lt(cutoff);
    let used_up = apikey::remaining
        .le(0)
        .and(
            apikey::refill_interval
                .is_null()
                .or(apikey::refill_amount.is_null()),
        )
        .and(apikey::updated_at.lt(cutoff));
    diesel::delete(apikey::table.filter(expired.or(used_up))).execute(conn)
}
