//! A JWK set, parsed once into verification keys by `kid`.

use std::collections::HashMap;

use jsonwebtoken::jwk::{Jwk, KeyAlgorithm};
use jsonwebtoken::DecodingKey;
use serde_json::Value;

use super::VerifyError;
use crate::algorithm::SigningAlgorithm;

/// One verification key.
#[derive(Clone)]
pub struct VerifyKey {
    /// The JWK's `alg`, when it states one (it must then match the token's).
    pub alg: Option<SigningAlgorithm>,
    /// The key.
    pub key: DecodingKey,
}

/// Verification keys by `kid`.
#[derive(Clone, Default)]
pub struct KeySet {
    keys: HashMap<String, VerifyKey>,
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeySet")
            .field("kids", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl KeySet {
    /// Parses a JWK set (`{"keys": [...]}`). Keys without a `kid`, of an
    /// algorithm latchkey does not sign with, or that do not parse are skipped.
    pub fn from_json(set: &Value) -> Result<Self, VerifyError> {
        let entries = set
            .get("keys")
            .and_then(Value::as_array)
            .ok_or(VerifyError::JwksUnavailable)?;
        let keys = entries
            .iter()
            .filter_map(|entry| {
                let jwk: Jwk = serde_json::from_value(entry.clone()).ok()?;
                let kid = jwk.common.key_id.clone()?;
                let alg = match jwk.common.key_algorithm {
                    None => None,
                    Some(KeyAlgorithm::EdDSA) => Some(SigningAlgorithm::EdDSA),
                    Some(KeyAlgorithm::ES256) => Some(SigningAlgorithm::ES256),
                    Some(KeyAlgorithm::RS256) => Some(SigningAlgorithm::RS256),
                    Some(_) => return None,
                };
                let key = DecodingKey::from_jwk(&jwk).ok()?;
                Some((kid, VerifyKey { alg, key }))
            })
            .collect();
        Ok(Self { keys })
    }

    /// The key with this `kid`.
    pub fn get(&self, kid: &str) -> Option<&VerifyKey> {
        self.keys.get(kid)
    }

    /// Whether a key with this `kid` is in the set.
    pub fn contains(&self, kid: &str) -> bool {
        self.keys.contains_key(kid)
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}
