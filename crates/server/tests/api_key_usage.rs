//! The usage log on both backends: what the middleware records (only
//! admitted requests), `GET /api-key/usage` (owner only, newest first,
//! paging and its validation), the bounded buffer, failures that never
//! reach the request, shutdown and retention.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod manage;
mod usage_support;

use std::sync::Arc;

use actix_web::test::TestRequest;
use common::both_backends;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use latchkey_api_key::db::usage::usage_chunk;
use latchkey_api_key::usage::UsageLogOptions;
use latchkey_api_key::{ApiKeyOptions, ApiKeys};
use latchkey_session::db::Backend;
use latchkey_session::{time_format, Clock};
use manage::*;
use serde_json::{json, Value};
use usage_support::{manual_flush, HostApp};

fn paths(answer: &Value) -> Vec<String> {
    answer["usage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{} {} {}",
                u["method"].as_str().unwrap(),
                u["path"].as_str().unwrap(),
                u["status"]
            )
        })
        .collect()
}

both_backends!(
    admitted_requests_are_recorded_newest_first,
    |backend: Backend| async move {
        let Some(host) = HostApp::new(backend, manual_flush()) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (id, key) = host.key_of(&alice, "ci").await;
        let t0 = host.now_text();
        assert_eq!(
            host.host_get("/host/ping?secret=x", Some(&key))
                .await
                .status,
            200
        );
        host.app.tick(1000);
        let t1 = host.now_text();
        let post = TestRequest::post()
            .uri("/host/ping")
            .insert_header(("x-api-key", key.clone()));
        assert_eq!(host.call(post).await.status, 200);
        host.app.tick(1000);
        assert_eq!(
            host.host_get("/host/status/503", Some(&key)).await.status,
            503
        );
        host.app.tick(1000);
        // Refused or keyless requests are not recorded.
        assert_eq!(host.host_get("/host/ping", None).await.status, 401);
        assert_eq!(host.host_get("/host/ping", Some("nope")).await.status, 401);
        assert_eq!(host.host_get("/host/open", None).await.status, 200);
        assert_eq!(host.usage.pending(), 3);
        assert_eq!(host.flush(), 3);
        assert_eq!(host.usage.pending(), 0);

        let answer = host
            .usage_of(Some(&alice.bearer), &format!("keyId={id}"))
            .await;
        assert_eq!(answer.status.as_u16(), 200, "{}", answer.text);
        assert_eq!(
            paths(&answer.json),
            [
                "GET /host/status/503 503",
                "POST /host/ping 200",
                "GET /host/ping 200"
            ]
        );
        assert_eq!(answer.json["total"], 3);
        assert_eq!(
            (answer.json["page"].clone(), answer.json["size"].clone()),
            (json!(1), json!(10))
        );
        let oldest = &answer.json["usage"][2];
        assert_eq!(oldest["keyId"], json!(id));
        assert_eq!(oldest["createdAt"], json!(t0));
        assert_eq!(answer.json["usage"][1]["createdAt"], json!(t1));
        assert!(oldest["durationMs"].as_i64().unwrap() >= 0);
        assert!(oldest["id"].as_i64().is_some());
        let mut fields: Vec<&String> = oldest.as_object().unwrap().keys().collect();
        fields.sort();
        assert_eq!(
            fields,
            [
                "createdAt",
                "durationMs",
                "id",
                "keyId",
                "method",
                "path",
                "status"
            ]
        );
        // The query string (which may carry secrets) is never stored.
        assert!(!answer.text.contains("secret"));
    }
);

