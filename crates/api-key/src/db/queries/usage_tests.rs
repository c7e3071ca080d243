//! Storage tests of the usage log's chunks, once per backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel_migrations::MigrationHarness;
use latchkey_session::db::{Backend, DbConnection, CORE_MIGRATIONS};
use latchkey_session::testing::TestDb;
use time::macros::datetime;
use time::Duration;

use super::*;
use crate::db::usage::NewUsage;

/// Counts the statements a connection prepares for its cache.
struct Prepared(Arc<Mutex<usize>>);

impl Instrumentation for Prepared {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::CacheQuery { .. } = event {
            *self.0.lock().unwrap() += 1;
        }
    }
}

const T0: PrimitiveDateTime = datetime!(2026-01-01 0:00);

fn entry(key: &str, i: i64, at_ms: i64) -> NewUsage {
    NewUsage {
        key_id: key.into(),
        method: if i % 2 == 0 { "GET" } else { "POST" }.into(),
        path: format!("/p/{}", i % 3),
        status: 200 + (i % 3) as i32 * 150,
        duration_ms: (i % 11) as i32,
        created_at: T0 + Duration::milliseconds(at_ms),
    }
}

fn key_db(backend: Backend) -> Option<TestDb> {
    TestDb::new(backend, &[CORE_MIGRATIONS, crate::db::MIGRATIONS])
}

/// Every chunk's live entries, in chunk then place order.
fn everything(conn: &mut DbConnection) -> Vec<UsageRow> {
    let chunks: Vec<StoredChunk> = usage_chunk::table
        .order_by(usage_chunk::id)
        .select(StoredChunk::as_select())
        .load(conn)
        .unwrap();
    chunks
        .iter()
        .flat_map(|c| codec::entries(c).unwrap())
        .collect()
}

fn as_new(rows: &[UsageRow]) -> Vec<NewUsage> {
    rows.iter().map(NewUsage::from).collect()
}

/// `rows` as a page must order them: newest first, then last written first.
fn newest_first(mut rows: Vec<UsageRow>) -> Vec<UsageRow> {
    rows.sort_by_key(|row| std::cmp::Reverse((row.created_at, row.id)));
    rows
}

latchkey_session::both_backends!(
    chunks_of_any_number_land_whole_in_order_on_prepared_statements,
    |backend: Backend| async move {
        let Some(db) = key_db(backend) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let prepared = Arc::new(Mutex::new(0));
        conn.set_instrumentation(Prepared(prepared.clone()));
        let mut expected: Vec<NewUsage> = Vec::new();
        // Chunk counts across the SQLite statement sizes (100, 10, 1).
        for keys in [0, 1, 9, 10, 11, 99, 100, 123, 3] {
            // Two entries per key, interleaved: chunks group them by key.
            let batch: Vec<NewUsage> = (0..2 * keys)
                .map(|i| entry(&format!("k{}", i % keys.max(1)), i, i))
                .collect();
            let chunks = codec::chunks(&batch).unwrap();
            assert_eq!(insert_chunks(conn, &chunks).unwrap(), keys as usize);
            for key in 0..keys {
                let key = format!("k{key}");
                expected.extend(batch.iter().filter(|e| e.key_id == key).cloned());
            }
        }
        // PostgreSQL: one statement for every size; SQLite: one per
        // statement size (Diesel runs BEGIN and COMMIT unprepared).
        let statements = *prepared.lock().unwrap();
        match backend {
            Backend::Postgres => assert_eq!(statements, 1),
            Backend::Sqlite => assert_eq!(statements, 3),
        }
        assert_eq!(as_new(&everything(conn)), expected);
    }
);

