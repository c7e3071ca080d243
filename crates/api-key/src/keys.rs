//! API-key secrets: generation, the stored hash, and display start.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::Rng;
use sha2::{Digest, Sha256};

const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A full API key (prefix + random letters). Shown once, at creation; its
/// `Debug` is redacted so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainKey(String);

impl std::fmt::Debug for PlainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainKey(<redacted>)")
    }
}

impl PlainKey {
    /// A new key: `prefix` followed by `length` letters from the OS CSPRNG
    /// (better-auth's default alphabet: `a-z` and `A-Z`).
    pub fn generate(prefix: Option<&str>, length: usize) -> Self {
        let mut key = prefix.unwrap_or_default().to_owned();
        key.extend((0..length).map(|_| LETTERS[OsRng.gen_range(0..LETTERS.len())] as char));
        Self(key)
    }

    /// Wraps a key a client presented.
    pub fn presented(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The secret itself, for the one answer that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters.
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    /// True for an empty key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first `n` characters, kept for display.
    pub fn start(&self, n: usize) -> String {
        self.0.chars().take(n).collect()
    }

    /// What is stored and looked up: SHA-256, base64url without padding,
    /// exactly as better-auth, so imported keys keep verifying.
    pub fn hash(&self) -> HashedKey {
        HashedKey(URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes())))
    }
}

/// The stored form of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashedKey(pub String);

impl HashedKey {
    /// The hash text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_have_prefix_and_letters() {
        let key = PlainKey::generate(Some("lk_"), 64);
        assert_eq!(key.len(), 67);
        assert!(key.expose().starts_with("lk_"));
        assert!(key.expose()[3..].bytes().all(|b| b.is_ascii_alphabetic()));
        assert_ne!(key, PlainKey::generate(Some("lk_"), 64));
        assert_eq!(key.start(6), key.expose()[..6]);
    }

    #[test]
    fn hash_matches_better_auth() {
        // SHA-256("abc") in base64url without padding.
        assert_eq!(
            PlainKey::presented("abc").hash().as_str(),
            "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"
        );
    }

    #[test]
    fn debug_is_redacted() {
        let key = PlainKey::generate(None, 64);
        assert!(!format!("{key:?}").contains(key.expose()));
    }
}
