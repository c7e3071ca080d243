//! Key pairs as JWKs, in the members jose (and so better-auth) writes:
//! generation for EdDSA (Ed25519), ES256 (P-256) and RS256 (RSA 2048), and
//! the private JWK turned into a `jsonwebtoken` signing key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::EncodingKey;
use serde_json::{json, Map, Value};

use crate::algorithm::SigningAlgorithm;

/// A fresh key pair.
#[derive(Clone)]
pub struct KeyPair {
    /// The public JWK (no `kid`, no `alg`: those live in their own columns).
    pub public: Value,
    /// The private JWK (public members plus the private ones).
    pub private: Value,
    /// The curve, for OKP and EC keys.
    pub crv: Option<&'static str>,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("public", &self.public)
            .field("private", &"<redacted>")
            .finish()
    }
}

/// Why a key could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A JWK member is missing or not base64url.
    #[error("private JWK is missing or has a bad `{0}`")]
    Member(&'static str),
    /// The key material is not a valid key of its kind.
    #[error("invalid key material: {0}")]
    Invalid(String),
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn member(jwk: &Value, name: &'static str) -> Result<Vec<u8>, KeyError> {
    jwk.get(name)
        .and_then(Value::as_str)
        .and_then(|s| URL_SAFE_NO_PAD.decode(s).ok())
        .ok_or(KeyError::Member(name))
}

fn object(pairs: &[(&str, String)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
            .collect::<Map<_, _>>(),
    )
}

/// Generates a key pair for `alg` (RSA takes a moment: call it off the executor).
pub fn generate(alg: SigningAlgorithm) -> Result<KeyPair, KeyError> {
    let mut rng = rand::rngs::OsRng;
    match alg {
        SigningAlgorithm::EdDSA => {
            let signing = ed25519_dalek::SigningKey::generate(&mut rng);
            let x = b64(signing.verifying_key().as_bytes());
            Ok(KeyPair {
                public: object(&[
                    ("crv", "Ed25519".into()),
                    ("x", x.clone()),
                    ("kty", "OKP".into()),
                ]),
                private: object(&[
                    ("crv", "Ed25519".into()),
                    ("d", b64(signing.as_bytes())),
                    ("x", x),
                    ("kty", "OKP".into()),
                ]),
                crv: Some("Ed25519"),
            })
        }
        SigningAlgorithm::ES256 => {
            let secret = p256::SecretKey::random(&mut rng);
            let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
                &secret.public_key(),
                false,
            );
            let (Some(x), Some(y)) = (point.x(), point.y()) else {
                return Err(KeyError::Invalid("P-256 point at infinity".into()));
            };
            let (x, y) = (b64(x), b64(y));
            Ok(KeyPair {
                public: object(&[
                    ("kty", "EC".into()),
                    ("x", x.clone()),
                    ("y", y.clone()),
                    ("crv", "P-256".into()),
                ]),
                private: object(&[
                    ("kty", "EC".into()),
                    ("x", x),
                    ("y", y),
                    ("crv", "P-256".into()),
                    ("d", b64(&secret.to_bytes())),
                ]),
                crv: Some("P-256"),
            })
        }
        SigningAlgorithm::RS256 => {
            use rsa::traits::{PrivateKeyParts, PublicKeyParts};
            let key = rsa::RsaPrivateKey::new(&mut rng, 2048)
                .map_err(|e| KeyError::Invalid(e.to_string()))?;
            let primes = key.primes();
            let (Some(p), Some(q), Some(dp), Some(dq), Some(qi)) = (
                primes.first(),
                primes.get(1),
                key.dp(),
                key.dq(),
                key.crt_coefficient(),
            ) else {
                return Err(KeyError::Invalid("RSA key without CRT values".into()));
            };
            let n = b64(&key.n().to_bytes_be());
            let e = b64(&key.e().to_bytes_be());
            Ok(KeyPair {
                public: object(&[("kty", "RSA".into()), ("n", n.clone()), ("e", e.clone())]),
                private: object(&[
                    ("kty", "RSA".into()),
                    ("n", n),
                    ("e", e),
                    ("d", b64(&key.d().to_bytes_be())),
                    ("p", b64(&p.to_bytes_be())),
                    ("q", b64(&q.to_bytes_be())),
                    ("dp", b64(&dp.to_bytes_be())),
                    ("dq", b64(&dq.to_bytes_be())),
                    ("qi", b64(&qi.to_bytes_be())),
                ]),
                crv: None,
            })
        }
    }
}

/// The algorithm a stored key signs with: its `alg` column, else what its
/// public JWK implies (rows from before better-auth had the column).
pub fn algorithm_of(alg: Option<&str>, public: &Value) -> Option<SigningAlgorithm> {
    if let Some(alg) = alg {
        return alg.parse().ok();
    }
    match (
        public.get("kty").and_then(Value::as_str),
        public.get("crv").and_then(Value::as_str),
    ) {
        (Some("OKP"), Some("Ed25519")) => Some(SigningAlgorithm::EdDSA),
        (Some("EC"), Some("P-256")) => Some(SigningAlgorithm::ES256),
        (Some("RSA"), _) => Some(SigningAlgorithm::RS256),
        _ => None,
    }
}

