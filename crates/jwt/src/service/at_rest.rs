//! Private keys at rest, encrypted as better-auth encrypts them, so a
//! better-auth `jwks` table keeps working under latchkey and back:
//! XChaCha20-Poly1305 under SHA-256(secret), a random 24-byte nonce in front
//! of the ciphertext, hex-encoded, stored as a JSON string.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

const NONCE_LEN: usize = 24;
/// better-auth's envelope for versioned secrets: `$ba$<version>$<hex>`.
const ENVELOPE_PREFIX: &str = "$ba$";

/// Why a stored private key could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AtRestError {
    /// Not the stored form (a JSON string of hex).
    #[error("stored private key is malformed")]
    Malformed,
    /// Wrong secret, or the row was altered.
    #[error("private key does not decrypt with the current secret")]
    WrongSecret,
}

fn cipher(secret: &str) -> XChaCha20Poly1305 {
    let key = Sha256::digest(secret.as_bytes());
    XChaCha20Poly1305::new(&key)
}

/// Encrypts a private JWK (JSON text) into the `privateKey` column's form.
pub fn encrypt(secret: &str, plaintext: &str) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    // Encryption into a Vec cannot fail for inputs this small.
    let sealed = cipher(secret)
        .encrypt(XNonce::from_slice(&nonce), plaintext.as_bytes())
        .unwrap_or_default();
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    serde_json::Value::String(hex::encode(bytes)).to_string()
}

/// Decrypts the `privateKey` column back into the private JWK's JSON text.
pub fn decrypt(secret: &str, stored: &str) -> Result<String, AtRestError> {
    let text: String = serde_json::from_str(stored).map_err(|_| AtRestError::Malformed)?;
    let hex_text = match text.strip_prefix(ENVELOPE_PREFIX) {
        // A versioned secret's envelope: the ciphertext follows the version.
        Some(rest) => rest
            .split_once('$')
            .map(|(_, c)| c)
            .ok_or(AtRestError::Malformed)?,
        None => text.as_str(),
    };
    let bytes = hex::decode(hex_text).map_err(|_| AtRestError::Malformed)?;
    if bytes.len() <= NONCE_LEN {
        return Err(AtRestError::Malformed);
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let plain = cipher(secret)
        .decrypt(XNonce::from_slice(nonce), sealed)
        .map_err(|_| AtRestError::WrongSecret)?;
    String::from_utf8(plain).map_err(|_| AtRestError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row written by a real better-auth 1.7.25 server (jwt plugin defaults)
    /// whose secret was `BETTER_AUTH_SECRET` below.
    const BETTER_AUTH_SECRET: &str = "dev-only-reference-secret-change-me-0123456789abcdef";
    const BETTER_AUTH_PUBLIC: &str =
        r#"{"crv":"Ed25519","x":"wax6K7V9Ey9_t5TS1zZxNQraSBglJ2SS0gwsNfKU6hk","kty":"OKP"}"#;
    const BETTER_AUTH_PRIVATE: &str =
        include_str!("../../tests/fixtures/better-auth-eddsa-private.txt");

    #[test]
    fn round_trip_and_wrong_secret() {
        let stored = encrypt("s1", r#"{"kty":"OKP"}"#);
        assert!(stored.starts_with('"') && stored.ends_with('"'));
        assert_eq!(
            decrypt("s1", &stored).ok().as_deref(),
            Some(r#"{"kty":"OKP"}"#)
        );
        assert!(matches!(
            decrypt("s2", &stored),
            Err(AtRestError::WrongSecret)
        ));
        assert!(matches!(
            decrypt("s1", "not json"),
            Err(AtRestError::Malformed)
        ));
        assert!(matches!(
            decrypt("s1", "\"abc\""),
            Err(AtRestError::Malformed)
        ));
    }

    #[test]
    fn reads_a_key_better_auth_encrypted() {
        let private = decrypt(BETTER_AUTH_SECRET, BETTER_AUTH_PRIVATE.trim()).unwrap_or_default();
        let private: serde_json::Value = serde_json::from_str(&private).unwrap_or_default();
        let public: serde_json::Value =
            serde_json::from_str(BETTER_AUTH_PUBLIC).unwrap_or_default();
        assert_eq!(private["kty"], "OKP");
        assert_eq!(private["x"], public["x"]);
        assert!(private["d"].is_string());
    }

    #[test]
    fn reads_better_auths_versioned_envelope() {
        let stored = encrypt("s1", "x");
        let inner: String = serde_json::from_str(&stored).unwrap_or_default();
        let envelope = serde_json::Value::String(format!("$ba$1${inner}")).to_string();
        assert_eq!(decrypt("s1", &envelope).ok().as_deref(), Some("x"));
    }
}
