//! The statements of the protocol, as `PROTOCOL.md` writes them.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::envelope::Statement;
use crate::error::{CheckpointError, KeyError};
use crate::identity::{Fingerprint, PublicKey};

/// The protocol's identifier, in every statement.
pub const PROTOCOL: &str = "conservatoire-federation/1";

/// A registry's id: lower-case letters, digits and inner hyphens, at most
/// 40 characters. It names the mirror's ref `refs/mirrors/<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistryId(String);

/// The longest registry id.
pub const MAX_REGISTRY_ID: usize = 40;

/// A text that cannot be a registry id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a registry id: lower-case letters, digits and hyphens (not first or last), at most 40 characters"
)]
pub struct BadRegistryId(String);

impl BadRegistryId {
    /// The text that was given.
    pub fn given(&self) -> &str {
        &self.0
    }
}

impl RegistryId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for RegistryId {
    type Err = BadRegistryId;
    fn from_str(s: &str) -> Result<RegistryId, BadRegistryId> {
        let ok = !s.is_empty()
            && s.len() <= MAX_REGISTRY_ID
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if ok {
            Ok(RegistryId(s.to_owned()))
        } else {
            Err(BadRegistryId(s.chars().take(60).collect()))
        }
    }
}

impl fmt::Display for RegistryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RegistryId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RegistryId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RegistryId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The protocol identifier; reading any other is an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Protocol;

impl Serialize for Protocol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(PROTOCOL)
    }
}

impl<'de> Deserialize<'de> for Protocol {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Protocol, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        if s == PROTOCOL {
            Ok(Protocol)
        } else {
            Err(serde::de::Error::custom(format!(
                "protocol `{}` is not {PROTOCOL}",
                s.chars().take(60).collect::<String>()
            )))
        }
    }
}

/// A public key with its fingerprint, as discovery and rotation list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEntry {
    /// The fingerprint of `public`.
    pub keyid: Fingerprint,
    /// The key.
    pub public: PublicKey,
}

impl KeyEntry {
    /// The entry of `public`.
    pub fn of(public: PublicKey) -> KeyEntry {
        KeyEntry {
            keyid: public.fingerprint(),
            public,
        }
    }

    /// The key, once its fingerprint is checked to be its own.
    pub fn key(&self) -> Result<PublicKey, KeyError> {
        if self.public.fingerprint() == self.keyid {
            Ok(self.public)
        } else {
            Err(KeyError::BadFingerprint(self.keyid.to_string()))
        }
    }
}

/// The paths of a registry's federation endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// The current checkpoint.
    pub checkpoint: String,
    /// The changes feed.
    pub changes: String,
    /// The key rotations.
    pub rotations: String,
    /// Where offers are posted.
    pub inbox: String,
    /// Where outcomes of offers are read.
    pub offers: String,
    /// The read-only Git repository.
    pub git: String,
    /// Where the mirrors this registry re-publishes are read:
    /// `<mirrors>/<registry>/checkpoint` and `<mirrors>/<registry>/changes`.
    #[serde(default = "default_mirrors")]
    pub mirrors: String,
}

fn default_mirrors() -> String {
    "/federation/v1/mirrors".into()
}

impl Default for Endpoints {
    fn default() -> Endpoints {
        Endpoints {
            checkpoint: "/federation/v1/checkpoint".into(),
            changes: "/federation/v1/changes".into(),
            rotations: "/federation/v1/rotations".into(),
            inbox: "/federation/v1/inbox".into(),
            offers: "/federation/v1/offers".into(),
            git: "/catalogue.git".into(),
            mirrors: default_mirrors(),
        }
    }
}

/// Who a registry is and where its endpoints are
/// (`/.well-known/conservatoire`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discovery {
    /// The protocol.
    pub protocol: Protocol,
    /// The registry's id.
    pub registry: RegistryId,
    /// Its name for people ("Ville de Paris").
    pub name: String,
    /// Its public address.
    pub base_url: String,
    /// Its current keys.
    pub keys: Vec<KeyEntry>,
    /// Its endpoints.
    pub endpoints: Endpoints,
}

impl Statement for Discovery {
    const PAYLOAD_TYPE: &'static str = "application/vnd.conservatoire.discovery+json";
}

/// The signed state of a catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The protocol.
    pub protocol: Protocol,
    /// The registry.
    pub registry: RegistryId,
    /// Only increases: first-parent commits of `main` at `commit`.
    pub version: u64,
    /// The Git commit of `main`.
    pub commit: String,
    /// The catalogue digest.
    pub digest: Digest,
    /// How many record files.
    pub records: u64,
    /// When it was signed.
    pub issued_at: Timestamp,
    /// When a mirror must stop trusting it.
    pub expires_at: Timestamp,
    /// Shared applications this city attests using (`registry:kind/id`).
    #[serde(default)]
    pub uses: Vec<String>,
    /// The mirrors this registry re-publishes, each with the keys it pins
    /// for it and its provenance chain (absent from older checkpoints).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub republishes: Vec<Republished>,
}

