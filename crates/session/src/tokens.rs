//! Random ids, session tokens, their signed form and their stored form.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// A 32-character random alphanumeric id, as better-auth generates.
pub fn random_id() -> String {
    Alphanumeric.sample_string(&mut OsRng, 32)
}

/// A raw session token: 32 random alphanumeric characters (~190 bits).
/// Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

impl SessionToken {
    /// A fresh token from the OS random source.
    pub fn generate() -> Self {
        Self(random_id())
    }

    /// Accepts a presented raw token if it has the shape of one (better-auth
    /// tokens are alphanumeric). The shape check also guarantees a presented
    /// value can never equal a stored hash (those contain `$`).
    pub fn from_presented(raw: &str) -> Option<Self> {
        let plausible =
            (16..=128).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric());
        plausible.then(|| Self(raw.to_owned()))
    }

    /// The raw value, for the one place that must send it (sign-in answers).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the `session.token` column holds for sessions latchkey creates:
    /// a SHA-256 digest, so a leaked database hands out no live session.
    pub fn stored_form(&self) -> String {
        format!(
            "sha256${}",
            URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
        )
    }

    /// `<token>.<signature>`: the cookie value and `set-auth-token` header.
    pub fn signed(&self, secret: &str) -> String {
        format!("{}.{}", self.0, signature(secret, &self.0))
    }
}

/// What a `revoke-session` token may match: a raw token's stored forms, or a
/// stored form as `list-sessions` shows it. Only the owner can revoke, so
/// naming a session by its digest gives nothing away.
pub fn revocation_candidates(presented: &str) -> Vec<String> {
    let mut candidates = vec![presented.to_owned()];
    if let Some(token) = SessionToken::from_presented(presented) {
        candidates.push(token.stored_form());
    }
    candidates
}

fn mac(secret: &str) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
    }
}

/// better-call's cookie signature: base64 (standard, padded) HMAC-SHA256.
fn signature(secret: &str, value: &str) -> String {
    let mut mac = mac(secret);
    mac.update(value.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Checks a signed value `<token>.<signature>` in constant time and returns
/// the token. Percent-encoded values (as cookies carry them) are decoded first.
pub fn verify_signed(secret: &str, signed: &str) -> Option<SessionToken> {
    let decoded = percent_decode(signed);
    let (token, sig) = decoded.rsplit_once('.')?;
    let sig = STANDARD.decode(sig).ok()?;
    let mut mac = mac(secret);
    mac.update(token.as_bytes());
    mac.verify_slice(&sig).ok()?;
    SessionToken::from_presented(token)
}

/// Minimal percent-decoding for the characters base64 signatures use.
fn percent_decode(value: &str) -> String {
    if !value.contains('%') {
        return value.to_owned();
    }
    value
        .replace("%2B", "+")
        .replace("%2b", "+")
        .replace("%2F", "/")
        .replace("%2f", "/")
        .replace("%3D", "=")
        .replace("%3d", "=")
}

/// Percent-encodes a signed value for a cookie, as better-call does.
pub fn cookie_encode(signed: &str) -> String {
    signed
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_alphanumeric_and_distinct() {
        let (a, b) = (random_id(), random_id());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn signed_tokens_round_trip_and_reject_tampering() {
        let token = SessionToken::generate();
        let signed = token.signed("s3cret");
        assert_eq!(verify_signed("s3cret", &signed), Some(token.clone()));
        assert_eq!(
            verify_signed("s3cret", &cookie_encode(&signed)),
            Some(token.clone())
        );
        assert_eq!(verify_signed("other", &signed), None);
        let forged = format!("{}.{}", token.expose(), signature("s3cret", "someone-else"));
        assert_eq!(verify_signed("s3cret", &forged), None);
    }

    #[test]
    fn stored_form_is_a_digest_that_no_presented_token_matches() {
        let token = SessionToken::generate();
        let stored = token.stored_form();
        assert!(!stored.contains(token.expose()));
        assert!(SessionToken::from_presented(&stored).is_none());
    }

    #[test]
    fn debug_hides_the_token() {
        let token = SessionToken::generate();
        assert!(!format!("{token:?}").contains(token.expose()));
    }
}
