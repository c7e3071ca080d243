//! Storage tests of [`super`] against `&mut DbConnection`, once per backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use diesel::connection::{Instrumentation, InstrumentationEvent};
use diesel::Connection;
use latchkey_session::db::{Backend, DbConnection, CORE_MIGRATIONS};
use latchkey_session::testing::TestDb;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::*;
use crate::db::queries::batch::charge_batch;
use crate::db::queries::keys;
use crate::keys::PlainKey;

/// Counts the statements a connection prepares for its cache, and runs.
#[derive(Default)]
struct Counts {
    cached: usize,
    started: usize,
}

struct Recorder(Arc<Mutex<Counts>>);

impl Instrumentation for Recorder {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        let mut counts = self.0.lock().unwrap();
        match event {
            InstrumentationEvent::CacheQuery { .. } => counts.cached += 1,
            InstrumentationEvent::StartQuery { .. } => counts.started += 1,
            _ => {}
        }
    }
}

/// A fresh database of `backend` with the sessions' and keys' tables
/// (`None`: that backend is not here, and the test says so and skips).
fn key_db(backend: Backend) -> Option<TestDb> {
    TestDb::new(backend, &[CORE_MIGRATIONS, crate::db::MIGRATIONS])
}

fn now() -> PrimitiveDateTime {
    let at = OffsetDateTime::now_utc();
    PrimitiveDateTime::new(at.date(), at.time())
        .replace_nanosecond(0)
        .unwrap()
}

fn key_row(plain: &PlainKey, at: PrimitiveDateTime) -> ApiKey {
    ApiKey {
        id: latchkey_session::tokens::random_id(),
        reference_id: "o".into(),
        key: plain.hash().0,
        rate_limit_enabled: Some(false),
        remaining: Some(10),
        created_at: at,
        updated_at: at,
        ..crate::rate_limits::test_support::key()
    }
}

/// latchkey's windows column: one window of 60 s and 5 requests, running
/// since a second before `at` with `count` already admitted.
fn running_window(at: PrimitiveDateTime, count: i64) -> Option<String> {
    let start = crate::rate_limits::epoch_ms(at) - 1_000;
    Some(format!(
        r#"[{{"window":60000,"max":5,"start":{start},"count":{count}}}]"#
    ))
}

/// Inserts two keys of the shape `shape` (fresh ids and secrets): one into
/// `alone`, to verify one by one, its twin into `batched`.
fn insert_twins(
    conn: &mut DbConnection,
    shape: &ApiKey,
    alone: &mut Vec<(HashedKey, ApiKey)>,
    batched: &mut Vec<(HashedKey, ApiKey)>,
) {
    for twins in [alone, batched] {
        let plain = PlainKey::generate(None, 64);
        let row = ApiKey {
            id: latchkey_session::tokens::random_id(),
            key: plain.hash().0,
            ..shape.clone()
        };
        keys::insert(conn, &row).unwrap();
        twins.push((plain.hash(), row));
    }
}

/// A row without what tells twins apart (id, secret), its windows column
/// in one spelling (PostgreSQL's jsonb spaces it, the batch's rewind not).
fn anonymous(row: &ApiKey) -> ApiKey {
    let windows = crate::rate_limits::from_column(row.rate_limits.as_deref());
    ApiKey {
        id: String::new(),
        key: String::new(),
        rate_limits: row
            .rate_limits
            .as_ref()
            .map(|_| serde_json::to_string(&windows).unwrap()),
        ..row.clone()
    }
}

latchkey_session::both_backends!(
    verify_statements_are_prepared_once_per_connection,
    |backend: Backend| async move {
        let Some(db) = key_db(backend) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let plain = PlainKey::generate(None, 64);
        let at = now();
        keys::insert(conn, &key_row(&plain, at)).unwrap();
        let counts = Arc::new(Mutex::new(Counts::default()));
        conn.set_instrumentation(Recorder(counts.clone()));
        let hash = plain.hash();
        for n in 1..=3 {
            let c = Consume {
                hash: &hash,
                now: at,
                rate_limit_enabled: true,
                config_id: None,
                checked_permissions: None,
            };
            let row = consume(conn, c).unwrap().unwrap();
            assert_eq!(
                (row.remaining, row.usage_count),
                (Some(10 - n), i64::from(n))
            );
            let read = find_presented(conn, &hash, at).unwrap().unwrap();
            assert_eq!(read, row);
        }
        let counts = counts.lock().unwrap();
        // Six statements run, two prepared: each once.
        assert_eq!((counts.started, counts.cached), (6, 2));
    }
);

