//! Replays better-auth's reference transcripts (`shared/reference/transcripts/*.json`,
//! format in `shared/reference/README.md`) against latchkey and compares
//! status, error `code`, headers, and the set of JSON fields with their JSON
//! types (and, by default, their values where the reference shows them).
//!
//! # API
//! ```ignore
//! let app = test_app!(backend);
//! let mut replay = Replayer::new(&app);
//! // Placeholder values recorded in one file are kept for the next, as the
//! // captures were one run (bad-input.json uses sessions.json's `<token:3>`).
//! replay
//!     .run("sessions.json", Plan::new().skip("an exchange", "why it cannot run yet"))
//!     .await;
//! replay
//!     .run(
//!         "create.json",
//!         Plan::new()
//!             // trusted-server calls of the harness (`/admin/...`), mapped to latchkey's routes
//!             .map_server_only(|req, _| Some(req.to("/api/auth/api-key/create").header("x-latchkey-server-secret", "…")))
//!             // side effects the capture made outside HTTP (time passing, an expired key)
//!             .before("verify expired key", |app, b| app.clock.advance(time::Duration::days(2)))
//!             // requests the normalised transcript cannot express (a forged signature)
//!             .rewrite("bearer forged signature", |req, _| req.set_header("authorization", "Bearer x.y"))
//!             // where latchkey deliberately differs: latchkey's own expected response,
//!             // in the transcript format, placeholders allowed …
//!             .expect_response("verify expired key again", json!({"status": 200, "headers": {…}, "body": {…}}))
//!             // … or a check of your own
//!             .check("get expired key", |answer, bindings| { …; Ok(()) })
//!             .type_only("tryAgainIn")
//!             // documented additions of latchkey's
//!             .extra_field("userId"),
//!     )
//!     .await;
//! let bearer = replay.bindings().signed_token(3);
//! ```
//!
//! # Rules
//! - Request placeholders are replaced by what latchkey answered earlier for
//!   the same placeholder (`<token:N>.<signature>` → the `set-auth-token`
//!   value, `<token:N>` → the raw token, `<id:N>`, `<key:N>`, `<run>` → a
//!   per-run tag). One never seen before (a bogus token or an unknown id) gets
//!   a fresh random value of the same shape.
//! - Response placeholders bind on first sight and must equal their binding
//!   afterwards; `<timestamp>` must be an ISO-8601 UTC string with milliseconds;
//!   `<key:N>[0:6]` must be the first 6 characters of key N.
//! - Objects must have exactly the reference's keys; arrays its length; every
//!   value its JSON type. Literal values (`"Alice"`, `false`, `86400000`, error
//!   messages) must be equal unless [`Plan::types_only`] or [`Plan::type_only`]
//!   says otherwise; the error `code` is always compared. `ipAddress` is
//!   type-only by default (better-auth's harness saw `""`). Fields the
//!   reference lacks are errors unless named by [`Plan::extra_field`].
//! - Response headers that the reference keeps (content-type, set-auth-token,
//!   set-cookie, access-control-*, cache-control, retry-after, rate-limit
//!   headers) must be present exactly when the reference has them; set-cookie
//!   is compared by name, empty/non-empty value and attribute set.
//! - Exchanges through the harness's `/admin/` routes (`server_only`) are
//!   skipped unless [`Plan::map_server_only`] maps them; exchanges with a
//!   `latchkey_divergence` are skipped unless [`Plan::expect_response`] or
//!   [`Plan::check`] says what latchkey answers instead. Every skip is printed
//!   with its reason; naming an exchange the file does not have panics.
//! - Every request carries `user-agent: latchkey-conformance/1` (what the
//!   harness sent) and comes from 127.0.0.1.
//! - All mismatches of a file are collected and reported together in one panic.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use actix_web::http::Method;
use actix_web::test::TestRequest;
use latchkey_session::tokens::{random_id, SessionToken};
use serde_json::Value;

use super::{Answer, TestApp};

/// The user agent the reference harness sent.
pub const USER_AGENT: &str = "latchkey-conformance/1";

