//! `latchkey jwks rotate` and `latchkey jwks prune` as an operator runs them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use latchkey_jwt::db::queries;
use latchkey_session::db::{self, PoolOptions};

fn latchkey(db_url: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args(args)
        .args(["--database-url", db_url])
        .env("LATCHKEY_SECRET", "jwt-cli-test-secret-0123456789abcdef")
        .env("RUST_LOG", "warn")
        .output()
        .expect("latchkey runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn rotate_retires_the_key_and_prints_the_new_one() {
    let dir = std::env::temp_dir().join(format!("latchkey-jwt-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("jwks.db").display());
    let first = latchkey(&url, &["jwks", "rotate"]);
    let second = latchkey(&url, &["jwks", "rotate"]);
    assert_eq!(first.len(), 32, "{first}");
    assert_ne!(first, second);
    let pool = db::open_pool(&url, &PoolOptions::default()).unwrap();
    let rows = queries::all(&mut pool.get().unwrap()).unwrap();
    assert_eq!(rows.len(), 2);
    let old = rows.iter().find(|r| r.id == first).unwrap();
    let new = rows.iter().find(|r| r.id == second).unwrap();
    assert!(old.expires_at.is_some(), "retired");
    assert!(new.expires_at.is_none(), "signs until rotated");
    // Still inside its grace period: nothing to prune.
    assert_eq!(latchkey(&url, &["jwks", "prune"]), "0");
    let _ = std::fs::remove_dir_all(&dir);
}
