//! Embedded migrations: each plugin brings one set per backend.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

use super::{DbConnection, DbError};

/// One plugin's migrations, for both backends (same directory names in both).
#[derive(Clone, Copy)]
pub struct MigrationSet {
    /// Name for logs.
    pub name: &'static str,
    /// The PostgreSQL migrations (a function: embedded sets are not `Copy`).
    pub postgres: fn() -> EmbeddedMigrations,
    /// The SQLite migrations.
    pub sqlite: fn() -> EmbeddedMigrations,
}

/// Applies every pending migration of `sets`, in order. Returns how many ran.
pub fn run_migrations(conn: &mut DbConnection, sets: &[MigrationSet]) -> Result<usize, DbError> {
    let mut applied = 0;
    for set in sets {
        let done = match conn {
            DbConnection::Postgres(c) => {
                c.run_pending_migrations((set.postgres)()).map(|v| v.len())
            }
            DbConnection::Sqlite(c) => c.run_pending_migrations((set.sqlite)()).map(|v| v.len()),
        }
        .map_err(|e| DbError::Migration(format!("{}: {e}", set.name)))?;
        if done > 0 {
            tracing::info!(set = set.name, applied = done, "migrations applied");
        }
        applied += done;
    }
    Ok(applied)
}
