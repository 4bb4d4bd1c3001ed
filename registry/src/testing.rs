//! Helpers for tests of this crate and of others: temporary registries
//! and record texts.

use crate::{Options, Registry, RegistryConfig};

/// A registry in a temporary folder, removed on drop.
pub struct TempRegistry {
    /// The folder (kept alive as long as this value).
    pub dir: tempfile::TempDir,
    /// The registry.
    pub registry: Registry,
}

impl TempRegistry {
    /// A new registry named "Test registry", with fsync off (tests) and
    /// no automatic gc.
    ///
    /// # Panics
    /// When the temporary folder or the repository cannot be created.
    #[allow(clippy::expect_used)]
    pub fn new() -> TempRegistry {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("registry.git");
        Registry::init(&path, RegistryConfig::new("Test registry")).expect("init");
        let options = Options {
            fsync: false,
            auto_gc_loose_objects: 0,
            ..Options::default()
        };
        let registry = Registry::open_with(&path, options).expect("open");
        TempRegistry { dir, registry }
    }
}

impl Default for TempRegistry {
    fn default() -> Self {
        TempRegistry::new()
    }
}

/// The canonical text of a minimal valid software record.
pub fn software(id: &str, title: &str, license: &str) -> String {
    format!(
        "id = \"{id}\"\nkind = \"software\"\ntitle = \"{title}\"\nlicense = \"{license}\"\nsummary = \"Un logiciel libre de test.\"\n"
    )
}

/// Proposes `files` as one proposal and merges it.
///
/// # Panics
/// When proposing or merging fails.
#[allow(clippy::expect_used)]
pub fn merge_files(registry: &Registry, files: &[crate::RecordFile]) {
    let (p, _) = registry
        .propose(files, &crate::Pseudonym::new("z"), None)
        .expect("propose");
    registry
        .merge(p.as_str(), &crate::Pseudonym::new("c"))
        .expect("merge");
}

/// Proposes the software record `id` titled `title` (MIT) and merges it.
///
/// # Panics
/// When proposing or merging fails.
#[allow(clippy::expect_used)]
pub fn merge_software(registry: &Registry, id: &str, title: &str) {
    merge_files(
        registry,
        &[crate::RecordFile {
            name: format!("{id}.toml"),
            text: software(id, title, "MIT"),
        }],
    );
}
