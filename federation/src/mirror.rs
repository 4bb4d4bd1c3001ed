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
use crate::peers::Peers;
use crate::statement::{Accepted, Change, Changes, Checkpoint, RegistryId, Republished};

/// The file of a mirror that holds the last accepted checkpoint, as the
/// peer signed it.
pub const CHECKPOINT_FILE: &str = "checkpoint.json";

/// The file of a mirror held through another registry: the
/// [`Republished`] entry it was accepted under (the chain, the origin's
/// name, address and keys as the re-publishing peer vouched for them).
/// A mirror of a directly pinned peer has none.
pub const VIA_FILE: &str = "via.json";

/// The largest `via.json` read.
const MAX_VIA_BYTES: usize = 64 * 1024;

/// The largest checkpoint envelope read.
pub const MAX_CHECKPOINT_BYTES: usize = 64 * 1024;

/// What a mirror holds of a peer now.
#[derive(Debug, Clone, Default)]
pub struct MirrorState {
    /// The mirror's commit, if the peer was mirrored before.
    pub head: Option<ObjectId>,
    /// The checkpoint accepted last.
    pub checkpoint: Option<Checkpoint>,
    /// Its envelope's bytes, as stored.
    pub envelope: Option<Vec<u8>>,
    /// How the mirror reached here, when it is held through a peer.
    pub via: Option<Republished>,
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
    let envelope = registry.mirror_file(peer.as_str(), CHECKPOINT_FILE)?;
    let checkpoint = match &envelope {
        Some(bytes) => Some(
            Envelope::from_bytes(bytes, MAX_CHECKPOINT_BYTES)
                .and_then(|e| e.peek::<Checkpoint>())
                .map_err(|e| SyncError::Stored(e.to_string()))?,
        ),
        None => None,
    };
    let via = via(registry, peer)?;
    let mut files = BTreeMap::new();
    for f in registry.catalogue_files(head)? {
        files.insert(f.path, Digest::of(&registry.blob(f.blob)?));
    }
    Ok(MirrorState {
        head: Some(head),
        checkpoint,
        envelope,
        via,
        files,
    })
}

/// How the mirror of `of` reached here, when it is held through a peer
/// (its `via.json`); `None` for a direct peer's mirror or no mirror.
///
/// # Errors
/// When the repository or the file cannot be read.
pub fn via(registry: &Registry, of: &RegistryId) -> Result<Option<Republished>, SyncError> {
    match registry.mirror_file(of.as_str(), VIA_FILE)? {
        Some(bytes) if bytes.len() <= MAX_VIA_BYTES => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| SyncError::Stored(format!("{VIA_FILE} of {of}: {e}"))),
        Some(_) => Err(SyncError::Stored(format!(
            "{VIA_FILE} of {of} is too large"
        ))),
        None => Ok(None),
    }
}

/// The checkpoint accepted last from `peer` (verified when it was), or
/// `None` when it was never mirrored. Reads one file, not the mirror.
///
/// # Errors
/// When the stored checkpoint cannot be read.
pub fn stored_checkpoint(
    registry: &Registry,
    peer: &RegistryId,
) -> Result<Option<Checkpoint>, SyncError> {
    match registry.mirror_file(peer.as_str(), CHECKPOINT_FILE)? {
        Some(bytes) => Envelope::from_bytes(&bytes, MAX_CHECKPOINT_BYTES)
            .and_then(|e| e.peek::<Checkpoint>())
            .map(Some)
            .map_err(|e| SyncError::Stored(e.to_string())),
        None => Ok(None),
    }
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
    /// The same records, under a checkpoint re-signed since (a later
    /// expiry, or another list of re-published mirrors): the new envelope
    /// was stored, so that what this registry re-publishes never expires
    /// while the peer keeps re-signing.
    Refreshed {
        /// The mirror's new commit.
        commit: ObjectId,
        /// The version mirrored, unchanged.
        version: u64,
    },
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
    pages: impl Into<Feed>,
    now: Timestamp,
) -> Result<Applied, SyncError> {
    apply_as(
        registry,
        local,
        peer,
        keys,
        envelope,
        pages.into(),
        now,
        Source::Direct,
    )
}

/// Who checks the records of a feed: this registry, the registry whose
/// records they are, and for a re-published mirror the provenance chain
/// each must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checks {
    local: RegistryId,
    peer: RegistryId,
    chain: Option<Vec<RegistryId>>,
}

impl Checks {
    /// For the feed of `peer`, pinned here, mirrored by `local`.
    pub fn direct(local: &RegistryId, peer: &RegistryId) -> Self {
        Checks {
            local: local.clone(),
            peer: peer.clone(),
            chain: None,
        }
    }

