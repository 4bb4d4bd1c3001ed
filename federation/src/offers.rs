//! Contributions between cities: an offer is made and signed here, posted
//! to a peer's inbox, received there into the review queue as a proposal
//! marked with the sending city, and its outcome is signed by the
//! receiver and fetched back.
//!
//! Both sides keep their offers in the Git directory's `federation/`
//! folder, outside the tracked tree, one JSON file per offer written
//! atomically (a temporary file, synced, then renamed):
//! `inbox/<offer id>.json` for those received ([`Received`], with a
//! pointer `inbox/by-proposal/<proposal id>` holding the offer's id) and
//! `sent/<offer id>.json` for those sent ([`Sent`]). One file per offer,
//! so that a `sync` refreshing outcomes and an `offer` being sent never
//! rewrite each other's files.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use cdl_records::Record;
use cdl_registry::{ProposalStatus, ProposeError, Pseudonym, RecordFile, RecordKey, Registry};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::client::{Client, join};
use crate::digest::Digest;
use crate::envelope::Envelope;
use crate::error::{Bilingual, InboxError, OfferError, PeersError};
use crate::identity::Identity;
use crate::peers::{self, Peer, Peers};
use crate::statement::{
    Endpoints, Offer, OfferId, OfferStatus, Outcome, Protocol, Receipt, RegistryId,
};

/// The largest offer envelope accepted, in bytes.
pub const MAX_OFFER_BYTES: usize = 512 * 1024;

/// The largest receipt, problem document or outcome read back.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// How long an offer is valid after it is made.
pub const OFFER_VALIDITY: SignedDuration = SignedDuration::from_hours(14 * 24);

/// The folder of offers received, in the federation folder.
pub const INBOX_DIR: &str = "inbox";

/// The folder, in the inbox, of pointers from a proposal id to the offer
/// it came from.
pub const BY_PROPOSAL_DIR: &str = "by-proposal";

/// The folder of offers sent, in the federation folder.
pub const SENT_DIR: &str = "sent";

/// The longest message kept with an offer, in characters.
pub const MAX_MESSAGE: usize = 2_000;

/// An offer this registry received, as its inbox keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    /// The offer's id.
    pub id: OfferId,
    /// The sending registry, verified by its pinned key.
    pub from: RegistryId,
    /// Its name for people, from the peers file when it was received.
    pub from_name: String,
    /// The record, `kind/id`.
    pub target: String,
    /// The proposal it became.
    pub proposal: String,
    /// Whether it was based on another version than the current one.
    pub stale: bool,
    /// The digest of the offer's signed payload: the same id delivered
    /// with other bytes is another offer, refused.
    pub payload: Digest,
    /// What the sender was answered, and is answered again.
    pub receipt: Receipt,
    /// The signed offer, kept as evidence of who offered what.
    pub envelope: Envelope,
}

/// An offer this registry sent, and what it knows of its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// The offer's id.
    pub id: OfferId,
    /// The peer it was sent to.
    pub peer: RegistryId,
    /// The record, `kind/id`.
    pub target: String,
    /// The digest of the peer's version it was based on.
    pub base: Option<Digest>,
    /// When it was sent.
    pub sent_at: Timestamp,
    /// When it expires.
    pub expires_at: Timestamp,
    /// The proposal it became at the peer.
    pub proposal: String,
    /// Whether the peer found it based on an old version.
    pub stale: bool,
    /// Where it stands, as the peer last signed it.
    pub status: OfferStatus,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When it was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Timestamp>,
    /// When its outcome was last fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<Timestamp>,
    /// Why the last fetch of its outcome failed, if it did, in both
    /// languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<Bilingual>,
}

/// Whether an offer was new to the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The first delivery: a proposal was made (`202`).
    First,
    /// The same offer again: nothing was made (`200`, the same receipt).
    Again,
}

fn dir(registry: &Registry, name: &str) -> PathBuf {
    peers::folder(registry).join(name)
}

