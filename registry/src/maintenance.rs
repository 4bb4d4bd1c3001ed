//! Compaction: packing loose objects, merging packs, pruning what losing
//! writers left behind.
//!
//! gix writes one loose file per object. [`Registry::gc`] packs every
//! loose object reachable from a reference into a new pack (generated with
//! gix-pack, written and synced in `cdl-tmp/`, then renamed into
//! `objects/pack/`, index last), and only then deletes those loose files.
//! Loose objects that no reference reaches are deleted once older than
//! the prune grace period: a writer that has not moved its reference yet
//! wrote them seconds ago. When packs pile up, they are merged into one.
//!
//! Reachability is walked only through loose objects: an object in a pack
//! was packed with everything it reaches, so the walk stops at packs, and
//! its cost follows the number of loose objects, not the catalogue.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime};

use gix::ObjectId;
use gix_pack::data::output;

use crate::error::{GitContext, StorageError};
use crate::store::{Registry, sync_dir, unique_name};
use crate::walk::walk_reachable;

/// What to do in one [`Registry::gc_with`] run.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct GcOptions {
    /// Overrides [`Options::prune_grace`](crate::Options::prune_grace).
    pub prune_grace: Option<Duration>,
    /// Merge all packs into one even when there are few.
    pub merge_packs: bool,
}

impl GcOptions {
    /// Sets the prune grace period.
    pub fn prune_grace(mut self, grace: Duration) -> Self {
        self.prune_grace = Some(grace);
        self
    }

    /// Asks to merge all packs into one.
    pub fn merge_packs(mut self, yes: bool) -> Self {
        self.merge_packs = yes;
        self
    }
}

/// What a gc run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcOutcome {
    /// Another process was compacting; nothing was done.
    pub busy: bool,
    /// Loose objects moved into a new pack.
    pub packed: usize,
    /// Unreachable loose objects deleted.
    pub pruned: usize,
    /// Unreachable loose objects kept because they are recent.
    pub kept_recent: usize,
    /// Packs merged into one (0 when none were).
    pub packs_merged: usize,
    /// Packs left.
    pub packs: usize,
}

impl Registry {
    /// Packs loose objects and prunes old unreachable ones, with the
    /// options of this handle. Safe while other processes write: only one
    /// gc runs at a time (a file lock), nothing a reference reaches is
    /// ever deleted, and recent objects are kept.
    ///
    /// # Errors
    /// When files cannot be read or written.
    pub fn gc(&self) -> Result<GcOutcome, StorageError> {
        self.gc_with(&GcOptions::default())
    }

    /// As [`Registry::gc`], with `options`.
    ///
    /// # Errors
    /// When files cannot be read or written.
    pub fn gc_with(&self, options: &GcOptions) -> Result<GcOutcome, StorageError> {
        self.compact(options, LOCK_ATTEMPTS)
    }

