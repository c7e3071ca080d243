//! Storage of API keys.

pub mod models;
pub mod queries;
pub mod schema;
pub mod usage;

use latchkey_session::db::MigrationSet;

const POSTGRES: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("../../migrations/postgres/api-key");
const SQLITE: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("../../migrations/sqlite/api-key");

/// The `apikey` table's migrations.
pub const MIGRATIONS: MigrationSet = MigrationSet {
    name: "api-key",
    postgres: || POSTGRES,
    sqlite: || SQLITE,
};
