//! The demo catalogue: the sample records shipped inside the binary, and
//! the creation of a demo registry from them (once).

use std::path::Path;

use cdl_registry::{InitError, OpenError, Pseudonym, RecordFile, Registry, RegistryConfig};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/samples.rs"));
}

pub use embedded::{SAMPLES, SOURCES};

/// The folder `serve --demo` uses, relative to the working directory.
pub const DEMO_DIR: &str = "conservatoire-demo";

/// The pseudonym that signs the demo's commits.
const DEMO_AUTHOR: &str = "conservatoire-demo";

/// The error returned by [`prepare`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DemoError {
    /// The registry could not be created.
    #[error(transparent)]
    Init(#[from] InitError),
    /// The existing folder is not a registry.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// The samples could not be proposed.
    #[error("proposing the samples: {0}")]
    Propose(#[from] cdl_registry::ProposeError),
    /// The samples could not be merged.
    #[error("merging the samples: {0}")]
    Merge(#[from] cdl_registry::MergeError),
}

/// What [`prepare`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    /// The registry existed: nothing was written.
    Existing,
    /// The registry was created with this many records; `skipped` samples
    /// did not validate or were not certified.
    Created {
        /// Records committed.
        records: usize,
        /// Samples left out.
        skipped: usize,
    },
}

/// Opens the demo registry in `dir`, creating it first if the folder is
/// missing or empty: a new registry whose `main` gets every valid,
/// certified sample in one proposal, merged. Blocking.
///
/// # Errors
/// When the folder holds something else, or writing fails.
pub fn prepare(dir: &Path) -> Result<(Registry, Prepared), DemoError> {
    let empty = std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none());
    if !empty {
        return Ok((Registry::open(dir)?, Prepared::Existing));
    }
    let mut config = RegistryConfig::new("Conservatoire du Libre (démonstration)");
    config.curation.require_certified = true;
    let registry = Registry::init(dir, config)?;
    let mut files = Vec::new();
    let mut skipped = 0;
    for (name, text) in SAMPLES {
        match cdl_records::parse(text, None) {
            Ok(record) if cdl_licenses::certify(record.kind(), &record.license).is_certified() => {
                files.push(RecordFile {
                    name: record.path(),
                    text: (*text).to_owned(),
                });
            }
            _ => {
                tracing::info!(sample = %name, "demo: sample skipped (invalid or not certified free)");
                skipped += 1;
            }
        }
    }
    let records = files.len();
    if records > 0 {
        let author = Pseudonym::new(DEMO_AUTHOR);
        let message = "Catalogue de démonstration\n\nRecords built from public data; see SOURCES.md in the project.";
        let (id, _) = registry.propose(&files, &author, Some(message))?;
        registry.merge(id.as_str(), &author)?;
    }
    Ok((registry, Prepared::Created { records, skipped }))
}