    /// For the feed of the registry that `entry` re-publishes.
    pub fn republished(local: &RegistryId, entry: &Republished) -> Self {
        Checks {
            local: local.clone(),
            peer: entry.registry.clone(),
            chain: Some(entry.chain.clone()),
        }
    }

    /// Checks every record `page` puts, on every core; the refusal of the
    /// first one in feed order that fails. What holds across pages (the
    /// order of paths, the versions, the whole digest) is checked when the
    /// feed is applied.
    ///
    /// # Errors
    /// The first record refused, as [`apply`] would report it.
    pub fn page(&self, page: &Changes) -> Result<(), SyncError> {
        let puts: Vec<_> = page
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Put {
                    path,
                    digest,
                    origin,
                    text,
                } => Some((path.as_str(), digest, origin.as_slice(), text.as_str())),
                Change::Withdraw { .. } => None,
            })
            .collect();
        check_puts(&self.local, &self.peer, self.chain.as_deref(), &puts)
    }
}

/// The pages of changes of one sync, in feed order, with each page's
/// outcome under [`Checks::page`] when it was checked already: a sync
/// checks a page while it fetches the next.
#[derive(Debug)]
pub struct Feed {
    pages: Vec<Changes>,
    checked: Option<(Checks, Vec<Result<(), SyncError>>)>,
}

impl Feed {
    /// Pages with their outcomes under `checks`, in feed order. Only this
    /// crate's client makes one, from the checks it ran itself: outcomes
    /// from elsewhere would let records through unchecked.
    pub(crate) fn checked(checks: Checks, pages: Vec<(Changes, Result<(), SyncError>)>) -> Self {
        let (pages, outcomes) = pages.into_iter().unzip();
        Feed {
            pages,
            checked: Some((checks, outcomes)),
        }
    }

    /// Each page's outcome under `checks`: the ones given, if they were
    /// for the same checks, else computed now.
    fn outcomes(&mut self, checks: &Checks) -> Vec<Result<(), SyncError>> {
        match self.checked.take() {
            Some((c, outcomes)) if &c == checks && outcomes.len() == self.pages.len() => outcomes,
            _ => self.pages.iter().map(|p| checks.page(p)).collect(),
        }
    }
}

impl From<Vec<Changes>> for Feed {
    fn from(pages: Vec<Changes>) -> Self {
        Feed {
            pages,
            checked: None,
        }
    }
}

/// A copy of pages the caller keeps (tests replay the same pages).
impl From<&[Changes]> for Feed {
    fn from(pages: &[Changes]) -> Self {
        pages.to_vec().into()
    }
}

/// A copy of pages the caller keeps (tests replay the same pages).
impl<const N: usize> From<&[Changes; N]> for Feed {
    fn from(pages: &[Changes; N]) -> Self {
        pages.as_slice().into()
    }
}

/// A copy of pages the caller keeps (tests replay the same pages).
impl From<&Vec<Changes>> for Feed {
    fn from(pages: &Vec<Changes>) -> Self {
        pages.as_slice().into()
    }
}

/// Where the checkpoint and changes being applied come from.
#[derive(Clone, Copy)]
enum Source<'a> {
    /// From the registry itself, a pinned peer.
    Direct,
    /// Re-published by a peer, under this entry of its checkpoint.
    Via(&'a Republished),
}

/// Verifies and writes the mirror of a registry that `entry` (an entry of
/// the `republishes` of a peer's checkpoint, verified with the peer's key)
/// re-publishes: `envelope` is the origin's own signed checkpoint, checked
/// with the keys the peer vouches for, and `pages` its changes, checked
/// exactly as a direct peer's, each record's provenance being the entry's
/// chain. The entry is kept as the mirror's [`VIA_FILE`]. When the mirror
/// was held under another chain, the feed must be the whole catalogue
/// (`since` 0, see [`plan`]) and replaces it; the version still never goes
/// down.
///
/// # Errors
/// Every refusal names what is wrong; the mirror is then unchanged.
pub fn apply_republished(
    registry: &Registry,
    local: &RegistryId,
    entry: &Republished,
    envelope: &Envelope,
    pages: impl Into<Feed>,
    now: Timestamp,
) -> Result<Applied, SyncError> {
    let keys = vouched_keys(entry)?;
    apply_as(
        registry,
        local,
        &entry.registry,
        &keys,
        envelope,
        pages.into(),
        now,
        Source::Via(entry),
    )
}

