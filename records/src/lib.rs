#![doc = include_str!("../README.md")]

pub mod details;
pub mod diagnostic;
pub mod id;
pub mod kind;
pub mod limits;
mod parse;
mod record;
mod rules;
mod schema;
pub mod values;
pub mod vocabulary;
mod write;

pub use details::Details;
pub use diagnostic::{Code, Diagnostic, ParseError, Rendered, Text};
pub use id::{RecordId, slugify};
pub use kind::Kind;
pub use limits::MAX_DIAGNOSTICS;
pub use parse::{Context, MAX_RECORD_BYTES, parse, parse_checked, validate, validate_checked};
pub use record::{
    Contributor, FORMAT_VERSION, Link, LinkRel, Record, Source, Translation, record_path,
};
pub use schema::json_schema;
pub use write::to_toml;
