//! Runs the example host app: `cargo run -p latchkey-example-host`
//! (SQLite file `host-app.db`, port 3001; `LATCHKEY_SERVER_SECRET` enables
//! trusted-server calls; `LATCHKEY_USAGE_LOG=off` turns the usage log off,
//! for comparing benchmarks).

use actix_web::{App, HttpServer};
use latchkey_api_key::usage::{UsageLog, UsageLogOptions};
use latchkey_api_key::{ApiKeyOptions, ApiKeyPlugin};
use latchkey_session::db::{open_pool, PoolOptions};
use latchkey_session::{Auth, AuthConfig};

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().init();
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://host-app.db".into());
    let secret = std::env::var("LATCHKEY_SECRET")
        .unwrap_or_else(|_| "example-secret-change-me-0123456789abcdef".into());
    let pool = open_pool(&url, &PoolOptions::default())?;
    let options = ApiKeyOptions {
        server_secret: std::env::var("LATCHKEY_SERVER_SECRET").ok(),
        ..ApiKeyOptions::default()
    };
    let auth = Auth::builder(pool, AuthConfig::new(secret))
        .plugin(ApiKeyPlugin::new(options))
        .build();
    auth.migrate()?;
    // One usage log (buffer and flusher thread) for the whole process,
    // created outside the per-worker factory below.
    let usage = match std::env::var("LATCHKEY_USAGE_LOG").as_deref() {
        Ok("off") => None,
        _ => Some(UsageLog::from_state(
            &auth.state(),
            UsageLogOptions::default(),
        )?),
    };
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3001".into());
    println!("example host app on http://{addr}");
    let workers_usage = usage.clone();
    HttpServer::new(move || {
        let auth = auth.clone();
        let usage = workers_usage.clone();
        App::new()
            .configure(move |cfg| latchkey_example_host::configure(&auth, usage.as_ref(), cfg))
    })
    .bind(addr)?
    .run()
    .await?;
    // The server has stopped: write what the log still holds.
    if let Some(usage) = usage {
        usage.shutdown();
    }
    Ok(())
}
