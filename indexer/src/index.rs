//! The index on disk: opening (and resetting when it is missing, corrupt or
//! of another schema version), full builds, incremental changes, and the
//! commit of the registry it reflects.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use cdl_records::Record;
use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use crate::analysis;
use crate::document::{Change, DocMeta, LicenceCache, to_document, uid};
use crate::error::{EngineContext, IndexError, Result};
use crate::gather::SegmentCache;
use crate::schema::{self, Fields, SCHEMA_VERSION};
use crate::search::{self, SearchRequest, SearchResults};

/// Knobs of the index writer.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Indexing threads.
    pub threads: usize,
    /// Threads one search may use, one per segment searched. A server
    /// that already runs one search per core gains nothing from more than
    /// one (the switching costs throughput).
    pub search_threads: usize,
    /// Memory for buffering documents before a segment is written, in
    /// bytes, shared by the threads.
    pub memory_budget: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .clamp(1, 4);
        IndexOptions {
            threads,
            search_threads: threads,
            memory_budget: 256 * 1024 * 1024,
        }
    }
}

/// What the index records about itself, kept as the tantivy commit
/// payload so that it changes atomically with the documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexState {
    /// The layout version ([`SCHEMA_VERSION`] when current).
    pub schema_version: u32,
    /// The registry commit the index reflects; `None` before the first build.
    pub commit: Option<String>,
    /// The commit of each peer's mirror (`refs/mirrors/<peer>`) the index
    /// reflects, by peer id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mirrors: BTreeMap<String, String>,
}

/// How [`SearchIndex::open`] found the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenStatus {
    /// A current index, reflecting `state.commit`.
    Current,
    /// There was no index: an empty one was created. Build it.
    Created,
    /// The index could not be used and was cleared: build it again.
    Reset {
        /// Why, for the log.
        reason: String,
    },
}

/// What an [`SearchIndex::apply`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyStats {
    /// Records (re)indexed.
    pub upserted: usize,
    /// Records removed.
    pub deleted: usize,
}

