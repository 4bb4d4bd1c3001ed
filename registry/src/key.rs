//! Naming records inside a registry: `kind/id`, and the paths of their
//! files and tombstones.

use std::fmt;
use std::str::FromStr;

use cdl_records::{Kind, RecordId};

/// Folder of the live records in a registry tree.
pub const RECORDS_DIR: &str = "records";
/// Folder of the tombstones of withdrawn records.
pub const WITHDRAWN_DIR: &str = "withdrawn";
/// The registry's description, at the root of the tree.
pub const CONFIG_FILE: &str = "registry.toml";

/// One record of the registry, by kind and id: `software/gimp`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, schemars::JsonSchema,
)]
pub struct RecordKey {
    /// The kind of resource.
    pub kind: Kind,
    /// The record's id.
    pub id: RecordId,
}

/// Where a path of a registry tree belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// `records/<kind>/<id>.toml`: a live record.
    Record,
    /// `withdrawn/<kind>/<id>.toml`: a tombstone.
    Tombstone,
}

impl RecordKey {
    /// Makes a key.
    pub fn new(kind: Kind, id: RecordId) -> Self {
        RecordKey { kind, id }
    }

    /// `records/<kind>/<id>.toml`.
    pub fn path(&self) -> String {
        cdl_records::record_path(self.kind, &self.id)
    }

    /// `withdrawn/<kind>/<id>.toml`.
    pub fn tombstone_path(&self) -> String {
        format!(
            "{WITHDRAWN_DIR}/{}/{}.toml",
            self.kind.as_str(),
            self.id.as_str()
        )
    }

    /// The path of this record in `area`.
    pub fn path_in(&self, area: Area) -> String {
        match area {
            Area::Record => self.path(),
            Area::Tombstone => self.tombstone_path(),
        }
    }

    /// Reads a registry path: `records/<kind>/<id>.toml` or
    /// `withdrawn/<kind>/<id>.toml`. Anything else is `None`.
    pub fn from_path(path: &str) -> Option<(Area, RecordKey)> {
        let mut parts = path.split('/');
        let area = match parts.next()? {
            RECORDS_DIR => Area::Record,
            WITHDRAWN_DIR => Area::Tombstone,
            _ => return None,
        };
        let kind: Kind = parts.next()?.parse().ok()?;
        let file = parts.next()?;
        if parts.next().is_some() {
            return None;
        }
        let id: RecordId = file.strip_suffix(".toml")?.parse().ok()?;
        Some((area, RecordKey { kind, id }))
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.as_str(), self.id.as_str())
    }
}

/// The error returned when a `kind/id` string is not a record key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not KIND/ID (e.g. software/gimp): {reason}")]
pub struct InvalidKey {
    /// The text given.
    pub given: String,
    /// What is wrong.
    pub reason: String,
}

impl FromStr for RecordKey {
    type Err = InvalidKey;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let fail = |reason: String| InvalidKey {
            given: s.to_owned(),
            reason,
        };
        let (kind, id) = s
            .split_once('/')
            .ok_or_else(|| fail("no `/` between kind and id".to_owned()))?;
        let kind: Kind = kind.parse().map_err(|e| fail(format!("{e}")))?;
        let id: RecordId = id.parse().map_err(|e| fail(format!("{e}")))?;
        Ok(RecordKey { kind, id })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        let key: RecordKey = "software/gimp".parse().unwrap();
        assert_eq!(key.path(), "records/software/gimp.toml");
        assert_eq!(key.tombstone_path(), "withdrawn/software/gimp.toml");
        assert_eq!(
            RecordKey::from_path(&key.path()),
            Some((Area::Record, key.clone()))
        );
        assert_eq!(
            RecordKey::from_path(&key.tombstone_path()),
            Some((Area::Tombstone, key.clone()))
        );
        assert_eq!(key.to_string(), "software/gimp");
    }

    #[test]
    fn rejects_other_paths() {
        for p in [
            "registry.toml",
            "records/software/gimp.txt",
            "records/nope/gimp.toml",
            "records/software/sub/gimp.toml",
            "records/software/Gimp.toml",
            "other/software/gimp.toml",
        ] {
            assert_eq!(RecordKey::from_path(p), None, "{p}");
        }
        assert!("software".parse::<RecordKey>().is_err());
        assert!("nope/x".parse::<RecordKey>().is_err());
    }
}
