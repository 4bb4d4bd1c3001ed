//! Licence families, for search facets.

use std::fmt;

use serde::{Deserialize, Serialize};
use spdx::{LicenseItem, LicenseReq};

use crate::certify::{Parsed, fold, parse};
use crate::policy::Policy;

/// The broad family of a licence expression, independent of the kind of resource.
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
pub enum LicenceFamily {
    /// Derived works must stay under the same terms (GPL, CC BY-SA, ODbL, LAL...).
    Copyleft,
    /// Few conditions, such as attribution (MIT, Apache-2.0, CC BY, etalab-2.0...).
    Permissive,
    /// No condition at all (CC0, PDDL, public-domain marks...).
    PublicDomain,
    /// A licence or pledge for living material (seeds, ferments).
    SeedCommons,
    /// Anything else: non-free, unknown, invalid, or a mix of families.
    Other,
}

impl LicenceFamily {
    /// Every family, in facet order.
    pub const ALL: [LicenceFamily; 5] = [
        LicenceFamily::Copyleft,
        LicenceFamily::Permissive,
        LicenceFamily::PublicDomain,
        LicenceFamily::SeedCommons,
        LicenceFamily::Other,
    ];

    /// The kebab-case name used in JSON and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            LicenceFamily::Copyleft => "copyleft",
            LicenceFamily::Permissive => "permissive",
            LicenceFamily::PublicDomain => "public-domain",
            LicenceFamily::SeedCommons => "seed-commons",
            LicenceFamily::Other => "other",
        }
    }

    /// The French label, for facets.
    pub fn label_fr(self) -> &'static str {
        match self {
            LicenceFamily::Copyleft => "Copyleft (partage à l'identique)",
            LicenceFamily::Permissive => "Permissive",
            LicenceFamily::PublicDomain => "Domaine public",
            LicenceFamily::SeedCommons => "Semences et ferments libres",
            LicenceFamily::Other => "Autre",
        }
    }

    /// The English label, for facets.
    pub fn label_en(self) -> &'static str {
        match self {
            LicenceFamily::Copyleft => "Copyleft (share-alike)",
            LicenceFamily::Permissive => "Permissive",
            LicenceFamily::PublicDomain => "Public domain",
            LicenceFamily::SeedCommons => "Seed and ferment commons",
            LicenceFamily::Other => "Other",
        }
    }

    /// How much a family asks of those who reuse: public domain < permissive < copyleft.
    fn demand(self) -> Option<u8> {
        match self {
            LicenceFamily::PublicDomain => Some(0),
            LicenceFamily::Permissive => Some(1),
            LicenceFamily::Copyleft => Some(2),
            LicenceFamily::SeedCommons | LicenceFamily::Other => None,
        }
    }

    /// `a AND b`: both sets of conditions apply, so the more demanding family wins.
    fn and(self, other: LicenceFamily) -> LicenceFamily {
        if self == other {
            return self;
        }
        match (self.demand(), other.demand()) {
            (Some(a), Some(b)) => {
                if a >= b {
                    self
                } else {
                    other
                }
            }
            _ => LicenceFamily::Other,
        }
    }

    /// `a OR b`: the reuser picks, so the less demanding usable family wins.
    fn or(self, other: LicenceFamily) -> LicenceFamily {
        if self == other {
            return self;
        }
        match (self, other) {
            (LicenceFamily::Other, known) | (known, LicenceFamily::Other) => known,
            _ => match (self.demand(), other.demand()) {
                (Some(a), Some(b)) => {
                    if a <= b {
                        self
                    } else {
                        other
                    }
                }
                _ => LicenceFamily::Other,
            },
        }
    }
}

impl fmt::Display for LicenceFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn term_family(policy: &Policy, req: &LicenseReq) -> LicenceFamily {
    match &req.license {
        LicenseItem::Spdx { id, .. } => {
            if let Some(family) = policy.families.get(id.name) {
                *family
            } else if id.is_osi_approved() || id.is_fsf_free_libre() {
                if id.is_copyleft() {
                    LicenceFamily::Copyleft
                } else {
                    LicenceFamily::Permissive
                }
            } else {
                LicenceFamily::Other
            }
        }
        LicenseItem::Other(reference) => {
            if reference.doc_ref.is_none() && policy.seed(&reference.to_string()).is_some() {
                LicenceFamily::SeedCommons
            } else {
                LicenceFamily::Other
            }
        }
    }
}

pub(crate) fn licence_family(policy: &Policy, expression: &str) -> LicenceFamily {
    match parse(policy, expression) {
        Parsed::Valid { expr, .. } => fold(
            &expr,
            |req| term_family(policy, req),
            LicenceFamily::and,
            LicenceFamily::or,
        )
        .unwrap_or(LicenceFamily::Other),
        _ => LicenceFamily::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::LicenceFamily::*;
    use crate::Policy;

    #[test]
    fn families() {
        let policy = Policy::embedded().unwrap();
        let family = |e: &str| policy.licence_family(e);
        assert_eq!(family("MIT"), Permissive);
        assert_eq!(family("GPL-3.0-or-later"), Copyleft);
        assert_eq!(family("CC-BY-SA-4.0"), Copyleft);
        assert_eq!(family("ODbL-1.0"), Copyleft);
        assert_eq!(family("LAL-1.3"), Copyleft);
        assert_eq!(family("CC-BY-4.0"), Permissive);
        assert_eq!(family("etalab-2.0"), Permissive);
        assert_eq!(family("CC0-1.0"), PublicDomain);
        assert_eq!(family("LicenseRef-OSSI-Pledge"), SeedCommons);
        assert_eq!(family("CC-BY-NC-4.0"), Other);
        assert_eq!(family("LicenseRef-Foo"), Other);
        assert_eq!(family("not a licence"), Other);
        assert_eq!(family(""), Other);
        // AND: the more demanding; OR: the less demanding usable branch.
        assert_eq!(family("MIT AND GPL-3.0-only"), Copyleft);
        assert_eq!(family("MIT OR GPL-3.0-only"), Permissive);
        assert_eq!(family("CC0-1.0 OR CC-BY-4.0"), PublicDomain);
        assert_eq!(family("CC-BY-NC-4.0 OR CC-BY-SA-4.0"), Copyleft);
        assert_eq!(family("CC-BY-NC-4.0 AND CC-BY-SA-4.0"), Other);
        assert_eq!(family("LicenseRef-OSSI-Pledge AND MIT"), Other);
    }
}
