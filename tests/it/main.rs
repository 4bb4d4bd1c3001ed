//! Library-level integration tests of the registry, against real
//! repositories in temporary folders (one binary, a module per feature).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod follow;
mod gc;
mod proposals;
mod registry_basics;
mod withdraw;

use cdl_registry::RecordFile;

/// A record file named `<id>.toml`.
pub fn file(id: &str, text: String) -> RecordFile {
    RecordFile {
        name: format!("{id}.toml"),
        text,
    }
}