latchkey_session::both_backends!(
    a_batch_that_fails_writes_nothing,
    |backend: Backend| async move {
        let Some(db) = key_db(backend) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        // A chunk refused in the last statement: the earlier ones must not
        // stay either (the log would write them again on retry).
        let refuse = match backend {
            Backend::Sqlite => {
                "CREATE TRIGGER usage_refuse BEFORE INSERT ON usage_chunk FOR EACH ROW \
                 WHEN NEW.\"keyId\" = 'refuse' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            }
            Backend::Postgres => {
                "ALTER TABLE usage_chunk ADD CONSTRAINT usage_refuse CHECK (\"keyId\" <> 'refuse')"
            }
        };
        diesel::sql_query(refuse).execute(conn).unwrap();
        let mut batch: Vec<NewUsage> = (0..111).map(|i| entry(&format!("k{i}"), i, i)).collect();
        batch[110].key_id = "refuse".into();
        let chunks = codec::chunks(&batch).unwrap();
        assert!(insert_chunks(conn, &chunks).is_err());
        let count: i64 = usage_chunk::table.count().get_result(conn).unwrap();
        assert_eq!(count, 0);
    }
);

/// 700 chunks of one key (more than one read of spans), 1 to 4 entries
/// each, whose times overlap their neighbours' now and then and sometimes
/// tie; and another key's chunks between them.
fn overlapping_history(conn: &mut DbConnection) -> Vec<UsageRow> {
    let mut seed: i64 = 17;
    let mut next = |below: i64| {
        seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
        seed % below
    };
    for chunk in 0..700 {
        let n = 1 + next(4);
        let base = chunk * 10;
        let batch: Vec<NewUsage> = (0..n)
            .flat_map(|i| {
                // Mostly within the chunk's own 10 ms; one in 8 reaches
                // back over earlier chunks (a slow request).
                let back = if next(8) == 0 { next(40) } else { 0 };
                let at = base + next(10) - back;
                [entry("mine", chunk + i, at), entry("other", i, at)]
            })
            .collect();
        insert_chunks(conn, &codec::chunks(&batch).unwrap()).unwrap();
    }
    everything(conn)
        .into_iter()
        .filter(|r| r.key_id == "mine")
        .collect()
}

latchkey_session::both_backends!(
    pages_are_exactly_a_sort_of_every_entry,
    |backend: Backend| async move {
        let Some(db) = key_db(backend) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let all = newest_first(overlapping_history(conn));
        let total = all.len() as i64;
        assert_eq!(count_for_key(conn, "mine").unwrap(), total);
        for (limit, offset) in [
            (1, 0),
            (20, 0),
            (20, 20),
            (7, 3),
            (100, 950),
            (100, total - 5),
            (100, total),
            (5, total + 10),
            (total + 1, 0),
            (0, 0),
        ] {
            let page = page_for_key(conn, "mine", limit, offset).unwrap();
            let expected: Vec<UsageRow> = all
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .cloned()
                .collect();
            assert_eq!(page, expected, "limit {limit}, offset {offset}");
        }
        assert!(page_for_key(conn, "nobody", 10, 0).unwrap().is_empty());
    }
);

latchkey_session::both_backends!(
    retention_removes_exactly_the_older_entries_and_keeps_the_others_ids,
    |backend: Backend| async move {
        let Some(db) = key_db(backend) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let before = newest_first(overlapping_history(conn));
        let everyone = everything(conn).len();
        for cutoff_ms in [-100, 1_234, 3_000, 3_000, 6_995] {
            let cutoff = T0 + Duration::milliseconds(cutoff_ms);
            let kept_before = everything(conn).len();
            let removed = delete_older_than(conn, cutoff).unwrap();
            let left = everything(conn);
            assert_eq!(removed, kept_before - left.len(), "cutoff {cutoff_ms}");
            assert!(left.iter().all(|r| r.created_at >= cutoff));
            let expected: Vec<UsageRow> = before
                .iter()
                .filter(|r| r.created_at >= cutoff)
                .cloned()
                .collect();
            // Same entries, same ids, same order, same total.
            let mine = page_for_key(conn, "mine", 10_000, 0).unwrap();
            assert_eq!(mine, expected, "cutoff {cutoff_ms}");
            assert_eq!(count_for_key(conn, "mine").unwrap(), expected.len() as i64);
        }
        assert!(everything(conn).len() < everyone);
    }
);

/// Runs the api-key migrations that come before the chunks.
fn migrate_to_rows<DB: diesel::backend::Backend>(
    conn: &mut impl MigrationHarness<DB>,
    source: fn() -> diesel_migrations::EmbeddedMigrations,
) where
    diesel_migrations::EmbeddedMigrations: MigrationSource<DB>,
{
    loop {
        let pending = conn.pending_migrations(source()).unwrap();
        let next = pending.first().expect("the chunks' migration");
        if next.name().to_string().starts_with("2026-11-24-000200") {
            return;
        }
        conn.run_migration(next.as_ref()).unwrap();
    }
}

/// Reverts the api-key migrations down to (and with) the chunks' one.
fn revert_to_rows<DB: diesel::backend::Backend>(
    conn: &mut impl MigrationHarness<DB>,
    source: fn() -> diesel_migrations::EmbeddedMigrations,
) where
    diesel_migrations::EmbeddedMigrations: MigrationSource<DB>,
{
    loop {
        let reverted = conn.revert_last_migration(source()).unwrap();
        if reverted.to_string() == "20261124000200" {
            return;
        }
    }
}

latchkey_session::both_backends!(
    the_migration_moves_rows_into_chunks_and_back,
    |backend: Backend| async move {
        let Some(db) = TestDb::new(backend, &[CORE_MIGRATIONS]) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let set = crate::db::MIGRATIONS;
        match conn {
            DbConnection::Postgres(pg) => migrate_to_rows(pg, set.postgres),
            DbConnection::Sqlite(lite) => migrate_to_rows(lite, set.sqlite),
        }
        // Milliseconds: SQLite's way back keeps no more.
        let rows = [
            ("a", "GET", "/ping", 200, 3, "2026-01-01 00:00:00.125"),
            ("b", "POST", "/say \"hi\"/é", 503, 40, "2026-01-01 00:00:01"),
            ("a", "DELETE", "/x", 404, 0, "2026-01-01 00:00:00.125"),
        ];
        for (key, method, path, status, ms, at) in rows {
            let sql = match backend {
                Backend::Postgres => {
                    r#"INSERT INTO usage ("keyId", method, path, status, "durationMs", "createdAt")
                       VALUES ($1, $2, $3, $4, $5, CAST($6 AS TIMESTAMP))"#
                }
                // SQLite keeps timestamps as the text Diesel writes.
                Backend::Sqlite => {
                    r#"INSERT INTO usage ("keyId", method, path, status, "durationMs", "createdAt")
                       VALUES (?, ?, ?, ?, ?, ?)"#
                }
            };
            diesel::sql_query(sql)
                .bind::<diesel::sql_types::Text, _>(key)
                .bind::<diesel::sql_types::Text, _>(method)
                .bind::<diesel::sql_types::Text, _>(path)
                .bind::<diesel::sql_types::Integer, _>(status)
                .bind::<diesel::sql_types::Integer, _>(ms)
                .bind::<diesel::sql_types::Text, _>(at)
                .execute(conn)
                .unwrap();
        }
        let expected: Vec<NewUsage> = rows
            .iter()
            .map(|(key, method, path, status, ms, at)| NewUsage {
                key_id: (*key).into(),
                method: (*method).into(),
                path: (*path).into(),
                status: *status,
                duration_ms: *ms,
                created_at: PrimitiveDateTime::parse(
                    at,
                    time::macros::format_description!(
                        version = 2,
                        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]"
                    ),
                )
                .unwrap(),
            })
            .collect();
        latchkey_session::db::run_migrations(conn, &[set]).unwrap();
        assert_eq!(as_new(&everything(conn)), expected);
        let a = page_for_key(conn, "a", 10, 0).unwrap();
        // Equal times: the later row first.
        assert_eq!(as_new(&a), [expected[2].clone(), expected[0].clone()]);

        // A chunk of several entries, one of them out of time order; the
        // sweep at 0.5 s removes both of "a"'s rows and one of the chunk's.
        let later: Vec<NewUsage> = [2_500, 2_000, 3_250, 400]
            .iter()
            .enumerate()
            .map(|(i, ms)| entry("c", i as i64, *ms))
            .collect();
        insert_chunks(conn, &codec::chunks(&later).unwrap()).unwrap();
        assert_eq!(
            delete_older_than(conn, T0 + Duration::milliseconds(500)).unwrap(),
            3
        );
        let expected: Vec<NewUsage> = [&expected[1]]
            .into_iter()
            .chain(&later[..3])
            .cloned()
            .collect();
        assert_eq!(as_new(&everything(conn)), expected);

        // And back: the same rows in the same order.
        match conn {
            DbConnection::Postgres(pg) => revert_to_rows(pg, set.postgres),
            DbConnection::Sqlite(lite) => revert_to_rows(lite, set.sqlite),
        }
        #[derive(QueryableByName, Debug, PartialEq)]
        struct Back {
            #[diesel(sql_type = diesel::sql_types::Text, column_name = "keyId")]
            key_id: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            path: String,
            #[diesel(sql_type = diesel::sql_types::Integer)]
            status: i32,
            #[diesel(sql_type = diesel::sql_types::Timestamp, column_name = "createdAt")]
            created_at: PrimitiveDateTime,
        }
        let back: Vec<Back> = diesel::sql_query(
            r#"SELECT "keyId", path, status, "createdAt" FROM usage ORDER BY id"#,
        )
        .load(conn)
        .unwrap();
        let expected_back: Vec<Back> = expected
            .iter()
            .map(|e| Back {
                key_id: e.key_id.clone(),
                path: e.path.clone(),
                status: e.status,
                created_at: e.created_at,
            })
            .collect();
        assert_eq!(back, expected_back);
    }
);
