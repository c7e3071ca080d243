//! Writing the admissions of plain keys counted in memory
//! ([`crate::counters`]): `usageCount` grows by their number, and
//! `lastRequest`/`updatedAt` move to their latest time (never back).

use std::sync::OnceLock;

use diesel::prelude::*;
use latchkey_session::db::DbConnection;

use super::statement::{Bind, Statement, Template};
use crate::counters::Pending;

/// Names the statement in Diesel's statement cache.
struct AddUsage;

fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        Template::new(
            r#"UPDATE apikey SET
    "usageCount" = "usageCount" + $1,
    "lastRequest" = CASE WHEN "lastRequest" IS NULL OR "lastRequest" < $2
        THEN $2 ELSE "lastRequest" END,
    "updatedAt" = CASE WHEN "updatedAt" < $2 THEN $2 ELSE "updatedAt" END
WHERE id = $3"#,
        )
    })
}

/// Adds each key's admissions, in one transaction, in the order given
/// (callers sort by id, so concurrent writers lock rows in one order).
/// Keys deleted meanwhile are skipped. On SQLite it queues on the
/// process's writer lock like every other writer, not in the busy handler.
pub fn add_usage(conn: &mut DbConnection, batch: &[(String, Pending)]) -> QueryResult<()> {
    let _one_writer = crate::sync::sqlite_writer_for(conn);
    conn.transaction(|conn| {
        for (id, pending) in batch {
            let binds = [
                Bind::Int(pending.count),
                Bind::Time(pending.last),
                Bind::Text(id),
            ];
            let statement = Statement::<AddUsage>::new(template(), &binds);
            match conn {
                DbConnection::Postgres(pg) => statement.execute(pg)?,
                DbConnection::Sqlite(lite) => statement.execute(lite)?,
            };
        }
        Ok(())
    })
}
