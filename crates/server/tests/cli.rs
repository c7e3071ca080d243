//! The `latchkey` binary as an operator meets it: `--help`, `migrate`,
//! start-up errors, and the Dockerfile / docker-compose.yml that run it.
// A failed unwrap in a test is a test failure with a location: what we want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use diesel::sql_types::Text;
use diesel::{Connection, QueryableByName, RunQueryDsl, SqliteConnection};

/// Every flag the foundation issue names (plus the two later ones), with
/// the environment variable that sets it.
const FLAGS: &[(&str, Option<&str>)] = &[
    ("--addr", Some("LATCHKEY_ADDR")),
    ("--database-url", Some("DATABASE_URL")),
    ("--secret", Some("LATCHKEY_SECRET")),
    ("--trusted-origins", Some("LATCHKEY_TRUSTED_ORIGINS")),
    ("--pool-size", Some("LATCHKEY_POOL_SIZE")),
    ("--pool-timeout", Some("LATCHKEY_POOL_TIMEOUT")),
    ("--bcrypt-cost", Some("LATCHKEY_BCRYPT_COST")),
    ("--max-body-bytes", Some("LATCHKEY_MAX_BODY_BYTES")),
    ("--workers", Some("LATCHKEY_WORKERS")),
    ("--production", None),
];

/// A secret long enough for production mode.
const GOOD_SECRET: &str = "0123456789abcdef0123456789abcdef-cli-test";

/// What a finished run of the binary left behind.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn succeeded(&self) -> bool {
        self.code == Some(0)
    }

    /// The single `latchkey: …` error line on stderr (log lines, wherever
    /// they go, start with a timestamp).
    fn error_line(&self) -> String {
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("latchkey:"))
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "expected exactly one `latchkey:` error line on stderr:\n{self:#?}"
        );
        lines[0].to_owned()
    }

    /// A failure that is a clean exit, not a crash.
    fn assert_clean_failure(&self) -> String {
        assert!(!self.succeeded(), "expected a non-zero exit:\n{self:#?}");
        assert_eq!(self.code, Some(1), "expected exit code 1:\n{self:#?}");
        assert!(
            !self.stderr.contains("panicked") && !self.stdout.contains("panicked"),
            "the binary panicked:\n{self:#?}"
        );
        self.error_line()
    }
}

