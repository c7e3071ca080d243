//! Database outages: while PostgreSQL refuses connections every route that
//! needs it answers 503 `SERVICE_UNAVAILABLE` in the `{code, message}` shape
//! (never a hang, never "signed out"), and the same server recovers by itself
//! when the database is back. Plus SQLite paths that cannot be opened.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(unused_imports)] // both_backends: these tests pick their backend
mod common;

use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use common::{Answer, TestApp, TEST_SECRET};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use latchkey::app::{assemble, migration_sets};
use latchkey_api_key::ApiKeyOptions;
use latchkey_session::db::{open_pool, Backend, DbError, PoolOptions};
use latchkey_session::testing::{postgres_admin_url, TestDb};
use latchkey_session::{AuthConfig, ManualClock};
use serde_json::json;

/// How long a request waits for a connection before answering 503.
const POOL_TIMEOUT: Duration = Duration::from_millis(500);

/// A test app over a fresh Postgres database whose pool gives up quickly.
fn postgres_app() -> Option<TestApp> {
    let db = TestDb::new(Backend::Postgres, &migration_sets())?;
    let pool = open_pool(
        &db.url,
        &PoolOptions {
            max_size: 4,
            connection_timeout: POOL_TIMEOUT,
        },
    )
    .unwrap();
    let mut config = AuthConfig::new(TEST_SECRET);
    config.bcrypt_cost = 4;
    let clock = ManualClock::new();
    let auth = assemble(pool, config, ApiKeyOptions::default(), Some(clock.clone()));
    Some(TestApp { auth, clock, db })
}

/// Takes a database away from its clients: refuses new connections and
/// ends the open ones. Dropping it lets connections in again.
struct Outage {
    admin: PgConnection,
    database: String,
}

impl Outage {
    fn begin(app: &TestApp) -> Self {
        let database = app.db.url.rsplit('/').next().unwrap().to_owned();
        let mut admin = PgConnection::establish(&postgres_admin_url()).unwrap();
        admin
            .batch_execute(&format!(
                "ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false"
            ))
            .unwrap();
        terminate_backends(&mut admin, &database);
        Outage { admin, database }
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        let _ = self.admin.batch_execute(&format!(
            "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS true",
            self.database
        ));
    }
}

/// Ends every connection to `database` (what a server restart does), and
/// returns once each backend has exited (PostgreSQL 14+ waits, given a
/// timeout): by then its goodbye is in the client's socket, where the
/// pool's check-out looks. Without the wait, on a loaded machine a request
/// could take a connection whose backend had not yet gone, and the test
/// saw a 503 instead of the case it names.
fn terminate_backends(admin: &mut PgConnection, database: &str) {
    admin
        .batch_execute(&format!(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity \
             WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        ))
        .unwrap();
}

fn assert_unavailable(answer: &Answer, what: &str, secrets: &[&str]) {
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{what}: {}",
        answer.text
    );
    assert_eq!(
        answer.json,
        json!({"message": "Service temporarily unavailable", "code": "SERVICE_UNAVAILABLE"}),
        "{what}"
    );
    assert_eq!(answer.header("retry-after").as_deref(), Some("1"), "{what}");
    for secret in secrets {
        assert!(!answer.text.contains(secret), "{what} leaks a secret");
    }
}

#[actix_web::test]
async fn postgres_outage_answers_503_then_recovers() {
    let Some(app) = postgres_app() else { return };
    let alice = app.sign_up("Alice").await;
    let secrets = [
        alice.password.as_str(),
        alice.raw_token.as_str(),
        alice.bearer.as_str(),
    ];

    let outage = Outage::begin(&app);
    let bearer = Some(alice.bearer.as_str());
    let credentials = json!({"email": alice.email, "password": alice.password});
    let cases = [
        (
            "get-session",
            app.get("/api/auth/get-session", bearer).await,
        ),
        (
            "list-sessions",
            app.get("/api/auth/list-sessions", bearer).await,
        ),
        (
            "sign-in",
            app.post("/api/auth/sign-in/email", None, credentials.clone())
                .await,
        ),
        (
            "sign-up",
            app.post(
                "/api/auth/sign-up/email",
                None,
                json!({"email": "bob@example.com", "password": "correct-horse-42", "name": "Bob"}),
            )
            .await,
        ),
        (
            "revoke-other-sessions",
            app.post("/api/auth/revoke-other-sessions", bearer, json!({}))
                .await,
        ),
        (
            "sign-out",
            app.post("/api/auth/sign-out", bearer, json!({})).await,
        ),
        ("ready", app.get("/api/auth/ready", None).await),
    ];
    for (what, answer) in &cases {
        // A session that cannot be checked is not "signed out": get-session
        // must not answer null (nor clear the cookie) during an outage.
        assert_unavailable(answer, what, &secrets);
        assert!(answer.cookies().is_empty(), "{what} touched cookies");
    }
    // Liveness does not depend on the database.
    let ok = app.get("/api/auth/ok", None).await;
    assert_eq!(ok.status, StatusCode::OK);
    // Answers come within the pool timeout, not after a hang.
    let started = Instant::now();
    let answer = app.get("/api/auth/get-session", bearer).await;
    assert_unavailable(&answer, "get-session (timed)", &secrets);
    assert!(
        started.elapsed() < POOL_TIMEOUT * 10,
        "503 took {:?}",
        started.elapsed()
    );

    drop(outage);
    // The same app, without a restart: the session made before the outage
    // still works, and nothing done during it took effect.
    let session = app.get("/api/auth/get-session", bearer).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text);
    assert_eq!(session.json["user"]["id"], alice.id.as_str());
    let listed = app.get("/api/auth/list-sessions", bearer).await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1);
    let ready = app.get("/api/auth/ready", None).await;
    assert_eq!(ready.json, json!({"ready": true}));
    let signed_in = app.post("/api/auth/sign-in/email", None, credentials).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
    let bob = app
        .post(
            "/api/auth/sign-in/email",
            None,
            json!({"email": "bob@example.com", "password": "correct-horse-42"}),
        )
        .await;
    assert_eq!(
        bob.code(),
        "INVALID_EMAIL_OR_PASSWORD",
        "no Bob was created"
    );
}

