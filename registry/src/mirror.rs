//! A catalogue read as files, for publishing it to other registries, and
//! mirrors of other registries' catalogues, each under its own reference
//! `refs/mirrors/<peer>`, never mixed with the local `main`.
//!
//! What a mirror holds was verified before it comes here (by the
//! federation crate); this module only writes it atomically: objects
//! first, synced, then the reference moves from the value the caller read,
//! so that a write killed at any moment leaves the previous state.

use std::collections::BTreeMap;

use gix::ObjectId;

use crate::Pseudonym;
use crate::error::{GitContext, MirrorError, ReadError, StorageError};
use crate::key::{RECORDS_DIR, RecordKey};
use crate::store::{Attempt, Cas, RefUpdate, Registry, commit_tree, entry_at, read_ref};

/// Where mirrors live: `refs/mirrors/<peer>`.
pub const MIRRORS_PREFIX: &str = "refs/mirrors/";

/// The longest peer name of a mirror reference.
const MAX_PEER: usize = 40;

/// One record file of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueFile {
    /// `records/<kind>/<id>.toml`.
    pub path: String,
    /// The blob holding it.
    pub blob: ObjectId,
}

/// One change written to a mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MirrorEdit {
    /// A file added or replaced, at a path of the record layout
    /// (`records/<kind>/<id>.toml` or `withdrawn/<kind>/<id>.toml`) or a
    /// top-level metadata file such as `checkpoint.json`.
    Put {
        /// Its path.
        path: String,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// A file removed.
    Remove {
        /// Its path.
        path: String,
    },
}

impl MirrorEdit {
    fn path(&self) -> &str {
        match self {
            MirrorEdit::Put { path, .. } | MirrorEdit::Remove { path } => path,
        }
    }
}

/// Whether `peer` can name a mirror: lower-case letters, digits, inner
/// hyphens, at most 40 characters.
fn valid_peer(peer: &str) -> bool {
    !peer.is_empty()
        && peer.len() <= MAX_PEER
        && peer
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !peer.starts_with('-')
        && !peer.ends_with('-')
        && !peer.contains("--")
}

/// Whether `path` may be written in a mirror: a record or tombstone path
/// of the layout, or one plain top-level file name ending in `.json`.
fn valid_mirror_path(path: &str) -> bool {
    if RecordKey::from_path(path).is_some() {
        return true;
    }
    !path.contains('/')
        && path.ends_with(".json")
        && path.len() <= 64
        && path
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && !path.starts_with('.')
}

impl Registry {
    /// The record files of `commit` (its `records/` folder), sorted by
    /// path in byte order. Entries that are not files are left out.
    ///
    /// # Errors
    /// When the commit or a tree cannot be read.
    pub fn catalogue_files(&self, commit: ObjectId) -> Result<Vec<CatalogueFile>, ReadError> {
        let repo = self.reader();
        let tree = commit_tree(&repo, commit)?;
        let mut out = Vec::new();
        for area in [RECORDS_DIR] {
            let Some((mode, area_tree)) = entry_at(&repo, tree, area)? else {
                continue;
            };
            if !mode.is_tree() {
                continue;
            }
            let area_tree = repo.find_tree(area_tree).git("reading a tree")?;
            for kind in &area_tree.decode().git("decoding a tree")?.entries {
                if !kind.mode.is_tree() {
                    continue;
                }
                let kind_tree = repo.find_tree(kind.oid.to_owned()).git("reading a tree")?;
                for e in &kind_tree.decode().git("decoding a tree")?.entries {
                    if e.mode.is_blob() {
                        out.push(CatalogueFile {
                            path: format!("{area}/{}/{}", kind.filename, e.filename),
                            blob: e.oid.to_owned(),
                        });
                    }
                }
            }
        }
        out.sort_unstable_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
        Ok(out)
    }