both_backends!(
    the_response_time_runs_from_the_verify_to_the_answer,
    |backend: Backend| async move {
        let Some(host) = HostApp::new(backend, manual_flush()) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (id, key) = host.key_of(&alice, "ci").await;
        let asked = host.now_text();
        assert_eq!(
            host.host_get("/host/slow/250", Some(&key)).await.status,
            200
        );
        assert_eq!(host.host_get("/host/slow/0", Some(&key)).await.status, 200);
        assert_eq!(host.flush(), 2);
        let answer = host
            .usage_of(Some(&alice.bearer), &format!("keyId={id}"))
            .await;
        let usage = answer.json["usage"].as_array().unwrap();
        // Newest first: the instant answer, then the slow one, stamped with
        // the time it was asked, not answered.
        assert_eq!(usage[1]["durationMs"], json!(250));
        assert_eq!(usage[1]["createdAt"], json!(asked));
        assert_eq!(usage[0]["durationMs"], json!(0));
        assert_eq!(usage[0]["createdAt"], json!(host.now_text()));
    }
);

both_backends!(
    entries_recorded_on_many_threads_make_one_chunk_per_key_in_time_order,
    |backend: Backend| async move {
        let Some(host) = HostApp::new(backend, manual_flush()) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (first, _) = host.key_of(&alice, "first").await;
        let (second, _) = host.key_of(&alice, "second").await;
        let t0 = host.app.clock.now();
        // Four threads (four shards of the buffer), whose times interleave:
        // thread t records the times t, t + 4, t + 8, … ms for both keys.
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let (host, keys) = (&host, [&first, &second]);
                scope.spawn(move || {
                    for i in 0..25 {
                        for key in keys {
                            let at = t0 + time::Duration::milliseconds(thread + 4 * i);
                            host.record_ping(key, at);
                        }
                    }
                });
            }
        });
        assert_eq!(host.usage.pending(), 200);
        assert_eq!(host.flush(), 200);
        let mut conn = host.app.db.pool.get().unwrap();
        for id in [&first, &second] {
            let chunks: i64 = usage_chunk::table
                .filter(usage_chunk::key_id.eq(id))
                .count()
                .get_result(&mut conn)
                .unwrap();
            assert_eq!(chunks, 1);
            // Stored in time order: each entry counts from the one before.
            let text: String = usage_chunk::table
                .filter(usage_chunk::key_id.eq(id))
                .select(usage_chunk::entries)
                .first(&mut conn)
                .unwrap();
            let body: Value = serde_json::from_str(&text).unwrap();
            let steps: Vec<i64> = body["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|entry| entry[0].as_i64().unwrap())
                .collect();
            assert_eq!(steps[1..], [1_000_000; 99], "1 ms after the entry before");
            let answer = host
                .usage_of(Some(&alice.bearer), &format!("keyId={id}&size=100"))
                .await;
            let times: Vec<String> = answer.json["usage"]
                .as_array()
                .unwrap()
                .iter()
                .map(|entry| entry["createdAt"].as_str().unwrap().to_owned())
                .collect();
            let expected: Vec<String> = (0..100)
                .rev()
                .map(|ms| time_format::format(t0 + time::Duration::milliseconds(ms)))
                .collect();
            assert_eq!(times, expected, "newest first, every millisecond once");
        }
    }
);

both_backends!(
    equal_times_keep_the_order_of_arrival,
    |backend: Backend| async move {
        let Some(host) = HostApp::new(backend, manual_flush()) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (id, key) = host.key_of(&alice, "ci").await;
        for code in [201, 202, 203] {
            host.host_get(&format!("/host/status/{code}"), Some(&key))
                .await;
        }
        host.flush();
        host.host_get("/host/status/204", Some(&key)).await;
        host.flush();
        let answer = host
            .usage_of(Some(&alice.bearer), &format!("keyId={id}"))
            .await;
        let statuses: Vec<i64> = answer.json["usage"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["status"].as_i64().unwrap())
            .collect();
        assert_eq!(statuses, [204, 203, 202, 201]);
    }
);