    /// The file whose lock one compaction at a time holds.
    fn gc_lock_file(&self) -> Result<(fs::File, std::path::PathBuf), StorageError> {
        let lock_path = self.git_dir().join("cdl-gc.lock");
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| StorageError::io("opening", &lock_path, e))?;
        Ok((lock, lock_path))
    }

    /// Holds off compaction until the returned file is dropped (waiting
    /// for a compaction under way to finish): no object file is deleted
    /// meanwhile, which a backup needs.
    pub(crate) fn hold_compaction(&self) -> Result<fs::File, StorageError> {
        let (lock, lock_path) = self.gc_lock_file()?;
        lock.lock()
            .map_err(|e| StorageError::io("locking", &lock_path, e))?;
        Ok(lock)
    }

    /// The compaction run after writes: gives up at once when the lock is
    /// taken, so that an acknowledged write never waits for it.
    pub(crate) fn auto_gc(&self) -> Result<GcOutcome, StorageError> {
        self.compact(&GcOptions::default(), 1)
    }

    fn compact(&self, options: &GcOptions, attempts: u32) -> Result<GcOutcome, StorageError> {
        let git_dir = self.git_dir();
        let (lock, lock_path) = self.gc_lock_file()?;
        if !lock_briefly(&lock, &lock_path, attempts)? {
            return Ok(GcOutcome {
                busy: true,
                ..GcOutcome::default()
            });
        }
        let grace = options.prune_grace.unwrap_or(self.options().prune_grace);
        let mut outcome = GcOutcome::default();
        self.clean_tmp(grace.max(Duration::from_secs(600)));

        let objects_dir = git_dir.join("objects");
        let loose = list_loose(&objects_dir)?;
        let reachable = self.reachable_loose(&loose)?;
        if !reachable.is_empty() {
            let ids: Vec<ObjectId> = reachable.iter().copied().collect();
            self.write_pack(&ids)?;
            for id in &ids {
                if let Some(path) = loose.get(id).map(|(p, _)| p) {
                    let _ = fs::remove_file(path);
                }
            }
            outcome.packed = ids.len();
        }
        let now = SystemTime::now();
        for (id, (path, modified)) in &loose {
            if reachable.contains(id) {
                continue;
            }
            let age = now.duration_since(*modified).unwrap_or_default();
            if age >= grace {
                if fs::remove_file(path).is_ok() {
                    outcome.pruned += 1;
                }
            } else {
                outcome.kept_recent += 1;
            }
        }
        let packs = list_packs(&objects_dir.join("pack"))?;
        if packs.len() > 1 && (options.merge_packs || packs.len() > self.options().max_packs) {
            let mut ids = Vec::new();
            for idx in &packs {
                let index = gix_pack::index::File::at(idx, gix::hash::Kind::Sha1)
                    .git("reading a pack index")?;
                ids.extend(index.iter().map(|e| e.oid));
            }
            ids.sort_unstable();
            ids.dedup();
            let new_pack = self.write_pack(&ids)?;
            for idx in &packs {
                if Some(idx) == new_pack.as_ref() {
                    continue;
                }
                // Index first: a pack without index is ignored by readers.
                let _ = fs::remove_file(idx);
                let _ = fs::remove_file(idx.with_extension("pack"));
                let _ = fs::remove_file(idx.with_extension("rev"));
            }
            outcome.packs_merged = packs.len();
        }
        outcome.packs = list_packs(&objects_dir.join("pack"))?.len();
        Ok(outcome)
    }

    /// Deletes temporary files of writers that were killed.
    fn clean_tmp(&self, older_than: Duration) {
        let Ok(entries) = fs::read_dir(self.tmp_dir()) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .map(|m| now.duration_since(m).unwrap_or_default() >= older_than)
                .unwrap_or(false);
            if old {
                let path = entry.path();
                let _ = if path.is_dir() {
                    fs::remove_dir_all(&path)
                } else {
                    fs::remove_file(&path)
                };
            }
        }
    }

    /// The loose objects reachable from any reference, walking only
    /// through loose objects.
    fn reachable_loose(
        &self,
        loose: &HashMap<ObjectId, (PathBuf, SystemTime)>,
    ) -> Result<HashSet<ObjectId>, StorageError> {
        let repo = self.reader();
        let mut roots: Vec<ObjectId> = Vec::new();
        let platform = repo.references().git("listing references")?;
        for r in platform.all().git("listing references")? {
            let r = r.git("listing references")?;
            if let Some(id) = r.try_id() {
                roots.push(id.detach());
            }
        }
        let mut reached = HashSet::new();
        walk_reachable(roots, |id| {
            if !loose.contains_key(&id) {
                return Ok(None);
            }
            reached.insert(id);
            Ok(Some(repo.find_object(id).git("reading an object")?))
        })?;
        Ok(reached)
    }

    /// Writes the objects of one write (held in memory, and `extra`: whole
    /// objects already compressed, see [`blob_entries`]) as a pack, with
    /// every loose object they reach: a packed object must be packed with
    /// everything it reaches, since the reachability walk of [`Registry::gc`]
    /// stops at packs. The loose copies stay until a gc packs them again.
    pub(crate) fn write_pack_of_memory(
        &self,
        storage: &gix::odb::memory::Storage,
        extra: Vec<output::Entry>,
    ) -> Result<(), StorageError> {
        let objects_dir = self.git_dir().join("objects");
        let is_loose = |id: &ObjectId| {
            let hex = id.to_hex().to_string();
            objects_dir.join(&hex[..2]).join(&hex[2..]).is_file()
        };
        let held: HashSet<ObjectId> = extra.iter().map(|e| e.id).collect();
        // What the new objects point to outside themselves.
        let mut roots = Vec::new();
        for (kind, data) in storage.values() {
            match kind {
                gix::object::Kind::Commit => {
                    let mut commit =
                        gix::objs::CommitRefIter::from_bytes(data, gix::hash::Kind::Sha1);
                    roots.extend(commit.tree_id().ok());
                    roots.extend(commit.parent_ids());
                }
                gix::object::Kind::Tree => {
                    for entry in gix::objs::TreeRefIter::from_bytes(data, gix::hash::Kind::Sha1) {
                        let entry = entry.git("reading a tree")?;
                        if !entry.mode.is_commit() {
                            roots.push(entry.oid.to_owned());
                        }
                    }
                }
                gix::object::Kind::Tag => {
                    if let Ok(target) =
                        gix::objs::TagRefIter::from_bytes(data, gix::hash::Kind::Sha1).target_id()
                    {
                        roots.push(target);
                    }
                }
                gix::object::Kind::Blob => {}
            }
        }
        roots.retain(|id| !storage.contains_key(id) && !held.contains(id));
        let repo = self.reader();
        let mut loose = Vec::new();
        walk_reachable(roots, |id| {
            if storage.contains_key(&id) || held.contains(&id) || !is_loose(&id) {
                return Ok(None);
            }
            let object = repo.find_object(id).git("reading an object")?;
            loose.push((id, object.kind, object.data.clone()));
            Ok(Some(object))
        })?;
        let all = storage
            .iter()
            .filter(|(id, _)| !held.contains(*id))
            .map(|(id, (kind, data))| (*id, *kind, data.as_slice()))
            .chain(
                loose
                    .iter()
                    .map(|(id, kind, data)| (*id, *kind, data.as_slice())),
            );
        let all: Vec<(ObjectId, gix::object::Kind, &[u8])> = all.collect();
        // What the object store held (the commit, the trees) and the loose
        // objects it reaches, then the blobs made already.
        let mut entries = compress_entries(&all)?;
        entries.extend(extra);
        let staging = self.tmp_dir().join(unique_name("pack"));
        fs::create_dir(&staging).map_err(|e| StorageError::io("creating", &staging, e))?;
        let result = crate::pack::write_whole_pack(&staging, &entries)
            .and_then(|w| self.place_pack(&w.pack, &w.index));
        let _ = fs::remove_dir_all(&staging);
        result.map(|_| ())
    }

    /// Writes a pack of `ids` and its index into `objects/pack/`, synced,
    /// and returns the index path (`None` when `ids` is empty).
    fn write_pack(&self, ids: &[ObjectId]) -> Result<Option<PathBuf>, StorageError> {
        if ids.is_empty() {
            return Ok(None);
        }
        let objects_dir = self.git_dir().join("objects");
        let mut db = gix::odb::at(&objects_dir, gix::hash::Kind::Sha1)
            .map_err(|e| StorageError::io("opening the object database", &objects_dir, e))?;
        db.prevent_pack_unload();
        let interrupt = AtomicBool::new(false);
        let discard = gix::progress::Discard;
        let mut input = ids.iter().copied().map(Ok);
        let (counts, _) = output::count::objects_unthreaded(
            &db,
            &mut input,
            &discard,
            &interrupt,
            output::count::objects::ObjectExpansion::AsIs,
        )
        .git("counting objects to pack")?;
        let num = counts.len();
        let entries = gix::parallel::InOrderIter::from(
            output::entry::iter_from_counts(
                counts,
                db,
                Box::new(gix::progress::Discard),
                output::entry::iter_from_counts::Options {
                    thread_limit: None,
                    mode: output::entry::iter_from_counts::Mode::PackCopyAndBaseObjects,
                    allow_thin_pack: false,
                    chunk_size: 1000,
                    version: gix_pack::data::Version::default(),
                    compression: gix::zlib::Compression::DEFAULT,
                },
            )
            .git("preparing pack entries")?,
        );

        let staging = self.tmp_dir().join(unique_name("pack"));
        fs::create_dir(&staging).map_err(|e| StorageError::io("creating", &staging, e))?;
        let result = self.write_pack_in(&staging, entries, num);
        let _ = fs::remove_dir_all(&staging);
        result.map(Some)
    }

    fn write_pack_in(
        &self,
        staging: &Path,
        entries: impl Iterator<Item = Result<Vec<output::Entry>, gix::Error>>,
        num: usize,
    ) -> Result<PathBuf, StorageError> {
        let data_path = staging.join("data.pack");
        let mut data = fs::OpenOptions::new()
            .create_new(true)
            .read(true)
            .write(true)
            .open(&data_path)
            .map_err(|e| StorageError::io("creating", &data_path, e))?;
        {
            let mut writer = output::bytes::FromEntriesIter::new(
                entries,
                std::io::BufWriter::new(&mut data),
                u32::try_from(num).map_err(|_| StorageError::Inconsistent {
                    what: "more than 4 billion objects to pack".to_owned(),
                })?,
                gix_pack::data::Version::default(),
                gix::hash::Kind::Sha1,
            );
            for written in writer.by_ref() {
                written.git("writing a pack")?;
            }
            let mut out = writer.into_write();
            std::io::Write::flush(&mut out)
                .map_err(|e| StorageError::io("writing", &data_path, e))?;
        }
        data.seek(SeekFrom::Start(0))
            .map_err(|e| StorageError::io("reading", &data_path, e))?;
        let out_dir = staging.join("out");
        fs::create_dir(&out_dir).map_err(|e| StorageError::io("creating", &out_dir, e))?;
        let interrupt = AtomicBool::new(false);
        let mut reader = BufReader::new(data);
        let bundle = gix_pack::Bundle::write_to_directory(
            &mut reader,
            Some(&out_dir),
            &mut gix::progress::Discard,
            &interrupt,
            None::<gix::odb::Handle>,
            gix::hash::Kind::Sha1,
            gix_pack::bundle::write::Options::default(),
        )
        .git("indexing a pack")?;
        let (Some(pack), Some(index)) = (bundle.data_path, bundle.index_path) else {
            return Err(StorageError::Inconsistent {
                what: "the pack writer produced no files".to_owned(),
            });
        };
        self.place_pack(&pack, &index)
    }

    /// Moves a pack and its index (written and closed) into
    /// `objects/pack/`, synced, data first and index last, so that readers
    /// only see a pack with its index; returns the index's new path.
    fn place_pack(&self, pack: &Path, index: &Path) -> Result<PathBuf, StorageError> {
        let pack_dir = self.git_dir().join("objects").join("pack");
        fs::create_dir_all(&pack_dir).map_err(|e| StorageError::io("creating", &pack_dir, e))?;
        let mut placed = Vec::new();
        // Data first, index last: readers only see a pack with its index.
        for file in [pack, index] {
            if self.options().fsync {
                fs::File::open(file)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| StorageError::io("syncing", file, e))?;
            }
            let Some(name) = file.file_name() else {
                continue;
            };
            let target = pack_dir.join(name);
            fs::rename(file, &target).map_err(|e| StorageError::io("placing", &target, e))?;
            placed.push(target);
        }
        if self.options().fsync {
            sync_dir(&pack_dir)?;
        }
        placed.pop().ok_or_else(|| StorageError::Inconsistent {
            what: "no pack index was placed".to_owned(),
        })
    }
}