/// Turns a private JWK into a `jsonwebtoken` signing key.
pub fn encoding_key(alg: SigningAlgorithm, private: &Value) -> Result<EncodingKey, KeyError> {
    let invalid = |e: &dyn std::fmt::Display| KeyError::Invalid(e.to_string());
    match alg {
        SigningAlgorithm::EdDSA => {
            use ed25519_dalek::pkcs8::EncodePrivateKey;
            let d: [u8; 32] = member(private, "d")?
                .try_into()
                .map_err(|_| KeyError::Member("d"))?;
            let der = ed25519_dalek::SigningKey::from_bytes(&d)
                .to_pkcs8_der()
                .map_err(|e| invalid(&e))?;
            Ok(EncodingKey::from_ed_der(der.as_bytes()))
        }
        SigningAlgorithm::ES256 => {
            use p256::pkcs8::EncodePrivateKey;
            let secret =
                p256::SecretKey::from_slice(&member(private, "d")?).map_err(|e| invalid(&e))?;
            let der = secret.to_pkcs8_der().map_err(|e| invalid(&e))?;
            Ok(EncodingKey::from_ec_der(der.as_bytes()))
        }
        SigningAlgorithm::RS256 => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            use rsa::BigUint;
            let int = |name| member(private, name).map(|b| BigUint::from_bytes_be(&b));
            let key = rsa::RsaPrivateKey::from_components(
                int("n")?,
                int("e")?,
                int("d")?,
                vec![int("p")?, int("q")?],
            )
            .map_err(|e| invalid(&e))?;
            let der = key.to_pkcs1_der().map_err(|e| invalid(&e))?;
            Ok(EncodingKey::from_rsa_der(der.as_bytes()))
        }
    }
}

/// The JWK-set entry of a stored key, as better-auth answers it:
/// `alg`, `crv` (when known), the public members, then `kid`.
pub fn published_jwk(id: &str, alg: SigningAlgorithm, crv: Option<&str>, public: &Value) -> Value {
    let mut entry = json!({ "alg": alg.as_str() });
    if let Some(crv) = crv {
        entry["crv"] = json!(crv);
    }
    if let Value::Object(members) = public {
        for (k, v) in members {
            entry[k] = v.clone();
        }
    }
    entry["kid"] = json!(id);
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{decode, encode, jwk::Jwk, DecodingKey, Header, Validation};

    fn sign_and_verify(alg: SigningAlgorithm, private: &Value, public: &Value) {
        let key = encoding_key(alg, private).map_err(|e| e.to_string());
        let Ok(key) = key else { panic!("{key:?}") };
        let token = encode(
            &Header::new(alg.into()),
            &json!({"sub": "u", "exp": 4_000_000_000u64}),
            &key,
        );
        let Ok(token) = token else {
            panic!("{token:?}")
        };
        let jwk: Jwk = serde_json::from_value(published_jwk("k", alg, None, public))
            .unwrap_or_else(|e| panic!("{e}"));
        let decoding = DecodingKey::from_jwk(&jwk).unwrap_or_else(|e| panic!("{e}"));
        let mut validation = Validation::new(alg.into());
        validation.set_required_spec_claims(&["sub"]);
        assert!(
            decode::<Value>(&token, &decoding, &validation).is_ok(),
            "{alg:?}"
        );
    }

    #[test]
    fn every_algorithm_signs_with_its_private_jwk() {
        for alg in [
            SigningAlgorithm::EdDSA,
            SigningAlgorithm::ES256,
            SigningAlgorithm::RS256,
        ] {
            let pair = generate(alg).unwrap_or_else(|e| panic!("{e}"));
            assert!(pair.public.get("d").is_none(), "public JWK leaks d");
            assert_eq!(algorithm_of(None, &pair.public), Some(alg));
            sign_and_verify(alg, &pair.private, &pair.public);
        }
    }

    #[test]
    fn a_better_auth_key_signs_here() {
        use super::super::at_rest;
        let private = at_rest::decrypt(
            "dev-only-reference-secret-change-me-0123456789abcdef",
            include_str!("../../tests/fixtures/better-auth-eddsa-private.txt").trim(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let private: Value = serde_json::from_str(&private).unwrap_or_default();
        let public =
            json!({"crv":"Ed25519","x":"wax6K7V9Ey9_t5TS1zZxNQraSBglJ2SS0gwsNfKU6hk","kty":"OKP"});
        sign_and_verify(SigningAlgorithm::EdDSA, &private, &public);
    }

    #[test]
    fn published_entry_has_better_auths_members() {
        let entry = published_jwk(
            "kid1",
            SigningAlgorithm::EdDSA,
            Some("Ed25519"),
            &json!({"crv":"Ed25519","x":"abc","kty":"OKP"}),
        );
        assert_eq!(
            entry,
            json!({"alg":"EdDSA","crv":"Ed25519","x":"abc","kty":"OKP","kid":"kid1"})
        );
    }
}
