//! The connection enum, URL parsing and the r2d2 pool.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ConnectionManager, CustomizeConnection, ManageConnection};
use diesel::{Connection, PgConnection, SqliteConnection};

/// A connection to either backend; the only connection type query code sees.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// A PostgreSQL connection (libpq).
    Postgres(PgConnection),
    /// A SQLite connection (bundled SQLite).
    Sqlite(SqliteConnection),
}

impl DbConnection {
    /// Which backend this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// The two supported database backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL, for production and several server instances.
    Postgres,
    /// SQLite, the embedded default.
    Sqlite,
}

/// A pool of [`DbConnection`]s.
pub type DbPool = r2d2::Pool<Manager>;

/// Errors opening the database: bad URL or unreachable server.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names no backend we know.
    #[error("unsupported database URL scheme `{0}` (use postgres://, sqlite:// or a file path)")]
    UnsupportedScheme(String),
    /// The pool could not open a first connection.
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// A migration failed.
    #[error("database migration failed: {0}")]
    Migration(String),
}

/// Where to connect, resolved from a `DATABASE_URL`-style string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Postgres(String),
    Sqlite(String),
}

impl Target {
    fn parse(url: &str) -> Result<Self, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite://") {
            return Ok(Target::Sqlite(path.to_owned()));
        }
        if let Some(path) = url.strip_prefix("sqlite:") {
            return Ok(Target::Sqlite(path.to_owned()));
        }
        match url.split_once("://") {
            Some((scheme, _)) => Err(DbError::UnsupportedScheme(scheme.to_owned())),
            None if url.is_empty() => Err(DbError::UnsupportedScheme(String::new())),
            None => Ok(Target::Sqlite(url.to_owned())),
        }
    }
}

/// An r2d2 manager that picks the backend from the URL scheme. (The derived
/// `establish` tries each backend in turn, and SQLite accepts any string as a
/// file name, so a mistyped Postgres URL would silently become a file.)
#[derive(Debug)]
pub struct Manager {
    target: Target,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.target {
            Target::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Postgres)
                .map_err(r2d2::Error::ConnectionError),
            Target::Sqlite(path) => SqliteConnection::establish(path)
                .map(DbConnection::Sqlite)
                .map_err(r2d2::Error::ConnectionError),
        }
    }

    /// Runs at every check-out, so it costs no round trip. A PostgreSQL
    /// server that ended a connection while it sat in the pool (a restart,
    /// `pg_terminate_backend`, an idle timeout) has left its goodbye and the
    /// end of the stream in the socket: libpq reads whatever is there
    /// without waiting (`PQconsumeInput`, through `notifications_iter`),
    /// the first read taking the server's last message and the second
    /// meeting the end. A dead connection fails here and the pool opens
    /// another, instead of the request failing on it. (r2d2's usual check,
    /// a `SELECT 1`, doubled the round trips of every verify.) SQLite has no
    /// connection to lose.
    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        match conn {
            DbConnection::Postgres(pg) => {
                for _ in 0..2 {
                    if let Some(Err(e)) = pg.notifications_iter().next() {
                        return Err(r2d2::Error::QueryError(e));
                    }
                }
                Ok(())
            }
            DbConnection::Sqlite(_) => Ok(()),
        }
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        match conn {
            DbConnection::Postgres(c) => {
                <ConnectionManager<PgConnection> as ManageConnection>::has_broken(
                    &ConnectionManager::new(""),
                    c,
                )
            }
            DbConnection::Sqlite(_) => false,
        }
    }
}

/// Per-connection setup: UTC on Postgres; WAL, a busy timeout and foreign
/// keys on SQLite (so concurrent writers queue instead of failing).
#[derive(Debug)]
struct Setup;

impl CustomizeConnection<DbConnection, r2d2::Error> for Setup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        let sql = match conn {
            DbConnection::Postgres(_) => "SET TIME ZONE 'UTC'",
            DbConnection::Sqlite(_) => {
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
            }
        };
        conn.batch_execute(sql).map_err(r2d2::Error::QueryError)
    }
}

/// Pool settings.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Maximum number of open connections.
    pub max_size: u32,
    /// How long a request waits for a free connection before failing with 503.
    pub connection_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            connection_timeout: Duration::from_secs(5),
        }
    }
}

/// Opens a pool for `url` and checks that a first connection can be made,
/// so a bad URL or an unreachable database fails start-up with one clear error.
pub fn open_pool(url: &str, options: &PoolOptions) -> Result<DbPool, DbError> {
    let target = Target::parse(url)?;
    let builder = r2d2::Pool::builder()
        .max_size(options.max_size)
        .min_idle(Some(0))
        .connection_timeout(options.connection_timeout)
        .connection_customizer(Box::new(Setup));
    let manager = Manager { target };
    // Build lazily so an unreachable database gives one clear error below
    // instead of r2d2 retrying for the whole timeout per connection.
    let pool = builder.build_unchecked(manager);
    let mut conn = pool
        .get_timeout(options.connection_timeout)
        .map_err(|e| DbError::Connect(redact_url_error(&e.to_string())))?;
    conn.batch_execute("SELECT 1")
        .map_err(|e| DbError::Connect(e.to_string()))?;
    Ok(pool)
}

/// libpq error texts can quote the connection string, password included.
fn redact_url_error(message: &str) -> String {
    message
        .split_whitespace()
        .map(|word| {
            if word.contains("://") && word.contains('@') {
                "<database-url>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_their_backend() {
        assert_eq!(
            Target::parse("postgres://u@h/db").ok(),
            Some(Target::Postgres("postgres://u@h/db".into()))
        );
        assert_eq!(
            Target::parse("postgresql://h/db").ok(),
            Some(Target::Postgres("postgresql://h/db".into()))
        );
        assert_eq!(
            Target::parse("sqlite://data/l.db").ok(),
            Some(Target::Sqlite("data/l.db".into()))
        );
        assert_eq!(
            Target::parse("sqlite:///abs/l.db").ok(),
            Some(Target::Sqlite("/abs/l.db".into()))
        );
        assert_eq!(
            Target::parse("latchkey.db").ok(),
            Some(Target::Sqlite("latchkey.db".into()))
        );
        assert!(matches!(
            Target::parse("mysql://h/db"),
            Err(DbError::UnsupportedScheme(s)) if s == "mysql"
        ));
        assert!(Target::parse("").is_err());
    }

    #[test]
    fn connection_errors_hide_credentials() {
        let redacted = redact_url_error("failed for postgres://u:hunter2@h/db now");
        assert!(!redacted.contains("hunter2"));
        assert_eq!(redacted, "failed for <database-url> now");
    }
}