/// A write of at least this many objects goes to disk as one pack rather
/// than as loose files.
pub(crate) const PACK_WRITES_FROM: usize = 256;

/// How many times an explicit compaction tries the lock, 25 ms apart.
const LOCK_ATTEMPTS: u32 = 40;

/// Takes the exclusive lock on `file`, retrying for a short while.
///
/// `Ok(false)` means another compaction holds it. The retries are not
/// for that case but for a spurious one: a lock is held by an open file
/// description, and a child process forked by another thread (to run a
/// hook or `git`) shares it until it executes its program, so for those
/// few milliseconds `try_lock` fails although nobody compacts.
fn lock_briefly(file: &fs::File, path: &Path, attempts: u32) -> Result<bool, StorageError> {
    for attempt in 1..=attempts {
        match file.try_lock() {
            Ok(()) => return Ok(true),
            Err(fs::TryLockError::WouldBlock) if attempt < attempts => {
                std::thread::sleep(Duration::from_millis(25));
            }
            Err(fs::TryLockError::WouldBlock) => return Ok(false),
            Err(fs::TryLockError::Error(e)) => {
                return Err(StorageError::io("locking", path, e));
            }
        }
    }
    Ok(false)
}

/// Every loose object: path and modification time.
fn list_loose(
    objects_dir: &Path,
) -> Result<HashMap<ObjectId, (PathBuf, SystemTime)>, StorageError> {
    let mut out = HashMap::new();
    let entries =
        fs::read_dir(objects_dir).map_err(|e| StorageError::io("listing", objects_dir, e))?;
    for dir in entries.flatten() {
        let name = dir.file_name();
        let Some(prefix) = name
            .to_str()
            .filter(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()))
        else {
            continue;
        };
        let Ok(files) = fs::read_dir(dir.path()) else {
            continue;
        };
        for file in files.flatten() {
            let fname = file.file_name();
            let Some(rest) = fname.to_str() else { continue };
            let Ok(id) = ObjectId::from_hex(format!("{prefix}{rest}").as_bytes()) else {
                continue;
            };
            let modified = file
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(SystemTime::UNIX_EPOCH);
            out.insert(id, (file.path(), modified));
        }
    }
    Ok(out)
}