/// The reference transcripts' folder: `$LATCHKEY_REFERENCE_DIR` (the
/// `reference` folder or its `transcripts` subfolder) when set, else the
/// copy in `crates/server/tests/reference/transcripts`, so that a clone
/// anywhere runs them. [`shared_transcripts_dir`] is where that copy comes
/// from; `transcripts_sessions.rs` checks the two are the same.
///
/// # Panics
/// When the folder does not exist: the conformance tests must not pass vacuously.
pub fn transcripts_dir() -> PathBuf {
    let dir = match std::env::var_os("LATCHKEY_REFERENCE_DIR") {
        Some(base) => {
            let base = PathBuf::from(base);
            if base.join("transcripts").is_dir() {
                base.join("transcripts")
            } else {
                base
            }
        }
        None => repository_transcripts_dir(),
    };
    assert!(
        dir.join("sessions.json").is_file(),
        "reference transcripts not found at {} (LATCHKEY_REFERENCE_DIR names the \
         shared/reference folder)",
        dir.display()
    );
    dir
}

/// The copy of the reference transcripts kept in this repository.
pub fn repository_transcripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/transcripts")
}

/// The project's shared reference transcripts (`<repo>/../shared/reference/
/// transcripts`), the source of the copy in this repository; `None` in a
/// clone that does not sit beside `shared/`.
pub fn shared_transcripts_dir() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/transcripts");
    dir.is_dir().then_some(dir)
}

/// One request/response pair of a transcript.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Unique name within the file.
    pub name: String,
    /// Why latchkey answers differently, when it deliberately does.
    pub divergence: Option<String>,
    /// The request, placeholders unreplaced.
    pub request: Value,
    /// The reference response.
    pub response: Value,
}

impl Exchange {
    /// A trusted-server call of the capture harness.
    pub fn is_server_only(&self) -> bool {
        self.request.get("server_only").is_some()
            || self.request["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/admin/"))
    }
}

/// A parsed transcript file.
#[derive(Debug, Clone)]
pub struct Transcript {
    /// Its group name.
    pub group: String,
    /// Its exchanges, in capture order.
    pub exchanges: Vec<Exchange>,
}

/// Loads `file` (e.g. `"sessions.json"`) from [`transcripts_dir`].
pub fn load(file: &str) -> Transcript {
    let path = transcripts_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let exchanges = doc["exchanges"]
        .as_array()
        .unwrap_or_else(|| panic!("{} has no exchanges", path.display()))
        .iter()
        .map(|e| Exchange {
            name: e["name"].as_str().unwrap_or_default().to_owned(),
            divergence: e["latchkey_divergence"].as_str().map(str::to_owned),
            request: e["request"].clone(),
            response: e["response"].clone(),
        })
        .collect();
    Transcript {
        group: doc["group"].as_str().unwrap_or_default().to_owned(),
        exchanges,
    }
}

/// A request ready to send (placeholders replaced).
#[derive(Debug, Clone)]
pub struct Request {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers, lower-case names.
    pub headers: Vec<(String, String)>,
    /// Raw body bytes, if any.
    pub body: Option<Vec<u8>>,
}

impl Request {
    /// The same request to another path.
    pub fn to(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self
    }

    /// Adds or replaces a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.set_header(name, value);
        self
    }

    /// Adds or replaces a header in place.
    pub fn set_header(&mut self, name: &str, value: &str) {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.to_owned()));
    }

    /// A header's value.
    pub fn get_header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, if it is JSON.
    pub fn json_body(&self) -> Option<Value> {
        self.body
            .as_deref()
            .and_then(|b| serde_json::from_slice(b).ok())
    }

    /// Replaces the body with JSON.
    pub fn set_json_body(&mut self, body: &Value) {
        self.body = Some(body.to_string().into_bytes());
    }

    fn to_test_request(&self) -> TestRequest {
        let method = Method::from_bytes(self.method.as_bytes())
            .unwrap_or_else(|_| panic!("bad method {}", self.method));
        let mut req = TestRequest::default()
            .method(method)
            .uri(&self.path)
            .peer_addr("127.0.0.1:40000".parse().unwrap());
        if self.get_header("user-agent").is_none() {
            req = req.insert_header(("user-agent", USER_AGENT));
        }
        for (name, value) in &self.headers {
            req = req.insert_header((name.as_str(), value.as_str()));
        }
        if let Some(body) = &self.body {
            req = req.set_payload(body.clone());
        }
        req
    }
}

/// Values recorded for placeholders.
#[derive(Debug, Default, Clone)]
pub struct Bindings {
    run: String,
    ids: HashMap<u32, String>,
    tokens: HashMap<u32, String>,
    signed: HashMap<u32, String>,
    keys: HashMap<u32, String>,
}

