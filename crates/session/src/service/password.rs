//! Password hashing: bcrypt for new hashes, and better-auth's scrypt hashes
//! (`<salt hex>:<key hex>`) still verified, so users of an imported
//! better-auth database can sign in (and are moved to bcrypt when they do).
//! Both are CPU-heavy on purpose: run them on the blocking pool.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

/// bcrypt reads at most this many bytes of a password and ignores the
/// rest; latchkey accepts up to 128 characters (512 bytes of UTF-8).
const BCRYPT_MAX_BYTES: usize = 72;

/// Marks the bcrypt hash of a longer password's SHA-256 digest.
const SHA256_PREFIX: &str = "$sha256$";

/// A password as received; its `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What a stored hash is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashKind {
    /// `$2b$…`: latchkey's own, of a password of at most 72 bytes.
    Bcrypt,
    /// `$sha256$$2b$…`: latchkey's own, of a longer password: bcrypt of
    /// its SHA-256 digest (base64), so that every byte counts.
    BcryptSha256,
    /// `<salt>:<key>`: better-auth's scrypt (N=16384, r=16, p=1, 64 bytes).
    BetterAuthScrypt,
    /// Anything else never matches.
    Unknown,
}

impl HashKind {
    /// Recognises a stored hash.
    pub fn of(hash: &str) -> Self {
        if hash.starts_with(SHA256_PREFIX) {
            return HashKind::BcryptSha256;
        }
        if hash.starts_with("$2") {
            return HashKind::Bcrypt;
        }
        match hash.split_once(':') {
            Some((salt, key))
                if !salt.is_empty()
                    && key.len() == 128
                    && key.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                HashKind::BetterAuthScrypt
            }
            _ => HashKind::Unknown,
        }
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

    /// bcrypt hash at `cost`: of the password itself when bcrypt reads all
    /// of it, else of its digest (marked), since bcrypt would silently
    /// ignore everything after the 72nd byte.
    pub fn hash(&self, cost: u32) -> Result<String, bcrypt::BcryptError> {
        if self.0.len() > BCRYPT_MAX_BYTES {
            let inner = bcrypt::hash(self.digest(), cost)?;
            return Ok(format!("{SHA256_PREFIX}{inner}"));
        }
        bcrypt::hash(self.0.as_bytes(), cost)
    }

    /// The password's SHA-256 digest in base64: 44 bytes, no NUL.
    fn digest(&self) -> String {
        STANDARD.encode(Sha256::digest(self.0.as_bytes()))
    }

    /// Checks against a stored hash of either kind; a malformed hash is a mismatch.
    pub fn matches(&self, hash: &str) -> bool {
        match HashKind::of(hash) {
            // A hash written before long passwords were digested holds only
            // the first 72 bytes; bcrypt compares those, as it always did.
            HashKind::Bcrypt => bcrypt::verify(self.0.as_bytes(), hash).unwrap_or(false),
            HashKind::BcryptSha256 => hash
                .strip_prefix(SHA256_PREFIX)
                .is_some_and(|inner| bcrypt::verify(self.digest(), inner).unwrap_or(false)),
            HashKind::BetterAuthScrypt => self.matches_better_auth_scrypt(hash),
            HashKind::Unknown => false,
        }
    }

    fn matches_better_auth_scrypt(&self, hash: &str) -> bool {
        let Some((salt, key_hex)) = hash.split_once(':') else {
            return false;
        };
        let Ok(expected) = hex::decode(key_hex) else {
            return false;
        };
        // better-auth: scrypt(NFKC(password), salt-as-text, N=2^14, r=16, p=1, 64 bytes).
        let Ok(params) = scrypt::Params::new(14, 16, 1, 64) else {
            return false;
        };
        let normalized: String = self.0.nfkc().collect();
        let mut derived = [0u8; 64];
        if scrypt::scrypt(
            normalized.as_bytes(),
            salt.as_bytes(),
            &params,
            &mut derived,
        )
        .is_err()
        {
            return false;
        }
        bool::from(derived.ct_eq(expected.as_slice()))
    }
}