both_backends!(pages_and_their_validation, |backend: Backend| async move {
    let Some(host) = HostApp::new(backend, manual_flush()) else {
        return;
    };
    let alice = host.app.sign_up("Alice").await;
    let (id, key) = host.key_of(&alice, "ci").await;
    for code in 200..207 {
        host.host_get(&format!("/host/status/{code}"), Some(&key))
            .await;
        host.app.tick(10);
    }
    host.flush();
    let page = |q: String| {
        let bearer = alice.bearer.clone();
        let host = &host;
        async move { host.usage_of(Some(&bearer), &q).await }
    };
    let second = page(format!("keyId={id}&page=2&size=3")).await;
    assert_eq!(
        paths(&second.json),
        [
            "GET /host/status/203 203",
            "GET /host/status/202 202",
            "GET /host/status/201 201"
        ]
    );
    assert_eq!(second.json["total"], 7);
    assert_eq!(
        (second.json["page"].clone(), second.json["size"].clone()),
        (json!(2), json!(3))
    );
    let last = page(format!("keyId={id}&page=3&size=3")).await;
    assert_eq!(paths(&last.json), ["GET /host/status/200 200"]);
    let beyond = page(format!("keyId={id}&page=9&size=3")).await;
    assert_eq!(
        beyond.json,
        json!({"usage": [], "total": 7, "page": 9, "size": 3})
    );
    let only_size = page(format!("keyId={id}&size=100")).await;
    assert_eq!(only_size.json["usage"].as_array().unwrap().len(), 7);

    let cases = [
        (
            "page=0".to_owned(),
            "[query.page] Too small: expected number to be >=1",
        ),
        (
            "size=0".to_owned(),
            "[query.size] Too small: expected number to be >=1",
        ),
        (
            "size=101".to_owned(),
            "[query.size] Too big: expected number to be <=100",
        ),
        (
            "page=abc".to_owned(),
            "[query.page] Invalid input: expected number, received NaN",
        ),
        (
            "page=1.5".to_owned(),
            "[query.page] Invalid input: expected int, received number",
        ),
    ];
    for (query, message) in cases {
        let answer = page(format!("keyId={id}&{query}")).await;
        assert_validation(&answer, message);
    }
    assert_validation(
        &page("page=0".to_owned()).await,
        "[query.keyId] Invalid input: expected string, received undefined; \
         [query.page] Too small: expected number to be >=1",
    );
    // Validation comes first, then the session.
    assert_validation(
        &host.usage_of(None, "page=0&keyId=x").await,
        "[query.page] Too small: expected number to be >=1",
    );
    assert_unauthorized(&host.usage_of(None, &format!("keyId={id}")).await);
});

both_backends!(
    only_the_owner_sees_a_keys_usage,
    |backend: Backend| async move {
        let Some(host) = HostApp::new(backend, manual_flush()) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let bob = host.app.sign_up("Bob").await;
        let (id, key) = host.key_of(&alice, "ci").await;
        host.host_get("/host/ping", Some(&key)).await;
        host.flush();
        assert_not_found(
            &host
                .usage_of(Some(&bob.bearer), &format!("keyId={id}"))
                .await,
        );
        assert_not_found(&host.usage_of(Some(&alice.bearer), "keyId=missing").await);
        // A deleted key's usage answers as a missing key's.
        let deleted = host
            .app
            .delete_key(Some(&alice.bearer), json!({"keyId": id}))
            .await;
        assert_eq!(deleted.status.as_u16(), 200);
        assert_not_found(
            &host
                .usage_of(Some(&alice.bearer), &format!("keyId={id}"))
                .await,
        );
    }
);

both_backends!(
    a_full_buffer_drops_its_oldest_entries,
    |backend: Backend| async move {
        let options = UsageLogOptions {
            capacity: 3,
            ..manual_flush()
        };
        let Some(host) = HostApp::new(backend, options) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (id, key) = host.key_of(&alice, "ci").await;
        for code in 200..205 {
            let answer = host
                .host_get(&format!("/host/status/{code}"), Some(&key))
                .await;
            assert_eq!(answer.status.as_u16(), code);
        }
        assert_eq!((host.usage.pending(), host.usage.dropped()), (3, 2));
        assert_eq!(host.flush(), 3);
        let answer = host
            .usage_of(Some(&alice.bearer), &format!("keyId={id}"))
            .await;
        assert_eq!(
            paths(&answer.json),
            [
                "GET /host/status/204 204",
                "GET /host/status/203 203",
                "GET /host/status/202 202"
            ]
        );
        assert_eq!(host.usage.written(), 3);
    }
);