/// The keys a re-publishing peer vouches for, each checked against its
/// fingerprint.
///
/// # Errors
/// [`SyncError::Feed`] for a key that is not its fingerprint's, or none.
pub fn vouched_keys(entry: &Republished) -> Result<Vec<PublicKey>, SyncError> {
    let keys = entry
        .keys
        .iter()
        .map(|k| k.key())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| {
            SyncError::Feed(crate::error::FeedError::RepublishedKey {
                registry: entry.registry.clone(),
                source,
            })
        })?;
    if keys.is_empty() {
        return Err(SyncError::Feed(crate::error::FeedError::NoRepublishedKey {
            registry: entry.registry.clone(),
        }));
    }
    Ok(keys)
}

/// Whether the mirror of `entry.registry` held here must be replaced as a
/// whole: it is held, but under another chain (or directly).
fn replaces(state: &MirrorState, entry: &Republished) -> bool {
    state.head.is_some() && state.via.as_ref().is_none_or(|v| v.chain != entry.chain)
}

#[allow(clippy::too_many_arguments)]
fn apply_as(
    registry: &Registry,
    local: &RegistryId,
    peer: &RegistryId,
    keys: &[PublicKey],
    envelope: &Envelope,
    mut feed: Feed,
    now: Timestamp,
    source: Source<'_>,
) -> Result<Applied, SyncError> {
    let checkpoint: Checkpoint = envelope.open(keys)?;
    let state = read_state(registry, peer)?;
    checkpoint.check(peer, state.accepted().as_ref(), now)?;
    let fresh = match source {
        Source::Via(entry) => replaces(&state, entry),
        Source::Direct => false,
    };
    let since = if fresh { 0 } else { state.since() };
    let mut files = if fresh {
        BTreeMap::new()
    } else {
        state.files.clone()
    };
    let mut edits: BTreeMap<String, MirrorEdit> = BTreeMap::new();
    let (mut put, mut withdrawn) = (0, 0);
    // Each page's records, checked (in parallel, as parsing and
    // certifying them is most of a first mirror's work) while the sync
    // fetched the next page, or now; their refusals are reported once the
    // feed's order is checked.
    let checks = match source {
        Source::Via(entry) => Checks::republished(local, entry),
        Source::Direct => Checks::direct(local, peer),
    };
    let outcomes = feed.outcomes(&checks);
    // The feed lists each path once, in byte order across its pages (the
    // cursor is the last path of a page): a path out of order or twice is
    // a feed that was tampered with, even when the state it leads to is
    // the signed one.
    let mut last: Option<String> = None;
    for page in feed.pages {
        if &page.registry != peer {
            return Err(SyncError::Feed(crate::error::FeedError::WrongRegistry {
                found: page.registry.clone(),
                expected: peer.clone(),
            }));
        }
        if page.since != since || page.version != checkpoint.version {
            return Err(SyncError::Feed(crate::error::FeedError::WrongVersions {
                since: page.since,
                version: page.version,
                mirrored: since,
                signed: checkpoint.version,
            }));
        }
        for change in page.changes {
            let path = match &change {
                Change::Put { path, .. } | Change::Withdraw { path, .. } => path,
            };
            if last
                .as_ref()
                .is_some_and(|l| l.as_bytes() >= path.as_bytes())
            {
                return Err(SyncError::Feed(crate::error::FeedError::OutOfOrder {
                    path: path.chars().take(200).collect(),
                }));
            }
            last = Some(path.clone());
            match change {
                Change::Put {
                    path, digest, text, ..
                } => {
                    files.insert(path.clone(), digest);
                    edits.insert(
                        path.clone(),
                        MirrorEdit::Put {
                            path,
                            bytes: text.into_bytes(),
                        },
                    );
                    put += 1;
                }
                Change::Withdraw { path, .. } => {
                    record_key(&path)?;
                    if files.remove(&path).is_some() {
                        edits.insert(path.clone(), MirrorEdit::Remove { path });
                        withdrawn += 1;
                    } else {
                        edits.remove(&path);
                    }
                }
            }
        }
    }
    outcomes.into_iter().collect::<Result<(), SyncError>>()?;
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
    // A replaced mirror loses what the new feed does not hold.
    if fresh {
        for path in state.files.keys().filter(|p| !files.contains_key(*p)) {
            edits.insert(path.clone(), MirrorEdit::Remove { path: path.clone() });
            withdrawn += 1;
        }
    }
    let records_changed = !edits.is_empty();
    // How the mirror reached here: the entry it was re-published under, or
    // nothing once the registry is mirrored directly.
    let via_edit = match (source, &state.via) {
        (Source::Via(entry), Some(held)) if held == entry => None,
        (Source::Via(entry), _) => Some(MirrorEdit::Put {
            path: VIA_FILE.to_owned(),
            bytes: serde_json::to_vec_pretty(entry).map_err(|_| SyncError::Inconsistent)?,
        }),
        (Source::Direct, Some(_)) => Some(MirrorEdit::Remove {
            path: VIA_FILE.to_owned(),
        }),
        (Source::Direct, None) => None,
    };
    let bytes = envelope.to_bytes();
    let same_version = state
        .checkpoint
        .as_ref()
        .is_some_and(|c| c.version == checkpoint.version);
    // What the peer attests using is read from the mirror by the record
    // pages: a change of it is a new state.
    let same_uses = state
        .checkpoint
        .as_ref()
        .is_some_and(|c| c.uses == checkpoint.uses);
    if same_version
        && same_uses
        && !records_changed
        && via_edit.is_none()
        && state.envelope.as_deref() == Some(bytes.as_slice())
    {
        return Ok(Applied::Unchanged);
    }
    let mut all: Vec<MirrorEdit> = edits.into_values().collect();
    all.push(MirrorEdit::Put {
        path: CHECKPOINT_FILE.to_owned(),
        bytes,
    });
    all.extend(via_edit);
    let via_line = match source {
        Source::Via(entry) => format!("Via: {}\n", entry.chain_text()),
        Source::Direct => String::new(),
    };
    let message = format!(
        "Mirror {peer} at version {}\n\nCheckpoint-Version: {}\nCatalogue-Digest: {}\nPeer-Commit: {}\n{via_line}",
        checkpoint.version, checkpoint.version, checkpoint.digest, checkpoint.commit
    );
    let commit = registry.write_mirror(peer.as_str(), state.head, &all, &message)?;
    if same_version && same_uses && !records_changed {
        return Ok(Applied::Refreshed {
            commit,
            version: checkpoint.version,
        });
    }
    Ok(Applied::Written {
        commit,
        version: checkpoint.version,
        put,
        withdrawn,
    })
}

