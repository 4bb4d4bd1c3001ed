//! The repository underneath: opening, durable object writing, and
//! compare-and-swap reference updates with retries.

use std::collections::BTreeSet;
use std::fs;
use std::hash::{BuildHasher, Hasher};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use gix::ObjectId;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::{FullName, Target};

use crate::config::{Options, Pseudonym, RegistryConfig};
use crate::error::{GitContext, InitError, OpenError, StorageError};
use crate::key::CONFIG_FILE;

/// The branch that holds the catalogue.
pub const MAIN_REF: &str = "refs/heads/main";
/// Where proposals live: `refs/proposals/<id>`.
pub const PROPOSALS_PREFIX: &str = "refs/proposals/";
/// A folder of the Git directory where objects and packs are prepared
/// before they are renamed into place. Git ignores it.
pub(crate) const TMP_DIR: &str = "cdl-tmp";

/// A registry: a bare Git repository whose `main` holds `registry.toml`
/// and `records/<kind>/<id>.toml`.
///
/// A `Registry` is cheap to share between threads (`&Registry` is enough:
/// every operation opens its own view of the repository). Several
/// processes may open the same registry at once: every change is a
/// compare-and-swap on the references it moves.
#[derive(Debug)]
pub struct Registry {
    git_dir: PathBuf,
    repo: gix::ThreadSafeRepository,
    config: RegistryConfig,
    options: Options,
}

/// The outcome of one compare-and-swap attempt.
pub(crate) enum Cas {
    /// Every reference moved.
    Done,
    /// Another writer moved a reference first, or holds its lock:
    /// recompute and try again.
    Lost,
}

/// One reference update of a transaction.
pub(crate) struct RefUpdate {
    pub name: String,
    /// The value it must have now; `None`: it must not exist.
    pub expected: Option<ObjectId>,
    pub new: ObjectId,
}

/// What one attempt of a retried write decided.
pub(crate) enum Attempt<T> {
    /// Finished, with this value.
    Done(T),
    /// Lost a race: try again from a fresh read.
    Retry,
}

impl Registry {
    /// Creates a registry in `dir`, a new or empty folder: a bare
    /// repository whose `main` has one commit holding `registry.toml`.
    ///
    /// # Errors
    /// [`InitError::NotEmpty`] when `dir` has files, [`InitError::Config`]
    /// for an invalid name or id, [`InitError::Storage`] when writing fails.
    pub fn init(dir: impl AsRef<Path>, config: RegistryConfig) -> Result<Registry, InitError> {
        let dir = dir.as_ref();
        config
            .check()
            .map_err(|reason| InitError::Config { reason })?;
        if let Ok(mut entries) = fs::read_dir(dir)
            && entries.next().is_some()
        {
            return Err(InitError::NotEmpty {
                path: dir.to_owned(),
            });
        }
        fs::create_dir_all(dir).map_err(|e| StorageError::io("creating", dir, e))?;
        let repo = gix::init_bare(dir).git("creating the repository")?;
        let git_dir = repo.git_dir().to_owned();
        write_synced(&git_dir.join("HEAD"), b"ref: refs/heads/main\n")?;
        let registry = Registry {
            git_dir: git_dir.clone(),
            repo: repo.into_sync(),
            config: config.clone(),
            options: Options::default(),
        };
        registry.ensure_tmp_dir()?;
        let mut repo = registry.local();
        let blob = repo
            .write_blob(config.to_toml().as_bytes())
            .git("writing registry.toml")?
            .detach();
        let tree = {
            let mut editor = repo
                .edit_tree(ObjectId::empty_tree(gix::hash::Kind::Sha1))
                .git("editing the first tree")?;
            editor
                .upsert(CONFIG_FILE, gix::object::tree::EntryKind::Blob, blob)
                .git("editing the first tree")?;
            editor.write().git("writing the first tree")?.detach()
        };
        let message = format!(
            "Create registry {}\n\nRegistry-Id: {}\n",
            config.name, config.id
        );
        let commit = registry.commit(&repo, &Pseudonym::new(&config.name), &message, tree, &[])?;
        registry.persist_objects(&mut repo)?;
        let update = RefUpdate {
            name: MAIN_REF.to_owned(),
            expected: None,
            new: commit,
        };
        match registry.try_cas(&repo, &[update], "create registry")? {
            Cas::Done => Ok(registry),
            Cas::Lost => Err(InitError::NotEmpty {
                path: dir.to_owned(),
            }),
        }
    }

