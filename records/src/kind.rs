//! The six kinds of free resource the Conservatoire keeps.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A kind of free resource. Each kind has its own fields and its own
/// certification policy; records of a kind live under `records/<kind>/`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Free software (source code under a free licence).
    Software,
    /// A cultural work: artwork, text, music, image, film under a free licence or in the public domain.
    CulturalWork,
    /// A scientific or technical method or protocol.
    Method,
    /// An open dataset.
    Dataset,
    /// A lot of seeds exchanged outside commercial circuits.
    SeedLot,
    /// A lot of ferment (sourdough, kefir grains, koji...) exchanged outside commercial circuits.
    FermentLot,
}

impl Kind {
    /// Every kind, in the canonical order used for listings and facets.
    pub const ALL: [Kind; 6] = [
        Kind::Software,
        Kind::CulturalWork,
        Kind::Method,
        Kind::Dataset,
        Kind::SeedLot,
        Kind::FermentLot,
    ];

    /// The kebab-case name, also the folder name under `records/`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Software => "software",
            Kind::CulturalWork => "cultural-work",
            Kind::Method => "method",
            Kind::Dataset => "dataset",
            Kind::SeedLot => "seed-lot",
            Kind::FermentLot => "ferment-lot",
        }
    }

    /// The French label, for the user interface.
    pub fn label_fr(self) -> &'static str {
        match self {
            Kind::Software => "Logiciel",
            Kind::CulturalWork => "Œuvre culturelle",
            Kind::Method => "Méthode",
            Kind::Dataset => "Jeu de données",
            Kind::SeedLot => "Lot de semences",
            Kind::FermentLot => "Lot de ferments",
        }
    }

    /// The English label, for the user interface.
    pub fn label_en(self) -> &'static str {
        match self {
            Kind::Software => "Software",
            Kind::CulturalWork => "Cultural work",
            Kind::Method => "Method",
            Kind::Dataset => "Dataset",
            Kind::SeedLot => "Seed lot",
            Kind::FermentLot => "Ferment lot",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error returned when a string names no kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown kind `{given}`: expected one of software, cultural-work, method, dataset, seed-lot, ferment-lot"
)]
pub struct UnknownKind {
    /// What was given.
    pub given: String,
}

impl UnknownKind {
    /// What is wrong, in English (the `Display`) and in French.
    pub fn text(&self) -> crate::Text {
        crate::Text::new(
            self.to_string(),
            format!(
                "type inconnu « {} » : les types sont software, cultural-work, method, dataset, seed-lot et ferment-lot",
                self.given
            ),
        )
    }
}

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind {
                given: s.to_owned(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
        }
        assert!("Software".parse::<Kind>().is_err());
        assert!("seed_lot".parse::<Kind>().is_err());
    }
}
