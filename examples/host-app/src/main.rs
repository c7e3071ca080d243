//! Runs the example host app: `cargo run -p latchkey-example-host`
//! (SQLite file `host-app.db`, port 3001; `LATCHKEY_SERVER_SECRET` enables
//! trusted-server calls).

use actix_web::{App, HttpServer};
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
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:3001".into());
    println!("example host app on http://{addr}");
    HttpServer::new(move || {
        let auth = auth.clone();
        App::new().configure(move |cfg| latchkey_example_host::configure(&auth, cfg))
    })
    .bind(addr)?
    .run()
    .await?;
    Ok(())
}
