//! Backup and restore: one tar archive holding everything needed to
//! rebuild a registry's service — the Git repository (objects, references,
//! configuration) and the files that other parts keep beside it in the
//! registry folder (the curators' password hashes, keys) — but not what is
//! rebuilt from Git (the search index) nor temporary files.
//!
//! The archive is a plain POSIX tar file: `tar tf` lists it and `tar xf`
//! unpacks it, so an operator can check a backup with stock tools.

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

use crate::error::StorageError;
use crate::store::{Registry, TMP_DIR, sync_dir, unique_name};
use crate::walk::walk_reachable;

/// Folders of the registry folder that a backup leaves out: the search
/// index is rebuilt from Git on the next start, the rest is temporary.
pub const NOT_BACKED_UP: &[&str] = &["cdl-index", TMP_DIR];

/// The first entry of every archive: says what it is.
const MARKER: &str = "CONSERVATOIRE-BACKUP";

/// The error of [`Registry::backup`] and [`restore`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The registry or the archive could not be read or written.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The archive could not be written.
    #[error("writing the backup: {0}")]
    Write(std::io::Error),
    /// The archive is not a backup of this program, or is damaged.
    #[error("{0} is not a usable backup: {1}")]
    BadArchive(PathBuf, String),
    /// The target folder exists and is not empty.
    #[error("{} exists and is not empty: restore into a new or empty folder", .0.display())]
    NotEmpty(PathBuf),
    /// The restored repository is not a whole registry.
    #[error("the backup in {} does not restore a whole registry: {reason}", .path.display())]
    Incomplete {
        /// The archive.
        path: PathBuf,
        /// What is missing or wrong.
        reason: String,
    },
}

/// What a backup or a restore held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    /// Files in the archive.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
    /// References (branches, proposals) in it.
    pub refs: usize,
}

/// A file of the registry folder that is backed up from a consistent copy
/// rather than read as it lies: a live database, whose file and journal
/// may change between two reads. The caller makes the copy (for SQLite,
/// `VACUUM INTO`); the archive holds it under the live file's name, and
/// leaves out the live file and its journals.
#[derive(Debug, Clone)]
pub struct ConsistentCopy {
    /// The live file, relative to the Git directory.
    pub name: PathBuf,
    /// The consistent copy to archive in its place.
    pub copy: PathBuf,
    /// Other files of the live one to leave out (journals), relative to
    /// the Git directory.
    pub leave_out: Vec<PathBuf>,
}

impl Registry {
    /// Writes a backup of this registry to `out`, while other processes
    /// may go on writing: compaction is held off (its lock) so that no
    /// object file disappears, and the references are read before the
    /// objects, so that every object they reach is in the archive.
    ///
    /// # Errors
    /// When the registry cannot be read or `out` written.
    pub fn backup(&self, out: impl Write) -> Result<BackupSummary, BackupError> {
        self.backup_with(out, &[])
    }

