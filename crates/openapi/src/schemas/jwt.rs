//! Wire shapes of the jwt routes.

use utoipa::ToSchema;

/// `GET /token` answer.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SessionJwt {
    /// A JWT for the signed-in user (check it with `GET /jwks`).
    pub token: String,
}

/// `POST /api-key/token` answer.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct ApiKeyJwt {
    /// A short-lived JWT for the key's owner (check it with `GET /jwks`).
    pub token: String,
    /// When it expires (never after the key does).
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// A public key (RFC 7517), as better-auth's jwt plugin publishes it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Jwk {
    /// Key id, matched against a JWT's `kid` header.
    pub kid: String,
    /// `EdDSA` (default), `ES256` or `RS256`.
    pub alg: String,
    /// `OKP`, `EC` or `RSA`.
    pub kty: String,
    /// Curve of `OKP`/`EC` keys (`Ed25519`, `P-256`).
    #[schema(nullable = false)]
    pub crv: Option<String>,
    /// Public point (`OKP`, `EC`), base64url.
    #[schema(nullable = false)]
    pub x: Option<String>,
    /// Public point (`EC`), base64url.
    #[schema(nullable = false)]
    pub y: Option<String>,
    /// RSA modulus, base64url.
    #[schema(nullable = false)]
    pub n: Option<String>,
    /// RSA exponent, base64url.
    #[schema(nullable = false)]
    pub e: Option<String>,
}

/// `GET /jwks` answer: the signing key and retired keys still in their grace period.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Jwks {
    /// The public keys.
    pub keys: Vec<Jwk>,
}