both_backends!(
    a_failing_log_never_fails_the_request,
    |backend: Backend| async move {
        let Some(host) = HostApp::new(backend, manual_flush()) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (_, key) = host.key_of(&alice, "ci").await;
        host.app
            .db
            .pool
            .get()
            .unwrap()
            .batch_execute("DROP TABLE usage_chunk")
            .unwrap();
        assert_eq!(host.host_get("/host/ping", Some(&key)).await.status, 200);
        assert_eq!(host.usage.pending(), 1);
        // The batch cannot be written: it is dropped and counted, not retried forever.
        assert!(host.usage.flush_now().is_err());
        assert_eq!((host.usage.pending(), host.usage.dropped()), (0, 1));
        assert_eq!(host.host_get("/host/ping", Some(&key)).await.status, 200);
    }
);

both_backends!(
    shutdown_writes_what_is_left,
    |backend: Backend| async move {
        let Some(host) = HostApp::new(backend, manual_flush()) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (id, key) = host.key_of(&alice, "ci").await;
        host.host_get("/host/ping", Some(&key)).await;
        host.host_get("/host/ping", Some(&key)).await;
        // The flusher thread writes the rest on its way out.
        host.usage.shutdown();
        assert_eq!((host.usage.pending(), host.usage.written()), (0, 2));
        let answer = host
            .usage_of(Some(&alice.bearer), &format!("keyId={id}"))
            .await;
        assert_eq!(answer.json["total"], 2);
    }
);

both_backends!(
    flusher_and_flush_now_never_write_twice,
    |backend: Backend| async move {
        let options = UsageLogOptions {
            flush_size: 2,
            ..manual_flush()
        };
        let Some(host) = HostApp::new(backend, options) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (_, key) = host.key_of(&alice, "ci").await;
        host.host_get("/host/ping", Some(&key)).await;
        host.host_get("/host/ping", Some(&key)).await;
        // Whether the flusher already wrote the batch or not, flush_now waits
        // for a flush under way and leaves nothing behind: two rows in all.
        host.flush();
        assert_eq!((host.usage.pending(), host.usage.written()), (0, 2));
    }
);

both_backends!(retention_prunes_old_rows, |backend: Backend| async move {
    let Some(host) = HostApp::new(backend, manual_flush()) else {
        return;
    };
    let alice = host.app.sign_up("Alice").await;
    let (id, key) = host.key_of(&alice, "ci").await;
    host.host_get("/host/status/201", Some(&key)).await;
    host.app.tick(31 * 86_400_000);
    host.host_get("/host/status/202", Some(&key)).await;
    host.flush();
    let state = host.app.auth.state();
    let keep = ApiKeys::from_state(&state, Arc::new(ApiKeyOptions::default()));
    assert_eq!(keep.sweep_usage().await.ok(), Some(0));
    let options = ApiKeyOptions {
        usage_retention: Some(time::Duration::days(30)),
        ..ApiKeyOptions::default()
    };
    let keys = ApiKeys::from_state(&state, Arc::new(options));
    assert_eq!(keys.sweep_usage().await.ok(), Some(1));
    // (Alice's session has expired by now: read through the Rust API.)
    let left = keys.usage(&id, &alice.id, 1, 10).await.unwrap();
    assert_eq!(left.total, 1);
    assert_eq!(left.rows[0].status, 202);
});

