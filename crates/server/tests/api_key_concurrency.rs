//! Exactness under concurrency: a budget is never overspent, whatever the
//! number of concurrent verifies or of server processes sharing the database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::both_backends;
use common::keys::{burst, burst_of, insert_key, stored};
use latchkey_api_key::rate_limits::{from_column, to_column, RateWindow};
use latchkey_session::db::Backend;
use serde_json::{json, Value};

fn count(answers: &[Value], code: Option<&str>) -> usize {
    answers
        .iter()
        .filter(|a| match code {
            None => a["valid"] == json!(true),
            Some(code) => a["error"]["code"] == json!(code),
        })
        .count()
}

both_backends!(
    remaining_100_admits_exactly_100_of_300,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "o", |k| {
            k.remaining = Some(100);
            k.rate_limit_enabled = Some(false);
        });
        let answers = burst(&app, &key, 300).await;
        assert_eq!(count(&answers, None), 100);
        assert_eq!(count(&answers, Some("USAGE_EXCEEDED")), 200);
        let row = stored(&app, &key).unwrap();
        assert_eq!(row.remaining, Some(0));
        // Every admission counted once; no rate limit, so no requestCount.
        assert_eq!((row.usage_count, row.request_count), (100, Some(0)));
    }
);

both_backends!(
    rate_limit_10_admits_exactly_10_of_50_and_charges_10,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (key, _) = insert_key(&app, "o", |k| {
            k.remaining = Some(1000);
            k.rate_limit_max = Some(10);
            k.rate_limit_time_window = Some(3_600_000);
        });
        let answers = burst(&app, &key, 50).await;
        assert_eq!(count(&answers, None), 10);
        assert_eq!(count(&answers, Some("RATE_LIMITED")), 40);
        let row = stored(&app, &key).unwrap();
        assert_eq!(row.remaining, Some(990));
        assert_eq!((row.usage_count, row.request_count), (10, Some(10)));
    }
);

both_backends!(
    many_keys_verified_together_each_admit_exactly_their_budget,
    |backend: Backend| async move {
        // Concurrent verifies of different keys are charged in shared
        // batch statements; each key still admits exactly its budget.
        let app = test_app!(backend);
        let keys: Vec<_> = (0..30)
            .map(|n| {
                insert_key(&app, "o", |k| {
                    k.remaining = Some(4);
                    k.rate_limit_enabled = Some(n % 2 == 0);
                    k.rate_limit_max = Some(1000);
                })
                .0
            })
            .collect();
        let order: Vec<_> = (0..10).flat_map(|_| keys.iter()).collect();
        let answers = burst_of(&app, order.iter().copied()).await;
        for (n, key) in keys.iter().enumerate() {
            let own: Vec<_> = answers
                .iter()
                .skip(n)
                .step_by(keys.len())
                .cloned()
                .collect();
            assert_eq!(count(&own, None), 4, "key {n}");
            assert_eq!(count(&own, Some("USAGE_EXCEEDED")), 6, "key {n}");
            let row = stored(&app, key).unwrap();
            assert_eq!((row.remaining, row.usage_count), (Some(0), 4), "key {n}");
            let limited = n % 2 == 0;
            assert_eq!(
                row.request_count,
                Some(if limited { 4 } else { 0 }),
                "key {n}"
            );
        }
    }
);