#[actix_web::test]
async fn postgres_restart_is_invisible_to_clients() {
    let Some(app) = postgres_app() else { return };
    let alice = app.sign_up("Alice").await;
    // Every pooled connection dies, as when the server restarts; the pool
    // notices on checkout and opens new ones.
    let database = app.db.url.rsplit('/').next().unwrap().to_owned();
    let mut admin = PgConnection::establish(&postgres_admin_url()).unwrap();
    terminate_backends(&mut admin, &database);
    let session = app.get("/api/auth/get-session", Some(&alice.bearer)).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.text);
    assert_eq!(session.json["user"]["id"], alice.id.as_str());
}

#[test]
fn unopenable_sqlite_paths_are_one_line_errors() {
    let missing_dir = std::env::temp_dir()
        .join("latchkey-no-such-dir")
        .join("deeper")
        .join("latchkey.db");
    let url = format!("sqlite://{}", missing_dir.display());
    let options = PoolOptions {
        max_size: 1,
        connection_timeout: POOL_TIMEOUT,
    };
    let err = open_pool(&url, &options).unwrap_err();
    assert!(matches!(err, DbError::Connect(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.starts_with("cannot connect to the database"), "{text}");
    assert!(!text.contains('\n'), "{text}");

    // A file that is not a SQLite database.
    let garbage = std::env::temp_dir().join(format!(
        "latchkey-garbage-{}.db",
        latchkey_session::tokens::random_id()
    ));
    std::fs::write(&garbage, vec![0x5a; 8192]).unwrap();
    let result = open_pool(&format!("sqlite://{}", garbage.display()), &options);
    let _ = std::fs::remove_file(&garbage);
    let err = result.unwrap_err();
    assert!(matches!(err, DbError::Connect(_)), "{err:?}");
    assert!(!err.to_string().contains('\n'), "{err}");
}

/// Counts the statements a connection starts.
struct Started(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl diesel::connection::Instrumentation for Started {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if let diesel::connection::InstrumentationEvent::StartQuery { .. } = event {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

fn backend_pid(conn: &mut latchkey_session::db::DbConnection) -> i32 {
    use diesel::RunQueryDsl;
    let latchkey_session::db::DbConnection::Postgres(pg) = conn else {
        panic!("a Postgres connection")
    };
    diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
        "pg_backend_pid()",
    ))
    .get_result(pg)
    .unwrap()
}

#[test]
fn pool_checkout_costs_no_round_trip_and_drops_dead_connections() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let Some(db) = TestDb::new(Backend::Postgres, &migration_sets()) else {
        return;
    };
    let options = PoolOptions {
        max_size: 1,
        connection_timeout: Duration::from_secs(5),
    };
    let pool = open_pool(&db.url, &options).unwrap();
    let started = std::sync::Arc::new(AtomicUsize::new(0));
    let first = {
        let mut conn = pool.get().unwrap();
        diesel::Connection::set_instrumentation(&mut *conn, Started(started.clone()));
        backend_pid(&mut conn)
    };
    // Checking a live connection out again sends nothing.
    let before = started.load(Ordering::SeqCst);
    for _ in 0..10 {
        drop(pool.get().unwrap());
    }
    assert_eq!(
        started.load(Ordering::SeqCst),
        before,
        "check-out sent a statement"
    );
    assert_eq!(backend_pid(&mut pool.get().unwrap()), first);

    // The server ends it while it sits in the pool: the next check-out
    // notices and hands out a new connection that works.
    let mut admin = PgConnection::establish(&postgres_admin_url()).unwrap();
    admin
        .batch_execute(&format!("SELECT pg_terminate_backend({first}, 5000)"))
        .unwrap();
    let mut conn = pool.get().unwrap();
    let second = backend_pid(&mut conn);
    assert_ne!(second, first);
}