    /// Opens the registry in `dir` with default [`Options`].
    ///
    /// # Errors
    /// When `dir` is not a bare repository whose `main` holds a valid
    /// `registry.toml`.
    pub fn open(dir: impl AsRef<Path>) -> Result<Registry, OpenError> {
        Registry::open_with(dir, Options::default())
    }

    /// Opens the registry in `dir` with `options`.
    ///
    /// # Errors
    /// As [`Registry::open`].
    pub fn open_with(dir: impl AsRef<Path>, options: Options) -> Result<Registry, OpenError> {
        let dir = dir.as_ref();
        let repo = gix::open_opts(dir, gix::open::Options::isolated()).map_err(|e| {
            OpenError::NotARepository {
                path: dir.to_owned(),
                reason: crate::error::plain_reason(&e),
            }
        })?;
        if !repo.is_bare() {
            return Err(OpenError::NotBare {
                path: dir.to_owned(),
            });
        }
        let git_dir = repo.git_dir().to_owned();
        let bad = |reason: String| OpenError::BadConfig {
            path: dir.to_owned(),
            reason,
        };
        let main =
            read_ref(&repo, MAIN_REF)?.ok_or_else(|| bad("it has no branch main".to_owned()))?;
        let tree = commit_tree(&repo, main)?;
        let text = read_path(&repo, tree, CONFIG_FILE)?
            .ok_or_else(|| bad("main has no registry.toml".to_owned()))?;
        let text =
            String::from_utf8(text).map_err(|_| bad("registry.toml is not UTF-8".to_owned()))?;
        let config: RegistryConfig =
            toml::from_str(&text).map_err(|e| bad(format!("registry.toml: {}", e.message())))?;
        config.check().map_err(bad)?;
        let registry = Registry {
            git_dir,
            repo: repo.into_sync(),
            config,
            options,
        };
        registry.ensure_tmp_dir()?;
        Ok(registry)
    }

    /// The registry's description, as read from `main` when opened.
    pub fn config(&self) -> &RegistryConfig {
        &self.config
    }

    /// The options of this handle.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Replaces the options of this handle.
    pub fn set_options(&mut self, options: Options) {
        self.options = options;
    }

    /// The Git directory.
    pub fn git_dir(&self) -> &Path {
        &self.git_dir
    }

    /// The commit `main` points to now.
    ///
    /// # Errors
    /// When the repository cannot be read or has no `main`.
    pub fn main(&self) -> Result<ObjectId, StorageError> {
        let repo = self.local();
        read_ref(&repo, MAIN_REF)?.ok_or_else(|| StorageError::Inconsistent {
            what: "the branch main is gone".to_owned(),
        })
    }

    /// A thread-local view of the repository whose object writes stay in
    /// memory until [`Registry::persist_objects`].
    pub(crate) fn local(&self) -> gix::Repository {
        let mut repo = self.repo.to_thread_local().with_object_memory();
        // Large trees are decoded again and again by diffs and reads.
        repo.object_cache_size_if_unset(16 * 1024 * 1024);
        repo
    }

    /// A thread-local view that reads only (no object memory).
    pub(crate) fn reader(&self) -> gix::Repository {
        self.repo.to_thread_local()
    }

