//! Differences between two revisions, computed from the trees: identical
//! subtrees are skipped by id, so the cost follows the change, not the
//! size of the catalogue.

use std::collections::BTreeMap;

use gix::ObjectId;
use gix::object::tree::EntryMode;

use crate::error::{GitContext, ReadError, StorageError};
use crate::key::{Area, RecordKey};
use crate::read::{ChangeKind, resolve_in};
use crate::store::{Registry, commit_tree};

/// One side of a tree entry comparison: mode and id, if present.
type Side = Option<(EntryMode, ObjectId)>;

/// A changed path between two trees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathChange {
    /// Path in the tree, `/`-separated.
    pub path: String,
    /// Mode and id before; `None` when added.
    pub old: Option<(EntryMode, ObjectId)>,
    /// Mode and id after; `None` when deleted.
    pub new: Option<(EntryMode, ObjectId)>,
}

/// A changed record between two revisions.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordChange {
    /// The record.
    pub key: RecordKey,
    /// What happened to it.
    pub change: ChangeKind,
    /// The record's blob before, if any.
    #[serde(serialize_with = "crate::serialize_opt_oid")]
    pub old: Option<ObjectId>,
    /// The record's blob after, if any.
    #[serde(serialize_with = "crate::serialize_opt_oid")]
    pub new: Option<ObjectId>,
}

impl Registry {
    /// The records added, modified, withdrawn or deleted from `from` to
    /// `to` (revisions), sorted by key.
    ///
    /// # Errors
    /// When a revision is unknown or the repository cannot be read.
    pub fn diff(&self, from: &str, to: &str) -> Result<Vec<RecordChange>, ReadError> {
        let repo = self.reader();
        let a = commit_tree(&repo, resolve_in(&repo, from)?)?;
        let b = commit_tree(&repo, resolve_in(&repo, to)?)?;
        let mut paths = Vec::new();
        tree_changes(&repo, Some(a), Some(b), "", &mut paths)?;
        Ok(record_changes(&paths))
    }
}

/// A tree's entries: name, mode and id.
pub(crate) type Entries = Vec<(String, EntryMode, ObjectId)>;

/// Every blob-level change from tree `a` to tree `b` below `prefix`.
/// Subtrees with the same id on both sides are not read.
pub(crate) fn tree_changes(
    repo: &gix::Repository,
    a: Option<ObjectId>,
    b: Option<ObjectId>,
    prefix: &str,
    out: &mut Vec<PathChange>,
) -> Result<(), StorageError> {
    let read = |id: ObjectId| -> Result<Entries, StorageError> {
        let tree = repo.find_tree(id).git("reading a tree")?;
        let decoded = tree.decode().git("decoding a tree")?;
        Ok(decoded
            .entries
            .iter()
            .map(|e| (e.filename.to_string(), e.mode, e.oid.to_owned()))
            .collect())
    };
    walk_changes(&read, a, b, prefix, out)
}

/// As [`tree_changes`], reading each tree with `entries`: every leaf
/// (non-tree) change is pushed to `out`, after the changes below a subtree
/// of the same name.
pub(crate) fn walk_changes<E>(
    entries: &dyn Fn(ObjectId) -> Result<Entries, E>,
    a: Option<ObjectId>,
    b: Option<ObjectId>,
    prefix: &str,
    out: &mut Vec<PathChange>,
) -> Result<(), E> {
    if a == b {
        return Ok(());
    }
    let read = |id: Option<ObjectId>| id.map_or_else(|| Ok(Vec::new()), entries);
    let mut merged: BTreeMap<String, (Side, Side)> = BTreeMap::new();
    for (name, mode, id) in read(a)? {
        merged.entry(name).or_default().0 = Some((mode, id));
    }
    for (name, mode, id) in read(b)? {
        merged.entry(name).or_default().1 = Some((mode, id));
    }
    for (name, (old, new)) in merged {
        if old == new {
            continue;
        }
        let path = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let old_tree = old.filter(|(m, _)| m.is_tree()).map(|(_, id)| id);
        let new_tree = new.filter(|(m, _)| m.is_tree()).map(|(_, id)| id);
        let old_leaf = old.filter(|(m, _)| !m.is_tree());
        let new_leaf = new.filter(|(m, _)| !m.is_tree());
        if old_tree.is_some() || new_tree.is_some() {
            walk_changes(entries, old_tree, new_tree, &path, out)?;
        }
        if old_leaf.is_some() || new_leaf.is_some() {
            out.push(PathChange {
                path,
                old: old_leaf,
                new: new_leaf,
            });
        }
    }
    Ok(())
}

/// Turns path changes into record changes: a record that leaves while its
/// tombstone arrives is withdrawn.
pub(crate) fn record_changes(paths: &[PathChange]) -> Vec<RecordChange> {
    let mut tombs_added = std::collections::HashSet::new();
    for p in paths {
        if let Some((Area::Tombstone, key)) = RecordKey::from_path(&p.path)
            && p.new.is_some()
        {
            tombs_added.insert(key);
        }
    }
    let mut out: Vec<RecordChange> = paths
        .iter()
        .filter_map(|p| {
            let (Area::Record, key) = RecordKey::from_path(&p.path)? else {
                return None;
            };
            let change = match (&p.old, &p.new) {
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), Some(_)) => ChangeKind::Modified,
                (Some(_), None) if tombs_added.contains(&key) => ChangeKind::Withdrawn,
                _ => ChangeKind::Deleted,
            };
            Some(RecordChange {
                key,
                change,
                old: p.old.map(|(_, id)| id),
                new: p.new.map(|(_, id)| id),
            })
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}