impl Bindings {
    fn new() -> Self {
        Self {
            run: random_id()[..10].to_lowercase(),
            ..Self::default()
        }
    }

    /// The per-run tag `<run>` stands for.
    pub fn run(&self) -> &str {
        &self.run
    }

    /// `<id:n>`.
    pub fn id(&self, n: u32) -> Option<&str> {
        self.ids.get(&n).map(String::as_str)
    }

    /// `<token:n>` (raw).
    pub fn token(&self, n: u32) -> Option<&str> {
        self.tokens.get(&n).map(String::as_str)
    }

    /// `<token:n>.<signature>` (what `Authorization: Bearer` takes).
    pub fn signed_token(&self, n: u32) -> Option<&str> {
        self.signed.get(&n).map(String::as_str)
    }

    /// `<key:n>`.
    pub fn key(&self, n: u32) -> Option<&str> {
        self.keys.get(&n).map(String::as_str)
    }

    /// Replaces every placeholder in `text`, inventing values never seen.
    pub fn substitute(&mut self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some((start, end, ph)) = find_placeholder(rest) {
            out.push_str(&rest[..start]);
            out.push_str(&self.value_for_request(ph));
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    fn substitute_json(&mut self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.substitute(s)),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.substitute_json(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), self.substitute_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn value_for_request(&mut self, ph: Placeholder) -> String {
        match ph {
            Placeholder::Run => self.run.clone(),
            Placeholder::Timestamp => "2026-01-01T00:00:00.000Z".to_owned(),
            Placeholder::Id(n) => self.ids.entry(n).or_insert_with(random_id).clone(),
            Placeholder::Token(n) => self.tokens.entry(n).or_insert_with(random_id).clone(),
            Placeholder::Signed(n) => {
                if let Some(signed) = self.signed.get(&n) {
                    return signed.clone();
                }
                // Never issued: a well-formed value signed with another secret.
                let raw = self.tokens.entry(n).or_insert_with(random_id).clone();
                let forged = SessionToken::from_presented(&raw)
                    .map(|t| t.signed("not-the-server-secret"))
                    .unwrap_or(raw);
                self.signed.insert(n, forged.clone());
                forged
            }
            Placeholder::Key(n) => self.keys.entry(n).or_insert_with(random_letters).clone(),
            Placeholder::KeyStart(n, len) => {
                let key = self.value_for_request(Placeholder::Key(n));
                key.chars().take(len).collect()
            }
        }
    }
}

/// 64 random ASCII letters, the shape of a better-auth key's random part.
fn random_letters() -> String {
    let mut out = String::new();
    while out.len() < 64 {
        out.extend(random_id().chars().filter(char::is_ascii_alphabetic));
    }
    out.truncate(64);
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholder {
    Run,
    Timestamp,
    Id(u32),
    Token(u32),
    Signed(u32),
    Key(u32),
    KeyStart(u32, usize),
}

/// The first placeholder in `s`: (start, end, which).
fn find_placeholder(s: &str) -> Option<(usize, usize, Placeholder)> {
    let mut from = 0;
    while let Some(offset) = s[from..].find('<') {
        let start = from + offset;
        if let Some((len, ph)) = placeholder_at(&s[start..]) {
            return Some((start, start + len, ph));
        }
        from = start + 1;
    }
    None
}

fn placeholder_at(s: &str) -> Option<(usize, Placeholder)> {
    for (literal, ph) in [
        ("<run>", Placeholder::Run),
        ("<timestamp>", Placeholder::Timestamp),
    ] {
        if s.starts_with(literal) {
            return Some((literal.len(), ph));
        }
    }
    let numbered = |prefix: &str| -> Option<(usize, u32)> {
        let rest = s.strip_prefix(prefix)?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || rest.as_bytes().get(digits) != Some(&b'>') {
            return None;
        }
        Some((prefix.len() + digits + 1, rest[..digits].parse().ok()?))
    };
    if let Some((len, n)) = numbered("<id:") {
        return Some((len, Placeholder::Id(n)));
    }
    if let Some((len, n)) = numbered("<token:") {
        return Some(match s[len..].strip_prefix(".<signature>") {
            Some(_) => (len + ".<signature>".len(), Placeholder::Signed(n)),
            None => (len, Placeholder::Token(n)),
        });
    }
    if let Some((len, n)) = numbered("<key:") {
        let rest = &s[len..];
        if let Some(after) = rest.strip_prefix("[0:") {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && after.as_bytes().get(digits) == Some(&b']') {
                let count = after[..digits].parse().ok()?;
                return Some((len + 3 + digits + 1, Placeholder::KeyStart(n, count)));
            }
        }
        return Some((len, Placeholder::Key(n)));
    }
    None
}

/// The whole string is exactly one placeholder.
fn whole_placeholder(s: &str) -> Option<Placeholder> {
    match find_placeholder(s) {
        Some((0, end, ph)) if end == s.len() => Some(ph),
        _ => None,
    }
}

/// `2026-11-23T13:04:27.768Z`.
pub fn is_iso_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    if b.len() != shape.len() {
        return false;
    }
    let shaped = shape.bytes().zip(b).all(|(p, c)| match p {
        b'd' => c.is_ascii_digit(),
        other => other == *c,
    });
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    shaped
        && (1..=12).contains(&num(5..7))
        && (1..=31).contains(&num(8..10))
        && num(11..13) < 24
        && num(14..16) < 60
        && num(17..19) < 60
}

type Hook = Box<dyn Fn(&TestApp, &Bindings)>;
type Rewrite = Box<dyn Fn(&mut Request, &Bindings)>;
type Check = Box<dyn Fn(&Answer, &mut Bindings) -> Result<(), String>>;
type ServerOnly = Box<dyn Fn(Request, &Bindings) -> Option<Request>>;

/// How one file is replayed: skips, mappings and comparison settings.
pub struct Plan {
    skips: HashMap<String, String>,
    before: HashMap<String, Hook>,
    rewrites: HashMap<String, Rewrite>,
    responses: HashMap<String, Value>,
    checks: HashMap<String, Check>,
    server_only: Option<ServerOnly>,
    type_only: HashSet<String>,
    extra_fields: HashSet<String>,
    extra_headers: Vec<String>,
    compare_values: bool,
}

impl Default for Plan {
    fn default() -> Self {
        Self::new()
    }
}

impl Plan {
    /// Replay everything replayable, comparing values too; `ipAddress` type-only.
    pub fn new() -> Self {
        Self {
            skips: HashMap::new(),
            before: HashMap::new(),
            rewrites: HashMap::new(),
            responses: HashMap::new(),
            checks: HashMap::new(),
            server_only: None,
            type_only: ["ipAddress".to_owned()].into_iter().collect(),
            extra_fields: HashSet::new(),
            extra_headers: Vec::new(),
            compare_values: true,
        }
    }

    /// Does not send exchange `name`, for `reason` (printed).
    pub fn skip(mut self, name: &str, reason: &str) -> Self {
        self.skips.insert(name.to_owned(), reason.to_owned());
        self
    }

    /// Runs `hook` just before exchange `name` is sent.
    pub fn before(mut self, name: &str, hook: impl Fn(&TestApp, &Bindings) + 'static) -> Self {
        self.before.insert(name.to_owned(), Box::new(hook));
        self
    }

    /// Changes exchange `name`'s request after placeholders are replaced.
    pub fn rewrite(
        mut self,
        name: &str,
        rewrite: impl Fn(&mut Request, &Bindings) + 'static,
    ) -> Self {
        self.rewrites.insert(name.to_owned(), Box::new(rewrite));
        self
    }

    /// Compares exchange `name` against `response` (transcript format:
    /// `{"status", "headers", "body"}`) instead of the reference's.
    pub fn expect_response(mut self, name: &str, response: Value) -> Self {
        self.responses.insert(name.to_owned(), response);
        self
    }

    /// Checks exchange `name` with `check` instead of the reference response.
    pub fn check(
        mut self,
        name: &str,
        check: impl Fn(&Answer, &mut Bindings) -> Result<(), String> + 'static,
    ) -> Self {
        self.checks.insert(name.to_owned(), Box::new(check));
        self
    }

    /// Maps the harness's trusted-server calls (`/admin/...`) to latchkey
    /// requests; `None` skips that one.
    pub fn map_server_only(
        mut self,
        map: impl Fn(Request, &Bindings) -> Option<Request> + 'static,
    ) -> Self {
        self.server_only = Some(Box::new(map));
        self
    }

    /// Compares fields named `field` by JSON type only.
    pub fn type_only(mut self, field: &str) -> Self {
        self.type_only.insert(field.to_owned());
        self
    }

    /// Compares every field by JSON type only (the error `code` still by value).
    pub fn types_only(mut self) -> Self {
        self.compare_values = false;
        self
    }

    /// Allows latchkey to answer a field named `field` in objects where the
    /// reference has none (a documented addition, such as `userId` beside
    /// `referenceId` on API keys).
    pub fn extra_field(mut self, field: &str) -> Self {
        self.extra_fields.insert(field.to_owned());
        self
    }

    /// Allows latchkey to send a kept header (by name prefix) the reference lacks.
    pub fn allow_header(mut self, prefix: &str) -> Self {
        self.extra_headers.push(prefix.to_ascii_lowercase());
        self
    }

    fn named(&self) -> impl Iterator<Item = &String> {
        self.skips
            .keys()
            .chain(self.before.keys())
            .chain(self.rewrites.keys())
            .chain(self.responses.keys())
            .chain(self.checks.keys())
    }
}

/// What a replay did.
#[derive(Debug, Default)]
pub struct Report {
    /// Exchanges sent and compared.
    pub sent: Vec<String>,
    /// Exchanges not sent, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Replays transcripts against one [`TestApp`], keeping placeholder bindings.
pub struct Replayer<'a> {
    app: &'a TestApp,
    bindings: Bindings,
}

impl<'a> Replayer<'a> {
    /// A replayer with no bindings yet.
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            bindings: Bindings::new(),
        }
    }

