//! The publishing side: a registry's checkpoint and its changes feed,
//! computed from its Git history.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use cdl_registry::{CatalogueFile, ChangeKind, ObjectId, Registry};
use jiff::{SignedDuration, Timestamp};

use crate::digest::{CatalogueDigest, Digest};
use crate::envelope::Envelope;
use crate::error::PublishError;
use crate::identity::Identity;
use crate::peers::Peers;
use crate::statement::{Change, Changes, Checkpoint, KeyEntry, Protocol, RegistryId, Republished};

/// How long a checkpoint is valid: a mirror shows the peer as stale after.
pub const CHECKPOINT_VALIDITY: SignedDuration = SignedDuration::from_hours(7 * 24);

/// At most this many changes in one page of the feed.
pub const PAGE_CHANGES: usize = 1000;

/// At most this many bytes of changes in one page, as JSON: what a mirror
/// reads ([`crate::client::MAX_PAGE_BYTES`]) less room for the page's own
/// fields. A page always holds at least one change (a record is at most
/// 256 KiB, far below).
pub const PAGE_BYTES: usize = crate::client::MAX_PAGE_BYTES - 16 * 1024;

/// The bytes a change takes in a page, as JSON (and its comma): counted
/// as they are written, without keeping them.
fn cost(change: &Change) -> usize {
    let mut counted = Counted(0);
    match serde_json::to_writer(&mut counted, change) {
        Ok(()) => counted.0.saturating_add(1),
        Err(_) => usize::MAX,
    }
}

/// A writer that only counts the bytes written to it.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// How many commits' listings a [`Listings`] keeps: the one being paged
/// through, the one before it, and a mirror's or two.
const LISTINGS_KEPT: usize = 4;

/// What the pages of a feed would otherwise compute again and again, kept
/// by the server between requests: the sorted record files of the last
/// few commits served (a page of a 100,000-record catalogue would else
/// list all of them to find its thousand), and the SHA-256 of each blob
/// already read (a new checkpoint then reads only the files that changed).
/// Both are derived from Git objects, which never change under their id.
#[derive(Debug, Default)]
pub struct Listings {
    recent: Mutex<VecDeque<(ObjectId, Arc<Vec<CatalogueFile>>)>>,
    digests: Mutex<HashMap<ObjectId, Digest>>,
}

impl Listings {
    /// The record files of `commit`, sorted by path in byte order.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn files(
        &self,
        registry: &Registry,
        commit: ObjectId,
    ) -> Result<Arc<Vec<CatalogueFile>>, PublishError> {
        if let Ok(recent) = self.recent.lock()
            && let Some((_, files)) = recent.iter().find(|(c, _)| *c == commit)
        {
            return Ok(Arc::clone(files));
        }
        let files = Arc::new(registry.catalogue_files(commit)?);
        if let Ok(mut recent) = self.recent.lock() {
            if recent.len() == LISTINGS_KEPT {
                recent.pop_front();
            }
            recent.push_back((commit, Arc::clone(&files)));
        }
        Ok(files)
    }

    /// The SHA-256 of each of `files`, in their order, reading only the
    /// blobs not seen before. Digests of blobs no longer listed are
    /// forgotten.
    fn digests(
        &self,
        registry: &Registry,
        files: &[CatalogueFile],
    ) -> Result<Vec<Digest>, PublishError> {
        let known = self.digests.lock().map(|d| d.clone()).unwrap_or_default();
        let mut fresh = HashMap::with_capacity(files.len());
        let mut out = Vec::with_capacity(files.len());
        for f in files {
            let digest = match known.get(&f.blob) {
                Some(d) => *d,
                None => Digest::of(&registry.blob(f.blob)?),
            };
            fresh.insert(f.blob, digest);
            out.push(digest);
        }
        if let Ok(mut digests) = self.digests.lock() {
            *digests = fresh;
        }
        Ok(out)
    }
}

