//! Command line: `latchkey [serve]`, `latchkey migrate`.

use clap::{Parser, Subcommand};

use crate::config::Settings;

/// latchkey: better-auth compatible sessions and API keys.
#[derive(Debug, Parser)]
#[command(name = "latchkey", version, about, long_about = None)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings.
    #[command(flatten)]
    pub settings: Settings,
}

/// Subcommands.
#[derive(Debug, Clone, Copy, Subcommand, PartialEq, Eq)]
pub enum Command {
    /// Apply migrations, then serve HTTP (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Manage the JWT signing keys.
    Jwks {
        /// What to do with them.
        #[command(subcommand)]
        action: JwksAction,
    },
    /// Print the OpenAPI document (YAML) and exit; no database needed.
    Openapi,
}

/// `latchkey jwks …`.
#[derive(Debug, Clone, Copy, Subcommand, PartialEq, Eq)]
pub enum JwksAction {
    /// Retire the signing key now and create a new one (printed). The old
    /// public key stays in the JWK set until every token it signed has
    /// expired (`--jwt-grace-days`); running servers switch within a minute.
    Rotate,
    /// Delete keys whose grace period is over.
    Prune,
}
