//! `GET /jwks`: the public keys, `{"keys": [...]}`.

use actix_web::{web, HttpResponse};

use crate::error::JwtError;
use crate::JwtState;

/// Answers the JWK set.
pub async fn get_jwks(state: web::Data<JwtState>) -> Result<HttpResponse, JwtError> {
    Ok(HttpResponse::Ok().json(state.jwts.jwks().await?))
}