    /// The values recorded so far.
    pub fn bindings(&self) -> &Bindings {
        &self.bindings
    }

    /// Replays `file` under `plan`; panics with every mismatch found.
    pub async fn run(&mut self, file: &str, plan: Plan) -> Report {
        let transcript = load(file);
        let names: HashSet<&str> = transcript
            .exchanges
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        for name in plan.named() {
            assert!(
                names.contains(name.as_str()),
                "{file}: the plan names exchange {name:?}, which the file does not have"
            );
        }
        let mut report = Report::default();
        let mut failures = Vec::new();
        for exchange in &transcript.exchanges {
            let name = &exchange.name;
            match self.replay_one(exchange, &plan).await {
                Outcome::Skipped(reason) => {
                    eprintln!("[{file}] SKIPPED {name:?}: {reason}");
                    report.skipped.push((name.clone(), reason));
                }
                Outcome::Compared(problems) => {
                    report.sent.push(name.clone());
                    failures.extend(problems.into_iter().map(|p| format!("{name:?}: {p}")));
                }
            }
        }
        eprintln!(
            "[{file}] replayed {} exchanges, skipped {}",
            report.sent.len(),
            report.skipped.len()
        );
        assert!(
            failures.is_empty(),
            "{file} ({}): latchkey differs from the reference:\n  {}",
            transcript.group,
            failures.join("\n  ")
        );
        report
    }