    fn ensure_tmp_dir(&self) -> Result<(), StorageError> {
        let tmp = self.git_dir.join(TMP_DIR);
        fs::create_dir_all(&tmp).map_err(|e| StorageError::io("creating", &tmp, e))
    }

    pub(crate) fn tmp_dir(&self) -> PathBuf {
        self.git_dir.join(TMP_DIR)
    }

    /// The registry as committer.
    pub(crate) fn committer(&self) -> gix::actor::Signature {
        signature(
            &self.config.name,
            &format!("registry@{}", self.config.email_domain()),
        )
    }

    /// A contributor or curator, by pseudonym.
    pub(crate) fn author(&self, who: &Pseudonym) -> gix::actor::Signature {
        signature(who.name(), &who.email(&self.config.email_domain()))
    }

    /// Writes a commit object (in memory until persisted); moves no ref.
    pub(crate) fn commit(
        &self,
        repo: &gix::Repository,
        author: &Pseudonym,
        message: &str,
        tree: ObjectId,
        parents: &[ObjectId],
    ) -> Result<ObjectId, StorageError> {
        let committer = self.committer();
        let author = self.author(author);
        let mut t1 = gix::date::parse::TimeBuf::default();
        let mut t2 = gix::date::parse::TimeBuf::default();
        let commit = repo
            .new_commit_as(
                committer.to_ref(&mut t1),
                author.to_ref(&mut t2),
                message,
                tree,
                parents.iter().copied(),
            )
            .git("writing a commit")?;
        Ok(commit.id)
    }

    /// Writes every object held in `repo`'s memory as a loose object, each
    /// synced to disk (file and folder) before this returns, so that a
    /// reference naming them may move.
    pub(crate) fn persist_objects(&self, repo: &mut gix::Repository) -> Result<(), StorageError> {
        self.persist_objects_with(repo, Vec::new())
    }

    /// [`Registry::persist_objects`], with `blobs`: pack entries made
    /// already (see [`crate::maintenance::blob_entries`]) that the
    /// in-memory objects refer to, packed with them. Non-empty `blobs`
    /// always make a pack.
    pub(crate) fn persist_objects_with(
        &self,
        repo: &mut gix::Repository,
        blobs: Vec<gix_pack::data::output::Entry>,
    ) -> Result<(), StorageError> {
        let storage = match repo.objects.take_object_memory() {
            Some(storage) => storage,
            None if blobs.is_empty() => return Ok(()),
            None => gix::odb::memory::Storage::default(),
        };
        repo.objects.enable_object_memory();
        if !blobs.is_empty() || storage.len() >= crate::maintenance::PACK_WRITES_FROM {
            // One file instead of thousands (a mirror's first sync, an
            // import): loose files cost a create and a sync each.
            return self.write_pack_of_memory(&storage, blobs);
        }
        let objects_dir = self.git_dir.join("objects");
        let mut touched_dirs = BTreeSet::new();
        for (id, (kind, data)) in storage.iter() {
            let hex = id.to_hex().to_string();
            let dir = objects_dir.join(&hex[..2]);
            let path = dir.join(&hex[2..]);
            if path.exists() {
                // Freshen it, so that a concurrent prune of old unreachable
                // objects keeps it, and make sure it is on disk.
                if let Ok(file) = fs::File::open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                    if self.options.fsync {
                        file.sync_all()
                            .map_err(|e| StorageError::io("syncing", &path, e))?;
                    }
                }
                continue;
            }
            let mut compressed = gix::zlib::stream::deflate::Write::new(
                Vec::with_capacity(data.len() / 2 + 64),
                gix::zlib::Compression::BEST_SPEED,
            );
            let header = gix::objs::encode::loose_header(*kind, data.len() as u64);
            let write =
                |w: &mut gix::zlib::stream::deflate::Write<Vec<u8>>| -> std::io::Result<()> {
                    w.write_all(&header)?;
                    w.write_all(data)?;
                    w.flush()
                };
            write(&mut compressed).map_err(|e| StorageError::io("compressing object", &path, e))?;
            let bytes = compressed.into_inner();
            if !dir.exists() {
                match fs::create_dir(&dir) {
                    Ok(()) => {
                        touched_dirs.insert(objects_dir.clone());
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(StorageError::io("creating", &dir, e)),
                }
            }
            self.write_file_atomically(&path, &bytes, true)?;
            touched_dirs.insert(dir);
        }
        if self.options.fsync {
            for dir in touched_dirs {
                sync_dir(&dir)?;
            }
        }
        Ok(())
    }