both_backends!(
    a_flush_writes_one_chunk_per_key_whatever_the_statement_size,
    |backend: Backend| async move {
        let options = UsageLogOptions {
            batch_size: 3,
            ..manual_flush()
        };
        let Some(host) = HostApp::new(backend, options) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (first, first_key) = host.key_of(&alice, "first").await;
        let (second, second_key) = host.key_of(&alice, "second").await;
        // Interleaved: in arrival order, statements of 3 would hold both
        // keys twice.
        for code in 200..203 {
            for key in [&first_key, &second_key] {
                host.host_get(&format!("/host/status/{code}"), Some(key))
                    .await;
            }
        }
        assert_eq!(host.flush(), 6);
        let mut conn = host.app.db.pool.get().unwrap();
        for (id, key) in [(&first, &first_key), (&second, &second_key)] {
            let chunks: i64 = usage_chunk::table
                .filter(usage_chunk::key_id.eq(id))
                .count()
                .get_result(&mut conn)
                .unwrap();
            assert_eq!(chunks, 1, "{key}'s requests are one chunk");
            let answer = host
                .usage_of(Some(&alice.bearer), &format!("keyId={id}"))
                .await;
            assert_eq!(
                paths(&answer.json),
                [
                    "GET /host/status/202 202",
                    "GET /host/status/201 201",
                    "GET /host/status/200 200"
                ],
                "{}",
                answer.text
            );
        }
    }
);

/// The chunks' entries are compressed with lz4 where the server has it
/// (PostgreSQL only: SQLite stores text as it is).
#[actix_web::test]
async fn postgres_compresses_entries_with_lz4() {
    let app = test_app!(Backend::Postgres);
    let mut conn = app.db.pool.get().unwrap();
    let lz4_built_in = conn
        .batch_execute("CREATE TEMP TABLE lz4_probe (t text COMPRESSION lz4)")
        .is_ok();
    #[derive(QueryableByName)]
    struct Compression {
        #[diesel(sql_type = diesel::sql_types::Text)]
        method: String,
    }
    let column: Compression = diesel::sql_query(
        "SELECT attcompression::text AS method FROM pg_attribute \
         WHERE attrelid = 'usage_chunk'::regclass AND attname = 'entries'",
    )
    .get_result(&mut conn)
    .unwrap();
    let expected = if lz4_built_in { "l" } else { "" };
    assert_eq!(column.method, expected, "lz4 built in: {lz4_built_in}");
}

both_backends!(
    entries_recorded_while_flushes_run_are_all_written_once,
    |backend: Backend| async move {
        let options = UsageLogOptions {
            capacity: 1_000_000,
            flush_size: 5_000,
            ..manual_flush()
        };
        let Some(host) = HostApp::new(backend, options) else {
            return;
        };
        let alice = host.app.sign_up("Alice").await;
        let (first, _) = host.key_of(&alice, "first").await;
        let (second, _) = host.key_of(&alice, "second").await;
        let at = host.app.clock.now();
        let (threads, each) = (4, 50_000);
        let recording = std::sync::atomic::AtomicUsize::new(threads);
        // The flusher runs too (every 5,000 entries), and this test flushes
        // on its own thread all the while: the shards are taken and given
        // their spare buffers back under the recording threads' feet.
        std::thread::scope(|scope| {
            for thread in 0..threads {
                let (host, keys, recording) = (&host, [&first, &second], &recording);
                scope.spawn(move || {
                    for i in 0..each {
                        host.record_ping(keys[(thread + i) % 2], at);
                    }
                    recording.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                });
            }
            scope.spawn(|| {
                while recording.load(std::sync::atomic::Ordering::SeqCst) > 0 {
                    host.usage.flush_now().unwrap();
                }
            });
        });
        host.usage.flush_now().unwrap();
        let recorded = (threads * each) as u64;
        assert_eq!(
            (
                host.usage.written(),
                host.usage.dropped(),
                host.usage.pending()
            ),
            (recorded, 0, 0)
        );
        let mut conn = host.app.db.pool.get().unwrap();
        let calls: Option<i64> = usage_chunk::table
            .select(diesel::dsl::sum(usage_chunk::calls))
            .first(&mut conn)
            .unwrap();
        assert_eq!(calls, Some(recorded as i64));
    }
);
