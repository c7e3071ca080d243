//! This crate's own routes (src/routes.rs).

use serde_json::json;
use utoipa::openapi::schema::{ObjectBuilder, Type};

use super::PUBLIC;
use crate::op::{string, Op};

const TAG: &str = "Documentation";

/// The documentation operations.
pub fn operations() -> Vec<Op> {
    vec![
        Op::get(
            "/open-api/generate-schema",
            "generateOpenApiSchema",
            TAG,
            "This OpenAPI document",
        )
        .description("The document as JSON (better-auth's openAPI plugin path). `openapi.yaml` is the same document.")
        .security(PUBLIC)
        .ok(
            "The OpenAPI 3.1 document.",
            ObjectBuilder::new().schema_type(Type::Object).into(),
            json!({"openapi": "3.1.0", "info": {"title": "latchkey"}, "paths": {}}),
        ),
        Op::get("/reference", "openApiReference", TAG, "Reference page")
            .description("A human-readable page of this document; its script and style ship in the binary.")
            .security(PUBLIC)
            .success_with(
                200,
                "text/html",
                "The page.",
                string(),
                json!("<!doctype html>..."),
            ),
    ]
}
