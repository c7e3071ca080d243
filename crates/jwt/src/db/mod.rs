//! Storage of signing keys: better-auth's `jwks` table.

pub mod models;
pub mod queries;
pub mod schema;

use latchkey_session::db::MigrationSet;

const POSTGRES: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("../../migrations/postgres/jwt");
const SQLITE: diesel_migrations::EmbeddedMigrations =
    diesel_migrations::embed_migrations!("../../migrations/sqlite/jwt");

/// The `jwks` table's migrations.
pub const MIGRATIONS: MigrationSet = MigrationSet {
    name: "jwt",
    postgres: || POSTGRES,
    sqlite: || SQLITE,
};