    /// [`Registry::backup`], with `snapshots` archived in place of the
    /// live files they stand for.
    ///
    /// # Errors
    /// When the registry or a snapshot cannot be read or `out` written.
    pub fn backup_with(
        &self,
        out: impl Write,
        snapshots: &[ConsistentCopy],
    ) -> Result<BackupSummary, BackupError> {
        let root = self.git_dir().to_owned();
        let _gc = self.hold_compaction()?;
        // References first: a snapshot of what the archive must reach.
        let mut refs = BTreeMap::new();
        collect_files(&root, &root.join("refs"), &mut refs)?;
        for name in ["HEAD", "packed-refs"] {
            let path = root.join(name);
            if path.is_file() {
                refs.insert(PathBuf::from(name), read(&path)?);
            }
        }
        let ref_count = refs
            .keys()
            .filter(|p| p.starts_with("refs") && !is_lock(p))
            .count();
        // Then everything else, objects included.
        let mut files = Vec::new();
        list_files(&root, &root, &mut files)?;
        let mut tar = tar::Builder::new(out);
        tar.mode(tar::HeaderMode::Deterministic);
        let mut summary = BackupSummary {
            refs: ref_count,
            ..BackupSummary::default()
        };
        let marker = format!("{MARKER}\nformat = 1\nrefs = {ref_count}\n");
        append(&mut tar, Path::new(MARKER), marker.as_bytes(), &mut summary)?;
        for rel in files {
            if rel.starts_with("refs")
                || rel == Path::new("HEAD")
                || rel == Path::new("packed-refs")
                || is_lock(&rel)
                || snapshots
                    .iter()
                    .any(|s| s.name == rel || s.leave_out.contains(&rel))
            {
                continue;
            }
            let path = root.join(&rel);
            // A file may go away meanwhile (a temporary one, a lock): skip it.
            let Ok(data) = fs::read(&path) else {
                continue;
            };
            append(&mut tar, &rel, &data, &mut summary)?;
        }
        for snapshot in snapshots {
            let data = read(&snapshot.copy)?;
            append(&mut tar, &snapshot.name, &data, &mut summary)?;
        }
        for (rel, data) in &refs {
            if !is_lock(rel) {
                append(&mut tar, rel, data, &mut summary)?;
            }
        }
        let mut out = tar.into_inner().map_err(BackupError::Write)?;
        out.flush().map_err(BackupError::Write)?;
        Ok(summary)
    }
}

/// Rebuilds a registry in `dir` (new or empty) from the backup at
/// `archive`: unpacked beside it first, checked (it opens as a registry,
/// and every object its references reach is there), then renamed into
/// place, so that a failed restore leaves nothing in `dir`.
///
/// # Errors
/// When the archive is not a whole backup or `dir` is not empty.
pub fn restore(archive: &Path, dir: &Path) -> Result<BackupSummary, BackupError> {
    if let Ok(mut entries) = fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(BackupError::NotEmpty(dir.to_owned()));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(|e| StorageError::io("creating", &parent, e))?;
    let partial = parent.join(format!(".{}", unique_name("restore")));
    let result = unpack(archive, &partial).and_then(|summary| {
        check_restored(archive, &partial)?;
        if dir.exists() {
            fs::remove_dir(dir).map_err(|e| StorageError::io("replacing", dir, e))?;
        }
        fs::rename(&partial, dir).map_err(|e| StorageError::io("renaming into", dir, e))?;
        sync_dir(&parent)?;
        Ok(summary)
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&partial);
    }
    result
}

fn unpack(archive: &Path, into: &Path) -> Result<BackupSummary, BackupError> {
    let bad = |reason: String| BackupError::BadArchive(archive.to_owned(), reason);
    let file = fs::File::open(archive).map_err(|e| StorageError::io("opening", archive, e))?;
    fs::create_dir_all(into).map_err(|e| StorageError::io("creating", into, e))?;
    let mut tar = tar::Archive::new(file);
    let mut summary = BackupSummary::default();
    let mut first = true;
    let entries = tar.entries().map_err(|e| bad(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(format!("damaged archive: {e}")))?;
        let rel = entry
            .path()
            .map_err(|e| bad(format!("an unreadable name: {e}")))?
            .into_owned();
        if first {
            let mut text = String::new();
            let is_marker = rel == Path::new(MARKER)
                && entry.read_to_string(&mut text).is_ok()
                && text.starts_with(MARKER);
            if !is_marker {
                return Err(bad(
                    "it does not start with the Conservatoire's backup marker (made by `conservatoire backup`?)"
                        .to_owned(),
                ));
            }
            first = false;
            continue;
        }
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(bad(format!(
                "{} is not a plain file (a backup holds only files)",
                rel.display()
            )));
        }
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(bad(format!(
                "{} is not a relative path inside the registry",
                rel.display()
            )));
        }
        let target = into.join(&rel);
        if let Some(p) = target.parent() {
            fs::create_dir_all(p).map_err(|e| StorageError::io("creating", p, e))?;
        }
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| bad(format!("damaged archive: {e}")))?;
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(if is_secret(&rel) { 0o600 } else { 0o644 });
        }
        let mut out = options
            .open(&target)
            .map_err(|e| StorageError::io("writing", &target, e))?;
        out.write_all(&data)
            .and_then(|()| out.sync_all())
            .map_err(|e| StorageError::io("writing", &target, e))?;
        summary.files += 1;
        summary.bytes += data.len() as u64;
        if rel.starts_with("refs") {
            summary.refs += 1;
        }
    }
    if first {
        return Err(bad("it is empty".to_owned()));
    }
    Ok(summary)
}

