//! Keeping the index of a registry up to date: on start-up and after each
//! merge, from the commit the index reflects to `main`, with the registry's
//! tree diff (the work follows the change, not the catalogue).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use cdl_registry::{ChangeKind, RecordState, Registry};

use crate::document::{Change, DocMeta};
use crate::error::{IndexError, Result};
use crate::index::{IndexOptions, OpenStatus, SearchIndex};

/// The folder of a registry's index: `cdl-index` inside the registry's Git
/// directory (Git ignores it).
pub fn index_dir(registry: &Registry) -> PathBuf {
    registry.git_dir().join("cdl-index")
}

/// What [`SearchIndex::catch_up`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatchUp {
    /// The index already reflected `main`.
    UpToDate {
        /// The commit of `main`.
        commit: String,
    },
    /// The changes between the two commits were applied.
    Incremental {
        /// The commit the index reflected.
        from: String,
        /// The commit of `main`, now reflected.
        to: String,
        /// Records (re)indexed.
        upserted: usize,
        /// Records removed.
        deleted: usize,
    },
    /// The index was built from every record of `main`.
    Rebuilt {
        /// The commit of `main`.
        commit: String,
        /// Records indexed.
        records: u64,
        /// Files of the registry that are not valid records (skipped).
        invalid: usize,
    },
}

fn registry_error(e: impl std::error::Error + Send + Sync + 'static) -> IndexError {
    IndexError::Registry {
        source: Box::new(e),
    }
}