    /// Writes `bytes` to a temporary file, syncs it, and renames it to
    /// `path`. The folder of `path` is not synced here.
    pub(crate) fn write_file_atomically(
        &self,
        path: &Path,
        bytes: &[u8],
        read_only: bool,
    ) -> Result<(), StorageError> {
        let tmp = self.tmp_dir().join(unique_name("obj"));
        let result = (|| -> std::io::Result<()> {
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)?;
            file.write_all(bytes)?;
            if self.options.fsync {
                file.sync_all()?;
            }
            if read_only {
                let mut perms = file.metadata()?.permissions();
                perms.set_readonly(true);
                fs::set_permissions(&tmp, perms)?;
            }
            fs::rename(&tmp, path)
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(StorageError::io("writing", path, e));
        }
        Ok(())
    }

    /// Tries to move every reference of `updates` at once, each from its
    /// expected value. Either all move, or none and [`Cas::Lost`] says
    /// another writer got there first (or holds a lock).
    pub(crate) fn try_cas(
        &self,
        repo: &gix::Repository,
        updates: &[RefUpdate],
        message: &str,
    ) -> Result<Cas, StorageError> {
        let mut edits = Vec::with_capacity(updates.len());
        for u in updates {
            let name = FullName::try_from(u.name.as_str()).git("naming a reference")?;
            edits.push(RefEdit {
                change: Change::Update {
                    log: LogChange {
                        mode: RefLog::AndReference,
                        force_create_reflog: false,
                        message: message.into(),
                    },
                    expected: match u.expected {
                        Some(old) => PreviousValue::MustExistAndMatch(Target::Object(old)),
                        None => PreviousValue::MustNotExist,
                    },
                    new: Target::Object(u.new),
                },
                name,
                deref: false,
            });
        }
        let committer = self.committer();
        let mut buf = gix::date::parse::TimeBuf::default();
        match repo.edit_references_as(edits, Some(committer.to_ref(&mut buf))) {
            Ok(_) => {
                if self.options.fsync {
                    for u in updates {
                        let path = self.git_dir.join(&u.name);
                        if let Ok(file) = fs::File::open(&path) {
                            file.sync_all()
                                .map_err(|e| StorageError::io("syncing", &path, e))?;
                        }
                        if let Some(parent) = path.parent() {
                            sync_dir(parent)?;
                        }
                    }
                }
                Ok(Cas::Done)
            }
            Err(error) => {
                // Lost the race if a reference moved, or if a lock is held.
                let fresh = self.reader();
                let mut contended = false;
                for u in updates {
                    if read_ref(&fresh, &u.name)? != u.expected {
                        return Ok(Cas::Lost);
                    }
                    let lock = self.git_dir.join(format!("{}.lock", u.name));
                    if let Ok(meta) = fs::metadata(&lock) {
                        contended = true;
                        let age = meta
                            .modified()
                            .ok()
                            .and_then(|m| m.elapsed().ok())
                            .unwrap_or_default();
                        if age > self.options.stale_lock_after {
                            // Left by a writer that was killed.
                            let _ = fs::remove_file(&lock);
                        }
                    }
                }
                if contended {
                    Ok(Cas::Lost)
                } else {
                    Err(StorageError::git("updating references", error))
                }
            }
        }
    }

