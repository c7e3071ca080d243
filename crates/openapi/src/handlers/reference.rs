//! `GET /reference`: a human page rendering the document. The page, its
//! script and style ship in the binary; the document is embedded in it, so
//! the page loads nothing and its CSP allows only its own two inline blocks.

use std::sync::OnceLock;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use actix_web::HttpResponse;
use base64::Engine;
use sha2::{Digest, Sha256};

const TEMPLATE: &str = include_str!("../../assets/reference.html");
const SCRIPT: &str = include_str!("../../assets/reference.js");
const STYLE: &str = include_str!("../../assets/reference.css");

/// The page and its Content-Security-Policy.
pub struct Page {
    /// The HTML.
    pub html: String,
    /// The CSP header value (hashes of the inline script and style).
    pub csp: String,
}

fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// JSON that cannot end the `<script>` element it sits in.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The rendered page (built once).
pub fn page() -> &'static Page {
    static PAGE: OnceLock<Page> = OnceLock::new();
    PAGE.get_or_init(|| Page {
        html: TEMPLATE
            .replace("{{STYLE}}", STYLE)
            .replace("{{SCRIPT}}", SCRIPT)
            .replace("{{SPEC}}", &script_safe(crate::json())),
        csp: format!(
            "default-src 'none'; script-src {}; style-src {}; img-src 'self' data:; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            csp_hash(SCRIPT),
            csp_hash(STYLE)
        ),
    })
}

/// Answers the reference page.
pub async fn reference_page() -> HttpResponse {
    let page = page();
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CONTENT_SECURITY_POLICY, page.csp.as_str()))
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        .body(page.html.as_str())
}
