//! Storage: one Diesel connection type over SQLite and PostgreSQL, its pool,
//! and the embedded migrations of every plugin.

mod connection;
mod migrations;
pub mod models;
pub mod queries;
pub mod schema;

pub use connection::{open_pool, Backend, DbConnection, DbError, DbPool, PoolOptions};
pub use migrations::{run_migrations, MigrationSet};

const CORE_POSTGRES: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("../../migrations/postgres/session");
const CORE_SQLITE: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("../../migrations/sqlite/session");

/// The migrations of the session crate (the better-auth core tables).
pub const CORE_MIGRATIONS: MigrationSet = MigrationSet {
    name: "session",
    postgres: || CORE_POSTGRES,
    sqlite: || CORE_SQLITE,
};