/// A scratch directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "latchkey-cli-{label}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn sqlite_url(&self) -> String {
        format!("sqlite://{}", self.0.join("latchkey.db").display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary in `cwd` with only the given settings: the host's
/// `DATABASE_URL`, `LATCHKEY_*`, `BETTER_AUTH_SECRET` and `PG*` are removed.
fn latchkey(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_latchkey"));
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, _) in std::env::vars_os() {
        let name_str = name.to_string_lossy();
        if name_str == "DATABASE_URL"
            || name_str == "BETTER_AUTH_SECRET"
            || name_str == "RUST_LOG"
            || name_str.starts_with("LATCHKEY_")
            || name_str.starts_with("PG")
        {
            cmd.env_remove(&name);
        }
    }
    cmd.env("RUST_LOG", "info");
    for (name, value) in env {
        cmd.env(name, value);
    }
    let mut child = cmd.spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("latchkey {args:?} did not exit within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn help() -> String {
    let dir = TempDir::new("help");
    let run = latchkey(dir.path(), &["--help"], &[]);
    assert!(run.succeeded(), "{run:#?}");
    run.stdout
}

#[test]
fn help_lists_every_flag_and_its_variable() {
    let top = help();
    let dir = TempDir::new("help-migrate");
    let migrate = latchkey(dir.path(), &["migrate", "--help"], &[]);
    assert!(migrate.succeeded(), "{migrate:#?}");
    for text in [&top, &migrate.stdout] {
        for (flag, var) in FLAGS {
            assert!(text.contains(flag), "--help lacks {flag}:\n{text}");
            if let Some(var) = var {
                assert!(
                    text.contains(&format!("[env: {var}")),
                    "--help lacks {var} for {flag}:\n{text}"
                );
            }
        }
        assert!(text.contains("LATCHKEY_ENV=production"), "{text}");
        assert!(text.contains("BETTER_AUTH_SECRET"), "{text}");
    }
    assert!(top.contains("serve") && top.contains("migrate"), "{top}");
    assert!(top.contains("127.0.0.1:3000"), "{top}");
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

fn names(conn: &mut SqliteConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql)
        .load::<Name>(conn)
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect()
}

#[test]
fn migrate_creates_the_better_auth_tables_in_sqlite() {
    let dir = TempDir::new("migrate");
    let url = dir.sqlite_url();
    let run = latchkey(dir.path(), &["migrate", "--database-url", &url], &[]);
    assert!(run.succeeded(), "{run:#?}");
    assert!(run.stderr.trim().is_empty(), "{run:#?}");

    let path = dir.path().join("latchkey.db");
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    let tables = names(
        &mut conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    );
    for table in ["user", "session", "account", "verification"] {
        assert!(
            tables.iter().any(|t| t == table),
            "no `{table}`: {tables:?}"
        );
    }
    let columns = names(&mut conn, "SELECT name FROM pragma_table_info('session')");
    for column in ["id", "token", "userId", "expiresAt", "createdAt"] {
        assert!(columns.iter().any(|c| c == column), "{columns:?}");
    }
    drop(conn);

    // Idempotent: a second run applies nothing and still succeeds.
    let again = latchkey(dir.path(), &["migrate", "--database-url", &url], &[]);
    assert!(again.succeeded(), "{again:#?}");
    // Nothing was written into the working directory but the named file.
    let stray = dir
        .path()
        .read_dir()
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("latchkey.db"))
        .collect::<Vec<_>>();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn database_url_comes_from_the_environment() {
    let dir = TempDir::new("env-url");
    let url = dir.sqlite_url();
    let run = latchkey(dir.path(), &["migrate"], &[("DATABASE_URL", &url)]);
    assert!(run.succeeded(), "{run:#?}");
    assert!(dir.path().join("latchkey.db").exists());
}

#[test]
fn an_unsupported_url_scheme_is_one_clear_line() {
    let dir = TempDir::new("mysql");
    let run = latchkey(dir.path(), &["migrate", "--database-url", "mysql://x"], &[]);
    let line = run.assert_clean_failure();
    assert!(line.contains("unsupported database URL scheme"), "{line}");
    assert!(line.contains("mysql"), "{line}");
}

#[test]
fn an_unreachable_postgres_is_one_clear_line_without_the_password() {
    let dir = TempDir::new("pg-down");
    let started = Instant::now();
    let run = latchkey(
        dir.path(),
        &[
            "migrate",
            "--database-url",
            "postgres://u:hunter2@127.0.0.1:1/x",
            "--pool-timeout",
            "1",
        ],
        &[],
    );
    let line = run.assert_clean_failure();
    assert!(line.contains("cannot connect to the database"), "{line}");
    assert!(
        !run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"),
        "the password was echoed:\n{run:#?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "gave up only after {:?}",
        started.elapsed()
    );
}

#[test]
fn production_without_a_secret_refuses_to_start() {
    let dir = TempDir::new("prod-none");
    let url = dir.sqlite_url();
    let by_flag = latchkey(
        dir.path(),
        &["migrate", "--production", "--database-url", &url],
        &[],
    );
    let by_env = latchkey(
        dir.path(),
        &["migrate", "--database-url", &url],
        &[("LATCHKEY_ENV", "production")],
    );
    for run in [by_flag, by_env] {
        let line = run.assert_clean_failure();
        assert!(line.contains("production"), "{line}");
        assert!(line.contains("LATCHKEY_SECRET"), "{line}");
    }
}

#[test]
fn production_with_a_short_secret_refuses_to_start() {
    let dir = TempDir::new("prod-short");
    let url = dir.sqlite_url();
    let by_flag = latchkey(
        dir.path(),
        &[
            "migrate",
            "--production",
            "--secret",
            "too-short",
            "--database-url",
            &url,
        ],
        &[],
    );
    let by_env = latchkey(
        dir.path(),
        &["migrate", "--database-url", &url],
        &[
            ("LATCHKEY_ENV", "production"),
            ("LATCHKEY_SECRET", "too-short"),
        ],
    );
    for run in [by_flag, by_env] {
        let line = run.assert_clean_failure();
        assert!(line.contains("at least 32 characters"), "{line}");
        assert!(!line.contains("too-short"), "the secret was echoed: {line}");
    }
}

#[test]
fn an_unknown_environment_name_refuses_to_start() {
    let dir = TempDir::new("env-prod");
    let url = dir.sqlite_url();
    // `prod` must not quietly mean development with a random secret.
    let run = latchkey(
        dir.path(),
        &["migrate", "--database-url", &url],
        &[("LATCHKEY_ENV", "prod")],
    );
    let line = run.assert_clean_failure();
    assert!(line.contains("LATCHKEY_ENV"), "{line}");
}

#[test]
fn production_refuses_a_short_server_credential() {
    let dir = TempDir::new("prod-server-secret");
    let url = dir.sqlite_url();
    let good = "a-production-secret-of-at-least-32-chars";
    let run = latchkey(
        dir.path(),
        &["migrate", "--production", "--database-url", &url],
        &[
            ("LATCHKEY_SECRET", good),
            ("LATCHKEY_SERVER_SECRET", "short-credential"),
        ],
    );
    let line = run.assert_clean_failure();
    assert!(line.contains("LATCHKEY_SERVER_SECRET"), "{line}");
    assert!(
        !line.contains("short-credential"),
        "the credential was echoed: {line}"
    );
}

#[test]
fn production_accepts_a_good_secret_and_better_auth_secret() {
    let dir = TempDir::new("prod-ok");
    let url = dir.sqlite_url();
    let latchkey_secret = latchkey(
        dir.path(),
        &["migrate", "--database-url", &url],
        &[
            ("LATCHKEY_ENV", "production"),
            ("LATCHKEY_SECRET", GOOD_SECRET),
        ],
    );
    assert!(latchkey_secret.succeeded(), "{latchkey_secret:#?}");
    let better_auth_secret = latchkey(
        dir.path(),
        &["migrate", "--production", "--database-url", &url],
        &[("BETTER_AUTH_SECRET", GOOD_SECRET)],
    );
    assert!(better_auth_secret.succeeded(), "{better_auth_secret:#?}");
    for run in [&latchkey_secret, &better_auth_secret] {
        assert!(!run.stdout.contains(GOOD_SECRET) && !run.stderr.contains(GOOD_SECRET));
    }
}

// ---- Dockerfile and docker-compose.yml against the real flags ----

fn repo_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `LATCHKEY_*` or `DATABASE_URL` name a text mentions.
fn variables_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let is_name = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if is_name(bytes[i]) && (i == 0 || !is_name(bytes[i - 1])) {
            let start = i;
            while i < bytes.len() && is_name(bytes[i]) {
                i += 1;
            }
            let word = &text[start..i];
            if (word.starts_with("LATCHKEY_") || word == "DATABASE_URL")
                && !found.iter().any(|f| f == word)
            {
                found.push(word.to_owned());
            }
        } else {
            i += 1;
        }
    }
    found
}

