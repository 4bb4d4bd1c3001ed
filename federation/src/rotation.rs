//! Key rotation: a registry replaces its key with a statement signed by
//! the old and the new key; mirrors that pinned the old key follow it with
//! no manual step.
//!
//! The statements are kept, oldest first, in `<git dir>/federation/
//! rotations.json` (outside Git, beside the key) and served at
//! `GET /federation/v1/rotations`. A rotation is made in three steps that
//! each leave a state the next run completes: the new key is written as
//! `key.next`, the statement is appended to the list, then `key.next`
//! replaces `key`. An interrupted rotation is finished, not started again,
//! so a chain never forks.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::envelope::Envelope;
use crate::identity::{Fingerprint, Identity, PublicKey};
use crate::peers::{self, KEY_FILE};
use crate::statement::{KeyEntry, Protocol, RegistryId, Rotation};

/// The list of rotation statements in the federation folder.
pub const ROTATIONS_FILE: &str = "rotations.json";

/// The new key while a rotation is under way.
const NEXT_KEY_FILE: &str = "key.next";

/// The answer of `GET /federation/v1/rotations` (and the file's content):
/// every rotation statement, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotations {
    /// The signed statements.
    pub rotations: Vec<Envelope>,
}

/// The most statements a mirror reads from a peer's list: at most one
/// rotation a day for a decade fits well below the 64 KiB answer limit's
/// worth of them.
pub const MAX_ROTATIONS: usize = 100;

