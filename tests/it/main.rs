//! Library-level integration tests of the registry, against real
//! repositories in temporary folders (one binary, a module per feature).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod follow;
mod fsck_oracle;
mod gc;
mod own_licences;
mod proposals;
mod registry_basics;
mod withdraw;

use cdl_registry::testing::software;
use cdl_registry::{Pseudonym, RecordFile, Registry};

/// A record file named `<id>.toml`.
pub fn file(id: &str, text: String) -> RecordFile {
    RecordFile {
        name: format!("{id}.toml"),
        text,
    }
}

/// Moves `main` on its own: proposes GIMP and merges it, as another
/// contributor would while a test's own work is under way.
pub fn merge_gimp(r: &Registry) {
    let (p, _) = r
        .propose(
            &[file("gimp", software("gimp", "GIMP", "GPL-3.0-or-later"))],
            &Pseudonym::new("z"),
            None,
        )
        .unwrap();
    r.merge(p.as_str(), &Pseudonym::new("c")).unwrap();
}