both_backends!(
    /// While another writer keeps changing a key's permissions between two
    /// values that both grant the request, every verify is admitted: a
    /// verify whose checked permissions went stale checks them again
    /// rather than giving up as an unknown key.
    a_permissions_change_that_still_grants_refuses_nothing,
    |backend: Backend| async move {
        use diesel::prelude::*;
        use latchkey_api_key::db::schema::apikey;
        let app = test_app!(backend);
        let (key, row) = insert_key(&app, "o", |k| {
            k.remaining = Some(1_000_000);
            k.rate_limit_enabled = Some(false);
            k.permissions = Some(r#"{"files":["read"]}"#.into());
        });
        let service =
            actix_web::test::init_service(latchkey::app::build_app(app.auth.clone())).await;
        let calls = (0..800).map(|_| {
            let body = json!({ "key": key.expose(), "permissions": {"files": ["read"]} });
            let req = common::keys::verify_request(body).to_request();
            actix_web::test::call_and_read_body_json::<_, _, Value>(&service, req)
        });
        // 200 changes by another writer, on the blocking pool beside the
        // verifies: each flips the permissions between two granting values.
        let changes = (0..200).map(|n| {
            let (pool, id) = (app.db.pool.clone(), row.id.clone());
            actix_web::web::block(move || {
                let grants = [r#"{"files":["read","write"]}"#, r#"{"files":["read"]}"#];
                let mut conn = pool.get().unwrap();
                diesel::update(apikey::table.find(&id))
                    .set(apikey::permissions.eq(Some(grants[n % 2])))
                    .execute(&mut conn)
            })
        });
        let (answers, changed) = futures_util::future::join(
            futures_util::future::join_all(calls),
            futures_util::future::join_all(changes),
        )
        .await;
        for change in changed {
            assert_eq!(change.unwrap().unwrap(), 1);
        }
        let refused: Vec<_> = answers.iter().filter(|a| a["valid"] != json!(true)).collect();
        assert!(refused.is_empty(), "{} of 800 refused, e.g. {}", refused.len(), refused[0]);
        assert_eq!(stored(&app, &key).unwrap().remaining, Some(1_000_000 - 800));
    }
);

/// A `latchkey` process on a free loopback port.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// One HTTP/1.1 request on a fresh connection; returns (status, body).
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

fn start_server(database_url: &str) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--workers",
            "2",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("LATCHKEY_SERVER_SECRET", common::SERVER_SECRET)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, port };
    // Wait (bounded) until it answers.
    let deadline = Instant::now() + Duration::from_secs(30);
    while http(port, "GET", "/api/auth/ok", &[], "").is_none() {
        assert!(
            Instant::now() < deadline,
            "latchkey did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

both_backends!(
    /// Two `latchkey` processes on one database (a PostgreSQL server, or
    /// one SQLite file) share every budget: `remaining`, better-auth's
    /// rate limit and latchkey's windows each admit exactly their budget,
    /// wherever the requests land.
    two_server_processes_never_overspend,
    |backend: Backend| async move {
        let app = test_app!(backend);
        let (used_up, _) = insert_key(&app, "o", |k| {
            k.remaining = Some(100);
            k.rate_limit_enabled = Some(false);
        });
        let (limited, _) = insert_key(&app, "o", |k| {
            k.rate_limit_max = Some(60);
            k.rate_limit_time_window = Some(3_600_000);
        });
        let (windowed, _) = insert_key(&app, "o", |k| {
            k.rate_limit_time_window = None;
            k.rate_limit_max = None;
            k.rate_limits = to_column(&[
                RateWindow::new(60_000, 80),
                RateWindow::new(3_600_000, 45),
                RateWindow::new(86_400_000, 90),
            ]);
        });
        let servers = [start_server(&app.db.url), start_server(&app.db.url)];
        let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
        let bodies: Vec<String> = [&used_up, &limited, &windowed]
            .iter()
            .map(|key| json!({ "key": key.expose() }).to_string())
            .collect();
        // 30 threads × 30 requests: each key asked 300 times, its requests
        // alternating between the two processes.
        let threads: Vec<_> = (0..30)
            .map(|t| {
                let (ports, bodies) = (ports.clone(), bodies.clone());
                std::thread::spawn(move || {
                    (0..30)
                        .map(|i| {
                            let port = ports[(t + i) % ports.len()];
                            let key = (t + i / 2) % bodies.len();
                            let headers = [
                                ("content-type", "application/json"),
                                ("x-latchkey-server-secret", common::SERVER_SECRET),
                            ];
                            let (status, text) = http(
                                port,
                                "POST",
                                "/api/auth/api-key/verify",
                                &headers,
                                &bodies[key],
                            )
                            .expect("server answers");
                            assert_eq!(status, 200, "{text}");
                            (key, serde_json::from_str::<Value>(&text).unwrap())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut answers: [Vec<Value>; 3] = Default::default();
        for (key, answer) in threads.into_iter().flat_map(|t| t.join().unwrap()) {
            answers[key].push(answer);
        }
        let [used_up_answers, limited_answers, windowed_answers] = &answers;
        assert_eq!(answers.iter().map(Vec::len).sum::<usize>(), 900);

        assert_eq!(count(used_up_answers, None), 100);
        assert_eq!(
            count(used_up_answers, Some("USAGE_EXCEEDED")),
            used_up_answers.len() - 100
        );
        let row = stored(&app, &used_up).unwrap();
        assert_eq!(row.remaining, Some(0));
        assert_eq!((row.usage_count, row.request_count), (100, Some(0)));

        assert_eq!(count(limited_answers, None), 60);
        assert_eq!(
            count(limited_answers, Some("RATE_LIMITED")),
            limited_answers.len() - 60
        );
        let row = stored(&app, &limited).unwrap();
        assert_eq!((row.usage_count, row.request_count), (60, Some(60)));

        // The tightest window (45 an hour) is the budget; a refused request
        // counts in none of the three.
        assert_eq!(count(windowed_answers, None), 45);
        assert_eq!(
            count(windowed_answers, Some("RATE_LIMITED")),
            windowed_answers.len() - 45
        );
        let row = stored(&app, &windowed).unwrap();
        assert_eq!(row.usage_count, 45);
        // The processes read the system clock: every window opened with the
        // first request, seconds ago, and holds its 45 admissions.
        let counts: Vec<_> = from_column(row.rate_limits.as_deref())
            .iter()
            .map(|w| w.count)
            .collect();
        assert_eq!(counts, [Some(45); 3]);
    }
);
