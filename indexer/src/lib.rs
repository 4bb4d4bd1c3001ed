#![doc = include_str!("../README.md")]

pub mod analysis;
#[cfg(feature = "registry")]
mod catch_up;
mod compile;
mod document;
mod error;
mod gather;
mod index;
pub mod query;
mod schema;
mod search;
#[cfg(any(test, feature = "synth"))]
pub mod synth;

#[cfg(feature = "registry")]
pub use catch_up::{CatchUp, Progress, index_dir, open_for_registry};
pub use compile::{FUZZY_MIN_CHARS, TWO_TYPOS_MIN_CHARS, TYPO_FALLBACK_BELOW};
pub use document::{Change, DocMeta, licence_ids};
pub use error::{IndexError, Result};
pub use index::{ApplyStats, IndexOptions, IndexState, OpenStatus, SearchIndex};
pub use query::{ParsedQuery, QueryError};
pub use schema::{FacetDim, SCHEMA_VERSION};
pub use search::{
    FacetCount, Filter, Hit, MAX_LIMIT, MAX_WINDOW, RELAX_BELOW, Relaxed, SearchRequest,
    SearchResults, Snippet, Sort,
};

/// The tantivy document of a record, as [`SearchIndex`] would index it, with
/// the schema to index it under; for benchmarks that compare our build with
/// raw tantivy on the same documents.
pub fn raw_documents<'r>(
    records: impl IntoIterator<Item = (&'r cdl_records::Record, &'r DocMeta)>,
) -> (tantivy::schema::Schema, Vec<tantivy::TantivyDocument>) {
    let (schema, fields) = schema::build();
    let mut cache = document::LicenceCache::default();
    let docs = records
        .into_iter()
        .map(|(r, m)| document::to_document(&fields, &mut cache, r, m))
        .collect();
    (schema, docs)
}

/// Registers this crate's analyzers on a raw tantivy index (benchmarks).
pub fn register_analyzers(index: &tantivy::Index) {
    analysis::register(index.tokenizers());
}
