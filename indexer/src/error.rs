//! The errors of the search index.

use std::path::PathBuf;

/// The error returned by the index operations ([`crate::SearchIndex`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// A file or folder of the index could not be read or written.
    #[error("index folder {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// tantivy failed while doing `action`.
    #[error("search engine error while {action}: {source}")]
    Engine {
        /// What was being done, e.g. "committing".
        action: &'static str,
        /// The engine's error.
        #[source]
        source: tantivy::TantivyError,
    },
    /// The search query is not valid.
    #[error(transparent)]
    Query(#[from] crate::query::QueryError),
    /// The registry could not be read.
    #[error("reading the registry: {source}")]
    Registry {
        /// The registry's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A lock guarding the writer was poisoned by a panic in another thread.
    #[error("the index writer was left in an unknown state by a crashed thread")]
    Poisoned,
}

/// The result of index operations.
pub type Result<T, E = IndexError> = std::result::Result<T, E>;

/// Adds the action being done to a tantivy error.
pub(crate) trait EngineContext<T> {
    /// Wraps the error as [`IndexError::Engine`].
    fn engine(self, action: &'static str) -> Result<T>;
}

impl<T> EngineContext<T> for tantivy::Result<T> {
    fn engine(self, action: &'static str) -> Result<T> {
        self.map_err(|source| IndexError::Engine { action, source })
    }
}