/// The state of `main` a checkpoint describes: its version, commit and the
/// digest of every record file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The version: first-parent commits of `main`.
    pub version: u64,
    /// The commit.
    pub commit: ObjectId,
    /// The catalogue digest.
    pub digest: Digest,
    /// How many record files.
    pub records: u64,
}

/// The state of `main` now.
///
/// # Errors
/// When the repository cannot be read.
pub fn state(registry: &Registry, listings: &Listings) -> Result<State, PublishError> {
    let main = registry.main()?;
    let version = registry.first_parents(main)?.len() as u64;
    state_of(registry, listings, main, version)
}

/// The state of `main` at an earlier `version`, so that the pages of one
/// answer all lead to the same version while `main` moves on.
///
/// # Errors
/// [`PublishError::SinceAhead`] for a version not reached yet.
pub fn state_at(
    registry: &Registry,
    listings: &Listings,
    version: u64,
) -> Result<State, PublishError> {
    let chain = registry.first_parents(registry.main()?)?;
    let commit = match version.checked_sub(1).and_then(|i| chain.get(i as usize)) {
        Some(c) => *c,
        None => {
            return Err(PublishError::SinceAhead {
                since: version,
                version: chain.len() as u64,
            });
        }
    };
    state_of(registry, listings, commit, version)
}

fn state_of(
    registry: &Registry,
    listings: &Listings,
    main: ObjectId,
    version: u64,
) -> Result<State, PublishError> {
    let files = listings.files(registry, main)?;
    let digests = listings.digests(registry, &files)?;
    let mut digest = CatalogueDigest::new();
    for (f, d) in files.iter().zip(digests) {
        digest.add(f.path.clone(), d);
    }
    let records = digest.len() as u64;
    let digest = digest.finish().ok_or(PublishError::Inconsistent)?;
    Ok(State {
        version,
        commit: main,
        digest,
        records,
    })
}

/// Signs the checkpoint of `state` for registry `id`, valid from `now`.
pub fn checkpoint(
    id: &RegistryId,
    state: &State,
    identity: &Identity,
    now: Timestamp,
    uses: Vec<String>,
    republishes: Vec<Republished>,
) -> (Checkpoint, Envelope) {
    let checkpoint = Checkpoint {
        protocol: Protocol,
        registry: id.clone(),
        version: state.version,
        commit: state.commit.to_hex().to_string(),
        digest: state.digest,
        records: state.records,
        issued_at: now,
        expires_at: now.saturating_add(CHECKPOINT_VALIDITY).unwrap_or(now),
        uses,
        republishes,
    };
    let envelope = Envelope::seal(&checkpoint, &[identity]);
    (checkpoint, envelope)
}

/// The changes from version `since` (0: from nothing) to `state`, the
/// page starting after path `after`, at most `limit` changes.
///
/// # Errors
/// [`PublishError::SinceAhead`] when `since` is above the state's version.
pub fn changes(
    registry: &Registry,
    listings: &Listings,
    id: &RegistryId,
    state: &State,
    since: u64,
    after: Option<&str>,
    limit: usize,
) -> Result<Changes, PublishError> {
    if since > state.version {
        return Err(PublishError::SinceAhead {
            since,
            version: state.version,
        });
    }
    let from = match since {
        0 => None,
        _ => {
            let chain = registry.first_parents(state.commit)?;
            Some(
                *chain
                    .get(since as usize - 1)
                    .ok_or(PublishError::Inconsistent)?,
            )
        }
    };
    let page = feed(
        registry,
        listings,
        state.commit,
        from,
        std::slice::from_ref(id),
        after,
        limit,
    )?;
    Ok(Changes {
        protocol: Protocol,
        registry: id.clone(),
        since,
        version: state.version,
        changes: page.0,
        next: page.1,
    })
}

