//! The security headers of every dashboard response.
//!
//! The page runs only its own files: scripts and styles come from this
//! server (`'self'`), never inline, so an injected `<script>` or `style=`
//! does nothing. Trusted Types are required, which turns the DOM's HTML
//! sinks (`innerHTML`, `document.write`, …) into errors: the page builds
//! every element with `createElement` and `textContent`. The page may not
//! be framed (clickjacking), submits no form natively (a form posted
//! without its script would put a password in a URL) and sends no
//! `Referer`.

use actix_web::http::header::{
    HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use actix_web::HttpResponseBuilder;

/// The Content-Security-Policy of the page and its files.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'none'; object-src 'none'; \
media-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'; \
frame-src 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

/// Features the page never uses, turned off for it.
pub const PERMISSIONS_POLICY_VALUE: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/// Every header a dashboard response carries, with its value.
pub fn all() -> [(HeaderName, HeaderValue); 7] {
    [
        (
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
        ),
        (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(PERMISSIONS_POLICY_VALUE),
        ),
        // Revalidated on every load (cheap: 304 by ETag), so a new
        // binary's files are never mixed with an old cached one.
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ]
}

/// Adds [`all`] to a response.
pub fn secure(builder: &mut HttpResponseBuilder) -> &mut HttpResponseBuilder {
    for header in all() {
        builder.insert_header(header);
    }
    builder
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn directive(name: &str) -> Option<&'static str> {
        CONTENT_SECURITY_POLICY_VALUE
            .split(';')
            .map(str::trim)
            .find_map(|d| d.strip_prefix(name)?.strip_prefix(' '))
    }

    #[test]
    fn the_policy_allows_no_inline_code_and_no_framing() {
        assert!(!CONTENT_SECURITY_POLICY_VALUE.contains("unsafe"));
        assert!(!CONTENT_SECURITY_POLICY_VALUE.contains("data:"));
        assert!(!CONTENT_SECURITY_POLICY_VALUE.contains('*'));
        assert_eq!(directive("default-src"), Some("'self'"));
        assert_eq!(directive("script-src"), Some("'self'"));
        assert_eq!(directive("style-src"), Some("'self'"));
        assert_eq!(directive("connect-src"), Some("'self'"));
        assert_eq!(directive("frame-ancestors"), Some("'none'"));
        assert_eq!(directive("form-action"), Some("'none'"));
        assert_eq!(directive("base-uri"), Some("'none'"));
        assert_eq!(directive("object-src"), Some("'none'"));
        assert_eq!(directive("require-trusted-types-for"), Some("'script'"));
    }

    #[test]
    fn every_value_is_a_valid_header() {
        let names: Vec<_> = all().iter().map(|(n, _)| n.as_str().to_owned()).collect();
        assert!(names.contains(&"x-frame-options".to_owned()));
        assert!(names.contains(&"referrer-policy".to_owned()));
        let mut builder = actix_web::HttpResponse::Ok();
        let response = secure(&mut builder).finish();
        assert_eq!(response.headers().len(), all().len());
    }
}