/// A mirror a registry re-publishes, as its signed checkpoint vouches for
/// it: who the re-published registry is, the keys it is verified with,
/// and how its records reached the re-publishing registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Republished {
    /// The re-published registry (the records' origin).
    pub registry: RegistryId,
    /// Its name for people ("Ville de Paris").
    pub name: String,
    /// Its public address, where its original records are.
    pub base_url: String,
    /// Its keys, as the re-publishing registry pins them.
    pub keys: Vec<KeyEntry>,
    /// The provenance chain of the mirror: the origin first, then each
    /// registry it passed through, the re-publishing registry last.
    pub chain: Vec<RegistryId>,
}

impl Republished {
    /// The chain as people read it: `paris → lyon`.
    pub fn chain_text(&self) -> String {
        chain_text(&self.chain)
    }

    /// The registry that passed the mirror on (the chain's last), if the
    /// chain is not empty.
    pub fn through(&self) -> Option<&RegistryId> {
        self.chain.last()
    }
}

/// A provenance chain as people read it: `paris → lyon → nantes`.
pub fn chain_text(chain: &[RegistryId]) -> String {
    chain
        .iter()
        .map(RegistryId::as_str)
        .collect::<Vec<_>>()
        .join(" → ")
}

impl Statement for Checkpoint {
    const PAYLOAD_TYPE: &'static str = "application/vnd.conservatoire.checkpoint+json";
}

/// What a mirror last accepted of a peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    /// The version.
    pub version: u64,
    /// The catalogue digest of that version.
    pub digest: Digest,
}

impl Checkpoint {
    /// Whether a mirror may accept this checkpoint from `peer`, given what
    /// it accepted last and the time: the registry must be the peer, the
    /// version never lower, the same version never with another digest,
    /// and the checkpoint not expired.
    pub fn check(
        &self,
        peer: &RegistryId,
        last: Option<&Accepted>,
        now: Timestamp,
    ) -> Result<(), CheckpointError> {
        if &self.registry != peer {
            return Err(CheckpointError::WrongRegistry {
                expected: peer.clone(),
                found: self.registry.clone(),
            });
        }
        if self.commit.len() != 40 || !self.commit.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CheckpointError::BadCommit(
                self.commit.chars().take(60).collect(),
            ));
        }
        if self.expires_at <= self.issued_at {
            return Err(CheckpointError::ExpiresBeforeIssue);
        }
        if now >= self.expires_at {
            return Err(CheckpointError::Expired {
                expires_at: self.expires_at,
            });
        }
        if let Some(last) = last {
            if self.version < last.version {
                return Err(CheckpointError::Rollback {
                    last: last.version,
                    found: self.version,
                });
            }
            if self.version == last.version && self.digest != last.digest {
                return Err(CheckpointError::Equivocation {
                    version: self.version,
                });
            }
        }
        Ok(())
    }
}

/// One change of a feed.
///
/// Read by hand rather than as serde's internally tagged enum, which
/// buffers every field of every change (each record's text included)
/// before it reads the tag: that copy was a twentieth of a first mirror's
/// work. The JSON is the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Change {
    /// A record added or modified.
    Put {
        /// Its path, `records/<kind>/<id>.toml`.
        path: String,
        /// The digest of `text`'s bytes.
        digest: Digest,
        /// The provenance chain, the maker first, the answering registry last.
        origin: Vec<RegistryId>,
        /// The record as written in Git.
        text: String,
    },
    /// A record withdrawn.
    Withdraw {
        /// Its path.
        path: String,
        /// Why, as the registry's tombstone says.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        enum Op {
            Put,
            Withdraw,
        }
        /// Every field of either change; which are required follows `op`.
        #[derive(Deserialize)]
        struct Wire {
            op: Op,
            path: String,
            digest: Option<Digest>,
            origin: Option<Vec<RegistryId>>,
            text: Option<String>,
            reason: Option<String>,
        }
        let wire = Wire::deserialize(deserializer)?;
        match wire.op {
            Op::Put => Ok(Change::Put {
                path: wire.path,
                digest: wire
                    .digest
                    .ok_or_else(|| D::Error::missing_field("digest"))?,
                origin: wire
                    .origin
                    .ok_or_else(|| D::Error::missing_field("origin"))?,
                text: wire.text.ok_or_else(|| D::Error::missing_field("text"))?,
            }),
            Op::Withdraw => Ok(Change::Withdraw {
                path: wire.path,
                reason: wire.reason,
            }),
        }
    }
}

