//! The mirroring side: verifies a peer's checkpoint and changes against
//! the state last accepted, and only then writes the new state under
//! `refs/mirrors/<peer>`, in one commit.

use std::collections::BTreeMap;
use std::path::Path;

use cdl_registry::{MirrorEdit, ObjectId, RecordKey, Registry};
use jiff::Timestamp;

use crate::digest::{CatalogueDigest, Digest};
use crate::envelope::Envelope;
use crate::error::SyncError;
use crate::identity::PublicKey;
use crate::statement::{Accepted, Change, Changes, Checkpoint, RegistryId};

/// The file of a mirror that holds the last accepted checkpoint, as the
/// peer signed it.
pub const CHECKPOINT_FILE: &str = "checkpoint.json";

/// The largest checkpoint envelope read.
pub const MAX_CHECKPOINT_BYTES: usize = 64 * 1024;

/// What a mirror holds of a peer now.
#[derive(Debug, Clone, Default)]
pub struct MirrorState {
    /// The mirror's commit, if the peer was mirrored before.
    pub head: Option<ObjectId>,
    /// The checkpoint accepted last.
    pub checkpoint: Option<Checkpoint>,
    /// Each record file's digest.
    pub files: BTreeMap<String, Digest>,
}

impl MirrorState {
    /// What was accepted last, for the checkpoint rules.
    pub fn accepted(&self) -> Option<Accepted> {
        self.checkpoint.as_ref().map(|c| Accepted {
            version: c.version,
            digest: c.digest,
        })
    }

    /// The version to ask changes from: the last accepted, or 0.
    pub fn since(&self) -> u64 {
        self.checkpoint.as_ref().map_or(0, |c| c.version)
    }
}

/// Reads the mirror of `peer` as it stands.
///
/// # Errors
/// When the repository cannot be read.
pub fn read_state(registry: &Registry, peer: &RegistryId) -> Result<MirrorState, SyncError> {
    let Some(head) = registry.mirror_head(peer.as_str())? else {
        return Ok(MirrorState::default());
    };
    let checkpoint = match registry.mirror_file(peer.as_str(), CHECKPOINT_FILE)? {
        Some(bytes) => Some(
            Envelope::from_bytes(&bytes, MAX_CHECKPOINT_BYTES)
                .and_then(|e| e.peek::<Checkpoint>())
                .map_err(|e| SyncError::Stored(e.to_string()))?,
        ),
        None => None,
    };
    let mut files = BTreeMap::new();
    for f in registry.catalogue_files(head)? {
        files.insert(f.path, Digest::of(&registry.blob(f.blob)?));
    }
    Ok(MirrorState {
        head: Some(head),
        checkpoint,
        files,
    })
}

/// The shared applications `peer` attested using in the checkpoint this
/// registry accepted last from it (verified when it was accepted), or
/// nothing when it was never mirrored. Reads one file, not the mirror.
///
/// # Errors
/// When the stored checkpoint cannot be read.
pub fn attested_uses(registry: &Registry, peer: &RegistryId) -> Result<Vec<String>, SyncError> {
    if registry.mirror_head(peer.as_str())?.is_none() {
        return Ok(Vec::new());
    }
    match registry.mirror_file(peer.as_str(), CHECKPOINT_FILE)? {
        Some(bytes) => Envelope::from_bytes(&bytes, MAX_CHECKPOINT_BYTES)
            .and_then(|e| e.peek::<Checkpoint>())
            .map(|c| c.uses)
            .map_err(|e| SyncError::Stored(e.to_string())),
        None => Ok(Vec::new()),
    }
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// The peer's state was already the mirror's: nothing written (a
    /// re-signed checkpoint of the same version and the same attested uses
    /// only refreshes it).
    Unchanged,
    /// A new state was written.
    Written {
        /// The mirror's new commit.
        commit: ObjectId,
        /// The version now mirrored.
        version: u64,
        /// Records added or modified.
        put: usize,
        /// Records withdrawn.
        withdrawn: usize,
    },
}