/// The restored folder opens as a registry and holds every object that
/// its references reach.
fn check_restored(archive: &Path, dir: &Path) -> Result<(), BackupError> {
    let incomplete = |reason: String| BackupError::Incomplete {
        path: archive.to_owned(),
        reason,
    };
    let registry = Registry::open(dir).map_err(|e| incomplete(e.to_string()))?;
    registry.main().map_err(|e| incomplete(e.to_string()))?;
    let repo = registry.local();
    let mut roots = Vec::new();
    let references = repo
        .references()
        .map_err(|e| incomplete(format!("unreadable references: {e}")))?;
    let all = references
        .all()
        .map_err(|e| incomplete(format!("unreadable references: {e}")))?;
    for reference in all {
        let mut reference = reference.map_err(|e| incomplete(format!("a bad reference: {e}")))?;
        let id = reference
            .peel_to_id()
            .map_err(|e| incomplete(format!("a reference to a missing object: {e}")))?;
        roots.push(id.detach());
    }
    walk_reachable(roots, |id| match repo.find_object(id) {
        Ok(object) => Ok(Some(object)),
        Err(_) => Err(StorageError::Inconsistent {
            what: format!("object {id} is missing"),
        }),
    })
    .map_err(|e| incomplete(e.to_string()))
}

fn is_lock(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "lock")
}

fn read(path: &Path) -> Result<Vec<u8>, StorageError> {
    fs::read(path).map_err(|e| StorageError::io("reading", path, e))
}

/// Every file below `dir`, by its path relative to `root`, with its bytes.
fn collect_files(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<PathBuf, Vec<u8>>,
) -> Result<(), StorageError> {
    let mut rels = Vec::new();
    list_files(root, dir, &mut rels)?;
    for rel in rels {
        if let Ok(data) = fs::read(root.join(&rel)) {
            out.insert(rel, data);
        }
    }
    Ok(())
}

/// The plain files below `dir` (symbolic links and the folders of
/// [`NOT_BACKED_UP`] left out), relative to `root`, sorted.
fn list_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), StorageError> {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(entries) => entries.flatten().collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StorageError::io("listing", dir, e)),
    };
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if dir == root && NOT_BACKED_UP.iter().any(|n| entry.file_name() == *n) {
                continue;
            }
            list_files(root, &path, out)?;
        } else if kind.is_file() {
            out.push(rel.to_owned());
        }
    }
    Ok(())
}

/// Files only their owner may read: the federation key and peers (in
/// `federation/`) and the curators' password hashes. They keep that mode
/// through a backup and a restore.
fn is_secret(rel: &Path) -> bool {
    rel.starts_with("federation") || rel == Path::new("cdl-curators.toml")
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    rel: &Path,
    data: &[u8],
    summary: &mut BackupSummary,
) -> Result<(), BackupError> {
    let mut header = tar::Header::new_gnu();
    header.set_size(data.len() as u64);
    header.set_mode(if is_secret(rel) { 0o600 } else { 0o640 });
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, rel, data)
        .map_err(BackupError::Write)?;
    summary.files += 1;
    summary.bytes += data.len() as u64;
    Ok(())
}