/// The version a mirror commit was written for, from its
/// `Checkpoint-Version:` trailer.
pub fn commit_version(message: &str) -> Option<u64> {
    message
        .lines()
        .find_map(|l| l.strip_prefix("Checkpoint-Version:"))
        .and_then(|v| v.trim().parse().ok())
}

/// Why an entry of a peer's `republishes` is not mirrored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// It is this registry: its own records come back through the peer.
    OwnRecords,
    /// Its chain already passes through this registry: a loop.
    Loop,
    /// It is pinned here as a peer: the direct peer wins.
    DirectPeer,
    /// It is held here through another peer, which still re-publishes it
    /// under its chain: the first chain wins.
    HeldVia(RegistryId),
    /// It was mirrored here directly (a peer since removed): kept as it is.
    HeldDirectly,
    /// The entry's chain does not start with the registry, end with the
    /// peer that re-publishes it, or names a registry twice.
    BadChain,
}

/// What to do with an entry of a peer's `republishes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Leave it, for this reason.
    Skip(Skip),
    /// Fetch its checkpoint and its changes since this version.
    Fetch {
        /// The version the changes are asked from.
        since: u64,
        /// The `ETag` of the checkpoint held, when it was re-published
        /// under the same entry: nothing to do if the peer answers `304`.
        etag: Option<String>,
    },
}

/// Decides what to do with `entry`, re-published by the pinned peer
/// `through`, given this registry's id and peers: a loop, a registry
/// pinned directly, or one held through another chain that is still
/// re-published, is skipped; anything else is fetched (from nothing when
/// the mirror changes chain).
///
/// # Errors
/// When a stored mirror cannot be read.
pub fn plan(
    registry: &Registry,
    local: &RegistryId,
    peers: &Peers,
    through: &RegistryId,
    entry: &Republished,
) -> Result<Plan, SyncError> {
    if &entry.registry == local {
        return Ok(Plan::Skip(Skip::OwnRecords));
    }
    if entry.chain.contains(local) {
        return Ok(Plan::Skip(Skip::Loop));
    }
    let mut seen = std::collections::BTreeSet::new();
    if entry.chain.len() < 2
        || entry.chain.first() != Some(&entry.registry)
        || entry.chain.last() != Some(through)
        || !entry.chain.iter().all(|r| seen.insert(r))
    {
        return Ok(Plan::Skip(Skip::BadChain));
    }
    if peers.get(&entry.registry).is_some() {
        return Ok(Plan::Skip(Skip::DirectPeer));
    }
    let state = read_state(registry, &entry.registry)?;
    if state.head.is_none() {
        return Ok(Plan::Fetch {
            since: 0,
            etag: None,
        });
    }
    let Some(held) = &state.via else {
        return Ok(Plan::Skip(Skip::HeldDirectly));
    };
    if held.chain == entry.chain {
        // Held under this very entry: the stored checkpoint's `ETag` makes
        // the fetch conditional, so an unchanged mirror costs a `304`.
        let etag = (held == entry)
            .then_some(state.envelope.as_deref())
            .flatten()
            .map(|bytes| format!("\"{}\"", Digest::of(bytes).hex()));
        return Ok(Plan::Fetch {
            since: state.since(),
            etag,
        });
    }
    // Held under another chain: that chain stays while the peer it came
    // through is pinned and still re-publishes it so.
    if let Some(other) = held.through()
        && other != through
        && peers.get(other).is_some()
        && stored_checkpoint(registry, other)?.is_some_and(|c| {
            c.republishes
                .iter()
                .any(|r| r.registry == entry.registry && r.chain == held.chain)
        })
    {
        return Ok(Plan::Skip(Skip::HeldVia(other.clone())));
    }
    Ok(Plan::Fetch {
        since: 0,
        etag: None,
    })
}

