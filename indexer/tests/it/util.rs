//! Builders for records and indexes.

use cdl_indexer::{Change, DocMeta, IndexOptions, SearchIndex, SearchRequest, SearchResults};
use cdl_records::{Kind, Record, RecordId};
use tempfile::TempDir;

/// A record of `kind` with a title, a licence and an optional description.
pub fn record(kind: Kind, id: &str, title: &str, license: &str) -> Record {
    Record::skeleton(
        kind,
        RecordId::new(id).unwrap(),
        title.to_owned(),
        license.to_owned(),
    )
}

/// A software record.
pub fn software(id: &str, title: &str) -> Record {
    record(Kind::Software, id, title, "MIT")
}

/// Sets the description.
pub fn describe(mut r: Record, description: &str) -> Record {
    r.description = Some(description.to_owned());
    r
}

/// The local origin used in tests.
pub fn meta() -> DocMeta {
    DocMeta {
        origin: "paris".to_owned(),
        time: 1_700_000_000,
    }
}

/// An index in a temporary folder.
pub struct TestIndex {
    /// Kept alive as long as the index.
    pub _dir: TempDir,
    pub index: SearchIndex,
}

/// Small writer memory, one thread: tests run in parallel.
pub fn options() -> IndexOptions {
    IndexOptions {
        threads: 1,
        search_threads: 1,
        memory_budget: 20 * 1024 * 1024,
    }
}

/// An index of `records`, committed as "c1".
pub fn index_of(records: &[Record]) -> TestIndex {
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = SearchIndex::open(dir.path().join("index"), options()).unwrap();
    let m = meta();
    index
        .rebuild(records.iter().map(|r| (r, &m)), "c1", &mut |_| {})
        .unwrap();
    TestIndex { _dir: dir, index }
}

impl TestIndex {
    /// Searches, panicking on errors.
    pub fn search(&self, query: &str) -> SearchResults {
        self.index.search(&SearchRequest::new(query)).unwrap()
    }

    /// The ids of the first page of hits.
    pub fn ids(&self, query: &str) -> Vec<String> {
        self.search(query).hits.into_iter().map(|h| h.id).collect()
    }

    /// Upserts records with `meta()`.
    pub fn upsert(&self, records: Vec<Record>, commit: &str) {
        let changes: Vec<Change> = records
            .into_iter()
            .map(|r| Change::Upsert(Box::new(r), meta()))
            .collect();
        self.index.apply(&changes, commit).unwrap();
    }
}
