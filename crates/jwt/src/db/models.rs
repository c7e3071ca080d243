//! The `jwks` row.

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::schema::jwks;

/// One signing key. `private_key` is the encrypted private JWK, never
/// readable without the server secret.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = jwks)]
pub struct JwkRow {
    /// 32-character random id, published as the key's `kid`.
    pub id: String,
    /// The public JWK as JSON text (`{"crv","x","kty"}` for Ed25519).
    pub public_key: String,
    /// The private JWK, encrypted: a JSON string of hex (see `service::at_rest`).
    pub private_key: String,
    /// Creation time.
    pub created_at: PrimitiveDateTime,
    /// When the key stops signing (rotation); it stays in the JWK set for
    /// the grace period after that. `None`: signs until rotated.
    pub expires_at: Option<PrimitiveDateTime>,
    /// `EdDSA`, `ES256` or `RS256` (`None` in rows from before better-auth had the column).
    pub alg: Option<String>,
    /// The curve of OKP and EC keys.
    pub crv: Option<String>,
}

impl JwkRow {
    /// Whether the key may sign at `now`.
    pub fn is_live(&self, now: PrimitiveDateTime) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}
