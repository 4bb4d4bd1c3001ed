//! Tombstones: what remains of a withdrawn record.

use std::fmt;
use std::str::FromStr;

use cdl_records::{Kind, RecordId};
use serde::{Deserialize, Serialize};

/// Why a record was withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WithdrawalReason {
    /// Another record describes the same resource.
    Duplicate,
    /// The licence turned out not to be free, or not to be the resource's.
    Licence,
    /// A rights holder or a person asked for removal.
    Takedown,
    /// Anything else, explained in the text.
    Other,
}

impl WithdrawalReason {
    /// Every reason.
    pub const ALL: [WithdrawalReason; 4] = [
        WithdrawalReason::Duplicate,
        WithdrawalReason::Licence,
        WithdrawalReason::Takedown,
        WithdrawalReason::Other,
    ];

    /// The code in files: `duplicate`, `licence`, `takedown`, `other`.
    pub fn as_str(self) -> &'static str {
        match self {
            WithdrawalReason::Duplicate => "duplicate",
            WithdrawalReason::Licence => "licence",
            WithdrawalReason::Takedown => "takedown",
            WithdrawalReason::Other => "other",
        }
    }
}

impl fmt::Display for WithdrawalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error returned for an unknown withdrawal reason code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown withdrawal reason `{0}`: use duplicate, licence, takedown or other")]
pub struct UnknownReason(pub String);

impl FromStr for WithdrawalReason {
    type Err = UnknownReason;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "duplicate" => Ok(WithdrawalReason::Duplicate),
            "licence" | "license" => Ok(WithdrawalReason::Licence),
            "takedown" => Ok(WithdrawalReason::Takedown),
            "other" => Ok(WithdrawalReason::Other),
            _ => Err(UnknownReason(s.to_owned())),
        }
    }
}

/// A withdrawn record's tombstone, at `withdrawn/<kind>/<id>.toml`: when
/// and why it was withdrawn, and by whom. Search hides the record, its page
/// shows this, federation and harvesting report a deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Tombstone {
    /// The record's id.
    pub id: RecordId,
    /// The record's kind.
    pub kind: Kind,
    /// The record's title when it was withdrawn.
    pub title: String,
    /// When, as RFC 3339 UTC (`2026-11-05T14:03:00Z`).
    pub withdrawn: String,
    /// Why, as a code.
    pub reason: WithdrawalReason,
    /// Why, in words.
    pub explanation: String,
    /// The curator's pseudonym.
    pub curator: String,
    /// For a duplicate: the record to see instead (`kind/id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
}

impl Tombstone {
    /// The TOML text of the tombstone file.
    pub fn to_toml(&self) -> String {
        match toml::to_string_pretty(self) {
            Ok(text) => text,
            // Strings and enums only: always serialisable.
            Err(e) => format!("# serialisation failed: {e}\n"),
        }
    }

    /// Reads a tombstone file.
    ///
    /// # Errors
    /// The TOML error, when the file is not a tombstone.
    pub fn parse(text: &str) -> Result<Tombstone, toml::de::Error> {
        toml::from_str(text)
    }
}

/// Formats seconds since the Unix epoch as RFC 3339 UTC.
pub fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let rem = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
    }

    #[test]
    fn tombstone_round_trips() {
        let t = Tombstone {
            id: "gimp".parse().unwrap(),
            kind: Kind::Software,
            title: "GIMP".into(),
            withdrawn: rfc3339(0),
            reason: WithdrawalReason::Duplicate,
            explanation: "same as software/gimp-2".into(),
            curator: "curator".into(),
            replaced_by: Some("software/gimp-2".into()),
        };
        assert_eq!(Tombstone::parse(&t.to_toml()).unwrap(), t);
        assert_eq!(
            "license".parse::<WithdrawalReason>().unwrap(),
            WithdrawalReason::Licence
        );
    }
}
