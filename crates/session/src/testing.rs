//! Test fixtures: a fresh, migrated database per test on SQLite or
//! PostgreSQL, dropped afterwards, and a macro running one test body on both.
//!
//! PostgreSQL is found at `LATCHKEY_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). When it cannot be reached,
//! Postgres tests are skipped with a loud message, unless `CI=true`, where
//! they fail.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::db::{self, Backend, DbPool, MigrationSet, PoolOptions};

/// Default admin URL of the test PostgreSQL server.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A throwaway database, migrated, removed on drop.
pub struct TestDb {
    /// Pool on the fresh database.
    pub pool: DbPool,
    /// The URL of the fresh database.
    pub url: String,
    /// Which backend.
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "latchkey_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        crate::tokens::random_id()[..8].to_lowercase()
    )
}

/// The admin URL of the test PostgreSQL server.
pub fn postgres_admin_url() -> String {
    std::env::var("LATCHKEY_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

fn pool_options() -> PoolOptions {
    PoolOptions {
        max_size: 16,
        connection_timeout: std::time::Duration::from_secs(10),
    }
}

impl TestDb {
    /// A fresh database on `backend` with `sets` applied, or `None` when
    /// Postgres is unavailable outside CI (after saying so loudly).
    ///
    /// # Panics
    /// When the database cannot be created, or Postgres is missing in CI.
    #[allow(clippy::expect_used, clippy::panic)]
    pub fn new(backend: Backend, sets: &[MigrationSet]) -> Option<Self> {
        let db = match backend {
            Backend::Sqlite => Self::sqlite(),
            Backend::Postgres => Self::postgres()?,
        };
        let mut conn = db.pool.get().expect("test database connection");
        db::run_migrations(&mut conn, sets).expect("migrations apply");
        drop(conn);
        Some(db)
    }

    #[allow(clippy::expect_used)]
    fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
        let url = format!("sqlite://{}", path.display());
        let pool = db::open_pool(&url, &pool_options()).expect("sqlite test database opens");
        TestDb {
            pool,
            url,
            backend: Backend::Sqlite,
            cleanup: Cleanup::File(path),
        }
    }

    #[allow(clippy::expect_used, clippy::panic)]
    fn postgres() -> Option<Self> {
        let admin_url = postgres_admin_url();
        let mut admin = match PgConnection::establish(&admin_url) {
            Ok(conn) => conn,
            Err(e) if in_ci() => {
                panic!("CI=true but PostgreSQL at {admin_url} is unreachable: {e}")
            }
            Err(e) => {
                eprintln!(
                    "\n!!! SKIPPING a PostgreSQL test: {admin_url} is unreachable ({e}).\n\
                     !!! Start PostgreSQL or set LATCHKEY_TEST_DATABASE_URL; with CI=true this fails.\n"
                );
                return None;
            }
        };
        let name = unique_name();
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create test database");
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("LATCHKEY_TEST_DATABASE_URL must end in /<database>"),
        };
        let pool = db::open_pool(&url, &pool_options()).expect("postgres test database opens");
        Some(TestDb {
            pool,
            url,
            backend: Backend::Postgres,
            cleanup: Cleanup::Database { admin_url, name },
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::establish(admin_url) {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
                }
            }
        }
    }
}

/// Runs one async test body against SQLite and against PostgreSQL:
/// `both_backends!(name, |backend| async move { ... });` defines
/// `name::sqlite` and `name::postgres`, so a failure names its backend.
#[macro_export]
macro_rules! both_backends {
    ($(#[$meta:meta])* $name:ident, $body:expr) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[actix_web::test]
            async fn sqlite() {
                ($body)($crate::db::Backend::Sqlite).await;
            }

            #[actix_web::test]
            async fn postgres() {
                ($body)($crate::db::Backend::Postgres).await;
            }
        }
    };
}
