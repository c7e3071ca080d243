//! Storage tests of the usage log's batch insert, once per backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::prelude::*;
use latchkey_session::db::{Backend, DbConnection, CORE_MIGRATIONS};
use latchkey_session::testing::TestDb;
use time::macros::datetime;

use super::*;

/// Counts the statements a connection prepares for its cache.
struct Prepared(Arc<Mutex<usize>>);

impl Instrumentation for Prepared {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::CacheQuery { .. } = event {
            *self.0.lock().unwrap() += 1;
        }
    }
}

fn row(i: usize) -> NewUsage {
    NewUsage {
        key_id: format!("k{}", i % 7),
        method: if i.is_multiple_of(2) { "GET" } else { "POST" }.into(),
        path: format!("/p/{i}"),
        status: 200 + (i % 3) as i32,
        duration_ms: i as i32,
        created_at: datetime!(2026-01-01 0:00) + time::Duration::milliseconds(i as i64 % 5),
    }
}

latchkey_session::both_backends!(
    batches_of_any_size_land_whole_in_order_on_prepared_statements,
    |backend: Backend| async move {
        let Some(db) = TestDb::new(backend, &[CORE_MIGRATIONS, crate::db::MIGRATIONS]) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let prepared = Arc::new(Mutex::new(0));
        conn.set_instrumentation(Prepared(prepared.clone()));
        let mut expected = Vec::new();
        // Sizes across the SQLite chunks (100, 10, 1) and a full default batch.
        for size in [0, 1, 9, 10, 11, 99, 100, 123, 500, 3] {
            let batch: Vec<NewUsage> = (expected.len()..expected.len() + size).map(row).collect();
            assert_eq!(insert_batch(conn, &batch).unwrap(), size);
            expected.extend(batch);
        }
        // PostgreSQL: one statement for every size; SQLite: one per chunk
        // size (100, 10, 1; Diesel runs BEGIN and COMMIT unprepared).
        let statements = *prepared.lock().unwrap();
        match backend {
            Backend::Postgres => assert_eq!(statements, 1),
            Backend::Sqlite => assert_eq!(statements, 3),
        }
        let stored: Vec<UsageRow> = usage::table
            .order_by(usage::id)
            .select(UsageRow::as_select())
            .load(conn)
            .unwrap();
        let stored: Vec<NewUsage> = stored
            .into_iter()
            .map(|r| NewUsage {
                key_id: r.key_id,
                method: r.method,
                path: r.path,
                status: r.status,
                duration_ms: r.duration_ms,
                created_at: r.created_at,
            })
            .collect();
        assert_eq!(stored, expected);
    }
);

latchkey_session::both_backends!(
    a_batch_that_fails_writes_nothing,
    |backend: Backend| async move {
        let Some(db) = TestDb::new(backend, &[CORE_MIGRATIONS, crate::db::MIGRATIONS]) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        // A row refused in the last chunk: the batch's earlier chunks must
        // not stay either (the log would write them again on retry).
        let refuse = match backend {
            Backend::Sqlite => {
                "CREATE TRIGGER usage_refuse BEFORE INSERT ON usage FOR EACH ROW \
                 WHEN NEW.path = '/refuse' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            }
            Backend::Postgres => {
                "ALTER TABLE usage ADD CONSTRAINT usage_refuse CHECK (path <> '/refuse')"
            }
        };
        diesel::sql_query(refuse).execute(conn).unwrap();
        let mut batch: Vec<NewUsage> = (0..111).map(row).collect();
        batch[110].path = "/refuse".into();
        assert!(insert_batch(conn, &batch).is_err());
        let count: i64 = usage::table.count().get_result(conn).unwrap();
        assert_eq!(count, 0);
    }
);
