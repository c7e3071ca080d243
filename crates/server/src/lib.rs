//! The `latchkey` server: configuration, CLI and the assembled application.
//! `main.rs` only parses arguments and calls [`run`].

pub mod api_key_config;
pub mod app;
pub mod cli;
pub mod config;
pub mod jwt_config;

use actix_web::HttpServer;
use latchkey_api_key::usage::{UsageLog, UsageLogOptions};

use crate::app::{build_auth, build_served_app, Served, StartError};
use crate::cli::{Cli, Command};

/// Deletes retired API keys and old usage-log rows periodically, each
/// when its retention is configured.
fn spawn_retention_sweep(auth: &latchkey_session::Auth, settings: &config::Settings) {
    let options = settings.api_key.options();
    if options.retired_key_retention.is_none() && options.usage_retention.is_none() {
        return;
    }
    let state = auth.state();
    let keys = latchkey_api_key::ApiKeys::from_state(&state, std::sync::Arc::new(options));
    let every = std::time::Duration::from_secs(settings.api_key.api_key_sweep_minutes * 60);
    actix_web::rt::spawn(async move {
        let mut ticks = actix_web::rt::time::interval(every);
        loop {
            ticks.tick().await;
            match keys.sweep_retired().await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "retired API keys deleted"),
                Err(e) => tracing::warn!(error = %e, "retention sweep failed; will retry"),
            }
            match keys.sweep_usage().await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "old usage-log rows deleted"),
                Err(e) => tracing::warn!(error = %e, "usage-log sweep failed; will retry"),
            }
        }
    });
}

/// `latchkey jwks rotate|prune`: prints the new key id, or how many were deleted.
async fn jwks_command(
    auth: &latchkey_session::Auth,
    settings: &config::Settings,
    action: cli::JwksAction,
) -> Result<(), StartError> {
    let options = std::sync::Arc::new(settings.jwt.options());
    let jwts = latchkey_jwt::Jwts::from_state(&auth.state(), options);
    match action {
        cli::JwksAction::Rotate => println!("{}", jwts.rotate().await?),
        cli::JwksAction::Prune => println!("{}", jwts.prune().await?),
    }
    Ok(())
}

/// Runs the command line. Errors are one line each, for `main` to print.
pub async fn run(cli: Cli) -> Result<(), StartError> {
    if cli.command == Some(Command::Openapi) {
        use std::io::Write;
        let written = std::io::stdout().write_all(latchkey_openapi::yaml().as_bytes());
        if let Err(e) = written.and_then(|()| std::io::stdout().flush()) {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("latchkey: cannot write the document: {e}");
                std::process::exit(1);
            }
        }
        return Ok(());
    }
    let settings = cli.settings;
    let auth = build_auth(&settings, None)?;
    let applied = auth.migrate()?;
    if cli.command == Some(Command::Migrate) {
        tracing::info!(applied, "database is up to date");
        return Ok(());
    }
    if let Some(Command::Jwks { action }) = cli.command {
        return jwks_command(&auth, &settings, action).await;
    }
    let dashboard = settings.dashboard()?;
    spawn_retention_sweep(&auth, &settings);
    // One usage log per process, shared by every worker.
    let usage = UsageLog::from_state(&auth.state(), UsageLogOptions::default())
        .map_err(StartError::UsageLog)?;
    if let Some(dashboard) = &dashboard {
        tracing::info!(path = dashboard.path(), "dashboard served");
    }
    let served = Served { dashboard, usage };
    let addr = settings.addr.clone();
    let on_exit = auth.clone();
    let mut server = HttpServer::new({
        let served = served.clone();
        move || build_served_app(auth.clone(), &served)
    });
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    let server = server.bind(&addr).map_err(|source| StartError::Bind {
        addr: addr.clone(),
        source,
    })?;
    tracing::info!(%addr, "latchkey listening");
    let result = server.run().await;
    // Writes the requests still buffered before the process ends.
    served.usage.shutdown();
    // What plugins count in memory (admissions of keys without counters).
    match actix_web::web::block(move || on_exit.flush()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "in-memory counters not written at exit"),
        Err(e) => tracing::warn!(error = %e, "in-memory counters not written at exit"),
    }
    result.map_err(|source| StartError::Bind { addr, source })
}