/// A page of the changes feed (plain JSON, not signed: the checkpoint's
/// digest vouches for the state it leads to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// The protocol.
    pub protocol: Protocol,
    /// The registry.
    pub registry: RegistryId,
    /// The version the changes start from.
    pub since: u64,
    /// The version they lead to.
    pub version: u64,
    /// The changes.
    pub changes: Vec<Change>,
    /// The next page, if any.
    pub next: Option<String>,
}

/// A key rotation, signed by the old and the new key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rotation {
    /// The protocol.
    pub protocol: Protocol,
    /// The registry.
    pub registry: RegistryId,
    /// The key replaced.
    pub previous: Fingerprint,
    /// The key that replaces it.
    pub next: KeyEntry,
    /// When.
    pub issued_at: Timestamp,
}

impl Statement for Rotation {
    const PAYLOAD_TYPE: &'static str = "application/vnd.conservatoire.rotation+json";
}

/// An offer's id: `off-` and 32 lower-case hex digits; also the
/// idempotency key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OfferId(String);

/// A text that cannot be an offer id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an offer id: `off-` and 32 lower-case hex digits are expected")]
pub struct BadOfferId(String);

impl OfferId {
    /// A new random id.
    pub fn generate() -> Result<OfferId, KeyError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
        let mut id = String::from("off-");
        for b in bytes {
            id.push_str(&format!("{b:02x}"));
        }
        Ok(OfferId(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for OfferId {
    type Err = BadOfferId;
    fn from_str(s: &str) -> Result<OfferId, BadOfferId> {
        let ok = s.strip_prefix("off-").is_some_and(|h| {
            h.len() == 32
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
        if ok {
            Ok(OfferId(s.to_owned()))
        } else {
            Err(BadOfferId(s.chars().take(60).collect()))
        }
    }
}

impl fmt::Display for OfferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for OfferId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OfferId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<OfferId, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A contribution sent to a peer's inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The protocol.
    pub protocol: Protocol,
    /// The offer's id.
    pub id: OfferId,
    /// The sending registry.
    pub from: RegistryId,
    /// The receiver's base URL, inside the signed bytes.
    pub to: String,
    /// The record, `kind/id`.
    pub target: String,
    /// The digest of the record file the sender saw; `None` for a new record.
    pub base: Option<Digest>,
    /// The proposed record, as TOML.
    pub text: String,
    /// A message for the curators (public once merged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it stops being valid.
    pub expires_at: Timestamp,
}

impl Statement for Offer {
    const PAYLOAD_TYPE: &'static str = "application/vnd.conservatoire.offer+json";
}

/// The receiver's answer to an offer posted to its inbox (plain JSON, not
/// signed: the signed word is the outcome). The same offer delivered again
/// gets the same receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The protocol.
    pub protocol: Protocol,
    /// The offer.
    pub id: OfferId,
    /// The receiving registry.
    pub registry: RegistryId,
    /// The proposal it became in the receiver's review queue.
    pub proposal: String,
    /// Whether the offer was based on another version of the record than
    /// the receiver's current one.
    pub stale: bool,
    /// Where the signed outcome is published, relative to the receiver's
    /// base URL.
    pub outcome: String,
    /// When it was received.
    pub received_at: Timestamp,
}

/// Where an offer stands at its receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OfferStatus {
    /// Not reviewed yet.
    Pending,
    /// Merged.
    Accepted,
    /// Rejected, with a reason.
    Rejected,
}

/// The outcome of an offer, signed by its receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The protocol.
    pub protocol: Protocol,
    /// The offer.
    pub id: OfferId,
    /// The receiving registry.
    pub registry: RegistryId,
    /// Where it stands.
    pub status: OfferStatus,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When it was decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<Timestamp>,
}

impl Statement for Outcome {
    const PAYLOAD_TYPE: &'static str = "application/vnd.conservatoire.outcome+json";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_are_checked() {
        for good in ["paris", "lyon-3", "a", &"x".repeat(40)] {
            assert!(good.parse::<RegistryId>().is_ok(), "{good}");
        }
        for bad in [
            "",
            "Paris",
            "-paris",
            "paris-",
            "pa--ris",
            "pa ris",
            "pa/ris",
            "..",
            &"x".repeat(41),
        ] {
            assert!(bad.parse::<RegistryId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn offer_ids_are_random_and_checked() {
        let a = OfferId::generate().unwrap();
        let b = OfferId::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.as_str().parse::<OfferId>().unwrap(), a);
        for bad in [
            "off-",
            "off-XYZ",
            "5f0c2b7a9d8e4c1b3a2f6e5d4c3b2a19",
            "off-5F0C2B7A9D8E4C1B3A2F6E5D4C3B2A19",
        ] {
            assert!(bad.parse::<OfferId>().is_err(), "{bad}");
        }
    }

    fn checkpoint(version: u64, digest: &[u8], issued: &str, expires: &str) -> Checkpoint {
        Checkpoint {
            protocol: Protocol,
            registry: "paris".parse().unwrap(),
            version,
            commit: "9c1d0f2e3a4b5c6d7e8f90a1b2c3d4e5f6071829".into(),
            digest: Digest::of(digest),
            records: 1,
            issued_at: issued.parse().unwrap(),
            expires_at: expires.parse().unwrap(),
            uses: Vec::new(),
            republishes: Vec::new(),
        }
    }

    #[test]
    fn older_checkpoints_and_discoveries_still_parse() {
        // A checkpoint and endpoints written before re-publishing existed.
        let old = r#"{"protocol":"conservatoire-federation/1","registry":"paris","version":3,
            "commit":"9c1d0f2e3a4b5c6d7e8f90a1b2c3d4e5f6071829",
            "digest":"sha256:0b8e1f6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f",
            "records":1,"issued_at":"2026-12-02T09:00:00Z","expires_at":"2026-12-09T09:00:00Z"}"#;
        let cp: Checkpoint = serde_json::from_str(old).unwrap();
        assert!(cp.republishes.is_empty() && cp.uses.is_empty());
        // Nothing re-published: the bytes are those an older peer writes.
        assert!(!serde_json::to_string(&cp).unwrap().contains("republishes"));
        let endpoints: Endpoints = serde_json::from_str(
            r#"{"checkpoint":"/c","changes":"/ch","rotations":"/r","inbox":"/i","offers":"/o","git":"/g"}"#,
        )
        .unwrap();
        assert_eq!(endpoints.mirrors, "/federation/v1/mirrors");
    }

