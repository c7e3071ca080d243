//! bcrypt password hashing. Both calls are CPU-heavy on purpose: run them
//! on the blocking pool.

/// A password as received; its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// Wraps a received password.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// Length in characters (what better-auth's bounds count).
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }

    /// bcrypt hash at `cost`.
    pub fn hash(&self, cost: u32) -> Result<String, bcrypt::BcryptError> {
        bcrypt::hash(self.0.as_bytes(), cost)
    }

    /// Checks against a stored hash; a malformed hash is a mismatch.
    pub fn matches(&self, hash: &str) -> bool {
        bcrypt::verify(self.0.as_bytes(), hash).unwrap_or(false)
    }
}

/// A real hash of a random password nobody knows, checked when the e-mail is
/// unknown so that the answer takes as long as for a wrong password.
pub fn decoy_hash(cost: u32) -> String {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY
        .get_or_init(|| {
            Password::new(crate::tokens::random_id())
                .hash(cost)
                .unwrap_or_default()
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_mismatch() {
        let pw = Password::new("correct-horse-42".into());
        let hash = pw.hash(4).unwrap_or_default();
        assert!(pw.matches(&hash));
        assert!(!Password::new("wrong".into()).matches(&hash));
        assert!(!pw.matches("not-a-hash"));
        assert!(!pw.matches(&decoy_hash(4)));
        assert!(!format!("{pw:?}").contains("horse"));
    }
}