    async fn replay_one(&mut self, exchange: &Exchange, plan: &Plan) -> Outcome {
        let name = exchange.name.as_str();
        if let Some(reason) = plan.skips.get(name) {
            return Outcome::Skipped(reason.clone());
        }
        let overridden = plan.responses.contains_key(name) || plan.checks.contains_key(name);
        if let Some(divergence) = &exchange.divergence {
            if !overridden {
                return Outcome::Skipped(format!("latchkey_divergence: {divergence}"));
            }
        }
        let mut request = self.build_request(&exchange.request);
        if exchange.is_server_only() {
            let mapped = plan
                .server_only
                .as_ref()
                .and_then(|map| map(request, &self.bindings));
            match mapped {
                Some(mapped) => request = mapped,
                None => {
                    return Outcome::Skipped(
                        "trusted-server call of the capture harness, not mapped".to_owned(),
                    )
                }
            }
        }
        if let Some(rewrite) = plan.rewrites.get(name) {
            rewrite(&mut request, &self.bindings);
        }
        if let Some(hook) = plan.before.get(name) {
            hook(self.app, &self.bindings);
        }
        let answer = self.app.call(request.to_test_request()).await;
        if let Some(check) = plan.checks.get(name) {
            return Outcome::Compared(
                check(&answer, &mut self.bindings)
                    .err()
                    .into_iter()
                    .collect(),
            );
        }
        let expected = plan.responses.get(name).unwrap_or(&exchange.response);
        let mut cmp = Comparison {
            bindings: &mut self.bindings,
            plan,
            problems: Vec::new(),
            deferred: Vec::new(),
        };
        cmp.response(expected, &answer);
        Outcome::Compared(cmp.problems)
    }