    /// The bytes of the file at `path` on `main` now, if there is one
    /// (`records/<kind>/<id>.toml`): what a contribution based on an older
    /// version is compared with.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn main_file(&self, path: &str) -> Result<Option<Vec<u8>>, ReadError> {
        let repo = self.reader();
        let main =
            read_ref(&repo, crate::store::MAIN_REF)?.ok_or_else(|| StorageError::Inconsistent {
                what: "the branch main is gone".to_owned(),
            })?;
        let tree = commit_tree(&repo, main)?;
        Ok(crate::store::read_path(&repo, tree, path)?)
    }

    /// The bytes of a blob.
    ///
    /// # Errors
    /// When there is no such blob.
    pub fn blob(&self, id: ObjectId) -> Result<Vec<u8>, ReadError> {
        let repo = self.reader();
        let mut blob = repo.find_blob(id).git("reading a blob")?;
        Ok(blob.take_data())
    }

    /// The first-parent chain that ends at `commit`, oldest first: the
    /// commit at index `n - 1` is version `n` of the catalogue.
    ///
    /// # Errors
    /// When a commit of the chain cannot be read.
    pub fn first_parents(&self, commit: ObjectId) -> Result<Vec<ObjectId>, ReadError> {
        let repo = self.reader();
        let mut chain = Vec::new();
        let mut next = Some(commit);
        while let Some(id) = next {
            chain.push(id);
            let c = repo.find_commit(id).git("reading a commit")?;
            next = c.parent_ids().next().map(|p| p.detach());
        }
        chain.reverse();
        Ok(chain)
    }

    /// The message of `commit`, as written.
    ///
    /// # Errors
    /// When there is no such commit.
    pub fn commit_message(&self, commit: ObjectId) -> Result<String, ReadError> {
        let repo = self.reader();
        let c = repo.find_commit(commit).git("reading a commit")?;
        Ok(c.message_raw().git("reading a commit")?.to_string())
    }

    /// How many commits `commit` is behind `main` along `main`'s first
    /// parents: 0 when it is `main`; `None` when it is not found within
    /// `limit` commits (not an ancestor, or further behind). Reads at most
    /// `limit` commits.
    ///
    /// # Errors
    /// When `main` or a commit of its chain cannot be read.
    pub fn commits_behind_main(
        &self,
        commit: ObjectId,
        limit: usize,
    ) -> Result<Option<usize>, ReadError> {
        let repo = self.reader();
        let mut next = read_ref(&repo, crate::MAIN_REF)?;
        for behind in 0..limit {
            let Some(id) = next else {
                return Ok(None);
            };
            if id == commit {
                return Ok(Some(behind));
            }
            let c = repo.find_commit(id).git("reading a commit")?;
            next = c.parent_ids().next().map(|p| p.detach());
        }
        Ok(None)
    }

    /// The commit a mirror of `peer` is at, if the peer was ever mirrored.
    ///
    /// # Errors
    /// [`MirrorError::InvalidPeer`] for a name that cannot be a peer's.
    pub fn mirror_head(&self, peer: &str) -> Result<Option<ObjectId>, MirrorError> {
        if !valid_peer(peer) {
            return Err(MirrorError::InvalidPeer {
                peer: peer.chars().take(60).collect(),
            });
        }
        let repo = self.reader();
        Ok(read_ref(&repo, &format!("{MIRRORS_PREFIX}{peer}"))?)
    }

    /// The bytes at `path` in the mirror of `peer`, if any.
    ///
    /// # Errors
    /// When the peer's name is invalid or the repository cannot be read.
    pub fn mirror_file(&self, peer: &str, path: &str) -> Result<Option<Vec<u8>>, MirrorError> {
        let Some(head) = self.mirror_head(peer)? else {
            return Ok(None);
        };
        let repo = self.reader();
        let tree = commit_tree(&repo, head)?;
        Ok(crate::store::read_path(&repo, tree, path)?)
    }

    /// Applies `edits` to the mirror of `peer` in one commit whose parent
    /// is the mirror's current commit, and moves `refs/mirrors/<peer>` from
    /// `expected` to it. Nothing is written when another writer moved the
    /// mirror since the caller read `expected`.
    ///
    /// # Errors
    /// [`MirrorError::InvalidPeer`], [`MirrorError::InvalidPath`] (nothing
    /// outside the record layout is written), [`MirrorError::Moved`].
    pub fn write_mirror(
        &self,
        peer: &str,
        expected: Option<ObjectId>,
        edits: &[MirrorEdit],
        message: &str,
    ) -> Result<ObjectId, MirrorError> {
        if !valid_peer(peer) {
            return Err(MirrorError::InvalidPeer {
                peer: peer.chars().take(60).collect(),
            });
        }
        let mut seen = BTreeMap::new();
        for e in edits {
            if !valid_mirror_path(e.path()) {
                return Err(MirrorError::InvalidPath {
                    path: e.path().chars().take(200).collect(),
                });
            }
            if seen.insert(e.path(), ()).is_some() {
                return Err(MirrorError::InvalidPath {
                    path: format!("{} (twice)", e.path()),
                });
            }
        }
        let name = format!("{MIRRORS_PREFIX}{peer}");
        let mut repo = self.local();
        let current = read_ref(&repo, &name)?;
        if current != expected {
            return Err(MirrorError::Moved {
                peer: peer.to_owned(),
            });
        }
        let base = match current {
            Some(c) => commit_tree(&repo, c)?,
            None => ObjectId::empty_tree(gix::hash::Kind::Sha1),
        };

        // Many files (a first sync) are hashed on every core, straight
        // from the edits, and packed (uncompressed) with the trees; a few
        // go through the object store as any write.
        let puts: Vec<&[u8]> = edits
            .iter()
            .filter_map(|e| match e {
                MirrorEdit::Put { bytes, .. } => Some(bytes.as_slice()),
                MirrorEdit::Remove { .. } => None,
            })
            .collect();
        let blobs = if puts.len() >= crate::maintenance::PACK_WRITES_FROM {
            crate::maintenance::blob_entries(&puts)?
        } else {
            Vec::new()
        };
        drop(puts);

        // gix-object's editor, not the repository's: that one looks up
        // every entry of each tree written, and the packed blobs are not in
        // the object store. The paths were checked above.
        let root: gix::objs::Tree = repo
            .find_tree(base)
            .git("reading a tree")?
            .decode()
            .git("decoding a tree")?
            .into();
        let mut editor = gix::objs::tree::Editor::new(root, &repo.objects, gix::hash::Kind::Sha1);
        let mut packed = blobs.iter();
        for e in edits {
            match e {
                MirrorEdit::Put { path, bytes } => {
                    let blob = match packed.next() {
                        Some(entry) => entry.id,
                        None if blobs.is_empty() => repo
                            .write_blob(bytes)
                            .git("writing a mirrored file")?
                            .detach(),
                        None => {
                            return Err(MirrorError::Storage(StorageError::Inconsistent {
                                what: "fewer packed blobs than files".to_owned(),
                            }));
                        }
                    };
                    editor
                        .upsert(path.split('/'), gix::object::tree::EntryKind::Blob, blob)
                        .git("editing a tree")?;
                }
                MirrorEdit::Remove { path } => {
                    editor.remove(path.split('/')).git("editing a tree")?;
                }
            }
        }
        let tree = editor
            .write(|tree| repo.write_object(tree).map(gix::Id::detach))
            .git("writing a tree")?;
        let parents: Vec<ObjectId> = current.into_iter().collect();
        let commit = self.commit(
            &repo,
            &Pseudonym::new(&format!("mirror of {peer}")),
            message,
            tree,
            &parents,
        )?;
        self.persist_objects_with(&mut repo, blobs)?;
        let update = RefUpdate {
            name: name.clone(),
            expected,
            new: commit,
        };
        let done = self.retrying(&name, |_| -> Result<Attempt<()>, MirrorError> {
            match self.try_cas(&repo, std::slice::from_ref(&update), "mirror")? {
                Cas::Done => Ok(Attempt::Done(())),
                Cas::Lost => {
                    // Moved by someone else: do not retry over their state.
                    if read_ref(&self.reader(), &name)? != expected {
                        return Err(MirrorError::Moved {
                            peer: peer.to_owned(),
                        });
                    }
                    Ok(Attempt::Retry)
                }
            }
        });
        done?;
        self.after_write();
        Ok(commit)
    }

    /// The peers mirrored here, by name.
    ///
    /// # Errors
    /// When the references cannot be read.
    pub fn mirrors(&self) -> Result<Vec<(String, ObjectId)>, StorageError> {
        let repo = self.reader();
        let platform = repo.references().git("listing references")?;
        let mut out = Vec::new();
        for r in platform
            .prefixed(MIRRORS_PREFIX)
            .git("listing references")?
            .flatten()
        {
            let name = r.name().as_bstr().to_string();
            if let (Some(peer), Some(id)) = (name.strip_prefix(MIRRORS_PREFIX), r.try_id()) {
                out.push((peer.to_owned(), id.detach()));
            }
        }
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RecordFile;
    use crate::testing::{TempRegistry, software};

    fn put(path: &str, text: &str) -> MirrorEdit {
        MirrorEdit::Put {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn a_catalogue_reads_as_sorted_files_and_a_first_parent_chain() {
        let t = TempRegistry::new();
        let r = &t.registry;
        let first = r.main().unwrap();
        for id in ["zeta", "alpha"] {
            let (p, _) = r
                .propose(
                    &[RecordFile {
                        name: format!("{id}.toml"),
                        text: software(id, "Titre", "MIT"),
                    }],
                    &Pseudonym::new("z"),
                    None,
                )
                .unwrap();
            r.merge(p.as_str(), &Pseudonym::new("c")).unwrap();
        }
        let main = r.main().unwrap();
        let files = r.catalogue_files(main).unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(
            paths,
            ["records/software/alpha.toml", "records/software/zeta.toml"]
        );
        let text = String::from_utf8(r.blob(files[0].blob).unwrap()).unwrap();
        assert!(text.contains("id = \"alpha\""), "{text}");
        let chain = r.first_parents(main).unwrap();
        assert_eq!(chain.first(), Some(&first));
        assert_eq!(chain.last(), Some(&main));
        // The first-parent chain grows by one commit per change of main.
        assert_eq!(chain.len(), 3);
    }

    #[test]
    fn mirrors_are_written_apart_from_main_and_only_from_what_was_read() {
        let t = TempRegistry::new();
        let r = &t.registry;
        let main = r.main().unwrap();
        assert_eq!(r.mirror_head("lyon").unwrap(), None);
        let one = r
            .write_mirror(
                "lyon",
                None,
                &[
                    put(
                        "records/software/velo.toml",
                        &software("velo", "Vélo", "MIT"),
                    ),
                    put("checkpoint.json", "{}"),
                ],
                "Mirror lyon at version 1",
            )
            .unwrap();
        assert_eq!(r.mirror_head("lyon").unwrap(), Some(one));
        assert_eq!(r.main().unwrap(), main, "main is untouched");
        assert!(r.catalogue_files(main).unwrap().is_empty());
        assert_eq!(r.catalogue_files(one).unwrap().len(), 1);
        // A writer that read an older state is refused.
        let stale = r.write_mirror("lyon", None, &[put("checkpoint.json", "{}")], "again");
        assert!(matches!(stale, Err(MirrorError::Moved { .. })), "{stale:?}");
        // Removal, on top of the last state.
        let two = r
            .write_mirror(
                "lyon",
                Some(one),
                &[MirrorEdit::Remove {
                    path: "records/software/velo.toml".into(),
                }],
                "Mirror lyon at version 2",
            )
            .unwrap();
        assert!(r.catalogue_files(two).unwrap().is_empty());
        assert_eq!(r.first_parents(two).unwrap(), vec![one, two]);
        assert_eq!(r.mirrors().unwrap(), vec![("lyon".to_owned(), two)]);
        assert_eq!(
            r.mirror_file("lyon", "checkpoint.json").unwrap(),
            Some(b"{}".to_vec())
        );
    }

    #[test]
    fn nothing_outside_the_layout_or_the_namespace_is_written() {
        let t = TempRegistry::new();
        let r = &t.registry;
        for peer in ["", "Lyon", "../main", "a/b", "-x", "a--b", &"x".repeat(41)] {
            assert!(
                matches!(
                    r.write_mirror(peer, None, &[], "m"),
                    Err(MirrorError::InvalidPeer { .. })
                ),
                "{peer}"
            );
        }
        for path in [
            "registry.toml",
            "records/software/../x.toml",
            "records/software/x.txt",
            "records/nokind/x.toml",
            ".git/config",
            "a/checkpoint.json",
            "/checkpoint.json",
            "records/software/Bad Id.toml",
        ] {
            let r2 = r.write_mirror("lyon", None, &[put(path, "x")], "m");
            assert!(
                matches!(r2, Err(MirrorError::InvalidPath { .. })),
                "{path}: {r2:?}"
            );
        }
        let twice = r.write_mirror(
            "lyon",
            None,
            &[put("checkpoint.json", "a"), put("checkpoint.json", "b")],
            "m",
        );
        assert!(matches!(twice, Err(MirrorError::InvalidPath { .. })));
        assert_eq!(r.mirror_head("lyon").unwrap(), None, "nothing was written");
    }
}