/// The `ENV KEY=VALUE` settings of a Dockerfile.
fn dockerfile_env(dockerfile: &str) -> Vec<(String, String)> {
    dockerfile
        .lines()
        .filter_map(|l| l.trim().strip_prefix("ENV "))
        .flat_map(|rest| rest.split_whitespace())
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .collect()
}

/// The `environment:` map of one compose service (`KEY: value` form).
fn compose_env(compose: &str, service: &str) -> Vec<(String, String)> {
    let mut lines = compose.lines().skip_while(|l| l.trim_end() != "services:");
    let header = format!("  {service}:");
    let mut lines = lines
        .by_ref()
        .skip_while(|l| l.trim_end() != header)
        .skip(1)
        .take_while(|l| l.starts_with("    ") || l.trim().is_empty());
    let mut env = Vec::new();
    for line in lines.by_ref() {
        if line.trim_end() == "    environment:" {
            break;
        }
    }
    for line in lines {
        if !line.starts_with("      ") {
            break;
        }
        let entry = line.trim();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        let (k, v) = entry
            .split_once(':')
            .unwrap_or_else(|| panic!("not `KEY: value`: {line}"));
        env.push((k.trim().to_owned(), v.trim().trim_matches('"').to_owned()));
    }
    env
}

#[test]
fn docker_files_set_only_variables_the_binary_knows() {
    let help = help();
    let dockerfile = repo_file("Dockerfile");
    let compose = repo_file("docker-compose.yml");
    for (file, text) in [
        ("Dockerfile", &dockerfile),
        ("docker-compose.yml", &compose),
    ] {
        let vars = variables_in(text);
        assert!(!vars.is_empty(), "{file} sets no latchkey variables");
        for var in vars {
            assert!(
                help.contains(&var),
                "{file} uses {var}, which `latchkey --help` does not mention"
            );
        }
    }
}