/// Verifies `envelope` (the peer's checkpoint) and `pages` (its changes
/// since the state last accepted) and writes the result, or nothing.
///
/// `local` is this registry's own id: a record whose provenance already
/// names it is a loop and refused.
///
/// # Errors
/// Every refusal names what is wrong; the mirror is then unchanged.
pub fn apply(
    registry: &Registry,
    local: &RegistryId,
    peer: &RegistryId,
    keys: &[PublicKey],
    envelope: &Envelope,
    pages: &[Changes],
    now: Timestamp,
) -> Result<Applied, SyncError> {
    let checkpoint: Checkpoint = envelope.open(keys)?;
    let state = read_state(registry, peer)?;
    checkpoint.check(peer, state.accepted().as_ref(), now)?;
    let since = state.since();
    let mut files = state.files.clone();
    let mut edits: BTreeMap<String, MirrorEdit> = BTreeMap::new();
    let (mut put, mut withdrawn) = (0, 0);
    // The feed lists each path once, in byte order across its pages (the
    // cursor is the last path of a page): a path out of order or twice is
    // a feed that was tampered with, even when the state it leads to is
    // the signed one.
    let mut last: Option<&str> = None;
    for page in pages {
        if &page.registry != peer {
            return Err(SyncError::Feed(format!(
                "a page of changes is from registry `{}`, not `{peer}`",
                page.registry
            )));
        }
        if page.since != since || page.version != checkpoint.version {
            return Err(SyncError::Feed(format!(
                "a page of changes goes from version {} to {}, but the mirror is at {since} and the checkpoint at {}",
                page.since, page.version, checkpoint.version
            )));
        }
        for change in &page.changes {
            let path = match change {
                Change::Put { path, .. } | Change::Withdraw { path, .. } => path.as_str(),
            };
            if last.is_some_and(|l| l.as_bytes() >= path.as_bytes()) {
                return Err(SyncError::Feed(format!(
                    "the changes list `{}` out of order or twice",
                    path.chars().take(200).collect::<String>()
                )));
            }
            last = Some(path);
            match change {
                Change::Put {
                    path,
                    digest,
                    origin,
                    text,
                } => {
                    check_put(local, peer, path, digest, origin, text)?;
                    files.insert(path.clone(), *digest);
                    edits.insert(
                        path.clone(),
                        MirrorEdit::Put {
                            path: path.clone(),
                            bytes: text.as_bytes().to_vec(),
                        },
                    );
                    put += 1;
                }
                Change::Withdraw { path, .. } => {
                    record_key(path)?;
                    if files.remove(path).is_some() {
                        edits.insert(path.clone(), MirrorEdit::Remove { path: path.clone() });
                        withdrawn += 1;
                    } else {
                        edits.remove(path);
                    }
                }
            }
        }
    }
    let mut digest = CatalogueDigest::new();
    for (path, d) in &files {
        digest.add(path.clone(), *d);
    }
    let count = digest.len() as u64;
    let digest = digest.finish().ok_or(SyncError::Inconsistent)?;
    if digest != checkpoint.digest || count != checkpoint.records {
        return Err(SyncError::Digest {
            version: checkpoint.version,
            expected: checkpoint.digest,
            found: digest,
            expected_records: checkpoint.records,
            found_records: count,
        });
    }
    // The same state re-signed is not written again, unless what the peer
    // attests using changed: the record pages read it from the mirror.
    if state
        .checkpoint
        .as_ref()
        .is_some_and(|c| c.version == checkpoint.version && c.uses == checkpoint.uses)
        && edits.is_empty()
    {
        return Ok(Applied::Unchanged);
    }
    let mut all: Vec<MirrorEdit> = edits.into_values().collect();
    all.push(MirrorEdit::Put {
        path: CHECKPOINT_FILE.to_owned(),
        bytes: envelope.to_bytes(),
    });
    let message = format!(
        "Mirror {peer} at version {}\n\nCheckpoint-Version: {}\nCatalogue-Digest: {}\nPeer-Commit: {}\n",
        checkpoint.version, checkpoint.version, checkpoint.digest, checkpoint.commit
    );
    let commit = registry.write_mirror(peer.as_str(), state.head, &all, &message)?;
    Ok(Applied::Written {
        commit,
        version: checkpoint.version,
        put,
        withdrawn,
    })
}

fn record_key(path: &str) -> Result<RecordKey, SyncError> {
    match RecordKey::from_path(path) {
        Some((cdl_registry::Area::Record, key)) => Ok(key),
        _ => Err(SyncError::Feed(format!(
            "`{}` is not a record path (records/<kind>/<id>.toml)",
            path.chars().take(200).collect::<String>()
        ))),
    }
}

/// A record from a peer: at a record path, with the digest of its bytes,
/// a provenance that ends with the peer and does not pass through here,
/// valid under the format and certified free for its kind.
fn check_put(
    local: &RegistryId,
    peer: &RegistryId,
    path: &str,
    digest: &Digest,
    origin: &[RegistryId],
    text: &str,
) -> Result<(), SyncError> {
    let key = record_key(path)?;
    if text.len() > cdl_records::MAX_RECORD_BYTES {
        return Err(SyncError::Feed(format!(
            "{path} is {} bytes, more than a record may be",
            text.len()
        )));
    }
    if Digest::of(text.as_bytes()) != *digest {
        return Err(SyncError::Feed(format!(
            "{path}: the text does not match its digest {digest}"
        )));
    }
    if origin.last() != Some(peer) {
        return Err(SyncError::Feed(format!(
            "{path}: its provenance does not end with {peer}"
        )));
    }
    if origin.contains(local) {
        return Err(SyncError::Loop {
            path: path.to_owned(),
            chain: origin
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(" → "),
        });
    }
    let record = cdl_records::parse(text, Some(Path::new(path)))
        .map_err(|e| SyncError::Feed(format!("{path} is not a valid record: {e}")))?;
    if record.kind() != key.kind || record.id != key.id {
        return Err(SyncError::Feed(format!(
            "{path} holds the record {}/{}",
            record.kind().as_str(),
            record.id.as_str()
        )));
    }
    let certificate = cdl_licenses::certify(record.kind(), &record.license);
    if !certificate.is_certified() {
        return Err(SyncError::Feed(format!(
            "{path}: the licence `{}` is not certified free for this kind",
            record.license
        )));
    }
    Ok(())
}