fn file_of(registry: &Registry, folder: &str, id: &OfferId) -> PathBuf {
    // An offer id is `off-` and hex digits: a safe file name.
    dir(registry, folder).join(format!("{id}.json"))
}

/// Writes `bytes` to `path` atomically: a temporary file beside it,
/// synced, renamed over it, and the folder synced.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let tmp = path.with_extension("json.tmp");
    {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    fs::File::open(parent).and_then(|d| d.sync_all())
}

/// Reads a JSON file, `None` when it does not exist.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, String> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Every JSON file of a folder, read; none when the folder does not exist.
fn read_all<T: serde::de::DeserializeOwned>(folder: &Path) -> Result<Vec<T>, String> {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", folder.display())),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", folder.display()))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json")
            && let Some(item) = read_json(&path)?
        {
            out.push(item);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------
// Receiving
// ---------------------------------------------------------------------

/// The offer `id` as this registry's inbox keeps it, if it was received.
///
/// # Errors
/// When the inbox cannot be read.
pub fn received(registry: &Registry, id: &OfferId) -> Result<Option<Received>, InboxError> {
    read_json(&file_of(registry, INBOX_DIR, id)).map_err(InboxError::Storage)
}

/// The offer that became proposal `proposal`, if one did.
///
/// # Errors
/// When the inbox cannot be read.
pub fn received_for_proposal(
    registry: &Registry,
    proposal: &str,
) -> Result<Option<Received>, InboxError> {
    if cdl_registry::ProposalId::parse(proposal).is_none() {
        return Ok(None);
    }
    let pointer = dir(registry, INBOX_DIR)
        .join(BY_PROPOSAL_DIR)
        .join(proposal);
    let id = match fs::read_to_string(&pointer) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(InboxError::Storage(format!("{}: {e}", pointer.display()))),
    };
    let id: OfferId = id
        .trim()
        .parse()
        .map_err(|e: crate::statement::BadOfferId| {
            InboxError::Storage(format!("{}: {e}", pointer.display()))
        })?;
    received(registry, &id)
}

/// Every offer this registry received, by proposal id: what the review
/// queue and the proposal pages mark with the sending city.
///
/// # Errors
/// When the inbox cannot be read.
pub fn received_by_proposal(
    registry: &Registry,
) -> Result<std::collections::HashMap<String, Received>, InboxError> {
    let all: Vec<Received> = read_all(&dir(registry, INBOX_DIR)).map_err(InboxError::Storage)?;
    Ok(all.into_iter().map(|r| (r.proposal.clone(), r)).collect())
}