/// The mirrors this registry re-publishes, in the order of their ids:
/// every mirror holding a checkpoint, of a pinned peer (its name, address
/// and keys from the peers file, the chain `[peer, local]`) or held through
/// one (its `via.json`, the chain extended with `local`). A mirror of a
/// peer since removed is not re-published: nothing vouches for its keys.
///
/// # Errors
/// When the repository or a stored `via.json` cannot be read.
pub fn republished(
    registry: &Registry,
    local: &RegistryId,
    peers: &Peers,
) -> Result<Vec<Republished>, PublishError> {
    let mut out = Vec::new();
    for (name, _) in registry.mirrors()? {
        let Ok(id) = name.parse::<RegistryId>() else {
            continue;
        };
        if &id == local
            || registry
                .mirror_file(id.as_str(), crate::mirror::CHECKPOINT_FILE)?
                .is_none()
        {
            continue;
        }
        let via =
            crate::mirror::via(registry, &id).map_err(|e| PublishError::Stored(e.to_string()))?;
        let entry = match (via, peers.get(&id)) {
            (Some(mut via), _) => {
                via.chain.push(local.clone());
                via
            }
            (None, Some(peer)) => Republished {
                registry: id.clone(),
                name: peer.name.clone(),
                base_url: peer.address().to_owned(),
                keys: peer.keys.iter().copied().map(KeyEntry::of).collect(),
                chain: vec![id.clone(), local.clone()],
            },
            (None, None) => continue,
        };
        out.push(entry);
    }
    Ok(out)
}

/// The changes of the mirror of `of` that this registry re-publishes, as
/// `/federation/v1/mirrors/{of}/changes` answers them: from the mirror
/// commit written for version `since` of `of` (0: from nothing) to the
/// one written for `version` (the mirror's head when `None`), each put's
/// provenance the chain `republished` gives it, the page after path
/// `after`, at most `limit` changes.
///
/// # Errors
/// [`PublishError::UnknownMirror`] when `of` is not re-published here,
/// [`PublishError::UnknownMirrorVersion`] when the mirror never held
/// `since` or `version`, [`PublishError::SinceAhead`] when `since` is
/// above `version`.
#[allow(clippy::too_many_arguments)]
pub fn mirror_changes(
    registry: &Registry,
    listings: &Listings,
    local: &RegistryId,
    peers: &Peers,
    of: &RegistryId,
    since: u64,
    version: Option<u64>,
    after: Option<&str>,
    limit: usize,
) -> Result<Changes, PublishError> {
    let entry = republished(registry, local, peers)?
        .into_iter()
        .find(|r| &r.registry == of)
        .ok_or_else(|| PublishError::UnknownMirror {
            registry: of.clone(),
        })?;
    let head = registry
        .mirror_head(of.as_str())?
        .ok_or_else(|| PublishError::UnknownMirror {
            registry: of.clone(),
        })?;
    // Each mirror commit and the version it was written for, oldest first.
    let mut versions = Vec::new();
    for c in registry.first_parents(head)? {
        if let Some(v) = crate::mirror::commit_version(&registry.commit_message(c)?) {
            versions.push((c, v));
        }
    }
    let head_version = match versions.last() {
        Some((c, v)) if *c == head => *v,
        _ => return Err(PublishError::Inconsistent),
    };
    // The last commit written for a version (a re-signed checkpoint of the
    // same version writes a commit with the same records).
    let last_of = |wanted: u64, upto: usize| {
        versions[..upto]
            .iter()
            .enumerate()
            .rev()
            .find(|(_, (_, v))| *v == wanted)
            .map(|(i, (c, _))| (i, *c))
    };
    let (to_index, to, version) = match version {
        None => (versions.len() - 1, head, head_version),
        Some(v) => match last_of(v, versions.len()) {
            Some((i, c)) => (i, c, v),
            None => return Err(PublishError::UnknownMirrorVersion { version: v }),
        },
    };
    if since > version {
        return Err(PublishError::SinceAhead { since, version });
    }
    let from = match since {
        0 => None,
        _ => match last_of(since, to_index + 1) {
            Some((_, c)) => Some(c),
            None => return Err(PublishError::UnknownMirrorVersion { version: since }),
        },
    };
    let (changes, next) = feed(registry, listings, to, from, &entry.chain, after, limit)?;
    Ok(Changes {
        protocol: Protocol,
        registry: of.clone(),
        since,
        version,
        changes,
        next,
    })
}

