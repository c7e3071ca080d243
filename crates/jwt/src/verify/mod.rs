//! Checking latchkey's JWTs with nothing but the JWK set: the pure check
//! ([`verify_with`] against a [`KeySet`]), a verifier that fetches the set
//! and caches it by `kid` ([`JwtVerifier`]), and an actix extractor
//! ([`extract::VerifiedJwt`]) for services that sit behind latchkey.
//!
//! Only asymmetric algorithms are accepted (EdDSA, ES256, RS256; never
//! `none` or HMAC), a token must name its key (`kid`), and the key's own
//! `alg` must match the token's.

pub mod extract;
mod keyset;
#[cfg(feature = "remote")]
pub mod remote;
mod verifier;

pub use keyset::KeySet;
pub use verifier::{JwksSource, JwtVerifier, StaticJwks};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, Validation};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::algorithm::SigningAlgorithm;

/// What a token must satisfy besides its signature and expiry.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Accepted `iss` values (`None`: not checked; set it in production).
    pub issuer: Option<Vec<String>>,
    /// Accepted `aud` values, any one suffices (`None`: not checked).
    pub audience: Option<Vec<String>>,
    /// Accepted algorithms (default: all three latchkey signs with).
    pub algorithms: Vec<SigningAlgorithm>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds (default 0, as jose).
    pub leeway: u64,
}

impl Default for Verification {
    fn default() -> Self {
        Self {
            issuer: None,
            audience: None,
            algorithms: SigningAlgorithm::ALL.to_vec(),
            leeway: 0,
        }
    }
}

impl Verification {
    /// Requires this issuer and, as better-auth's defaults do, the same audience.
    pub fn for_issuer(issuer: impl Into<String>) -> Self {
        let issuer = issuer.into();
        Self {
            issuer: Some(vec![issuer.clone()]),
            audience: Some(vec![issuer]),
            ..Self::default()
        }
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// No bearer token in the request.
    #[error("A bearer token is required.")]
    MissingToken,
    /// Not a JWS compact token, or its claims have the wrong shape.
    #[error("The token is malformed.")]
    Malformed,
    /// `alg` is not one of the accepted asymmetric algorithms (e.g. `none`).
    #[error("The token's algorithm is not accepted.")]
    UnsupportedAlgorithm,
    /// The header names no `kid`.
    #[error("The token names no key.")]
    MissingKid,
    /// No key with this `kid` in the JWK set (even after fetching it again).
    #[error("The token's key is unknown.")]
    UnknownKey,
    /// The signature does not verify with the named key.
    #[error("The token's signature is invalid.")]
    BadSignature,
    /// `exp` has passed.
    #[error("The token has expired.")]
    Expired,
    /// `nbf` is still ahead.
    #[error("The token is not valid yet.")]
    NotYetValid,
    /// `iss` is not an accepted issuer.
    #[error("The token's issuer is not accepted.")]
    WrongIssuer,
    /// `aud` names no accepted audience.
    #[error("The token's audience is not accepted.")]
    WrongAudience,
    /// A required claim (`exp`, `sub`) is missing.
    #[error("The token lacks the `{0}` claim.")]
    MissingClaim(String),
    /// The JWK set could not be fetched and no cached key applies.
    #[error("The key set is unavailable.")]
    JwksUnavailable,
}

impl VerifyError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::MissingToken => "MISSING_TOKEN",
            VerifyError::Expired => "TOKEN_EXPIRED",
            VerifyError::JwksUnavailable => "JWKS_UNAVAILABLE",
            _ => "INVALID_TOKEN",
        }
    }
}

/// The algorithm named in a token's header, checked against `accepted`
/// before any key is looked up.
fn header_algorithm(
    token: &str,
    accepted: &[SigningAlgorithm],
) -> Result<SigningAlgorithm, VerifyError> {
    let segment = token.split('.').next().ok_or(VerifyError::Malformed)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| VerifyError::Malformed)?;
    let header: Value = serde_json::from_slice(&bytes).map_err(|_| VerifyError::Malformed)?;
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or(VerifyError::Malformed)?;
    alg.parse::<SigningAlgorithm>()
        .ok()
        .filter(|a| accepted.contains(a))
        .ok_or(VerifyError::UnsupportedAlgorithm)
}

/// The `kid` a token names, if it parses (used to decide on a refetch).
pub fn token_kid(token: &str) -> Option<String> {
    jsonwebtoken::decode_header(token).ok()?.kid
}

/// Verifies `token` against `keys` at `now` (Unix seconds) and returns its claims.
pub fn verify_with<C: DeserializeOwned>(
    token: &str,
    keys: &KeySet,
    rules: &Verification,
    now: u64,
) -> Result<C, VerifyError> {
    if token.split('.').count() != 3 {
        return Err(VerifyError::Malformed);
    }
    let alg = header_algorithm(token, &rules.algorithms)?;
    let header = jsonwebtoken::decode_header(token).map_err(|_| VerifyError::Malformed)?;
    let kid = header.kid.ok_or(VerifyError::MissingKid)?;
    let key = keys.get(&kid).ok_or(VerifyError::UnknownKey)?;
    if key.alg.is_some_and(|a| a != alg) {
        return Err(VerifyError::UnsupportedAlgorithm);
    }
    let mut validation = Validation::new(alg.into());
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.set_required_spec_claims(&["exp", "sub"]);
    if let Some(issuer) = &rules.issuer {
        validation.set_issuer(issuer);
    }
    match &rules.audience {
        Some(audience) => validation.set_audience(audience),
        None => validation.validate_aud = false,
    }
    let data = decode::<Value>(token, &key.key, &validation).map_err(|e| match e.kind() {
        ErrorKind::InvalidSignature | ErrorKind::InvalidKeyFormat => VerifyError::BadSignature,
        ErrorKind::InvalidIssuer => VerifyError::WrongIssuer,
        ErrorKind::InvalidAudience => VerifyError::WrongAudience,
        ErrorKind::MissingRequiredClaim(c) => VerifyError::MissingClaim(c.clone()),
        ErrorKind::InvalidAlgorithm => VerifyError::UnsupportedAlgorithm,
        _ => VerifyError::Malformed,
    })?;
    let claims = data.claims;
    let exp = claims
        .get("exp")
        .and_then(Value::as_f64)
        .ok_or_else(|| VerifyError::MissingClaim("exp".into()))?;
    let now = now as f64;
    if exp + rules.leeway as f64 <= now {
        return Err(VerifyError::Expired);
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_f64) {
        if nbf > now + rules.leeway as f64 {
            return Err(VerifyError::NotYetValid);
        }
    }
    serde_json::from_value(claims).map_err(|_| VerifyError::Malformed)
}

/// Seconds since the Unix epoch on the system clock.
pub fn system_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests;