/// The index files of the packs.
fn list_packs(pack_dir: &Path) -> Result<Vec<PathBuf>, StorageError> {
    let Ok(entries) = fs::read_dir(pack_dir) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx") && p.with_extension("pack").exists())
        .collect();
    out.sort();
    Ok(out)
}

/// Estimates the number of loose objects as Git does: 256 times the
/// number in one fan-out folder.
pub(crate) fn estimate_loose_objects(git_dir: &Path) -> usize {
    fs::read_dir(git_dir.join("objects").join("17"))
        .map(|d| d.count() * 256)
        .unwrap_or(0)
}

/// The pack entries of blobs of `contents`, ids computed here on every
/// core, each stored uncompressed ([`crate::pack::stored_zlib`]): for
/// [`Registry::write_pack_of_memory`], without a copy of each blob in the
/// in-memory object store.
pub(crate) fn blob_entries(contents: &[&[u8]]) -> Result<Vec<output::Entry>, StorageError> {
    use rayon::prelude::*;
    contents
        .par_iter()
        .map(|data| {
            let id = gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::object::Kind::Blob, data)
                .map_err(|e| StorageError::Inconsistent {
                    what: format!("hashing a blob: {e}"),
                })?;
            Ok(output::Entry {
                id,
                kind: output::entry::Kind::Base(gix::object::Kind::Blob),
                decompressed_size: data.len(),
                compressed_data: crate::pack::stored_zlib(data),
            })
        })
        .collect()
}

