//! A real latchkey listening on a loopback port (the same `App` the binary
//! serves, over HTTP), on a fresh database of either backend, and the
//! skip-or-fail rule for tools that may be missing.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use actix_web::dev::ServerHandle;
use actix_web::HttpServer;
use latchkey::app::{assemble_with, build_app, migration_sets};
use latchkey_api_key::ApiKeyOptions;
use latchkey_jwt::JwtOptions;
use latchkey_session::db::Backend;
use latchkey_session::testing::TestDb;
use latchkey_session::AuthConfig;

/// The trusted-server credential of the running server.
pub const SERVER_SECRET: &str = "openapi-server-secret-0123456789abcdef";

/// A server on `url`, stopped (and its database dropped) on drop.
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    handle: ServerHandle,
    _db: TestDb,
}

impl Drop for Running {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let _ = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(handle.stop(false));
        })
        .join();
    }
}

/// Starts latchkey as `latchkey --api-key-metadata --api-key-sessions
/// --server-secret …` would run, on a fresh database; `None` when the
/// backend is unavailable outside CI (said loudly by `TestDb`).
pub fn start(backend: Backend) -> Option<Running> {
    let db = TestDb::new(backend, &migration_sets())?;
    let mut config = AuthConfig::new("openapi-test-secret-0123456789abcdef0123");
    config.bcrypt_cost = 4;
    let options = ApiKeyOptions {
        server_secret: Some(SERVER_SECRET.to_owned()),
        enable_metadata: true,
        enable_session_for_api_keys: true,
        ..ApiKeyOptions::default()
    };
    let auth = assemble_with(
        db.pool.clone(),
        config,
        options,
        JwtOptions::default(),
        None,
    );
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || build_app(auth.clone()))
                .workers(2)
                .disable_signals()
                .bind(("127.0.0.1", 0))
                .unwrap();
            let addr = server.addrs()[0];
            let server = server.run();
            tx.send((addr, server.handle())).unwrap();
            server.await
        })
    });
    let (addr, handle) = rx.recv().unwrap();
    Some(Running {
        url: format!("http://{addr}"),
        handle,
        _db: db,
    })
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether `tool --version` runs.
pub fn has(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Says loudly that a test is skipped because `what` is missing; with
/// `CI=true` fails instead.
pub fn skip_or_fail(test: &str, what: &str) {
    let message = format!(
        "\n==============================================================\n\
         SKIPPING {test}: {what}\n\
         ==============================================================\n"
    );
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{message}(CI=true: a missing tool is a failure)");
    }
    eprintln!("{message}");
}

/// Runs a command to completion with its output passed through; panics on failure.
pub fn run(command: &mut Command, what: &str) {
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(status.success(), "{what} failed ({status})");
}
