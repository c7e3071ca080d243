//! Every operation of the document, one module per crate whose routes it
//! describes (crates/*/src/routes.rs).

pub mod api_key;
pub mod api_key_rotate;
pub mod api_key_usage;
pub mod docs;
pub mod jwt;
pub mod session;

use crate::op::Op;

/// Security alternatives: a signed-in caller (bearer, cookie, or an API key
/// used as a session).
pub const SESSION: &[&[&str]] = &[&["bearerAuth"], &["sessionCookie"], &["apiKey"]];

/// [`SESSION`], or nobody (the route answers without a session too).
pub const OPTIONAL_SESSION: &[&[&str]] = &[&["bearerAuth"], &["sessionCookie"], &["apiKey"], &[]];

/// No credential needed.
pub const PUBLIC: &[&[&str]] = &[&[]];

/// Tag names, in the order the document lists them.
pub const TAGS: &[(&str, &str)] = &[
    (
        "Sessions",
        "E-mail and password users, bearer and cookie sessions.",
    ),
    (
        "API keys",
        "Manage the signed-in user's keys (a trusted server may act for any user).",
    ),
    (
        "Trusted servers",
        "Routes that need `x-latchkey-server-secret`.",
    ),
    (
        "JWT",
        "JWTs and the JWK set other services check them with.",
    ),
    ("Health", "Liveness and readiness probes."),
    ("Documentation", "This document and its reference page."),
];

/// Every operation.
pub fn all() -> Vec<Op> {
    let mut ops = session::operations();
    ops.extend(api_key::operations());
    ops.extend(api_key_usage::operations());
    ops.extend(jwt::operations());
    ops.extend(docs::operations());
    ops
}