latchkey_session::both_backends!(
    plain_keys_are_those_the_statement_charges_nothing,
    |backend: Backend| async move {
        use crate::counters::is_plain;
        use crate::rate_limits::{to_column, RateWindow};
        let Some(db) = key_db(backend) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let at = now();
        let windows = to_column(&[RateWindow::new(60_000, 5)]);
        let mut shapes = 0;
        for remaining in [None, Some(10)] {
            for refill in [false, true] {
                for key_switch in [None, Some(true), Some(false)] {
                    for single in [false, true] {
                        for several in [false, true] {
                            for plugin_switch in [false, true] {
                                let plain = PlainKey::generate(None, 64);
                                let mut row = key_row(&plain, at);
                                row.remaining = remaining;
                                if refill {
                                    row.refill_interval = Some(1_000);
                                    row.refill_amount = Some(5);
                                }
                                row.rate_limit_enabled = key_switch;
                                if single {
                                    row.rate_limit_time_window = Some(60_000);
                                    row.rate_limit_max = Some(5);
                                }
                                if several {
                                    row.rate_limits = windows.clone();
                                }
                                keys::insert(conn, &row).unwrap();
                                let hash = plain.hash();
                                let c = Consume {
                                    hash: &hash,
                                    now: at,
                                    rate_limit_enabled: plugin_switch,
                                    config_id: None,
                                    checked_permissions: None,
                                };
                                let after = consume(conn, c).unwrap().unwrap();
                                let charged = after.remaining != row.remaining
                                    || after.last_refill_at != row.last_refill_at
                                    || after.request_count != row.request_count
                                    || after.rate_limit_window_start != row.rate_limit_window_start
                                    || after.rate_limits != row.rate_limits;
                                assert_eq!(
                                    is_plain(&row, plugin_switch),
                                    !charged,
                                    "{row:?} with rate limiting {plugin_switch}"
                                );
                                shapes += 1;
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(shapes, 96);
    }
);

latchkey_session::both_backends!(
    a_batch_charges_each_key_as_one_verify_would,
    |backend: Backend| async move {
        let Some(db) = key_db(backend) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let at = now();
        let long_ago = at - time::Duration::days(2);
        // Every shape twice: one key verified alone, its twin in the batch.
        let mut alone = Vec::new();
        let mut batched = Vec::new();
        for remaining in [None, Some(0), Some(3)] {
            for refill_due in [false, true] {
                for enabled in [true, false] {
                    for expired in [false, true] {
                        for single in [None, Some(2), Some(5)] {
                            for several in [None, Some(2), Some(5)] {
                                let mut shape = key_row(&PlainKey::generate(None, 8), at);
                                shape.remaining = remaining;
                                if refill_due {
                                    shape.refill_interval = Some(60_000);
                                    shape.refill_amount = Some(4);
                                    shape.last_refill_at = Some(long_ago);
                                }
                                shape.enabled = Some(enabled);
                                shape.expires_at = expired.then_some(long_ago);
                                shape.rate_limit_enabled = Some(true);
                                if let Some(count) = single {
                                    shape.rate_limit_time_window = Some(60_000);
                                    shape.rate_limit_max = Some(5);
                                    shape.request_count = Some(count);
                                    shape.rate_limit_window_start =
                                        Some(at - time::Duration::seconds(1));
                                }
                                shape.rate_limits =
                                    several.and_then(|count| running_window(at, count));
                                insert_twins(conn, &shape, &mut alone, &mut batched);
                            }
                        }
                    }
                }
            }
        }
        // An unknown key and a rotated-out previous secret are left undecided.
        let unknown = PlainKey::generate(None, 64).hash();
        let rotated = key_row(&PlainKey::generate(None, 64), at);
        keys::insert(conn, &rotated).unwrap();
        let previous = PlainKey::generate(None, 64).hash();
        {
            use crate::db::schema::apikey;
            use diesel::prelude::*;
            let set = (
                apikey::previous_key.eq(Some(previous.as_str())),
                apikey::previous_key_expires_at.eq(Some(at + time::Duration::hours(1))),
            );
            match conn {
                DbConnection::Postgres(c) => diesel::update(apikey::table.find(&rotated.id))
                    .set(set)
                    .execute(c),
                DbConnection::Sqlite(c) => diesel::update(apikey::table.find(&rotated.id))
                    .set(set)
                    .execute(c),
            }
            .unwrap();
        }
        assert!(find_presented(conn, &previous, at).unwrap().is_some());
        let hashes: Vec<HashedKey> = batched
            .iter()
            .map(|(hash, _)| hash.clone())
            .chain([unknown, previous])
            .collect();
        let charged = charge_batch(conn, &hashes, at, true).unwrap();
        assert_eq!(charged.len(), hashes.len());
        // The unknown key and the previous secret (the last two) are undecided.
        assert!(charged[batched.len()..].iter().all(Option::is_none));
        assert_eq!(
            keys::find_by_hash(conn, &HashedKey(rotated.key.clone()))
                .unwrap()
                .unwrap()
                .remaining,
            rotated.remaining
        );
        let mut admitted_alone = 0;
        for ((hash, _), (twin_hash, twin)) in alone.iter().zip(&batched) {
            let c = Consume {
                hash,
                now: at,
                rate_limit_enabled: true,
                config_id: None,
                checked_permissions: None,
            };
            let one = consume(conn, c).unwrap();
            let many = charged
                .iter()
                .flatten()
                .find(|row| row.key == twin_hash.as_str());
            match (one, many) {
                (None, None) => {
                    // Refused by both, and left as it was.
                    let read = find_presented(conn, twin_hash, at).unwrap().unwrap();
                    assert_eq!(&read, twin);
                }
                (Some(one), Some(many)) => {
                    admitted_alone += 1;
                    assert_eq!(anonymous(&one), anonymous(many), "{twin:?}");
                }
                (one, many) => panic!("alone {one:?}, in a batch {many:?}, for {twin:?}"),
            }
        }
        assert_eq!(charged.iter().flatten().count(), admitted_alone);
        assert!(admitted_alone > 10 && admitted_alone < alone.len() / 2);
    }
);

latchkey_session::both_backends!(
    a_batch_with_repeated_keys_charges_as_one_by_one_would,
    |backend: Backend| async move {
        let Some(db) = key_db(backend) else {
            return;
        };
        let mut conn = db.pool.get().unwrap();
        let conn: &mut DbConnection = &mut conn;
        let at = now();
        let mut alone = Vec::new();
        let mut batched = Vec::new();
        let long_ago = at - time::Duration::days(2);
        for (remaining, refill_due) in [
            (None, false),
            (Some(2), false),
            (Some(0), false),
            (Some(0), true),
        ] {
            for single in [None, Some(3)] {
                for several in [None, Some(2)] {
                    let mut shape = key_row(&PlainKey::generate(None, 8), at);
                    shape.remaining = remaining;
                    if refill_due {
                        shape.refill_interval = Some(60_000);
                        shape.refill_amount = Some(3);
                        shape.last_refill_at = Some(long_ago);
                    }
                    shape.rate_limit_enabled = Some(true);
                    if let Some(count) = single {
                        shape.rate_limit_time_window = Some(60_000);
                        shape.rate_limit_max = Some(5);
                        shape.request_count = Some(count);
                        shape.rate_limit_window_start = Some(at - time::Duration::seconds(1));
                    }
                    shape.rate_limits = several.and_then(|count| running_window(at, count));
                    insert_twins(conn, &shape, &mut alone, &mut batched);
                }
            }
        }
        // Each key presented four times, interleaved with the others.
        let order: Vec<usize> = (0..4).flat_map(|_| 0..alone.len()).collect();
        let hashes: Vec<HashedKey> = order.iter().map(|&k| batched[k].0.clone()).collect();
        let charged = charge_batch(conn, &hashes, at, true).unwrap();
        let mut admitted = 0;
        for (position, &k) in order.iter().enumerate() {
            let c = Consume {
                hash: &alone[k].0,
                now: at,
                rate_limit_enabled: true,
                config_id: None,
                checked_permissions: None,
            };
            let one = consume(conn, c).unwrap();
            assert_eq!(
                one.as_ref().map(anonymous),
                charged[position].as_ref().map(anonymous),
                "verify {position} of {:?}",
                batched[k].1
            );
            admitted += usize::from(one.is_some());
        }
        // Some keys admit all four, some fewer, some none.
        assert!(admitted > 16 && admitted < order.len(), "{admitted}");
        for ((_, one), (hash, _)) in alone.iter().zip(&batched) {
            let left_alone = keys::find_by_hash(conn, &HashedKey(one.key.clone())).unwrap();
            let left_batched = keys::find_by_hash(conn, hash).unwrap();
            assert_eq!(
                left_alone.map(|r| (r.remaining, r.request_count, r.usage_count, r.rate_limits)),
                left_batched.map(|r| (r.remaining, r.request_count, r.usage_count, r.rate_limits))
            );
        }
    }
);