    /// Runs `attempt` until it returns [`Attempt::Done`] or fails, waiting
    /// a random, growing delay after each lost race, up to the retry
    /// deadline.
    pub(crate) fn retrying<T, E: From<StorageError>>(
        &self,
        reference: &str,
        mut attempt: impl FnMut(u32) -> Result<Attempt<T>, E>,
    ) -> Result<T, E> {
        let start = Instant::now();
        let mut n = 0u32;
        loop {
            n += 1;
            if let Attempt::Done(value) = attempt(n)? {
                return Ok(value);
            }
            if start.elapsed() > self.options.retry_deadline {
                return Err(StorageError::Busy {
                    reference: reference.to_owned(),
                    attempts: n,
                }
                .into());
            }
            let cap_ms = 1u64 << n.min(7);
            std::thread::sleep(Duration::from_micros(random() % (cap_ms * 1000) + 100));
        }
    }

    /// After an acknowledged write: packs loose objects when they pile up.
    /// Failures are ignored: the write is done, and the next one retries.
    pub(crate) fn after_write(&self) {
        if self.options.auto_gc_loose_objects == 0 {
            return;
        }
        if crate::maintenance::estimate_loose_objects(&self.git_dir)
            >= self.options.auto_gc_loose_objects
        {
            let _ = self.auto_gc();
        }
    }
}

/// Reads a reference's object id, `None` when it does not exist.
pub(crate) fn read_ref(
    repo: &gix::Repository,
    name: &str,
) -> Result<Option<ObjectId>, StorageError> {
    let found = repo.try_find_reference(name).git("reading a reference")?;
    Ok(found.and_then(|r| r.try_id().map(|id| id.detach())))
}

/// The tree of a commit.
pub(crate) fn commit_tree(
    repo: &gix::Repository,
    commit: ObjectId,
) -> Result<ObjectId, StorageError> {
    let commit = repo.find_commit(commit).git("reading a commit")?;
    commit
        .tree_id()
        .git("reading a commit")
        .map(|id| id.detach())
}

/// The id of the blob or tree at `path` in `tree`, if any.
pub(crate) fn entry_at(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &str,
) -> Result<Option<(gix::object::tree::EntryMode, ObjectId)>, StorageError> {
    let mut current = tree;
    let mut mode = None;
    for part in path.split('/') {
        if mode.is_some_and(|m: gix::object::tree::EntryMode| !m.is_tree()) {
            return Ok(None);
        }
        let tree = repo.find_tree(current).git("reading a tree")?;
        let decoded = tree.decode().git("decoding a tree")?;
        let Some(entry) = decoded
            .entries
            .iter()
            .find(|e| e.filename == part.as_bytes())
        else {
            return Ok(None);
        };
        mode = Some(entry.mode);
        current = entry.oid.to_owned();
    }
    Ok(mode.map(|m| (m, current)))
}

/// The bytes of the blob at `path` in `tree`, if any.
pub(crate) fn read_path(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &str,
) -> Result<Option<Vec<u8>>, StorageError> {
    match entry_at(repo, tree, path)? {
        Some((mode, id)) if mode.is_blob() => {
            let blob = repo.find_blob(id).git("reading a blob")?;
            Ok(Some(blob.data.clone()))
        }
        _ => Ok(None),
    }
}

fn signature(name: &str, email: &str) -> gix::actor::Signature {
    gix::actor::Signature {
        name: name.into(),
        email: email.into(),
        time: gix::date::Time::now_utc(),
    }
}

/// Syncs a folder, so that names created or renamed in it survive a crash.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StorageError> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| StorageError::io("syncing folder", dir, e))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    let mut file = fs::File::create(path).map_err(|e| StorageError::io("writing", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| StorageError::io("writing", path, e))
}

/// A file name no other process or thread uses at the same time.
pub(crate) fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{prefix}-{}-{}-{:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        random()
    )
}

/// A random number from the standard library's randomly seeded hasher.
pub(crate) fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish()
}