/// The pack entries of `objects`, each compressed whole at the fastest
/// level, on every core: a mirror's first sync packs 100,000 objects at
/// once, and a compressor made for each of them (as
/// `output::Entry::from_data` does) costs more than the compression,
/// since each allocates and clears its window. One compressor per thread,
/// reset between objects, gives the same zlib streams.
fn compress_entries(
    objects: &[(ObjectId, gix::object::Kind, &[u8])],
) -> Result<Vec<output::Entry>, StorageError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = objects.len().div_ceil(threads).max(1);
    let parts: Vec<Result<Vec<output::Entry>, StorageError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = objects
            .chunks(chunk)
            .map(|part| scope.spawn(move || compress_part(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(StorageError::Inconsistent {
                        what: "a thread compressing pack entries stopped".to_owned(),
                    })
                })
            })
            .collect()
    });
    let mut entries = Vec::with_capacity(objects.len());
    for part in parts {
        entries.extend(part?);
    }
    Ok(entries)
}

fn compress_part(
    objects: &[(ObjectId, gix::object::Kind, &[u8])],
) -> Result<Vec<output::Entry>, StorageError> {
    use gix::zlib::stream::deflate::{Compress, FlushCompress};
    let mut compressor = Compress::new(gix::zlib::Compression::BEST_SPEED);
    let mut scratch: Vec<u8> = Vec::new();
    let mut out = Vec::with_capacity(objects.len());
    for (id, kind, data) in objects {
        compressor.reset();
        // zlib's bound for one stream of `data.len()` bytes, with room.
        let bound = data.len() + data.len() / 8 + 64;
        if scratch.len() < bound {
            scratch.resize(bound, 0);
        }
        let mut compressed = Vec::with_capacity(data.len() / 2 + 64);
        let mut input: &[u8] = data;
        loop {
            let (before_in, before_out) = (compressor.total_in(), compressor.total_out());
            let status = compressor
                .compress(input, &mut scratch, FlushCompress::Finish)
                .map_err(|e| StorageError::Inconsistent {
                    what: format!("compressing a pack entry: {e}"),
                })?;
            let used = usize::try_from(compressor.total_in() - before_in).unwrap_or(input.len());
            let made = usize::try_from(compressor.total_out() - before_out).unwrap_or(0);
            compressed.extend_from_slice(&scratch[..made.min(scratch.len())]);
            input = &input[used.min(input.len())..];
            match status {
                gix::zlib::Status::StreamEnd => break,
                _ if used == 0 && made == 0 => {
                    return Err(StorageError::Inconsistent {
                        what: "compressing a pack entry made no progress".to_owned(),
                    });
                }
                _ => {}
            }
        }
        out.push(output::Entry {
            id: *id,
            kind: output::entry::Kind::Base(*kind),
            decompressed_size: data.len(),
            compressed_data: compressed,
        });
    }
    Ok(out)
}
