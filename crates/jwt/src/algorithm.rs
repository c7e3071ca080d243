//! The signing algorithms latchkey offers (asymmetric only: verifiers need
//! nothing but the public JWK set).

use std::str::FromStr;

/// A JWS algorithm latchkey signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SigningAlgorithm {
    /// Ed25519 (better-auth's default).
    #[default]
    EdDSA,
    /// ECDSA over P-256 with SHA-256.
    ES256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys.
    RS256,
}

impl SigningAlgorithm {
    /// Every algorithm.
    pub const ALL: [SigningAlgorithm; 3] = [Self::EdDSA, Self::ES256, Self::RS256];

    /// The JOSE name (`alg`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EdDSA => "EdDSA",
            Self::ES256 => "ES256",
            Self::RS256 => "RS256",
        }
    }
}

impl std::fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not one of `EdDSA`, `ES256`, `RS256`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported JWT algorithm `{0}` (use EdDSA, ES256 or RS256)")]
pub struct UnsupportedAlgorithm(pub String);

impl FromStr for SigningAlgorithm {
    type Err = UnsupportedAlgorithm;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "EdDSA" => Ok(Self::EdDSA),
            "ES256" => Ok(Self::ES256),
            "RS256" => Ok(Self::RS256),
            other => Err(UnsupportedAlgorithm(other.to_owned())),
        }
    }
}

impl From<SigningAlgorithm> for jsonwebtoken::Algorithm {
    fn from(alg: SigningAlgorithm) -> Self {
        match alg {
            SigningAlgorithm::EdDSA => jsonwebtoken::Algorithm::EdDSA,
            SigningAlgorithm::ES256 => jsonwebtoken::Algorithm::ES256,
            SigningAlgorithm::RS256 => jsonwebtoken::Algorithm::RS256,
        }
    }
}

impl TryFrom<jsonwebtoken::Algorithm> for SigningAlgorithm {
    type Error = UnsupportedAlgorithm;

    fn try_from(alg: jsonwebtoken::Algorithm) -> Result<Self, Self::Error> {
        match alg {
            jsonwebtoken::Algorithm::EdDSA => Ok(Self::EdDSA),
            jsonwebtoken::Algorithm::ES256 => Ok(Self::ES256),
            jsonwebtoken::Algorithm::RS256 => Ok(Self::RS256),
            other => Err(UnsupportedAlgorithm(format!("{other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_others_are_refused() {
        for alg in SigningAlgorithm::ALL {
            assert_eq!(alg.as_str().parse::<SigningAlgorithm>(), Ok(alg));
        }
        assert!("HS256".parse::<SigningAlgorithm>().is_err());
        assert!("none".parse::<SigningAlgorithm>().is_err());
        assert!(SigningAlgorithm::try_from(jsonwebtoken::Algorithm::HS256).is_err());
    }
}