/// Why a rotation could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// The current or the new key file.
    #[error(transparent)]
    Key(#[from] crate::error::KeyFileError),
    /// A new key could not be made.
    #[error(transparent)]
    Random(#[from] crate::error::KeyError),
    /// The registry's id.
    #[error(transparent)]
    Peers(#[from] crate::error::PeersError),
    /// The list of rotations.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The list of rotations is not one.
    #[error("{} is not a list of rotations: {reason}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotated {
    /// The key replaced.
    pub previous: Fingerprint,
    /// The key now in use.
    pub next: Fingerprint,
    /// Whether this run only finished a rotation an earlier run began.
    pub resumed: bool,
}

/// The rotation statements of `registry`, oldest first (none when it never
/// rotated).
///
/// # Errors
/// When the file cannot be read or is not a list of rotations.
pub fn load(registry: &cdl_registry::Registry) -> Result<Rotations, RotateError> {
    load_from(&peers::folder(registry).join(ROTATIONS_FILE))
}

fn load_from(path: &Path) -> Result<Rotations, RotateError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| RotateError::Malformed {
            path: path.to_owned(),
            reason: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Rotations::default()),
        Err(source) => Err(RotateError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Replaces the key of `registry` by a new one, with a rotation statement
/// signed by both, issued at `now`. A running server keeps signing with
/// the key it loaded until it is restarted.
///
/// # Errors
/// When a key file or the list cannot be read or written.
pub fn rotate(registry: &cdl_registry::Registry, now: Timestamp) -> Result<Rotated, RotateError> {
    let dir = peers::folder(registry);
    let id = peers::local_id(registry)?;
    let (current, _) = peers::identity(registry)?;
    let next_path = dir.join(NEXT_KEY_FILE);
    let list_path = dir.join(ROTATIONS_FILE);
    let mut list = load_from(&list_path)?;
    // An earlier run stopped half-way: its new key is kept and, if its
    // statement was written, only the last step is left.
    let (next, resumed) = if next_path.exists() {
        (Identity::load(&next_path)?, true)
    } else {
        let next = Identity::generate()?;
        next.write_new(&next_path)?;
        (next, false)
    };
    let previous = current.public().fingerprint();
    let already = list.rotations.iter().any(|e| {
        e.peek::<Rotation>()
            .is_ok_and(|r| r.previous == previous && r.next.keyid == next.public().fingerprint())
    });
    if !already {
        let statement = Rotation {
            protocol: Protocol,
            registry: id,
            previous,
            next: KeyEntry::of(next.public()),
            issued_at: now,
        };
        list.rotations
            .push(Envelope::seal(&statement, &[&current, &next]));
        let io = |source| RotateError::Io {
            path: list_path.clone(),
            source,
        };
        let tmp = dir.join(format!("{ROTATIONS_FILE}.tmp"));
        let bytes = serde_json::to_vec_pretty(&list).map_err(|e| RotateError::Malformed {
            path: list_path.clone(),
            reason: e.to_string(),
        })?;
        let mut file = fs::File::create(&tmp).map_err(io)?;
        file.write_all(&bytes).map_err(io)?;
        file.sync_all().map_err(io)?;
        fs::rename(&tmp, &list_path).map_err(io)?;
    }
    let key_path = dir.join(KEY_FILE);
    fs::rename(&next_path, &key_path).map_err(|source| RotateError::Io {
        path: key_path,
        source,
    })?;
    Ok(Rotated {
        previous,
        next: next.public().fingerprint(),
        resumed,
    })
}

/// The keys to trust for `peer` after following `list` from `pinned`:
/// each statement of `peer` whose old key is trusted and that both its old
/// and its new key signed replaces the old key by the new one, in order.
/// Statements of another registry, unsigned, or from a key not trusted are
/// passed over; at most [`MAX_ROTATIONS`] are read.
pub fn follow(pinned: &[PublicKey], peer: &RegistryId, list: &Rotations) -> Vec<PublicKey> {
    let mut keys = pinned.to_vec();
    for envelope in list.rotations.iter().take(MAX_ROTATIONS) {
        let Ok(claimed) = envelope.peek::<Rotation>() else {
            continue;
        };
        if &claimed.registry != peer {
            continue;
        }
        let Some(old) = keys
            .iter()
            .copied()
            .find(|k| k.fingerprint() == claimed.previous)
        else {
            continue;
        };
        let Ok(new) = claimed.next.key() else {
            continue;
        };
        // Read again, now from the bytes both keys signed.
        let Ok(signed) = envelope.open_signed_by_all::<Rotation>(&[old, new]) else {
            continue;
        };
        if &signed.registry != peer || signed.previous != old.fingerprint() {
            continue;
        }
        keys.retain(|k| *k != old);
        if !keys.contains(&new) {
            keys.push(new);
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Identity {
        Identity::from_secret([n; 32])
    }

    fn rotation(peer: &str, old: &Identity, new: &Identity, signers: &[&Identity]) -> Envelope {
        Envelope::seal(
            &Rotation {
                protocol: Protocol,
                registry: peer.parse().unwrap(),
                previous: old.public().fingerprint(),
                next: KeyEntry::of(new.public()),
                issued_at: Timestamp::UNIX_EPOCH,
            },
            signers,
        )
    }

    #[test]
    fn a_chain_is_followed_in_order_and_forgeries_are_passed_over() {
        let (a, b, c, evil) = (key(1), key(2), key(3), key(9));
        let paris: RegistryId = "paris".parse().unwrap();
        let list = Rotations {
            rotations: vec![
                // Signed by the new key only: not a rotation.
                rotation("paris", &a, &evil, &[&evil]),
                // Signed by the old key only.
                rotation("paris", &a, &evil, &[&a]),
                // Another registry's.
                rotation("lyon", &a, &evil, &[&a, &evil]),
                rotation("paris", &a, &b, &[&a, &b]),
                rotation("paris", &b, &c, &[&b, &c]),
            ],
        };
        assert_eq!(follow(&[a.public()], &paris, &list), vec![c.public()]);
        // A mirror that pinned b already goes on from there.
        assert_eq!(follow(&[b.public()], &paris, &list), vec![c.public()]);
        // One that pinned a key the chain never names keeps it.
        assert_eq!(follow(&[evil.public()], &paris, &list), vec![evil.public()]);
    }

    #[test]
    fn a_statement_whose_payload_was_changed_is_refused() {
        let (a, b, evil) = (key(1), key(2), key(9));
        let paris: RegistryId = "paris".parse().unwrap();
        let mut forged = rotation("paris", &a, &b, &[&a, &b]);
        // The same signatures over a payload that names another next key.
        let other = rotation("paris", &a, &evil, &[&a]);
        forged.payload = other.payload;
        let list = Rotations {
            rotations: vec![forged],
        };
        assert_eq!(follow(&[a.public()], &paris, &list), vec![a.public()]);
    }
}
