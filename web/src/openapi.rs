//! The OpenAPI 3.1 document of the API, generated: the operations come from
//! [`crate::api::endpoints`] (the list the router is built from), their
//! parameters and bodies from the JSON Schemas (schemars) of the structs
//! the handlers read and answer, which reference the types of the records,
//! licences, registry and indexer crates. A field added to a response
//! struct, a value added to an enum or a limit changed in a constant
//! changes the document; nothing here repeats them.

use axum::http::StatusCode;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::error::Problem;

/// A function that gives a schema, with the generator collecting the
/// named types it references.
type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

/// The `$ref` to `T`'s schema, which the generator keeps.
fn reference<T: JsonSchema + ?Sized>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// `T`'s own schema, inline (for structs whose fields are parameters).
fn inline<T: JsonSchema + ?Sized>(generator: &mut SchemaGenerator) -> Schema {
    T::json_schema(generator)
}

/// Where the fields of a parameter struct go.
#[derive(Debug, Clone, Copy)]
enum In {
    Query,
    Path,
}

/// The description of one operation, turned into OpenAPI by
/// [`document`].
#[derive(Debug)]
pub struct Operation {
    id: &'static str,
    summary: &'static str,
    description: Option<String>,
    params: Vec<(In, SchemaFn)>,
    headers: Vec<(&'static str, String)>,
    toml_body: bool,
    bearer: bool,
    json_body: Option<SchemaFn>,
    ok: Option<(StatusCode, &'static str, SchemaFn)>,
    empty_ok: Option<(StatusCode, &'static str)>,
    location: bool,
    problems: Vec<StatusCode>,
}

impl Operation {
    /// An operation with its `operationId` and summary.
    pub fn new(id: &'static str, summary: &'static str) -> Operation {
        Operation {
            id,
            summary,
            description: None,
            params: Vec::new(),
            headers: Vec::new(),
            toml_body: false,
            bearer: false,
            json_body: None,
            ok: None,
            empty_ok: None,
            location: false,
            problems: Vec::new(),
        }
    }

    /// Its longer description.
    pub fn description(mut self, text: &str) -> Operation {
        self.description = Some(text.to_owned());
        self
    }

    /// Each field of `T` is a query parameter (a list is a repeated one).
    pub fn query<T: JsonSchema>(mut self) -> Operation {
        self.params.push((In::Query, inline::<T>));
        self
    }

    /// Each field of `T` is a path parameter.
    pub fn path<T: JsonSchema>(mut self) -> Operation {
        self.params.push((In::Path, inline::<T>));
        self
    }

    /// An optional text header.
    pub fn header(mut self, name: &'static str, description: &str) -> Operation {
        self.headers.push((name, description.to_owned()));
        self
    }

    /// The body is one record as TOML text.
    pub fn toml_body(mut self) -> Operation {
        self.toml_body = true;
        self
    }

    /// The operation needs a farmer's API token, `Authorization: Bearer
    /// TOKEN` (the [`BEARER`] security scheme); without a valid one it
    /// answers 401.
    pub fn bearer(mut self) -> Operation {
        self.bearer = true;
        if !self.problems.contains(&StatusCode::UNAUTHORIZED) {
            self.problems.push(StatusCode::UNAUTHORIZED);
        }
        self
    }

    /// The body is `T` as JSON.
    pub fn json_body<T: JsonSchema>(mut self) -> Operation {
        self.json_body = Some(reference::<T>);
        self
    }

    /// The success answer has no body.
    pub fn empty_ok(mut self, status: StatusCode, description: &'static str) -> Operation {
        self.empty_ok = Some((status, description));
        self
    }

    /// The success answer: `T` as JSON.
    pub fn ok<T: JsonSchema>(mut self, status: StatusCode, description: &'static str) -> Operation {
        self.ok = Some((status, description, reference::<T>));
        self
    }

    /// The success answer has a `Location` header.
    pub fn location(mut self) -> Operation {
        self.location = true;
        self
    }

    /// Error answers, each an `application/problem+json` [`Problem`].
    pub fn problems(mut self, statuses: &[StatusCode]) -> Operation {
        self.problems.extend_from_slice(statuses);
        self
    }

    fn render(&self, generator: &mut SchemaGenerator) -> Value {
        let mut op = Map::new();
        op.insert("operationId".into(), json!(self.id));
        op.insert("summary".into(), json!(self.summary));
        if let Some(d) = &self.description {
            op.insert("description".into(), json!(d));
        }
        let mut parameters = Vec::new();
        for (place, schema) in &self.params {
            parameters.extend(parameters_of(*place, schema(generator)));
        }
        for (name, description) in &self.headers {
            parameters.push(json!({
                "name": name,
                "in": "header",
                "description": description,
                "schema": { "type": "string" },
            }));
        }
        if !parameters.is_empty() {
            op.insert("parameters".into(), Value::Array(parameters));
        }
        if self.bearer {
            op.insert("security".into(), json!([{ BEARER: [] }]));
        }
        if self.toml_body {
            op.insert(
                "requestBody".into(),
                json!({
                    "required": true,
                    "description": "One record, as the TOML text of its file (see `conservatoire schema` for its JSON Schema).",
                    "content": { "application/toml": { "schema": { "type": "string" } } },
                }),
            );
        }
        if let Some(schema) = &self.json_body {
            op.insert(
                "requestBody".into(),
                json!({
                    "required": true,
                    "content": { "application/json": { "schema": schema(generator) } },
                }),
            );
        }
        let mut responses = Map::new();
        if let Some((status, description)) = &self.empty_ok {
            responses.insert(
                status.as_u16().to_string(),
                json!({ "description": description }),
            );
        }
        if let Some((status, description, schema)) = &self.ok {
            let mut response = json!({
                "description": description,
                "content": { "application/json": { "schema": schema(generator) } },
            });
            if self.location {
                response["headers"] = json!({
                    "Location": {
                        "description": "The proposal in this API.",
                        "schema": { "type": "string" },
                    }
                });
            }
            responses.insert(status.as_u16().to_string(), response);
        }
        let problem = generator.subschema_for::<Problem>();
        for status in &self.problems {
            responses.insert(
                status.as_u16().to_string(),
                json!({
                    "description": status.canonical_reason().unwrap_or("Error"),
                    "content": { "application/problem+json": { "schema": problem } },
                }),
            );
        }
        op.insert("responses".into(), Value::Object(responses));
        Value::Object(op)
    }
}

/// The parameters made of the properties of an object schema: each with
/// its description, its schema, and `required` as the object says (always
/// in a path).
fn parameters_of(place: In, schema: Schema) -> Vec<Value> {
    let object = schema.to_value();
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = object.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let mut property = property.clone();
            let description = property
                .as_object_mut()
                .and_then(|p| p.remove("description"));
            let mut parameter = json!({
                "name": name,
                "in": match place { In::Query => "query", In::Path => "path" },
                "required": matches!(place, In::Path) || required.contains(&name.as_str()),
                "schema": property,
            });
            if let Some(d) = description {
                parameter["description"] = d;
            }
            if matches!(place, In::Query)
                && parameter["schema"].get("type").and_then(Value::as_str) == Some("array")
            {
                parameter["style"] = json!("form");
                parameter["explode"] = json!(true);
            }
            parameter
        })
        .collect()
}

/// The name of the security scheme of the exchange's farmer tokens.
pub const BEARER: &str = "farmerToken";

/// The OpenAPI 3.1 document of `/api/v1`: every operation of
/// [`crate::api::endpoints`], the schemas they reference under
/// `components/schemas`.
pub fn document() -> Value {
    let settings = SchemaSettings::draft2020_12().with(|s| {
        s.definitions_path = "/components/schemas".into();
        s.meta_schema = None;
    });
    let mut generator = settings.into_generator();
    let mut paths = Map::new();
    for endpoint in crate::api::endpoints() {
        let operation = endpoint.doc.render(&mut generator);
        let entry = paths
            .entry(endpoint.path)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(item) = entry.as_object_mut() {
            item.insert(endpoint.method.as_str().to_ascii_lowercase(), operation);
        }
    }
    let schemas = generator.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Conservatoire du Libre API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Search the catalogue of certified free resources of the City of Paris, read records with their licence certificate, propose records, and book seed and ferment lots at the exchange's opening sessions (with a farmer's token). Errors are application/problem+json (RFC 9457) with a stable `code`. Any request whose target is longer than the server accepts is 414.",
            "license": { "name": env!("CARGO_PKG_LICENSE"), "identifier": env!("CARGO_PKG_LICENSE") },
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                BEARER: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A farmer's API token, made on their account page or by `conservatoire farmers token --registry DIR EMAIL`, sent as `Authorization: Bearer TOKEN`. Stored hashed; revocable.",
                }
            },
        },
    })
}
