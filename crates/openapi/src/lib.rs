//! latchkey's OpenAPI contract, built from Rust code in one place.
//!
//! The handlers write JSON by hand, so the document cannot be derived from
//! their signatures: `schemas` mirrors the wire shapes (`ToSchema` structs),
//! `paths` describes every route of every crate's `routes.rs`, and
//! `errors` takes each documented error answer from the crates' own error
//! enums. [`yaml`] is what `latchkey openapi` prints and `openapi.yaml`
//! holds; [`OpenApiPlugin`] serves it as JSON with a reference page.

pub mod errors;
pub mod examples;
pub mod handlers;
pub mod op;
pub mod paths;
pub mod routes;
pub mod schemas;

use std::sync::OnceLock;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{
    ComponentsBuilder, InfoBuilder, LicenseBuilder, OpenApi, OpenApiBuilder, PathsBuilder,
    ServerBuilder,
};

pub use routes::OpenApiPlugin;

/// The base path every operation lives under.
pub const BASE_PATH: &str = latchkey_session::BASE_PATH;

/// The command that rewrites the committed document.
pub const REGENERATE: &str = "cargo run -q -p latchkey -- openapi > openapi.yaml";

/// The whole document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for op in paths::all() {
        let (path, item) = op.build();
        paths = paths.path(path, item);
    }
    let tags = paths::TAGS.iter().map(|(name, description)| {
        TagBuilder::new()
            .name(*name)
            .description(Some(*description))
            .build()
    });
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("latchkey")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(DESCRIPTION))
                .license(Some(
                    LicenseBuilder::new().name("MIT OR Apache-2.0").build(),
                )),
        )
        .servers(Some([ServerBuilder::new()
            .url("/")
            .description(Some("The latchkey server this document was fetched from"))
            .build()]))
        .tags(Some(tags))
        .paths(paths.build())
        .components(Some(components()))
        .build()
}

const DESCRIPTION: &str = "better-auth 1.7 compatible sessions and API keys. Every route is \
under `/api/auth`; bodies are JSON with camelCase fields; timestamps are ISO 8601 UTC with \
milliseconds. Errors are `{message, code, details?}` with a stable `code`; each operation \
lists the codes it can answer per status.\n\n\
Sign in (`POST /api/auth/sign-in/email`) and send the `set-auth-token` response header back \
as `Authorization: Bearer <token>`. Trusted servers add `x-latchkey-server-secret` to set \
server-only fields (marked `x-server-only` and **Server-only**) and to verify keys.";

fn components() -> utoipa::openapi::Components {
    let builder = ComponentsBuilder::new()
        .schemas_from_iter(schemas::all())
        .security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The session token from the `set-auth-token` header of sign-up or sign-in.",
                    ))
                    .build(),
            ),
        )
        .security_scheme(
            "sessionCookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "better-auth.session_token",
                "The signed session cookie browsers get at sign-in \
                 (`__Secure-better-auth.session_token` in production).",
            ))),
        )
        .security_scheme(
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-api-key",
                "An API key. Used as its owner's session on session routes when the server \
                 runs with `--api-key-sessions`; required by `POST /api-key/token`.",
            ))),
        )
        .security_scheme(
            "serverSecret",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-latchkey-server-secret",
                "The trusted-server credential (`--server-secret`): verify keys, delete \
                 expired keys, set server-only fields, act for any `userId`.",
            ))),
        );
    let mut components = builder.build();
    schemas::mark_server_only(&mut components);
    components
}

/// The document as a tree, keys in the order utoipa writes them, with
/// utoipa 5's Link objects fixed (it writes `operation_id`/`request_body`;
/// OpenAPI says `operationId`/`requestBody`).
fn rendered() -> &'static serde_norway::Value {
    static RENDERED: OnceLock<serde_norway::Value> = OnceLock::new();
    RENDERED.get_or_init(|| {
        let mut tree = serde_norway::to_value(document()).unwrap_or_default();
        if let Some(paths) = tree.get_mut("paths").and_then(|p| p.as_mapping_mut()) {
            for item in paths.values_mut() {
                let Some(item) = item.as_mapping_mut() else {
                    continue;
                };
                for operation in item.values_mut() {
                    fix_links(operation);
                }
            }
        }
        tree
    })
}

fn fix_links(operation: &mut serde_norway::Value) {
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(|r| r.as_mapping_mut())
    else {
        return;
    };
    for response in responses.values_mut() {
        let Some(links) = response.get_mut("links").and_then(|l| l.as_mapping_mut()) else {
            continue;
        };
        for link in links.values_mut() {
            let Some(fields) = link.as_mapping() else {
                continue;
            };
            let renamed: serde_norway::Mapping = fields
                .iter()
                .map(|(key, value)| {
                    let key = match key.as_str() {
                        Some("operation_id") => "operationId".into(),
                        Some("operation_ref") => "operationRef".into(),
                        Some("request_body") => "requestBody".into(),
                        _ => key.clone(),
                    };
                    (key, value.clone())
                })
                .collect();
            *link = serde_norway::Value::Mapping(renamed);
        }
    }
}

/// The document as YAML (what `openapi.yaml` holds).
pub fn yaml() -> &'static str {
    static YAML: OnceLock<String> = OnceLock::new();
    YAML.get_or_init(|| {
        serde_norway::to_string(rendered())
            .unwrap_or_else(|e| format!("# cannot render the document: {e}\n"))
    })
}

/// The document as JSON (what `GET /api/auth/open-api/generate-schema` answers).
pub fn json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        serde_json::to_string(rendered())
            .unwrap_or_else(|e| format!("{{\"error\": \"cannot render the document: {e}\"}}"))
    })
}
