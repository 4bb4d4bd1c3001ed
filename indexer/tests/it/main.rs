//! Integration tests of the search index, on real indexes in temporary folders.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod facets;
mod forgiving;
mod french;
mod lifecycle;
mod ranking;
#[cfg(feature = "registry")]
mod registry;
mod snippets;
mod syntax;
mod util;
