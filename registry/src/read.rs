//! Reading records: all of them at a revision, one, and one's history.

use std::path::Path;

use cdl_records::{Kind, Record};
use gix::ObjectId;
use rayon::prelude::*;

use crate::error::{GitContext, ReadError, StorageError};
use crate::key::{RECORDS_DIR, RecordKey, WITHDRAWN_DIR};
use crate::store::{MAIN_REF, Registry, commit_tree, entry_at, read_ref};
use crate::tombstone::Tombstone;

/// Every record at one revision.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The commit read.
    pub commit: ObjectId,
    /// The valid records, in path order.
    pub records: Vec<Record>,
    /// Tombstones of withdrawn records, in path order.
    pub tombstones: Vec<Tombstone>,
    /// Files under `records/` or `withdrawn/` that are not valid (commits
    /// made outside the registry may add them), in path order.
    pub invalid: Vec<InvalidFile>,
}

/// A file of the tree that is not a valid record or tombstone.
#[derive(Debug, Clone)]
pub struct InvalidFile {
    /// Its path in the tree.
    pub path: String,
    /// What is wrong, as shown to people.
    pub problem: String,
}

/// A record's state at one revision.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordState {
    /// The record is there.
    Present(Box<Record>),
    /// The record was withdrawn: only its tombstone remains.
    Withdrawn(Tombstone),
    /// There is no such record.
    Absent,
}

/// How one commit changed one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// The record appeared.
    Added,
    /// The record's file changed.
    Modified,
    /// The record was withdrawn: its file left, a tombstone came.
    Withdrawn,
    /// The record's file left without a tombstone (outside the registry).
    Deleted,
}

/// One commit of a record's history.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HistoryEntry {
    /// The commit that made the change: for a merged proposal, the
    /// proposal's commit (the contributor's), not the merge.
    #[serde(serialize_with = "crate::serialize_oid")]
    pub commit: ObjectId,
    /// For a merged proposal, the merge commit on `main`.
    #[serde(serialize_with = "crate::serialize_opt_oid")]
    pub merged_in: Option<ObjectId>,
    /// The author's name (a pseudonym for changes made through the registry).
    pub author: String,
    /// The author's e-mail address as recorded in the commit.
    pub email: String,
    /// Author time, seconds since the Unix epoch.
    pub time: i64,
    /// The commit message.
    pub message: String,
    /// What happened to the record.
    pub change: ChangeKind,
}

/// A file to read: where it is and which blob holds it.
struct FileEntry {
    path: String,
    id: ObjectId,
    blob: bool,
}

impl Registry {
    /// Resolves `rev` (a branch, a commit id, `main~3`...) to a commit.
    ///
    /// # Errors
    /// [`ReadError::UnknownRevision`] when it names no commit.
    pub fn resolve(&self, rev: &str) -> Result<ObjectId, ReadError> {
        let repo = self.reader();
        resolve_in(&repo, rev)
    }