/// The changes from commit `from` (`None`: from nothing) to `to`, each put
/// with provenance `origin`, the page after path `after`, at most `limit`
/// changes; with the cursor of the next page, if any.
fn feed(
    registry: &Registry,
    listings: &Listings,
    to: ObjectId,
    from: Option<ObjectId>,
    origin: &[RegistryId],
    after: Option<&str>,
    limit: usize,
) -> Result<(Vec<Change>, Option<String>), PublishError> {
    let mut out = Vec::new();
    let mut more = None;
    let skip = |path: &str| after.is_some_and(|a| path <= a);
    let mut complete = true;
    let mut used = 0usize;
    // Whether `change` still fits in the page.
    let mut fits = |change: &Change, out: &[Change]| {
        let c = cost(change);
        if !out.is_empty() && used.saturating_add(c) > PAGE_BYTES {
            return false;
        }
        used = used.saturating_add(c);
        true
    };
    match from {
        None => {
            let files = listings.files(registry, to)?;
            // Blobs before the cursor or past a full page are never read.
            let start = files.partition_point(|f| skip(&f.path));
            for f in &files[start..] {
                if out.len() == limit {
                    complete = false;
                    break;
                }
                let change = put(f.path.clone(), registry.blob(f.blob)?, origin)?;
                if !fits(&change, &out) {
                    complete = false;
                    break;
                }
                out.push(change);
                more = Some(f.path.clone());
            }
        }
        Some(from) => {
            let diff = registry.diff(&from.to_hex().to_string(), &to.to_hex().to_string())?;
            let mut diff: Vec<_> = diff
                .into_iter()
                .map(|c| (c.key.path(), c))
                .filter(|(path, _)| !skip(path))
                .collect();
            diff.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            for (path, c) in diff {
                if out.len() == limit {
                    complete = false;
                    break;
                }
                let change = match (c.change, c.new) {
                    (ChangeKind::Added | ChangeKind::Modified, Some(blob)) => {
                        put(path.clone(), registry.blob(blob)?, origin)?
                    }
                    _ => Change::Withdraw {
                        path: path.clone(),
                        reason: None,
                    },
                };
                if !fits(&change, &out) {
                    complete = false;
                    break;
                }
                out.push(change);
                more = Some(path);
            }
        }
    }
    Ok((out, if complete { None } else { more }))
}

fn put(path: String, bytes: Vec<u8>, origin: &[RegistryId]) -> Result<Change, PublishError> {
    let digest = Digest::of(&bytes);
    let text =
        String::from_utf8(bytes).map_err(|_| PublishError::NotText { path: path.clone() })?;
    Ok(Change::Put {
        path,
        digest,
        origin: origin.to_vec(),
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cost_of_a_change_is_its_json_and_a_comma() {
        let text = "title = \"« Guillemets » \\\"doubles\\\" et \\\\ barres\"\n\tfin\u{1}\n";
        let changes = [
            Change::Put {
                path: "records/software/outil.toml".to_owned(),
                digest: Digest::of(text.as_bytes()),
                origin: vec!["paris".parse().expect("an id")],
                text: text.to_owned(),
            },
            Change::Withdraw {
                path: "records/software/vieux.toml".to_owned(),
                reason: Some("Doublon « ancien »".to_owned()),
            },
            Change::Withdraw {
                path: "records/software/autre.toml".to_owned(),
                reason: None,
            },
        ];
        for change in &changes {
            let json = serde_json::to_vec(change).expect("JSON");
            assert_eq!(cost(change), json.len() + 1, "{change:?}");
        }
    }
}