/// Whether a stored hash that just matched should be written again at
/// `cost`: better-auth's scrypt hashes, and bcrypt hashes of another cost.
/// Otherwise a raised `--bcrypt-cost` would leave old users' hashes fast
/// while the decoy for unknown e-mails is slow, and the time of a wrong
/// answer would tell which e-mails have accounts.
pub fn needs_rehash(hash: &str, cost: u32) -> bool {
    let bcrypt = match HashKind::of(hash) {
        HashKind::Bcrypt => hash,
        HashKind::BcryptSha256 => &hash[SHA256_PREFIX.len()..],
        HashKind::BetterAuthScrypt => return true,
        HashKind::Unknown => return false,
    };
    // `$2b$<cost>$<salt and hash>`
    bcrypt.split('$').nth(2).and_then(|c| c.parse::<u32>().ok()) != Some(cost)
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
        assert_eq!(HashKind::of(&hash), HashKind::Bcrypt);
        assert!(pw.matches(&hash));
        assert!(!Password::new("wrong".into()).matches(&hash));
        assert!(!pw.matches("not-a-hash"));
        assert!(!pw.matches(&decoy_hash(4)));
        assert!(!format!("{pw:?}").contains("horse"));
    }

    #[test]
    fn every_byte_of_a_long_password_counts() {
        let head = "a".repeat(72);
        let pw = Password::new(format!("{head}-the-real-tail"));
        let hash = pw.hash(4).unwrap_or_default();
        assert_eq!(HashKind::of(&hash), HashKind::BcryptSha256);
        assert!(pw.matches(&hash));
        assert!(!Password::new(format!("{head}-another-tail")).matches(&hash));
        assert!(!Password::new(head.clone()).matches(&hash));
        // 18 four-byte characters are 72 bytes: the tail still counts.
        let emoji = "\u{1F600}".repeat(18);
        let pw = Password::new(format!("{emoji}secret"));
        let hash = pw.hash(4).unwrap_or_default();
        assert!(pw.matches(&hash));
        assert!(!Password::new(format!("{emoji}zzzzzz")).matches(&hash));
        // Up to 72 bytes the hash is plain bcrypt, as before.
        let short = Password::new(head);
        let hash = short.hash(4).unwrap_or_default();
        assert_eq!(HashKind::of(&hash), HashKind::Bcrypt);
        assert!(short.matches(&hash));
    }

    #[test]
    fn hashes_of_another_cost_or_kind_are_written_again() {
        let short = Password::new("correct-horse-42".into());
        let long = Password::new("x".repeat(80));
        for pw in [&short, &long] {
            let hash = pw.hash(4).unwrap_or_default();
            assert!(!needs_rehash(&hash, 4));
            assert!(needs_rehash(&hash, 5));
        }
        let scrypt = "8c6f5d0f3f0a4b9e2d1c7a6b5e4f3a2b:54243519392d636f7e20192e10a193d6ac1d5cabda4b7892f1c4ba0c8fd08a27d4c32cb21e769a26540164e999860680205865e292b8c7ac7270e8a9237350b5";
        assert!(needs_rehash(scrypt, 4));
        assert!(!needs_rehash("not-a-hash", 4));
    }

    /// Vectors made with Node's `crypto.scryptSync` exactly as better-auth's
    /// `hashPassword` does (NFKC password, hex salt used as text).
    #[test]
    fn better_auth_scrypt_hashes_verify() {
        let ascii = "8c6f5d0f3f0a4b9e2d1c7a6b5e4f3a2b:54243519392d636f7e20192e10a193d6ac1d5cabda4b7892f1c4ba0c8fd08a27d4c32cb21e769a26540164e999860680205865e292b8c7ac7270e8a9237350b5";
        assert_eq!(HashKind::of(ascii), HashKind::BetterAuthScrypt);
        assert!(Password::new("correct-horse-42".into()).matches(ascii));
        assert!(!Password::new("correct-horse-43".into()).matches(ascii));
        let full_width = "00112233445566778899aabbccddeeff:5adb8c055501a19157cf1ec11a00b21011b1ca503c006ea86e861e735a09b754602e36f6939d0bbfaf061375fc5260bc428e347477076dfc72a5fcbebf1c6e61";
        assert!(Password::new("Ｐａｓｓｗｏｒｄ-ｆｕｌｌ-ｗｉｄｔｈ".into()).matches(full_width));
        assert!(
            Password::new("Password-full-width".into()).matches(full_width),
            "NFKC"
        );
        assert_eq!(HashKind::of("abc:def"), HashKind::Unknown);
    }
}
