//! A small builder over utoipa's: one operation with its body, parameters,
//! success answer and error answers (grouped by status, one example per code).

use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};
use utoipa::ToSchema;

use crate::errors::ErrorAnswer;
use crate::BASE_PATH;

/// A `$ref` to a component schema.
pub fn schema_ref<T: ToSchema>() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(T::name()))
}

/// A string schema.
pub fn string() -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).into()
}

/// One operation being described.
pub struct Op {
    method: HttpMethod,
    path: String,
    operation: OperationBuilder,
    success: Option<(u16, ResponseBuilder)>,
    errors: Vec<ErrorAnswer>,
}

impl Op {
    /// `GET /api/auth{path}`.
    pub fn get(path: &str, operation_id: &str, tag: &str, summary: &str) -> Self {
        Self::new(HttpMethod::Get, path, operation_id, tag, summary)
    }

    /// `POST /api/auth{path}`.
    pub fn post(path: &str, operation_id: &str, tag: &str, summary: &str) -> Self {
        Self::new(HttpMethod::Post, path, operation_id, tag, summary)
    }

    fn new(method: HttpMethod, path: &str, operation_id: &str, tag: &str, summary: &str) -> Self {
        Self {
            method,
            path: format!("{BASE_PATH}{path}"),
            operation: OperationBuilder::new()
                .tag(tag)
                .operation_id(Some(operation_id))
                .summary(Some(summary)),
            success: None,
            errors: Vec::new(),
        }
    }

    /// Longer text (Markdown).
    pub fn description(mut self, text: &str) -> Self {
        self.operation = self.operation.description(Some(text));
        self
    }

    /// A JSON request body of schema `T`.
    pub fn body<T: ToSchema>(mut self, required: bool, example: Value) -> Self {
        let required = if required {
            Required::True
        } else {
            Required::False
        };
        self.operation = self.operation.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(required))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(schema_ref::<T>()))
                        .example(Some(example))
                        .build(),
                )
                .build(),
        ));
        self
    }

    /// A query parameter.
    pub fn query(
        mut self,
        name: &str,
        required: bool,
        schema: RefOr<Schema>,
        description: &str,
        example: Option<Value>,
    ) -> Self {
        let required = if required {
            Required::True
        } else {
            Required::False
        };
        self.operation = self.operation.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(required)
                .schema(Some(schema))
                .description(Some(description))
                .example(example),
        );
        self
    }

    /// The 200 answer: JSON of `schema`.
    pub fn ok(self, description: &str, schema: RefOr<Schema>, example: Value) -> Self {
        self.success_with(200, "application/json", description, schema, example)
    }

    /// A success answer of any status and media type.
    pub fn success_with(
        mut self,
        status: u16,
        media_type: &str,
        description: &str,
        schema: RefOr<Schema>,
        example: Value,
    ) -> Self {
        let content = ContentBuilder::new()
            .schema(Some(schema))
            .example(Some(example))
            .build();
        self.success = Some((
            status,
            ResponseBuilder::new()
                .description(description)
                .content(media_type, content),
        ));
        self
    }

    /// A header of the success answer.
    pub fn ok_header(mut self, name: &str, description: &str) -> Self {
        if let Some((status, response)) = self.success.take() {
            let header = HeaderBuilder::new()
                .schema(string())
                .description(Some(description))
                .build();
            self.success = Some((status, response.header(name, header)));
        }
        self
    }

    /// A link from the success answer to another operation.
    pub fn ok_link(
        mut self,
        name: &str,
        operation_id: &str,
        parameters: &[(&str, &str)],
        request_body: Option<Value>,
    ) -> Self {
        if let Some((status, response)) = self.success.take() {
            let mut link = LinkBuilder::new()
                .operation_id(operation_id)
                .request_body(request_body);
            for (param, expression) in parameters {
                link = link.parameter(*param, *expression);
            }
            self.success = Some((status, response.link(name, link.build())));
        }
        self
    }

    /// Error answers this operation can give.
    pub fn errors(mut self, errors: impl IntoIterator<Item = Vec<ErrorAnswer>>) -> Self {
        self.errors.extend(errors.into_iter().flatten());
        self
    }

    /// Who may call: each entry is one alternative, naming the schemes it
    /// needs together (`&[]` means "anyone").
    pub fn security(mut self, alternatives: &[&[&str]]) -> Self {
        let requirements = alternatives.iter().map(|schemes| {
            schemes
                .iter()
                .fold(SecurityRequirement::default(), |req, s| {
                    req.add(*s, Vec::<String>::new())
                })
        });
        self.operation = self.operation.securities(Some(requirements));
        self
    }

    /// The operation's path (with the base path) and method.
    pub fn route(&self) -> (&str, &HttpMethod) {
        (&self.path, &self.method)
    }

    /// Finishes: the path and its item.
    pub fn build(self) -> (String, PathItem) {
        let mut operation = self.operation;
        if let Some((status, response)) = self.success {
            operation = operation.response(status.to_string(), response.build());
        }
        let mut by_status: BTreeMap<u16, Vec<ErrorAnswer>> = BTreeMap::new();
        for error in self.errors {
            let same = by_status.entry(error.status).or_default();
            if !same.iter().any(|e| e.code == error.code) {
                same.push(error);
            }
        }
        for (status, errors) in by_status {
            operation = operation.response(status.to_string(), error_response(status, &errors));
        }
        (self.path, PathItem::new(self.method, operation.build()))
    }
}

fn error_response(status: u16, errors: &[ErrorAnswer]) -> utoipa::openapi::Response {
    let codes: Vec<String> = errors.iter().map(|e| format!("`{}`", e.code)).collect();
    let examples = errors.iter().map(|e| {
        (
            e.code,
            ExampleBuilder::new()
                .summary(e.body["message"].as_str().unwrap_or_default())
                .value(Some(e.body.clone()))
                .build(),
        )
    });
    let mut response = ResponseBuilder::new()
        .description(format!("{}: {}", reason(status), codes.join(", ")))
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(schema_ref::<crate::schemas::error::Error>()))
                .examples_from_iter(examples)
                .build(),
        );
    if status == 429 || status == 503 {
        response = response.header(
            "retry-after",
            HeaderBuilder::new()
                .schema(string())
                .description(Some(if status == 429 {
                    "Whole seconds to wait before retrying (absent when waiting \
                     will not help: a used-up key without a refill)."
                } else {
                    "Whole seconds to wait before retrying."
                }))
                .build(),
        );
    }
    response.build()
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Unprocessable entity",
        429 => "Too many requests",
        500 => "Internal server error",
        503 => "Service unavailable",
        _ => "Error",
    }
}
