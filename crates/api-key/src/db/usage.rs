//! The `usage` table (latchkey's own): one row per request a host route
//! admitted with a key, and its JSON form.

use diesel::prelude::*;
use latchkey_session::time_format;
use serde_json::{json, Value};
use time::PrimitiveDateTime;

diesel::table! {
    /// The usage log, written in batches by [`crate::usage::UsageLog`].
    usage (id) {
        /// Grows with insertion order (the tie-break of equal times).
        id -> BigInt,
        /// The admitted key's id (`apikey.id`; no foreign key, see the migration).
        #[sql_name = "keyId"]
        key_id -> Text,
        /// HTTP method.
        method -> Text,
        /// Request path, without the query string.
        path -> Text,
        /// Response status.
        status -> Integer,
        /// Time from the request reaching the usage middleware to the
        /// response head, in milliseconds.
        #[sql_name = "durationMs"]
        duration_ms -> Integer,
        /// When the request arrived (the injected clock).
        #[sql_name = "createdAt"]
        created_at -> Timestamp,
    }
}

use super::schema::apikey;

diesel::allow_tables_to_appear_in_same_query!(usage, apikey);

/// One stored usage row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = usage)]
pub struct UsageRow {
    /// Row id.
    pub id: i64,
    /// The key.
    pub key_id: String,
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Response status.
    pub status: i32,
    /// Response time in ms.
    pub duration_ms: i32,
    /// Request time.
    pub created_at: PrimitiveDateTime,
}

impl UsageRow {
    /// The row as `GET /api-key/usage` answers it.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "keyId": self.key_id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "durationMs": self.duration_ms,
            "createdAt": time_format::format(self.created_at),
        })
    }
}

/// A usage row to insert (the database assigns the id). No column is left
/// to a default, which lets Diesel write a batch as one multi-row `INSERT`
/// on SQLite too (else it runs one `INSERT` per row).
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = usage, treat_none_as_default_value = false)]
pub struct NewUsage {
    /// The key.
    pub key_id: String,
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Response status.
    pub status: i32,
    /// Response time in ms.
    pub duration_ms: i32,
    /// Request time.
    pub created_at: PrimitiveDateTime,
}
