//! The dashboard in a real browser: the `latchkey` binary on a fresh SQLite
//! database and a free port, driven by crates/dashboard/browser/run
//! (playwright-core, pinned, with Debian's Chromium, headless). What the
//! person does there is listed at the top of crates/dashboard/browser/dashboard.mjs.
//! Screenshots of every screen land in target/dashboard-screenshots/.
//!
//! Without /usr/bin/chromium, node or npm the test says loudly that it
//! skips; with `CI=true` it fails instead (`.ci/run` installs Chromium).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn has(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Says loudly that the test is skipped; with `CI=true` fails instead.
fn skip_or_fail(what: &str) {
    let message = format!(
        "\n==============================================================\n\
         SKIPPING the dashboard browser test: {what}\n\
         ==============================================================\n"
    );
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{message}(CI=true: a missing tool is a failure)");
    }
    // Straight to the process's stderr: libtest captures `eprintln!` of a
    // passing test, and a skip must be seen without `--nocapture`.
    let _ = std::io::stderr().write_all(message.as_bytes());
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// Whether `GET /api/auth/ok` answers 200.
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request = "GET /api/auth/ok HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n";
    let mut response = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut response).is_ok()
        && response.starts_with("HTTP/1.1 200")
}

/// The server process and its scratch directory, both gone on drop.
struct Server {
    child: Child,
    dir: PathBuf,
}

impl Server {
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("latchkey.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `latchkey serve` as an operator would run it, with metadata allowed.
fn start(port: u16) -> Server {
    let dir = std::env::temp_dir().join(format!(
        "latchkey-dashboard-browser-{}-{port}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let log = std::fs::File::create(dir.join("latchkey.log")).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_latchkey"));
    command
        .args([
            "serve",
            "--workers",
            "2",
            "--bcrypt-cost",
            "4",
            "--api-key-metadata",
        ])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name == "DATABASE_URL" || name.starts_with("LATCHKEY_") || name == "BETTER_AUTH_SECRET" {
            command.env_remove(name);
        }
    }
    command
        .env("LATCHKEY_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("latchkey.db").display()),
        )
        .env(
            "LATCHKEY_SECRET",
            "dashboard-browser-secret-0123456789abcdef",
        )
        .env("RUST_LOG", "info");
    let server = Server {
        child: command.spawn().unwrap(),
        dir,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !answers(port) {
        assert!(
            Instant::now() < deadline,
            "latchkey did not start on port {port}:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

#[test]
fn a_person_manages_keys_end_to_end_in_chromium() {
    if !Path::new(CHROMIUM).exists() {
        skip_or_fail("/usr/bin/chromium is not installed (apt-get install chromium)");
        return;
    }
    if !has("node") || !has("npm") {
        skip_or_fail("node or npm is not installed");
        return;
    }
    let port = free_port();
    let server = start(port);
    let shots = root().join("target/dashboard-screenshots");
    let started = Instant::now();
    let status = Command::new(root().join("crates/dashboard/browser/run"))
        .env("LATCHKEY_URL", format!("http://127.0.0.1:{port}"))
        .env("LATCHKEY_SCREENSHOTS", &shots)
        .env("CHROMIUM", CHROMIUM)
        .status()
        .expect("crates/dashboard/browser/run starts");
    let took = started.elapsed();
    assert!(
        status.success(),
        "the dashboard browser test failed ({status}); the server's log:\n{}",
        server.log()
    );
    eprintln!(
        "dashboard browser test: passed in {:.1} s (screenshots in {})",
        took.as_secs_f64(),
        shots.display()
    );
}