fn record_key(path: &str) -> Result<RecordKey, SyncError> {
    match RecordKey::from_path(path) {
        Some((cdl_registry::Area::Record, key)) => Ok(key),
        _ => Err(SyncError::Feed(crate::error::FeedError::NotARecordPath {
            path: path.chars().take(200).collect(),
        })),
    }
}

/// [`check_put`] on every record of `puts`, split over the cores (at
/// most eight threads); the error of the first record in feed order that
/// fails, as a check one by one would report it.
fn check_puts(
    local: &RegistryId,
    peer: &RegistryId,
    chain: Option<&[RegistryId]>,
    puts: &[(&str, &Digest, &[RegistryId], &str)],
) -> Result<(), SyncError> {
    let check = |part: &[(&str, &Digest, &[RegistryId], &str)]| {
        part.iter().try_for_each(|(path, digest, origin, text)| {
            check_put(local, peer, chain, path, digest, origin, text)
        })
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    // Small feeds are not worth a thread.
    if threads < 2 || puts.len() < 256 {
        return check(puts);
    }
    let size = puts.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = puts
            .chunks(size)
            .map(|part| scope.spawn(move || check(part)))
            .collect();
        // Joined in order: the first part's error comes first.
        let mut first = Ok(());
        for handle in handles {
            // A check that panicked panics here, as it would have alone.
            let result = handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            if first.is_ok() {
                first = result;
            }
        }
        first
    })
}

/// A record from a peer: at a record path, with the digest of its bytes,
/// a provenance that ends with the peer (or is exactly `chain`, for a
/// re-published mirror) and does not pass through here, valid under the
/// format and certified free for its kind.
fn check_put(
    local: &RegistryId,
    peer: &RegistryId,
    chain: Option<&[RegistryId]>,
    path: &str,
    digest: &Digest,
    origin: &[RegistryId],
    text: &str,
) -> Result<(), SyncError> {
    let key = record_key(path)?;
    if text.len() > cdl_records::MAX_RECORD_BYTES {
        return Err(SyncError::Feed(crate::error::FeedError::RecordTooLarge {
            path: path.to_owned(),
            size: text.len(),
        }));
    }
    if Digest::of(text.as_bytes()) != *digest {
        return Err(SyncError::Feed(crate::error::FeedError::DigestMismatch {
            path: path.to_owned(),
            digest: *digest,
        }));
    }
    match chain {
        None if origin.last() != Some(peer) => {
            return Err(SyncError::Feed(crate::error::FeedError::NotFromPeer {
                path: path.to_owned(),
                peer: peer.clone(),
            }));
        }
        Some(chain) if origin != chain => {
            return Err(SyncError::Feed(crate::error::FeedError::NotTheChain {
                path: path.to_owned(),
                provenance: crate::statement::chain_text(origin),
                chain: crate::statement::chain_text(chain),
            }));
        }
        _ => {}
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
        .map_err(|e| SyncError::Feed(crate::error::FeedError::invalid_record(path, &e)))?;
    if record.kind() != key.kind || record.id != key.id {
        return Err(SyncError::Feed(crate::error::FeedError::OtherRecord {
            path: path.to_owned(),
            kind: record.kind().as_str().to_owned(),
            id: record.id.as_str().to_owned(),
        }));
    }
    let certificate = cdl_licenses::certify(record.kind(), &record.license);
    if !certificate.is_certified() {
        return Err(SyncError::Feed(crate::error::FeedError::NotFree {
            path: path.to_owned(),
            license: record.license.to_string(),
        }));
    }
    Ok(())
}