#[test]
fn dockerfile_builds_and_runs_the_latchkey_package() {
    let dockerfile = repo_file("Dockerfile");
    let manifest = repo_file("crates/server/Cargo.toml");
    assert!(manifest.contains("name = \"latchkey\""), "{manifest}");
    assert!(
        dockerfile.contains("cargo build --release -p latchkey --locked"),
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains("target/release/latchkey"),
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains(r#"ENTRYPOINT ["latchkey"]"#),
        "{dockerfile}"
    );
    assert!(dockerfile.contains(r#"CMD ["serve"]"#), "{dockerfile}");
    let help = help();
    assert!(help.contains("serve"), "{help}");
    let env = dockerfile_env(&dockerfile);
    assert!(
        env.iter()
            .any(|(k, v)| k == "LATCHKEY_ADDR" && v == "0.0.0.0:3000"),
        "{env:?}"
    );
    assert!(dockerfile.contains("EXPOSE 3000"), "{dockerfile}");
}

#[test]
fn compose_environment_is_accepted_by_the_binary() {
    let compose = repo_file("docker-compose.yml");
    let dockerfile = repo_file("Dockerfile");
    let env = compose_env(&compose, "latchkey");
    let get = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());

    // The database is the compose file's postgres service.
    let url = get("DATABASE_URL").unwrap_or_else(|| panic!("no DATABASE_URL: {env:?}"));
    assert!(url.starts_with("postgres://"), "{url}");
    let host = url
        .rsplit_once('@')
        .map(|(_, rest)| rest.split([':', '/']).next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    assert!(
        compose.contains(&format!("\n  {host}:\n")),
        "DATABASE_URL names host `{host}`, which is no service"
    );
    assert_eq!(get("LATCHKEY_ENV").as_deref(), Some("production"));
    let secret = get("LATCHKEY_SECRET").unwrap_or_default();
    assert!(secret.starts_with("${LATCHKEY_SECRET:?"), "{secret}");
    assert!(
        compose.contains("condition: service_healthy"),
        "latchkey must wait for a healthy postgres"
    );

    // The container's whole environment (image, then compose) parses and
    // starts the binary; only the database is swapped for a local SQLite file
    // and the secret for a value, as compose would substitute it.
    let dir = TempDir::new("compose");
    let sqlite = dir.sqlite_url();
    let mut settings = dockerfile_env(&dockerfile);
    settings.extend(env);
    let settings: Vec<(String, String)> = settings
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "DATABASE_URL" => (k, sqlite.clone()),
            _ if v.starts_with("${") => (k, GOOD_SECRET.to_owned()),
            _ => (k, v),
        })
        .collect();
    let pairs: Vec<(&str, &str)> = settings
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let run = latchkey(dir.path(), &["migrate"], &pairs);
    assert!(run.succeeded(), "{settings:?}\n{run:#?}");
}

// ---- README and .ci/run against the real flags ----

/// The long flags and environment variables `--help` documents.
fn documented_settings(help: &str) -> Vec<String> {
    let mut found = Vec::new();
    for word in help.split(|c: char| c.is_whitespace() || c == '[' || c == ']') {
        let word = word.trim_end_matches(',');
        if word.starts_with("--") && word.len() > 2 && word != "--help" && word != "--version" {
            found.push(word.to_owned());
        }
    }
    let mut rest = help;
    while let Some(at) = rest.find("[env: ") {
        rest = &rest[at + "[env: ".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        found.push(name);
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn readme_configuration_table_covers_every_setting() {
    let help = help();
    let readme = repo_file("README.md");
    let settings = documented_settings(&help);
    assert!(settings.len() >= 2 * FLAGS.len() - 1, "{settings:?}");
    for setting in settings {
        assert!(
            readme.contains(&format!("| `{setting}`")),
            "README.md's configuration table lacks `{setting}`"
        );
    }
    // And it documents nothing the binary does not have.
    for var in variables_in(&readme) {
        // The test suite's and the example host app's own variables.
        if !["LATCHKEY_TEST_DATABASE_URL", "LATCHKEY_USAGE_LOG"].contains(&var.as_str()) {
            assert!(help.contains(&var), "README.md mentions unknown {var}");
        }
    }
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let readme = repo_file("README.md");
    let ci = repo_file(".ci/run");
    let command = "cargo test --workspace";
    assert!(
        readme.contains(&format!("```sh\n{command}\n```")),
        "{readme}"
    );
    assert!(
        ci.lines().any(|l| l.trim() == command),
        ".ci/run does not run `{command}`"
    );
}
