//! The `latchkey` server: configuration, CLI and the assembled application.
//! `main.rs` only parses arguments and calls [`run`].

pub mod api_key_config;
pub mod app;
pub mod cli;
pub mod config;

use actix_web::HttpServer;

use crate::app::{build_app, build_auth, StartError};
use crate::cli::{Cli, Command};

/// Runs the command line. Errors are one line each, for `main` to print.
pub async fn run(cli: Cli) -> Result<(), StartError> {
    let settings = cli.settings;
    let auth = build_auth(&settings, None)?;
    let applied = auth.migrate()?;
    if cli.command == Some(Command::Migrate) {
        tracing::info!(applied, "database is up to date");
        return Ok(());
    }
    let addr = settings.addr.clone();
    let mut server = HttpServer::new(move || build_app(auth.clone()));
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    let server = server.bind(&addr).map_err(|source| StartError::Bind {
        addr: addr.clone(),
        source,
    })?;
    tracing::info!(%addr, "latchkey listening");
    server
        .run()
        .await
        .map_err(|source| StartError::Bind { addr, source })
}