    /// Every record at `rev` (`None`: `main`), read and parsed in
    /// parallel on all cores. Invalid files are listed, not fatal.
    ///
    /// # Errors
    /// When `rev` is unknown or the repository cannot be read.
    pub fn snapshot(&self, rev: Option<&str>) -> Result<Snapshot, ReadError> {
        let repo = self.reader();
        let commit = resolve_in(&repo, rev.unwrap_or(MAIN_REF))?;
        let tree = commit_tree(&repo, commit)?;
        let mut records_files = Vec::new();
        let mut tomb_files = Vec::new();
        let mut invalid = Vec::new();
        list_area(&repo, tree, RECORDS_DIR, &mut records_files, &mut invalid)?;
        list_area(&repo, tree, WITHDRAWN_DIR, &mut tomb_files, &mut invalid)?;

        let parsed: Vec<Result<Record, InvalidFile>> = records_files
            .par_iter()
            .map_init(
                || self.reader(),
                |repo, file| -> Result<Result<Record, InvalidFile>, StorageError> {
                    let text = match read_text(repo, file)? {
                        Ok(text) => text,
                        Err(bad) => return Ok(Err(bad)),
                    };
                    Ok(
                        cdl_records::parse(&text, Some(Path::new(&file.path))).map_err(|e| {
                            InvalidFile {
                                path: file.path.clone(),
                                problem: e.to_string(),
                            }
                        }),
                    )
                },
            )
            .collect::<Result<_, _>>()?;
        let mut records = Vec::with_capacity(parsed.len());
        for p in parsed {
            match p {
                Ok(r) => records.push(r),
                Err(bad) => invalid.push(bad),
            }
        }
        let mut tombstones = Vec::with_capacity(tomb_files.len());
        for file in &tomb_files {
            let text = match read_text(&repo, file)? {
                Ok(text) => text,
                Err(bad) => {
                    invalid.push(bad);
                    continue;
                }
            };
            match Tombstone::parse(&text) {
                Ok(t) => tombstones.push(t),
                Err(e) => invalid.push(InvalidFile {
                    path: file.path.clone(),
                    problem: e.message().to_owned(),
                }),
            }
        }
        invalid.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Snapshot {
            commit,
            records,
            tombstones,
            invalid,
        })
    }

    /// One record at `rev` (`None`: `main`).
    ///
    /// # Errors
    /// When `rev` is unknown or the repository cannot be read. A record
    /// whose file does not parse is reported as
    /// [`StorageError::Inconsistent`].
    pub fn record(&self, key: &RecordKey, rev: Option<&str>) -> Result<RecordState, ReadError> {
        let repo = self.reader();
        let commit = resolve_in(&repo, rev.unwrap_or(MAIN_REF))?;
        let tree = commit_tree(&repo, commit)?;
        record_in_tree(&repo, tree, key)
    }

    /// The commits of `main` (or `rev`) that changed `key`'s record or
    /// tombstone, newest first, following `main`'s first parents: a merged
    /// proposal is shown as the contributor's commit.
    ///
    /// # Errors
    /// When `rev` is unknown or the repository cannot be read.
    pub fn history(
        &self,
        key: &RecordKey,
        rev: Option<&str>,
    ) -> Result<Vec<HistoryEntry>, ReadError> {
        let repo = self.reader();
        let mut commit_id = resolve_in(&repo, rev.unwrap_or(MAIN_REF))?;
        let record_dir = format!("{RECORDS_DIR}/{}", key.kind.as_str());
        let tomb_dir = format!("{WITHDRAWN_DIR}/{}", key.kind.as_str());
        let file = format!("{}.toml", key.id.as_str());
        let mut rec_memo = Memo::default();
        let mut tomb_memo = Memo::default();
        let mut out = Vec::new();
        loop {
            let commit = repo.find_commit(commit_id).git("reading a commit")?;
            let tree = commit.tree_id().git("reading a commit")?.detach();
            let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
            let now_rec = rec_memo.lookup(&repo, tree, &record_dir, &file)?;
            let now_tomb = tomb_memo.lookup(&repo, tree, &tomb_dir, &file)?;
            let (before_rec, before_tomb) = match parents.first() {
                Some(p) => {
                    let ptree = commit_tree(&repo, *p)?;
                    (
                        rec_memo.lookup(&repo, ptree, &record_dir, &file)?,
                        tomb_memo.lookup(&repo, ptree, &tomb_dir, &file)?,
                    )
                }
                None => (None, None),
            };
            if now_rec != before_rec || now_tomb != before_tomb {
                let change = match (before_rec, now_rec) {
                    (None, Some(_)) => ChangeKind::Added,
                    (Some(_), Some(_)) => ChangeKind::Modified,
                    (Some(_), None) if now_tomb.is_some() => ChangeKind::Withdrawn,
                    (Some(_), None) => ChangeKind::Deleted,
                    (None, None) if now_tomb.is_some() => ChangeKind::Withdrawn,
                    (None, None) => ChangeKind::Deleted,
                };
                // A merge of a proposal: show the contributor's commit.
                let (shown, merged_in) = match parents.get(1) {
                    Some(second) => (*second, Some(commit_id)),
                    None => (commit_id, None),
                };
                let shown_commit = repo.find_commit(shown).git("reading a commit")?;
                let author = shown_commit.author().git("reading a commit author")?;
                out.push(HistoryEntry {
                    commit: shown,
                    merged_in,
                    author: author.name.to_string(),
                    email: author.email.to_string(),
                    time: author.seconds(),
                    message: shown_commit
                        .message_raw()
                        .git("reading a commit message")?
                        .to_string(),
                    change,
                });
            }
            match parents.first() {
                Some(p) => commit_id = *p,
                None => break,
            }
        }
        Ok(out)
    }
}

/// Remembers the last folder tree looked up, so that walking a history
/// decodes a big folder only when it changed.
#[derive(Default)]
struct Memo {
    tree: Option<ObjectId>,
    dir: Option<Option<ObjectId>>,
    file: Option<ObjectId>,
}

