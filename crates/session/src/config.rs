//! Settings of the session layer, with better-auth 1.7's defaults.

use time::Duration;

/// Configuration of sessions, passwords and request handling.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Signs session cookies and `set-auth-token` values (HMAC-SHA256).
    pub secret: String,
    /// Origins allowed for CORS and for cookie-authenticated state changes.
    pub trusted_origins: Vec<String>,
    /// bcrypt cost for new password hashes (4..=31; better-auth-like default 10).
    pub bcrypt_cost: u32,
    /// Session lifetime (better-auth: 7 days).
    pub session_expires_in: Duration,
    /// A session older than this gets its expiry pushed forward on use (1 day).
    pub session_update_age: Duration,
    /// Password length bounds (8..=128).
    pub min_password_length: usize,
    /// See `min_password_length`.
    pub max_password_length: usize,
    /// Largest accepted JSON body, in bytes.
    pub max_body_bytes: usize,
    /// Cookies get `Secure` and the `__Secure-` prefix (production over HTTPS).
    pub secure_cookies: bool,
}

impl AuthConfig {
    /// Defaults around a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self {
            secret: secret.into(),
            trusted_origins: Vec::new(),
            bcrypt_cost: 10,
            session_expires_in: Duration::days(7),
            session_update_age: Duration::days(1),
            min_password_length: 8,
            max_password_length: 128,
            max_body_bytes: 1024 * 1024,
            secure_cookies: false,
        }
    }

    /// The session cookie's name (better-auth's, so browsers keep their sessions).
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Secure-better-auth.session_token"
        } else {
            "better-auth.session_token"
        }
    }

    /// Whether `origin` (scheme://host[:port]) is trusted.
    pub fn is_trusted_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.trusted_origins
            .iter()
            .any(|t| t.trim_end_matches('/').eq_ignore_ascii_case(origin))
    }
}