    #[test]
    fn chains_read_origin_first() {
        let r = Republished {
            registry: "paris".parse().unwrap(),
            name: "Ville de Paris".into(),
            base_url: "https://paris.fr/".into(),
            keys: Vec::new(),
            chain: vec!["paris".parse().unwrap(), "lyon".parse().unwrap()],
        };
        assert_eq!(r.chain_text(), "paris → lyon");
        assert_eq!(r.through().map(RegistryId::as_str), Some("lyon"));
    }

    #[test]
    fn checkpoints_refuse_rollback_freeze_equivocation_and_strangers() {
        let paris: RegistryId = "paris".parse().unwrap();
        let now: Timestamp = "2026-12-03T00:00:00Z".parse().unwrap();
        let cp = checkpoint(10, b"a", "2026-12-02T00:00:00Z", "2026-12-09T00:00:00Z");
        assert_eq!(cp.check(&paris, None, now), Ok(()));
        let last = Accepted {
            version: 10,
            digest: Digest::of(b"a"),
        };
        // Re-signed, same state: fine.
        assert_eq!(cp.check(&paris, Some(&last), now), Ok(()));
        // Same version, another state.
        let twin = checkpoint(10, b"b", "2026-12-02T00:00:00Z", "2026-12-09T00:00:00Z");
        assert_eq!(
            twin.check(&paris, Some(&last), now),
            Err(CheckpointError::Equivocation { version: 10 })
        );
        // An old one replayed.
        let old = checkpoint(9, b"c", "2026-12-02T00:00:00Z", "2026-12-09T00:00:00Z");
        assert!(matches!(
            old.check(&paris, Some(&last), now),
            Err(CheckpointError::Rollback { last: 10, found: 9 })
        ));
        // Expired: a frozen feed.
        let later: Timestamp = "2026-12-10T00:00:00Z".parse().unwrap();
        assert!(matches!(
            cp.check(&paris, Some(&last), later),
            Err(CheckpointError::Expired { .. })
        ));
        // Another registry's checkpoint.
        let lyon: RegistryId = "lyon".parse().unwrap();
        assert!(matches!(
            cp.check(&lyon, None, now),
            Err(CheckpointError::WrongRegistry { .. })
        ));
        // Expiry before issue.
        let odd = checkpoint(11, b"a", "2026-12-09T00:00:00Z", "2026-12-02T00:00:00Z");
        assert_eq!(
            odd.check(&paris, None, now),
            Err(CheckpointError::ExpiresBeforeIssue)
        );
        // Not a commit id.
        let mut bad = cp.clone();
        bad.commit = "main".into();
        assert!(matches!(
            bad.check(&paris, None, now),
            Err(CheckpointError::BadCommit(_))
        ));
    }

    #[test]
    fn another_protocol_is_refused() {
        let cp = checkpoint(1, b"a", "2026-12-02T00:00:00Z", "2026-12-09T00:00:00Z");
        let text = serde_json::to_string(&cp).unwrap();
        assert!(text.contains(PROTOCOL));
        let other = text.replace(PROTOCOL, "conservatoire-federation/2");
        let err = serde_json::from_str::<Checkpoint>(&other).unwrap_err();
        assert!(
            err.to_string().contains("conservatoire-federation/2"),
            "{err}"
        );
    }
}