impl Memo {
    fn lookup(
        &mut self,
        repo: &gix::Repository,
        root: ObjectId,
        dir: &str,
        file: &str,
    ) -> Result<Option<ObjectId>, StorageError> {
        if self.tree == Some(root) {
            return Ok(self.file);
        }
        let dir_id = entry_at(repo, root, dir)?
            .filter(|(m, _)| m.is_tree())
            .map(|(_, id)| id);
        let file_id = if self.dir == Some(dir_id) {
            self.file
        } else {
            match dir_id {
                Some(d) => entry_at(repo, d, file)?.map(|(_, id)| id),
                None => None,
            }
        };
        self.tree = Some(root);
        self.dir = Some(dir_id);
        self.file = file_id;
        Ok(file_id)
    }
}

pub(crate) fn resolve_in(repo: &gix::Repository, rev: &str) -> Result<ObjectId, ReadError> {
    let unknown = || ReadError::UnknownRevision {
        rev: rev.to_owned(),
    };
    let spec = if rev == "main" { MAIN_REF } else { rev };
    let id = match read_ref(repo, spec) {
        Ok(Some(id)) => id,
        _ => repo.rev_parse_single(spec).map_err(|_| unknown())?.detach(),
    };
    let object = repo.find_object(id).map_err(|_| unknown())?;
    let commit = object.peel_to_commit().map_err(|_| unknown())?;
    Ok(commit.id)
}

pub(crate) fn record_in_tree(
    repo: &gix::Repository,
    tree: ObjectId,
    key: &RecordKey,
) -> Result<RecordState, ReadError> {
    if let Some(text) = crate::store::read_path(repo, tree, &key.path())? {
        let path = key.path();
        let text = String::from_utf8(text).map_err(|_| StorageError::Inconsistent {
            what: format!("{path} is not UTF-8"),
        })?;
        let record = cdl_records::parse(&text, Some(Path::new(&path))).map_err(|e| {
            StorageError::Inconsistent {
                what: format!("{path} is not a valid record:\n{e}"),
            }
        })?;
        return Ok(RecordState::Present(Box::new(record)));
    }
    if let Some(text) = crate::store::read_path(repo, tree, &key.tombstone_path())? {
        let path = key.tombstone_path();
        let text = String::from_utf8_lossy(&text);
        let tomb = Tombstone::parse(&text).map_err(|e| StorageError::Inconsistent {
            what: format!("{path} is not a tombstone: {}", e.message()),
        })?;
        return Ok(RecordState::Withdrawn(tomb));
    }
    Ok(RecordState::Absent)
}

/// Lists `area/<kind>/<file>` entries; anything else there is invalid.
fn list_area(
    repo: &gix::Repository,
    root: ObjectId,
    area: &str,
    files: &mut Vec<FileEntry>,
    invalid: &mut Vec<InvalidFile>,
) -> Result<(), StorageError> {
    let Some((mode, area_tree)) = entry_at(repo, root, area)? else {
        return Ok(());
    };
    if !mode.is_tree() {
        invalid.push(InvalidFile {
            path: area.to_owned(),
            problem: "not a folder".to_owned(),
        });
        return Ok(());
    }
    let tree = repo.find_tree(area_tree).git("reading a tree")?;
    let decoded = tree.decode().git("decoding a tree")?;
    for kind_entry in &decoded.entries {
        let name = kind_entry.filename.to_string();
        let path = format!("{area}/{name}");
        if !kind_entry.mode.is_tree() || name.parse::<Kind>().is_err() {
            invalid.push(InvalidFile {
                path,
                problem: "not a folder named after a kind".to_owned(),
            });
            continue;
        }
        let kind_tree = repo
            .find_tree(kind_entry.oid.to_owned())
            .git("reading a tree")?;
        let kind_decoded = kind_tree.decode().git("decoding a tree")?;
        files.reserve(kind_decoded.entries.len());
        for e in &kind_decoded.entries {
            files.push(FileEntry {
                path: format!("{path}/{}", e.filename),
                id: e.oid.to_owned(),
                blob: e.mode.is_blob(),
            });
        }
    }
    Ok(())
}

/// A file's text, or why it is not a readable record file.
fn read_text(
    repo: &gix::Repository,
    file: &FileEntry,
) -> Result<Result<String, InvalidFile>, StorageError> {
    let bad = |problem: &str| {
        Ok(Err(InvalidFile {
            path: file.path.clone(),
            problem: problem.to_owned(),
        }))
    };
    if !file.blob {
        return bad("not a regular file (a folder, link or submodule)");
    }
    let blob = repo.find_blob(file.id).git("reading a blob")?;
    if blob.data.len() > cdl_records::MAX_RECORD_BYTES {
        return bad("larger than a record may be");
    }
    match String::from_utf8(blob.data.clone()) {
        Ok(text) => Ok(Ok(text)),
        Err(_) => bad("not UTF-8 text"),
    }
}