/// The search index of a registry, stored in a folder.
///
/// Searching takes `&self` and may run from many threads; writing
/// ([`SearchIndex::rebuild`], [`SearchIndex::apply`]) is serialised by an
/// internal lock. One process at a time may write a given folder; the
/// writer is created on the first write, so read-only users do not take
/// the folder's lock.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    /// What searches keep per segment (recency order, facet totals).
    segments: SegmentCache,
    fields: Fields,
    options: IndexOptions,
    writer: Mutex<Option<IndexWriter>>,
    state: Mutex<IndexState>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it if missing. An index that
    /// cannot be opened, whose state is unreadable or whose schema version
    /// differs is cleared (never a crash): the [`OpenStatus`] says so, and
    /// the caller then rebuilds it.
    ///
    /// # Errors
    /// When the folder cannot be created or cleared.
    pub fn open(dir: impl AsRef<Path>, options: IndexOptions) -> Result<(SearchIndex, OpenStatus)> {
        let dir = dir.as_ref().to_owned();
        let has_index = dir.join("meta.json").exists();
        if has_index {
            match Self::try_open(&dir, &options) {
                Ok(index) => return Ok((index, OpenStatus::Current)),
                Err(reason) => {
                    clear_dir(&dir)?;
                    let index = Self::create(&dir, options)?;
                    return Ok((index, OpenStatus::Reset { reason }));
                }
            }
        }
        let status = if dir.exists() && fs::read_dir(&dir).is_ok_and(|mut d| d.next().is_some()) {
            clear_dir(&dir)?;
            OpenStatus::Reset {
                reason: "the folder held no index".to_owned(),
            }
        } else {
            OpenStatus::Created
        };
        Ok((Self::create(&dir, options)?, status))
    }

    /// Opens an existing index, or says why it cannot be used.
    fn try_open(dir: &Path, options: &IndexOptions) -> std::result::Result<SearchIndex, String> {
        let index = Index::open_in_dir(dir).map_err(|e| format!("cannot open: {e}"))?;
        let metas = index
            .load_metas()
            .map_err(|e| format!("cannot read its state: {e}"))?;
        let state: IndexState = metas
            .payload
            .as_deref()
            .ok_or_else(|| "it records no state".to_owned())
            .and_then(|p| serde_json::from_str(p).map_err(|e| format!("unreadable state: {e}")))?;
        if state.schema_version != SCHEMA_VERSION {
            return Err(format!(
                "schema version {} instead of {SCHEMA_VERSION}",
                state.schema_version
            ));
        }
        let (expected, fields) = schema::build();
        if index.schema() != expected {
            return Err("its fields differ from this version's".to_owned());
        }
        analysis::register(index.tokenizers());
        let mut index = index;
        search_threads(&mut index, options);
        let reader = reader(&index).map_err(|e| format!("cannot read its segments: {e}"))?;
        // Touch every segment's stores so that a truncated file shows now.
        let searcher = reader.searcher();
        for segment in searcher.segment_readers() {
            segment
                .get_store_reader(1)
                .map_err(|e| format!("damaged segment: {e}"))?;
        }
        Ok(SearchIndex {
            dir: dir.to_owned(),
            index,
            reader,
            segments: SegmentCache::new(options.search_threads),
            fields,
            options: options.clone(),
            writer: Mutex::new(None),
            state: Mutex::new(state),
        })
    }

    /// Creates an empty index in `dir` (which must be empty or absent).
    fn create(dir: &Path, options: IndexOptions) -> Result<SearchIndex> {
        fs::create_dir_all(dir).map_err(|source| IndexError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let (schema, fields) = schema::build();
        let directory = MmapDirectory::open(dir).map_err(|e| IndexError::Io {
            path: dir.to_owned(),
            source: std::io::Error::other(e),
        })?;
        let mut index =
            Index::create(directory, schema, schema::settings()).engine("creating the index")?;
        analysis::register(index.tokenizers());
        search_threads(&mut index, &options);
        let state = IndexState {
            schema_version: SCHEMA_VERSION,
            commit: None,
            mirrors: BTreeMap::new(),
        };
        let this = SearchIndex {
            dir: dir.to_owned(),
            reader: reader(&index).engine("opening a reader")?,
            segments: SegmentCache::new(options.search_threads),
            index,
            fields,
            options,
            writer: Mutex::new(None),
            state: Mutex::new(state),
        };
        // Record the state at once, so that an empty index is recognised.
        this.commit_with(&mut this.writer()?, None, BTreeMap::new())?;
        Ok(this)
    }

    /// The folder of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The registry commit the index reflects, if built.
    pub fn commit(&self) -> Option<String> {
        self.state.lock().ok().and_then(|s| s.commit.clone())
    }

    /// The mirror commits the index reflects, by peer id.
    pub fn mirror_commits(&self) -> BTreeMap<String, String> {
        self.state
            .lock()
            .map(|s| s.mirrors.clone())
            .unwrap_or_default()
    }

    /// A key that changes whenever the searchable content does (a new
    /// `main` or a new mirror state): for caches of results.
    pub fn content_key(&self) -> String {
        let Ok(state) = self.state.lock() else {
            return String::new();
        };
        let mut key = state.commit.clone().unwrap_or_default();
        for (peer, commit) in &state.mirrors {
            key.push(' ');
            key.push_str(peer);
            key.push('=');
            key.push_str(commit);
        }
        key
    }

    /// The number of documents searchable now.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The number of segments searched (each is searched on its own
    /// thread, up to [`IndexOptions::threads`]).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Memory kept per segment to speed searches up (recency order and
    /// facet tables), in bytes; it grows as searches need it, up to about
    /// 50 bytes per record (40 MiB at 1,000,000).
    pub fn search_cache_bytes(&self) -> usize {
        self.segments.bytes()
    }

    /// Runs a search on the latest committed state.
    ///
    /// # Errors
    /// [`IndexError::Query`] for a query that does not parse; engine errors.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let _running = self.segments.running();
        search::run(
            &self.reader.searcher(),
            &self.fields,
            request,
            &self.segments,
        )
    }

    /// The searcher, fields and segment cache, for the engine's own tests.
    #[cfg(test)]
    pub(crate) fn parts(&self) -> (tantivy::Searcher, &Fields, &SegmentCache) {
        (self.reader.searcher(), &self.fields, &self.segments)
    }

    /// Stops segment merges, so that tests see several segments and
    /// deleted documents.
    #[cfg(test)]
    pub(crate) fn without_merges(&self) -> Result<()> {
        let guard = self.writer()?;
        if let Some(w) = guard.as_ref() {
            w.set_merge_policy(Box::new(tantivy::merge_policy::NoMergePolicy));
        }
        Ok(())
    }

    /// The writer, created on first use.
    fn writer(&self) -> Result<MutexGuard<'_, Option<IndexWriter>>> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        if guard.is_none() {
            let per_thread_min = 15 * 1024 * 1024;
            let threads = self.options.threads.max(1);
            let budget = self.options.memory_budget.max(per_thread_min * threads);
            *guard = Some(
                self.index
                    .writer_with_num_threads(threads, budget)
                    .engine("opening the index writer")?,
            );
        }
        Ok(guard)
    }

    /// Commits what the writer holds with `commit` as the reflected
    /// registry commit, then makes it visible to searches at once.
    fn commit_with(
        &self,
        guard: &mut MutexGuard<'_, Option<IndexWriter>>,
        commit: Option<&str>,
        mirrors: BTreeMap<String, String>,
    ) -> Result<()> {
        let writer = guard.as_mut().ok_or(IndexError::Poisoned)?;
        let state = IndexState {
            schema_version: SCHEMA_VERSION,
            commit: commit.map(str::to_owned),
            mirrors,
        };
        let payload = serde_json::to_string(&state).map_err(|e| IndexError::Io {
            path: self.dir.clone(),
            source: std::io::Error::other(e),
        })?;
        let mut prepared = writer.prepare_commit().engine("preparing a commit")?;
        prepared.set_payload(&payload);
        prepared.commit().engine("committing")?;
        self.reader.reload().engine("reloading the reader")?;
        if let Ok(mut s) = self.state.lock() {
            *s = state;
        }
        Ok(())
    }

    /// Replaces the whole content with `records`, reflecting registry
    /// commit `commit`. `progress` is called with the number of records
    /// added so far, every few thousand records and at the end.
    ///
    /// Blocks for the whole build (about 10 µs per record on two cores).
    ///
    /// # Errors
    /// Engine errors; the previous content stays searchable until the new
    /// one is committed.
    pub fn rebuild<'r>(
        &self,
        records: impl IntoIterator<Item = (&'r Record, &'r DocMeta)>,
        commit: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        self.rebuild_with_mirrors(records, commit, BTreeMap::new(), progress)
    }

    /// As [`SearchIndex::rebuild`], the records of peers' mirrors among
    /// them, recording the mirror commits they come from.
    ///
    /// # Errors
    /// As [`SearchIndex::rebuild`].
    pub fn rebuild_with_mirrors<'r>(
        &self,
        records: impl IntoIterator<Item = (&'r Record, &'r DocMeta)>,
        commit: &str,
        mirrors: BTreeMap<String, String>,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let mut guard = self.writer()?;
        let writer = guard.as_mut().ok_or(IndexError::Poisoned)?;
        writer.delete_all_documents().engine("clearing the index")?;
        let mut cache = LicenceCache::default();
        let mut n = 0u64;
        for (record, meta) in records {
            let doc = to_document(&self.fields, &mut cache, record, meta);
            writer.add_document(doc).engine("adding a document")?;
            n += 1;
            if n.is_multiple_of(4096) {
                progress(n);
            }
        }
        progress(n);
        self.commit_with(&mut guard, Some(commit), mirrors)?;
        Ok(n)
    }

    /// Applies changes from the registry (records added, modified,
    /// withdrawn or deleted) and records `commit` as reflected. The work
    /// follows the size of the change: the changes are searchable when
    /// this returns.
    ///
    /// # Errors
    /// Engine errors; nothing is committed then.
    pub fn apply(&self, changes: &[Change], commit: &str) -> Result<ApplyStats> {
        let mirrors = self.mirror_commits();
        self.apply_with_mirrors(changes, Some(commit), mirrors)
    }

    /// Applies changes and records `commit` (`main`, left as it is when
    /// `None`) and `mirrors` as reflected. Each `Delete` of an origin with
    /// no id (see [`Change::DeleteOrigin`]) removes every record of that
    /// origin.
    ///
    /// # Errors
    /// Engine errors; nothing is committed then.
    pub fn apply_with_mirrors(
        &self,
        changes: &[Change],
        commit: Option<&str>,
        mirrors: BTreeMap<String, String>,
    ) -> Result<ApplyStats> {
        let commit = commit.map(str::to_owned).or_else(|| self.commit());
        let mut guard = self.writer()?;
        let writer = guard.as_mut().ok_or(IndexError::Poisoned)?;
        let mut cache = LicenceCache::default();
        let mut stats = ApplyStats::default();
        for change in changes {
            match change {
                Change::Upsert(record, meta) => {
                    let key = uid(&meta.origin, record.kind(), record.id.as_str());
                    writer.delete_term(Term::from_field_text(self.fields.uid, &key));
                    let doc = to_document(&self.fields, &mut cache, record, meta);
                    writer.add_document(doc).engine("adding a document")?;
                    stats.upserted += 1;
                }
                Change::Delete { origin, kind, id } => {
                    let key = uid(origin, *kind, id.as_str());
                    writer.delete_term(Term::from_field_text(self.fields.uid, &key));
                    stats.deleted += 1;
                }
                Change::DeleteOrigin { origin } => {
                    let key = crate::document::key("origin", origin);
                    writer.delete_term(Term::from_field_text(self.fields.keys, &key));
                    stats.deleted += 1;
                }
            }
        }
        self.commit_with(&mut guard, commit.as_deref(), mirrors)?;
        Ok(stats)
    }

    /// Waits for background segment merges to finish and releases the
    /// writer (and the folder's lock).
    ///
    /// # Errors
    /// Engine errors while merging.
    pub fn close_writer(&self) -> Result<()> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads().engine("merging segments")?;
        }
        Ok(())
    }
}

/// Searches the segments of the index on `options.search_threads` threads
/// (one thread if they cannot be started).
fn search_threads(index: &mut Index, options: &IndexOptions) {
    if options.search_threads > 1 {
        let _ = index.set_multithread_executor(options.search_threads);
    }
}

/// A reader that only reloads when told to (after each commit).
fn reader(index: &Index) -> tantivy::Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
}

/// Removes everything in the index folder, which this crate owns.
fn clear_dir(dir: &Path) -> Result<()> {
    let io = |source| IndexError::Io {
        path: dir.to_owned(),
        source,
    };
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(io)?;
    }
    fs::create_dir_all(dir).map_err(io)
}