/// Whether two base URLs name the same place (`https://a.fr` and
/// `https://A.fr:443/` do).
fn same_address(a: &str, b: &str) -> bool {
    match (cdl_registry::Url::parse(a), cdl_registry::Url::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Receives the offer `body` posted to the inbox of `registry`, whose own
/// base URL is `base_url`: checks it (size, signature by the sender's
/// pinned key, receiver, expiry), then makes a proposal marked with the
/// sending city, once per offer id. The caller serialises calls (one
/// inbox at a time), so that two deliveries of one offer at once make one
/// proposal.
///
/// # Errors
/// An [`InboxError`] naming what is wrong; nothing is then written.
pub fn receive(
    registry: &Registry,
    local: &RegistryId,
    base_url: &str,
    body: &[u8],
    now: Timestamp,
) -> Result<(Delivery, Receipt), InboxError> {
    if body.len() > MAX_OFFER_BYTES {
        return Err(InboxError::TooLarge {
            size: body.len(),
            limit: MAX_OFFER_BYTES,
        });
    }
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(e) => e,
        // JSON, but not an envelope: an offer sent without a signature.
        Err(e) if serde_json::from_slice::<serde_json::Value>(body).is_ok() => {
            return Err(InboxError::Unsigned(format!(
                "the body is not a DSSE envelope: {e}"
            )));
        }
        Err(e) => return Err(InboxError::Malformed(e.to_string())),
    };
    if envelope.signatures.is_empty() {
        return Err(InboxError::Unsigned("the envelope has no signature".into()));
    }
    // Who it claims to be from, unverified, only to find the key to
    // verify it with.
    let claimed: Offer = envelope
        .peek()
        .map_err(|e| InboxError::Malformed(e.to_string()))?;
    let peers = Peers::load(registry)?;
    let Some(peer) = peers.get(&claimed.from) else {
        return Err(InboxError::UnknownPeer {
            from: claimed.from.to_string(),
        });
    };
    let offer: Offer = envelope
        .open(&peer.keys)
        .map_err(|source| InboxError::BadSignature {
            from: peer.id.clone(),
            source,
        })?;
    if base_url.is_empty() {
        return Err(InboxError::NoAddress);
    }
    if !same_address(&offer.to, base_url) {
        return Err(InboxError::WrongReceiver {
            to: offer.to.chars().take(200).collect(),
            expected: base_url.to_owned(),
        });
    }
    if offer.expires_at <= offer.created_at {
        return Err(InboxError::Malformed(
            "the offer expires before it was made".into(),
        ));
    }
    if now >= offer.expires_at {
        return Err(InboxError::Expired {
            expires_at: offer.expires_at,
        });
    }
    let payload = Digest::of(&envelope_payload(&envelope)?);
    if let Some(known) = received(registry, &offer.id)? {
        if known.from == offer.from && known.payload == payload {
            return Ok((Delivery::Again, known.receipt));
        }
        return Err(InboxError::Conflict { id: offer.id });
    }
    let key = target_key(&offer.target)?;
    let path = key.path();
    // Read without a path: a text holding another record than the target
    // is named as such below.
    let record = cdl_records::parse(&offer.text, None).map_err(|e| {
        InboxError::InvalidRecord(
            e.diagnostics
                .iter()
                .take(5)
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    if record.kind() != key.kind || record.id != key.id {
        return Err(InboxError::Malformed(format!(
            "the target is {} but the text holds the record {}/{}",
            offer.target,
            record.kind().as_str(),
            record.id.as_str()
        )));
    }
    let current = registry
        .main_file(&path)
        .map_err(|e| InboxError::Storage(e.to_string()))?;
    let stale = match (&offer.base, &current) {
        (None, None) => false,
        (Some(base), Some(now)) => *base != Digest::of(now),
        _ => true,
    };
    let message: String = offer
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| m.chars().take(MAX_MESSAGE).collect())
        .unwrap_or_else(|| {
            format!(
                "Offre de {} ({}) : {}",
                peer.name.trim(),
                peer.id,
                offer.target
            )
        });
    let file = RecordFile {
        name: path,
        text: offer.text.clone(),
    };
    let (proposal, _) = registry
        .propose(&[file], &Pseudonym::new(&peer.name), Some(&message))
        .map_err(|e| match e {
            ProposeError::Withdrawn { .. } => InboxError::Withdrawn {
                target: offer.target.clone(),
            },
            ProposeError::NoChange => InboxError::NoChange {
                target: offer.target.clone(),
            },
            ProposeError::InvalidRecord { error, .. } => {
                InboxError::InvalidRecord(error.to_string())
            }
            other => InboxError::Storage(other.to_string()),
        })?;
    let receipt = Receipt {
        protocol: Protocol,
        id: offer.id.clone(),
        registry: local.clone(),
        proposal: proposal.to_string(),
        stale,
        outcome: format!("{}/{}", Endpoints::default().offers, offer.id),
        received_at: now,
    };
    let kept = Received {
        id: offer.id.clone(),
        from: peer.id.clone(),
        from_name: peer.name.clone(),
        target: offer.target.clone(),
        proposal: proposal.to_string(),
        stale,
        payload,
        receipt: receipt.clone(),
        envelope,
    };
    let bytes = serde_json::to_vec_pretty(&kept).map_err(|e| InboxError::Storage(e.to_string()))?;
    write_atomic(&file_of(registry, INBOX_DIR, &offer.id), &bytes)
        .map_err(|e| InboxError::Storage(e.to_string()))?;
    // A pointer from the proposal to its offer, for the proposal's pages.
    write_atomic(
        &dir(registry, INBOX_DIR)
            .join(BY_PROPOSAL_DIR)
            .join(proposal.as_str()),
        offer.id.as_str().as_bytes(),
    )
    .map_err(|e| InboxError::Storage(e.to_string()))?;
    tracing::info!(
        target: "cdl_federation::inbox",
        offer = %offer.id, from = %peer.id, proposal = %proposal, stale, "offer received"
    );
    Ok((Delivery::First, receipt))
}

/// The payload bytes of an envelope already verified.
fn envelope_payload(envelope: &Envelope) -> Result<Vec<u8>, InboxError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(&envelope.payload)
        .map_err(|e| InboxError::Malformed(e.to_string()))
}

/// `kind/id` as a record key.
fn target_key(target: &str) -> Result<RecordKey, InboxError> {
    let bad = || {
        InboxError::Malformed(format!(
            "the target `{}` is not `kind/id`",
            target.chars().take(100).collect::<String>()
        ))
    };
    let (kind, id) = target.split_once('/').ok_or_else(bad)?;
    let kind: cdl_records::Kind = kind.parse().map_err(|_| bad())?;
    let id = cdl_records::RecordId::new(id).map_err(|_| bad())?;
    Ok(RecordKey::new(kind, id))
}

/// The outcome of the offer `id` received by `registry` (`local`), as the
/// proposal it became stands now: open is pending, merged is accepted,
/// rejected is rejected with the curator's reason. `None` for an offer
/// never received.
///
/// # Errors
/// When the inbox or the proposal cannot be read.
pub fn outcome(
    registry: &Registry,
    local: &RegistryId,
    id: &OfferId,
) -> Result<Option<Outcome>, InboxError> {
    let Some(kept) = received(registry, id)? else {
        return Ok(None);
    };
    let proposal = registry
        .proposal(&kept.proposal)
        .map_err(|e| InboxError::Storage(e.to_string()))?;
    let (status, reason) = match proposal.status {
        ProposalStatus::Open => (OfferStatus::Pending, None),
        ProposalStatus::Merged => (OfferStatus::Accepted, None),
        ProposalStatus::Rejected { reason, .. } => (OfferStatus::Rejected, Some(reason)),
    };
    let decided_at = match status {
        OfferStatus::Pending => None,
        _ => proposal
            .decided_at
            .and_then(|s| Timestamp::from_second(s).ok()),
    };
    Ok(Some(Outcome {
        protocol: Protocol,
        id: id.clone(),
        registry: local.clone(),
        status,
        reason,
        decided_at,
    }))
}

// ---------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------

/// Validates and certifies the record `text` (read from `path`), then
/// makes and signs the offer of it to `peer`: the target is the record's
/// `kind/id`, the base the digest of the peer's version of it in this
/// registry's mirror (`refs/mirrors/<peer>`), or none when the mirror
/// does not have it.
///
/// # Errors
/// [`OfferError::Invalid`] and [`OfferError::NotCertified`] for a record
/// that would be refused; others when the key or the mirror cannot be
/// read.
#[allow(clippy::too_many_arguments)]
pub fn prepare(
    registry: &Registry,
    identity: &Identity,
    peer: &Peer,
    text: &str,
    path: Option<&Path>,
    message: Option<&str>,
    today: Option<cdl_records::values::Date>,
    now: Timestamp,
) -> Result<(Offer, Envelope), OfferError> {
    let record = checked(text, path, today)?;
    let key = RecordKey::new(record.kind(), record.id.clone());
    let base = registry
        .mirror_file(peer.id.as_str(), &key.path())?
        .map(|bytes| Digest::of(&bytes));
    let offer = Offer {
        protocol: Protocol,
        id: OfferId::generate()?,
        from: peers::local_id(registry)?,
        // The address the peer signed in its discovery document: the one
        // it compares `to` with.
        to: peer.address().to_owned(),
        target: key.to_string(),
        base,
        text: text.to_owned(),
        message: message
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(|m| m.chars().take(MAX_MESSAGE).collect()),
        created_at: now,
        expires_at: now.saturating_add(OFFER_VALIDITY).unwrap_or(now),
    };
    let envelope = Envelope::seal(&offer, &[identity]);
    Ok((offer, envelope))
}

/// A record's text, valid and certified free for its kind.
fn checked(
    text: &str,
    path: Option<&Path>,
    today: Option<cdl_records::values::Date>,
) -> Result<Record, OfferError> {
    let record = cdl_records::parse_checked(text, path, &cdl_records::Context { today })
        .map_err(OfferError::Invalid)?;
    let certificate = cdl_licenses::certify(record.kind(), &record.license);
    if !certificate.is_certified() {
        return Err(OfferError::NotCertified(Box::new(certificate)));
    }
    Ok(record)
}

/// A problem document, as far as the sender reads it.
#[derive(Debug, Deserialize)]
struct Problem {
    #[serde(default)]
    title: String,
    #[serde(default)]
    detail: String,
}

/// Posts `envelope` (the signed `offer`) to the inbox of `peer` (at its
/// discovered address and inbox, [`Peer::address`] and
/// [`Peer::endpoints`]) and keeps it among the offers sent, with the
/// receipt.
///
/// # Errors
/// [`OfferError::Refused`] with the peer's problem document when it
/// refuses; [`OfferError::Client`] when it cannot be reached.
pub async fn send(
    client: &Client,
    registry: &Registry,
    peer: &Peer,
    offer: &Offer,
    envelope: &Envelope,
) -> Result<Sent, OfferError> {
    let url = join(peer.address(), &peer.endpoints().inbox);
    let (status, body) = client
        .post_json(&url, envelope.to_bytes(), MAX_ANSWER_BYTES)
        .await?;
    if status != 200 && status != 202 {
        let problem: Option<Problem> = serde_json::from_slice(&body).ok();
        return Err(OfferError::Refused {
            status,
            title: problem
                .as_ref()
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            detail: problem.map(|p| p.detail).unwrap_or_default(),
        });
    }
    let receipt: Receipt = serde_json::from_slice(&body)
        .map_err(|e| OfferError::BadAnswer(format!("the receipt cannot be read: {e}")))?;
    if receipt.id != offer.id || receipt.registry != peer.id {
        return Err(OfferError::BadAnswer(format!(
            "the receipt is for offer {} at {}, not {} at {}",
            receipt.id, receipt.registry, offer.id, peer.id
        )));
    }
    let sent = Sent {
        id: offer.id.clone(),
        peer: peer.id.clone(),
        target: offer.target.clone(),
        base: offer.base,
        sent_at: offer.created_at,
        expires_at: offer.expires_at,
        proposal: receipt.proposal.chars().take(40).collect(),
        stale: receipt.stale,
        status: OfferStatus::Pending,
        reason: None,
        decided_at: None,
        checked_at: None,
        last_error: None,
    };
    save_sent(registry, &sent)?;
    Ok(sent)
}

/// Writes one sent offer.
fn save_sent(registry: &Registry, sent: &Sent) -> Result<(), OfferError> {
    let path = file_of(registry, SENT_DIR, &sent.id);
    let bytes = serde_json::to_vec_pretty(sent).map_err(|e| OfferError::Store {
        path: path.clone(),
        source: std::io::Error::other(e),
    })?;
    write_atomic(&path, &bytes).map_err(|source| OfferError::Store { path, source })
}

/// Every offer this registry sent, oldest first.
///
/// # Errors
/// When the folder of sent offers cannot be read.
pub fn sent(registry: &Registry) -> Result<Vec<Sent>, OfferError> {
    let folder = dir(registry, SENT_DIR);
    let mut all: Vec<Sent> = read_all(&folder).map_err(|e| OfferError::Store {
        path: folder,
        source: std::io::Error::other(e),
    })?;
    all.sort_by(|a, b| a.sent_at.cmp(&b.sent_at).then_with(|| a.id.cmp(&b.id)));
    Ok(all)
}

/// What a refresh learnt of one pending offer.
#[derive(Debug)]
pub struct Refreshed {
    /// The offer, as kept now.
    pub offer: Sent,
    /// Whether its status changed.
    pub changed: bool,
    /// Why its outcome could not be fetched, if it could not.
    pub error: Option<OfferError>,
}

/// Fetches the signed outcome of every pending offer this registry sent
/// (to `only`, or to any peer), verifies it against the peer's pinned keys, and keeps what it says. At
/// most [`crate::client::SYNC_AT_ONCE`] fetches at once.
///
/// # Errors
/// When the sent offers or the peers file cannot be read; a failure for
/// one offer is in its [`Refreshed::error`] and kept in the offer's
/// `last_error`.
pub async fn refresh(
    client: &Client,
    registry: &Registry,
    only: Option<&RegistryId>,
    now: Timestamp,
) -> Result<Vec<Refreshed>, OfferError> {
    use futures_util::stream::{self, StreamExt};
    let peers = Peers::load(registry)?;
    let pending: Vec<Sent> = sent(registry)?
        .into_iter()
        .filter(|s| s.status == OfferStatus::Pending)
        .filter(|s| only.is_none_or(|o| o == &s.peer))
        .collect();
    let peers = &peers;
    let fetches: Vec<_> = pending
        .into_iter()
        .map(|s| async move {
            let result = match peers.get(&s.peer) {
                Some(peer) => fetch_outcome(client, peer, &s.id).await,
                None => Err(OfferError::Peers(PeersError::UnknownPeer {
                    id: s.peer.clone(),
                })),
            };
            (s, result)
        })
        .collect();
    let results = stream::iter(fetches)
        .buffer_unordered(crate::client::SYNC_AT_ONCE)
        .collect::<Vec<_>>()
        .await;
    let mut out = Vec::new();
    for (mut s, result) in results {
        let before = s.status;
        let error = match result {
            Ok(outcome) => {
                s.status = outcome.status;
                s.reason = outcome.reason;
                s.decided_at = outcome.decided_at;
                s.checked_at = Some(now);
                s.last_error = None;
                None
            }
            Err(e) => {
                s.last_error = Some(Bilingual::of(|lang| e.message(lang)));
                Some(e)
            }
        };
        save_sent(registry, &s)?;
        out.push(Refreshed {
            changed: s.status != before,
            offer: s,
            error,
        });
    }
    out.sort_by_key(|a| a.offer.sent_at);
    Ok(out)
}

/// The outcome of offer `id` at `peer` (its discovered address and
/// endpoint of outcomes), verified.
async fn fetch_outcome(client: &Client, peer: &Peer, id: &OfferId) -> Result<Outcome, OfferError> {
    let url = join(peer.address(), &format!("{}/{id}", peer.endpoints().offers));
    let crate::client::Fetched::Body(bytes, _) = client.get(&url, MAX_ANSWER_BYTES, None).await?
    else {
        return Err(OfferError::BadAnswer(format!("{url} answered 304")));
    };
    let envelope = Envelope::from_bytes(&bytes, MAX_ANSWER_BYTES)?;
    let outcome: Outcome = envelope.open(&peer.keys)?;
    if &outcome.id != id || outcome.registry != peer.id {
        return Err(OfferError::BadAnswer(format!(
            "the outcome is for offer {} at {}, not {id} at {}",
            outcome.id, outcome.registry, peer.id
        )));
    }
    if outcome.status == OfferStatus::Rejected && outcome.reason.is_none() {
        return Err(OfferError::BadAnswer("a rejection without a reason".into()));
    }
    Ok(outcome)
}