    fn build_request(&mut self, spec: &Value) -> Request {
        let headers = spec["headers"]
            .as_object()
            .map(|h| {
                h.iter()
                    .map(|(n, v)| {
                        let value = self.bindings.substitute(v.as_str().unwrap_or_default());
                        (n.to_ascii_lowercase(), value)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let body = match &spec["body"] {
            Value::Null => None,
            Value::String(raw) => Some(self.bindings.substitute(raw).into_bytes()),
            json => Some(self.bindings.substitute_json(json).to_string().into_bytes()),
        };
        Request {
            method: spec["method"].as_str().unwrap_or("GET").to_owned(),
            path: self
                .bindings
                .substitute(spec["path"].as_str().unwrap_or_default()),
            headers,
            body,
        }
    }
}

enum Outcome {
    Skipped(String),
    Compared(Vec<String>),
}

/// Response headers the transcripts keep.
fn is_kept_header(name: &str) -> bool {
    matches!(
        name,
        "content-type" | "set-auth-token" | "set-cookie" | "cache-control" | "retry-after"
    ) || name.starts_with("access-control-")
        || name.starts_with("x-ratelimit")
        || name.starts_with("ratelimit")
}

/// A set-cookie line as the transcripts show it: value hidden unless empty,
/// attributes as a sorted set.
fn normalise_cookie(line: &str) -> String {
    let mut parts = line.split(';').map(str::trim).filter(|p| !p.is_empty());
    let first = parts.next().unwrap_or_default();
    let (name, value) = first.split_once('=').unwrap_or((first, ""));
    let value = if value.is_empty() { "" } else { "<value>" };
    let attrs: BTreeSet<String> = parts.map(str::to_ascii_lowercase).collect();
    let attrs: Vec<String> = attrs.into_iter().collect();
    format!("{name}={value}; {}", attrs.join("; "))
}

struct Comparison<'b> {
    bindings: &'b mut Bindings,
    plan: &'b Plan,
    problems: Vec<String>,
    /// `<key:N>[0:len]` checks, run after the whole body bound its keys.
    deferred: Vec<(String, u32, usize, String)>,
}

impl Comparison<'_> {
    fn problem(&mut self, text: String) {
        self.problems.push(text);
    }

    fn response(&mut self, expected: &Value, answer: &Answer) {
        let status = expected["status"].as_u64().unwrap_or(0);
        if u64::from(answer.status.as_u16()) != status {
            self.problem(format!(
                "status {} (reference {status}); body {}",
                answer.status.as_u16(),
                answer.text
            ));
        }
        self.headers(&expected["headers"], answer);
        self.body(&expected["body"], &expected["headers"], answer);
        let deferred = std::mem::take(&mut self.deferred);
        for (path, n, len, actual) in deferred {
            match self.bindings.key(n) {
                Some(key) if key.chars().take(len).collect::<String>() == actual => {}
                Some(_) => {
                    self.problem(format!("{path}: {actual:?} is not the start of <key:{n}>"))
                }
                None if actual.chars().count() == len => {}
                None => self.problem(format!("{path}: {actual:?} is not {len} characters")),
            }
        }
    }

    fn headers(&mut self, expected: &Value, answer: &Answer) {
        let empty = serde_json::Map::new();
        let expected = expected.as_object().unwrap_or(&empty);
        let actual: BTreeSet<String> = answer
            .headers
            .keys()
            .map(|n| n.as_str().to_ascii_lowercase())
            .filter(|n| is_kept_header(n))
            .collect();
        for name in expected.keys() {
            if !actual.contains(name) {
                self.problem(format!("header {name} missing"));
            }
        }
        for name in &actual {
            let allowed = self.plan.extra_headers.iter().any(|p| name.starts_with(p));
            if !expected.contains_key(name) && !allowed {
                self.problem(format!(
                    "header {name}: {:?} sent, the reference has none",
                    answer.header(name).unwrap_or_default()
                ));
            }
        }
        for (name, value) in expected {
            if !actual.contains(name) {
                continue;
            }
            match name.as_str() {
                "set-cookie" => {
                    let mut want: Vec<String> = value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(normalise_cookie)
                        .collect();
                    let mut got: Vec<String> = answer
                        .cookies()
                        .iter()
                        .map(|c| normalise_cookie(c))
                        .collect();
                    want.sort();
                    got.sort();
                    if want != got {
                        self.problem(format!("set-cookie {got:?}, reference {want:?}"));
                    }
                }
                "content-type" => {
                    let essence = |v: &str| {
                        v.split(';')
                            .next()
                            .unwrap_or_default()
                            .trim()
                            .to_ascii_lowercase()
                    };
                    let got = answer.header(name).unwrap_or_default();
                    if essence(&got) != essence(value.as_str().unwrap_or_default()) {
                        self.problem(format!("content-type {got:?}, reference {value}"));
                    }
                }
                _ => {
                    let got = Value::String(answer.header(name).unwrap_or_default());
                    self.value(&format!("header {name}"), value, &got, false);
                }
            }
        }
    }

    fn body(&mut self, expected: &Value, expected_headers: &Value, answer: &Answer) {
        if expected.is_null() {
            let json_null = expected_headers.get("content-type").is_some();
            let want = if json_null { "null" } else { "" };
            if answer.text.trim() != want {
                self.problem(format!("body {:?}, reference {want:?}", answer.text));
            }
            return;
        }
        match serde_json::from_str::<Value>(&answer.text) {
            Ok(actual) => {
                if let (Some(want), Some(got)) = (expected.get("code"), actual.get("code")) {
                    if want != got {
                        self.problem(format!("error code {got}, reference {want}"));
                    }
                }
                self.value("body", expected, &actual, false);
            }
            Err(_) => self.problem(format!("body is not JSON: {:?}", answer.text)),
        }
    }

    fn value(&mut self, path: &str, expected: &Value, actual: &Value, type_only: bool) {
        let compare_values = self.plan.compare_values && !type_only;
        match (expected, actual) {
            (Value::String(want), Value::String(got)) => {
                self.string(path, want, got, compare_values);
            }
            (Value::Object(want), Value::Object(got)) => {
                for key in want.keys().filter(|k| !got.contains_key(*k)) {
                    self.problem(format!("{path}.{key} missing"));
                }
                let extra =
                    |k: &&String| !want.contains_key(*k) && !self.plan.extra_fields.contains(*k);
                for key in got.keys().filter(extra) {
                    self.problem(format!("{path}.{key} not in the reference"));
                }
                for (key, want) in want {
                    if let Some(got) = got.get(key) {
                        let loose = type_only || self.plan.type_only.contains(key);
                        self.value(&format!("{path}.{key}"), want, got, loose);
                    }
                }
            }
            (Value::Array(want), Value::Array(got)) => {
                if want.len() != got.len() {
                    self.problem(format!(
                        "{path}: {} items, reference {}",
                        got.len(),
                        want.len()
                    ));
                }
                for (i, (w, g)) in want.iter().zip(got).enumerate() {
                    self.value(&format!("{path}[{i}]"), w, g, type_only);
                }
            }
            (Value::Number(_), Value::Number(_)) | (Value::Bool(_), Value::Bool(_)) => {
                if compare_values && expected != actual {
                    let same_number =
                        expected.as_f64().is_some() && expected.as_f64() == actual.as_f64();
                    if !same_number {
                        self.problem(format!("{path}: {actual}, reference {expected}"));
                    }
                }
            }
            (Value::Null, Value::Null) => {}
            _ => self.problem(format!(
                "{path}: {} {actual}, reference {} {expected}",
                kind(actual),
                kind(expected)
            )),
        }
    }

    fn string(&mut self, path: &str, want: &str, got: &str, compare_values: bool) {
        let Some(ph) = whole_placeholder(want) else {
            if find_placeholder(want).is_none() {
                if compare_values && want != got {
                    self.problem(format!("{path}: {got:?}, reference {want:?}"));
                }
                return;
            }
            // A literal with placeholders inside ("alice.<run>@example.com"):
            // compare once every placeholder in it is known.
            let mut probe = self.bindings.clone();
            let before = probe.clone();
            let expanded = probe.substitute(want);
            let all_known = before.ids.len() == probe.ids.len()
                && before.tokens.len() == probe.tokens.len()
                && before.signed.len() == probe.signed.len()
                && before.keys.len() == probe.keys.len();
            if compare_values && all_known && expanded != got {
                self.problem(format!("{path}: {got:?}, reference {expanded:?}"));
            }
            return;
        };
        let bind = |map: &mut HashMap<u32, String>, n: u32, got: &str| -> Option<String> {
            match map.get(&n) {
                Some(bound) if bound != got => Some(bound.clone()),
                Some(_) => None,
                None => {
                    map.insert(n, got.to_owned());
                    None
                }
            }
        };
        let mismatch = match ph {
            Placeholder::Timestamp => {
                if !is_iso_timestamp(got) {
                    self.problem(format!("{path}: {got:?} is not an ISO-8601 timestamp"));
                }
                None
            }
            Placeholder::Run => (got != self.bindings.run).then(|| self.bindings.run.clone()),
            Placeholder::Id(n) => bind(&mut self.bindings.ids, n, got),
            Placeholder::Token(n) => bind(&mut self.bindings.tokens, n, got),
            Placeholder::Key(n) => bind(&mut self.bindings.keys, n, got),
            Placeholder::Signed(n) => match got.split_once('.') {
                Some((raw, sig)) if !sig.is_empty() => bind(&mut self.bindings.tokens, n, raw)
                    .or_else(|| bind(&mut self.bindings.signed, n, got)),
                _ => {
                    self.problem(format!("{path}: {got:?} is not <token>.<signature>"));
                    None
                }
            },
            Placeholder::KeyStart(n, len) => {
                self.deferred
                    .push((path.to_owned(), n, len, got.to_owned()));
                None
            }
        };
        if let Some(bound) = mismatch {
            self.problem(format!("{path}: {got:?}, but {want} was {bound:?} before"));
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks the replayer's own parsing and matching (called by one test
/// binary, `transcripts_sessions`, not by every binary that includes `common`).
pub fn self_test() {
    assert_eq!(whole_placeholder("<id:12>"), Some(Placeholder::Id(12)));
    assert_eq!(whole_placeholder("<token:3>"), Some(Placeholder::Token(3)));
    assert_eq!(
        whole_placeholder("<token:3>.<signature>"),
        Some(Placeholder::Signed(3))
    );
    assert_eq!(whole_placeholder("<key:4>"), Some(Placeholder::Key(4)));
    assert_eq!(
        whole_placeholder("<key:4>[0:6]"),
        Some(Placeholder::KeyStart(4, 6))
    );
    assert_eq!(
        whole_placeholder("<timestamp>"),
        Some(Placeholder::Timestamp)
    );
    assert_eq!(whole_placeholder("alice.<run>@example.com"), None);
    assert_eq!(whole_placeholder("<value>"), None);
    assert_eq!(
        find_placeholder("Bearer <token:6>.<signature>").map(|(s, e, _)| (s, e)),
        Some((7, 28))
    );

    let mut b = Bindings::new();
    b.tokens.insert(1, "a".repeat(32));
    b.signed.insert(1, format!("{}.sig", "a".repeat(32)));
    assert_eq!(
        b.substitute("Bearer <token:1>.<signature>"),
        format!("Bearer {}.sig", "a".repeat(32))
    );
    let email = b.substitute("alice.<run>@example.com");
    assert_eq!(email, format!("alice.{}@example.com", b.run()));
    let invented = b.substitute("<id:9>");
    assert_eq!(invented.len(), 32);
    assert_eq!(b.substitute("<id:9>"), invented);
    assert_eq!(b.substitute("<key:2>").len(), 64);
    assert_eq!(b.substitute("<key:2>[0:6]"), b.key(2).unwrap()[..6]);
    let forged = b.substitute("<token:7>.<signature>");
    assert!(forged.starts_with(b.token(7).unwrap()));

    assert!(is_iso_timestamp("2026-11-23T13:04:27.768Z"));
    assert!(!is_iso_timestamp("2026-11-23T13:04:27Z"));
    assert!(!is_iso_timestamp("2026-13-23T13:04:27.768Z"));
    assert!(!is_iso_timestamp("1764000000"));

    assert_eq!(
        normalise_cookie(
            "better-auth.session_token=abc%2B; HttpOnly; SameSite=Lax; Path=/; Max-Age=604800"
        ),
        normalise_cookie(
            "better-auth.session_token=<value>; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
        )
    );
    assert_ne!(
        normalise_cookie("a=; Max-Age=0"),
        normalise_cookie("a=x; Max-Age=0")
    );
}
