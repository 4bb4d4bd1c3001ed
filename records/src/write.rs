//! The one canonical serialisation of a record.

use crate::record::{Record, Wire};

/// Writes a record in its canonical TOML form: fields in the order of the
/// format, empty fields left out, lists one item per line, long texts as
/// multi-line strings. Writing a parsed record gives the same text again,
/// so a change to one field changes only the lines of that field in Git.
pub fn to_toml(record: &Record) -> String {
    let wire = Wire::from_record(record);
    match toml::to_string_pretty(&wire) {
        Ok(text) => text,
        // Every value of a record has a TOML form (no None inside arrays, no
        // non-string keys), so serialisation cannot fail; if it ever did, the
        // debug form at least loses nothing.
        Err(e) => format!("# serialisation failed: {e}\n# {wire:?}\n"),
    }
}
