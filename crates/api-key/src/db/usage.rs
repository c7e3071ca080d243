//! The usage log's storage (latchkey's own): the `usage_chunk` table, one
//! row per key per flush of the log's buffer, each holding that key's
//! requests as JSON entries ([`codec`]); and the rows the API answers.
//!
//! A row per request cost the database more than the verify it logged
//! (a heap tuple and two index entries each); a chunk pays that once per
//! key and flush, and every request is still recorded on its own.

pub mod codec;
pub mod names;

use diesel::prelude::*;
use latchkey_session::time_format;
use serde_json::{json, Value};
use time::PrimitiveDateTime;

diesel::table! {
    /// The usage log in chunks, written by [`crate::usage::UsageLog`].
    usage_chunk (id) {
        /// Grows with insertion order, never reused.
        id -> BigInt,
        /// The admitted key's id (`apikey.id`; no foreign key, see the migration).
        #[sql_name = "keyId"]
        key_id -> Text,
        /// No entry is older: the time entries are counted from.
        #[sql_name = "firstAt"]
        first_at -> Timestamp,
        /// The newest entry's time.
        #[sql_name = "lastAt"]
        last_at -> Timestamp,
        /// Live entries.
        calls -> Integer,
        /// Live entries with a status below 400.
        successes -> Integer,
        /// Sum of the live entries' `durationMs`.
        #[sql_name = "durationMs"]
        duration_ms -> BigInt,
        /// The entries, JSON text ([`codec`]).
        entries -> Text,
    }
}

use super::schema::apikey;

diesel::allow_tables_to_appear_in_same_query!(usage_chunk, apikey);

/// One logged request as `GET /api-key/usage` answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// Unique, growing with write order: the chunk's id × 65,536 plus
    /// the entry's place in it.
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

/// The request a logged row records (tests compare what they wrote with
/// what they read back).
#[cfg(test)]
impl From<&UsageRow> for NewUsage {
    fn from(row: &UsageRow) -> Self {
        Self {
            key_id: row.key_id.clone(),
            method: row.method.clone(),
            path: row.path.clone(),
            status: row.status,
            duration_ms: row.duration_ms,
            created_at: row.created_at,
        }
    }
}

/// A request to log, as the middleware records it: `S` is `String`, or
/// `&str` for entries the log's buffer lends out of its interned names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUsage<S = String> {
    /// The key.
    pub key_id: S,
    /// HTTP method.
    pub method: S,
    /// Path.
    pub path: S,
    /// Response status.
    pub status: i32,
    /// Response time in ms.
    pub duration_ms: i32,
    /// Request time.
    pub created_at: PrimitiveDateTime,
}

/// A chunk to insert (the database assigns the id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChunk {
    /// The key.
    pub key_id: String,
    /// The oldest entry's time.
    pub first_at: PrimitiveDateTime,
    /// The newest entry's time.
    pub last_at: PrimitiveDateTime,
    /// Entries.
    pub calls: i32,
    /// Entries with a status below 400.
    pub successes: i32,
    /// Sum of `durationMs`.
    pub duration_ms: i64,
    /// The entries ([`codec`]).
    pub entries: String,
}

/// A stored chunk, as far as reading its entries needs.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = usage_chunk)]
pub struct StoredChunk {
    /// Chunk id.
    pub id: i64,
    /// The key.
    pub key_id: String,
    /// The time entries are counted from.
    pub first_at: PrimitiveDateTime,
    /// The entries ([`codec`]).
    pub entries: String,
}

/// Where a chunk sits in time, without its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = usage_chunk)]
pub struct ChunkSpan {
    /// Chunk id.
    pub id: i64,
    /// No entry is older.
    pub first_at: PrimitiveDateTime,
    /// The newest entry's time.
    pub last_at: PrimitiveDateTime,
    /// Live entries.
    pub calls: i32,
}
