//! The JSON Schema of the record format, for editors (Taplo, Even Better TOML).

use crate::record::Wire;

/// The JSON Schema (draft-07, which Taplo reads) of a record file.
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<Wire>();
    schema.to_value()
}
