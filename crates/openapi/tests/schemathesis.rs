//! schemathesis fuzzes every operation of openapi.yaml against a real
//! latchkey, on SQLite and on PostgreSQL (scripts/schemathesis; the server
//! is started here, over HTTP, so the test needs no second build).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::Command;

use latchkey_session::db::Backend;

fn fuzz(backend: Backend, label: &str) {
    if !support::has("python3") {
        support::skip_or_fail("schemathesis", "python3 is not installed");
        return;
    }
    let Some(server) = support::start(backend) else {
        return;
    };
    let script = support::root().join("scripts/schemathesis");
    support::run(
        Command::new(&script)
            .env("LATCHKEY_URL", &server.url)
            .env("LATCHKEY_SERVER_SECRET", support::SERVER_SECRET)
            .env("LATCHKEY_FUZZ_LABEL", label),
        &format!("schemathesis on {label}"),
    );
}

#[test]
fn schemathesis_finds_nothing_on_sqlite() {
    fuzz(Backend::Sqlite, "sqlite");
}

#[test]
fn schemathesis_finds_nothing_on_postgres() {
    fuzz(Backend::Postgres, "postgres");
}