/// The head of each peer's mirror, by peer id.
fn mirror_heads(registry: &Registry) -> Result<BTreeMap<String, String>> {
    Ok(registry
        .mirrors()
        .map_err(registry_error)?
        .into_iter()
        .map(|(peer, head)| (peer, head.to_hex().to_string()))
        .collect())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Opens (or creates) the index of `registry` in its default folder and
/// brings it up to date with `main`: rebuilt if missing, corrupt or of
/// another schema version, otherwise caught up through the tree diff.
///
/// # Errors
/// When the registry or the index folder cannot be read or written.
pub fn open_for_registry(
    registry: &Registry,
    options: IndexOptions,
    rebuild: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<(SearchIndex, OpenStatus, CatchUp)> {
    open_in(registry, &index_dir(registry), options, rebuild, progress)
}

/// As [`open_for_registry`], with the index in `dir`.
fn open_in(
    registry: &Registry,
    dir: &Path,
    options: IndexOptions,
    rebuild: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<(SearchIndex, OpenStatus, CatchUp)> {
    let (index, status) = SearchIndex::open(dir, options)?;
    let outcome = if rebuild {
        index.rebuild_from(registry, progress)?
    } else {
        index.catch_up(registry, progress)?
    };
    Ok((index, status, outcome))
}

/// Progress of a full build, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Reading and parsing the records of the registry.
    Reading,
    /// Indexing: `done` of `total` records.
    Indexing {
        /// Records indexed so far.
        done: u64,
        /// Records to index.
        total: u64,
    },
    /// Writing the index to disk.
    Committing,
}

impl SearchIndex {
    /// Brings the index up to `registry`'s `main`: nothing if current; the
    /// tree diff from the recorded commit if there is one; a full build if
    /// the index is empty or the recorded commit is unknown to the registry
    /// (history rewritten).
    ///
    /// # Errors
    /// When the registry cannot be read or the index written.
    pub fn catch_up(
        &self,
        registry: &Registry,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<CatchUp> {
        let outcome = self.catch_up_main(registry, progress)?;
        self.catch_up_mirrors(registry)?;
        Ok(outcome)
    }

    /// Whether the index reflects `main` and every mirror as they are now
    /// (a few reference reads).
    ///
    /// # Errors
    /// When the registry's references cannot be read.
    pub fn is_current(&self, registry: &Registry) -> Result<bool> {
        let main = registry
            .main()
            .map_err(registry_error)?
            .to_hex()
            .to_string();
        if self.commit().as_deref() != Some(main.as_str()) {
            return Ok(false);
        }
        Ok(self.mirror_commits() == mirror_heads(registry)?)
    }

    /// Brings the records of peers' mirrors (`refs/mirrors/<peer>`) up to
    /// date, each under its peer's origin: the tree diff from the mirror
    /// commit the index reflects, all of the mirror when it reflects none
    /// (or one the registry no longer knows), and nothing left of a peer
    /// no longer mirrored. Returns the records (re)indexed and removed.
    ///
    /// # Errors
    /// When the registry cannot be read or the index written.
    pub fn catch_up_mirrors(&self, registry: &Registry) -> Result<(usize, usize)> {
        let heads = mirror_heads(registry)?;
        let known = self.mirror_commits();
        if heads == known {
            return Ok((0, 0));
        }
        let time = now();
        let mut changes = Vec::new();
        for peer in known.keys().filter(|p| !heads.contains_key(*p)) {
            changes.push(Change::DeleteOrigin {
                origin: peer.clone(),
            });
        }
        for (peer, head) in &heads {
            let meta = DocMeta {
                origin: peer.clone(),
                time,
            };
            let diff = match known.get(peer) {
                Some(from) if from == head => continue,
                Some(from) => match registry.diff(from, head) {
                    Ok(diff) => Some(diff),
                    Err(cdl_registry::ReadError::UnknownRevision { .. }) => None,
                    Err(e) => return Err(registry_error(e)),
                },
                None => None,
            };
            let Some(diff) = diff else {
                changes.push(Change::DeleteOrigin {
                    origin: peer.clone(),
                });
                let snapshot = registry.snapshot(Some(head)).map_err(registry_error)?;
                for record in snapshot.records {
                    changes.push(Change::Upsert(Box::new(record), meta.clone()));
                }
                continue;
            };
            for change in diff {
                let present = match change.change {
                    ChangeKind::Added | ChangeKind::Modified => registry
                        .record(&change.key, Some(head))
                        .map_err(registry_error)?,
                    ChangeKind::Withdrawn | ChangeKind::Deleted => RecordState::Absent,
                };
                match present {
                    RecordState::Present(record) => {
                        changes.push(Change::Upsert(record, meta.clone()));
                    }
                    RecordState::Withdrawn(_) | RecordState::Absent => {
                        changes.push(Change::Delete {
                            origin: peer.clone(),
                            kind: change.key.kind,
                            id: change.key.id,
                        });
                    }
                }
            }
        }
        let stats = self.apply_with_mirrors(&changes, None, heads)?;
        Ok((stats.upserted, stats.deleted))
    }

    fn catch_up_main(
        &self,
        registry: &Registry,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<CatchUp> {
        let main = registry
            .main()
            .map_err(registry_error)?
            .to_hex()
            .to_string();
        let Some(from) = self.commit() else {
            return self.rebuild_from(registry, progress);
        };
        if from == main {
            return Ok(CatchUp::UpToDate { commit: main });
        }
        let diff = match registry.diff(&from, &main) {
            Ok(diff) => diff,
            Err(cdl_registry::ReadError::UnknownRevision { .. }) => {
                return self.rebuild_from(registry, progress);
            }
            Err(e) => return Err(registry_error(e)),
        };
        let origin = registry.config().id.clone();
        let time = now();
        let mut changes = Vec::with_capacity(diff.len());
        for change in diff {
            match change.change {
                ChangeKind::Added | ChangeKind::Modified => {
                    match registry
                        .record(&change.key, Some(&main))
                        .map_err(registry_error)?
                    {
                        RecordState::Present(record) => changes.push(Change::Upsert(
                            record,
                            DocMeta {
                                origin: origin.clone(),
                                time,
                            },
                        )),
                        // An invalid file or a vanished record: not searchable.
                        RecordState::Withdrawn(_) | RecordState::Absent => {
                            changes.push(Change::Delete {
                                origin: origin.clone(),
                                kind: change.key.kind,
                                id: change.key.id,
                            });
                        }
                    }
                }
                ChangeKind::Withdrawn | ChangeKind::Deleted => changes.push(Change::Delete {
                    origin: origin.clone(),
                    kind: change.key.kind,
                    id: change.key.id,
                }),
            }
        }
        let stats = self.apply(&changes, &main)?;
        Ok(CatchUp::Incremental {
            from,
            to: main,
            upserted: stats.upserted,
            deleted: stats.deleted,
        })
    }

    /// Rebuilds the index from every record of `registry`'s `main`.
    ///
    /// # Errors
    /// When the registry cannot be read or the index written.
    pub fn rebuild_from(
        &self,
        registry: &Registry,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<CatchUp> {
        progress(Progress::Reading);
        let snapshot = registry.snapshot(None).map_err(registry_error)?;
        let meta = DocMeta {
            origin: registry.config().id.clone(),
            time: now(),
        };
        let total = snapshot.records.len() as u64;
        let commit = snapshot.commit.to_hex().to_string();
        let records = self.rebuild(
            snapshot.records.iter().map(|r| (r, &meta)),
            &commit,
            &mut |done| {
                progress(if done == total {
                    Progress::Committing
                } else {
                    Progress::Indexing { done, total }
                });
            },
        )?;
        // The rebuild cleared the mirrors' records too: index them again.
        self.catch_up_mirrors(registry)?;
        Ok(CatchUp::Rebuilt {
            commit,
            records,
            invalid: snapshot.invalid.len(),
        })
    }
}
