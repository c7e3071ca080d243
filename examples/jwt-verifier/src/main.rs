//! `LATCHKEY_URL=http://127.0.0.1:3000 cargo run -p latchkey-example-jwt-verifier`
//! serves on 127.0.0.1:4000 (`ADDR`). `LATCHKEY_JWT_ISSUER` defaults to `LATCHKEY_URL`.

use actix_web::{web, App, HttpServer};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let latchkey = std::env::var("LATCHKEY_URL").unwrap_or_else(|_| "http://127.0.0.1:3000".into());
    let issuer = std::env::var("LATCHKEY_JWT_ISSUER").unwrap_or_else(|_| latchkey.clone());
    let addr = std::env::var("ADDR").unwrap_or_else(|_| "127.0.0.1:4000".into());
    let verifier = web::Data::new(latchkey_example_jwt_verifier::verifier(&latchkey, &issuer));
    println!("checking JWTs from {latchkey} on {addr}");
    HttpServer::new(move || {
        App::new()
            .app_data(verifier.clone())
            .configure(latchkey_example_jwt_verifier::routes)
    })
    .bind(addr)?
    .run()
    .await
}
