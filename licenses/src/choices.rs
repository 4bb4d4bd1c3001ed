//! The licences a contribution form offers for each kind of resource, by
//! name: the common free choices, so that a contributor picks one rather
//! than types an SPDX expression. Anything else stays possible as an
//! expression, judged by the policy like any other.

use cdl_records::Kind;
use cdl_records::vocabulary::Lang;

use crate::certificate::Verdict;

/// A licence a form offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The SPDX id or `LicenseRef-*` id written in the record.
    pub id: &'static str,
    /// Its name in French.
    pub name_fr: &'static str,
    /// Its name in English.
    pub name_en: &'static str,
}

impl Choice {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.name_fr,
            Lang::En => self.name_en,
        }
    }
}

const fn c(id: &'static str, name_fr: &'static str, name_en: &'static str) -> Choice {
    Choice {
        id,
        name_fr,
        name_en,
    }
}

/// Every licence offered somewhere, with its names.
const NAMES: &[Choice] = &[
    c(
        "EUPL-1.2",
        "Licence publique de l’Union européenne 1.2",
        "European Union Public Licence 1.2",
    ),
    c(
        "GPL-3.0-or-later",
        "Licence publique générale GNU, version 3 ou ultérieure",
        "GNU General Public License, version 3 or later",
    ),
    c(
        "AGPL-3.0-or-later",
        "Licence publique générale GNU Affero, version 3 ou ultérieure",
        "GNU Affero General Public License, version 3 or later",
    ),
    c(
        "LGPL-3.0-or-later",
        "Licence publique générale limitée GNU, version 3 ou ultérieure",
        "GNU Lesser General Public License, version 3 or later",
    ),
    c(
        "MPL-2.0",
        "Licence publique Mozilla 2.0",
        "Mozilla Public License 2.0",
    ),
    c("CECILL-2.1", "Licence CeCILL 2.1", "CeCILL licence 2.1"),
    c("Apache-2.0", "Licence Apache 2.0", "Apache License 2.0"),
    c("MIT", "Licence MIT", "MIT License"),
    c(
        "BSD-3-Clause",
        "Licence BSD à trois clauses",
        "BSD 3-Clause License",
    ),
    c(
        "CC0-1.0",
        "CC0 : renonciation aux droits (domaine public)",
        "CC0: rights waived (public domain)",
    ),
    c(
        "CC-PDM-1.0",
        "Marque du domaine public 1.0",
        "Public Domain Mark 1.0",
    ),
    c(
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0",
        "Creative Commons Attribution 4.0",
    ),
    c(
        "CC-BY-SA-4.0",
        "Creative Commons Attribution – Partage dans les mêmes conditions 4.0",
        "Creative Commons Attribution-ShareAlike 4.0",
    ),
    c("LAL-1.3", "Licence Art Libre 1.3", "Free Art Licence 1.3"),
    c(
        "OFL-1.1",
        "Licence SIL Open Font 1.1 (polices)",
        "SIL Open Font License 1.1 (fonts)",
    ),
    c(
        "etalab-2.0",
        "Licence Ouverte 2.0 (Etalab)",
        "Open Licence 2.0 (Etalab)",
    ),
    c(
        "ODbL-1.0",
        "Licence ouverte de bases de données (ODbL) 1.0",
        "Open Database License (ODbL) 1.0",
    ),
    c(
        "ODC-By-1.0",
        "Licence Open Data Commons Attribution 1.0",
        "Open Data Commons Attribution License 1.0",
    ),
    c(
        "PDDL-1.0",
        "Dédicace au domaine public Open Data Commons 1.0",
        "Open Data Commons Public Domain Dedication and License 1.0",
    ),
    c(
        "LicenseRef-OSSI-Pledge",
        "Engagement des semences libres OSSI (Open Source Seed Initiative)",
        "OSSI Pledge (Open Source Seed Initiative)",
    ),
    c(
        "LicenseRef-Open-Source-Seed-Licence",
        "Licence de semences libres Open-Source-Saatgut",
        "Open-Source Seed Licence (Open-Source-Saatgut)",
    ),
    c(
        "LicenseRef-OpenMTA",
        "OpenMTA, accord ouvert de transfert de matériel",
        "OpenMTA, Open Material Transfer Agreement",
    ),
];

/// The ids offered for a kind, most usual first.
fn offered_ids(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Software => &[
            "EUPL-1.2",
            "GPL-3.0-or-later",
            "AGPL-3.0-or-later",
            "LGPL-3.0-or-later",
            "MPL-2.0",
            "CECILL-2.1",
            "Apache-2.0",
            "MIT",
            "BSD-3-Clause",
        ],
        Kind::CulturalWork => &[
            "CC-PDM-1.0",
            "CC0-1.0",
            "CC-BY-4.0",
            "CC-BY-SA-4.0",
            "LAL-1.3",
            "etalab-2.0",
            "OFL-1.1",
        ],
        Kind::Method => &[
            "CC-BY-4.0",
            "CC-BY-SA-4.0",
            "CC0-1.0",
            "etalab-2.0",
            "GPL-3.0-or-later",
            "MIT",
        ],
        Kind::Dataset => &[
            "etalab-2.0",
            "ODbL-1.0",
            "ODC-By-1.0",
            "PDDL-1.0",
            "CC0-1.0",
            "CC-BY-4.0",
            "CC-BY-SA-4.0",
        ],
        Kind::SeedLot => &[
            "LicenseRef-OSSI-Pledge",
            "LicenseRef-Open-Source-Seed-Licence",
            "LicenseRef-OpenMTA",
        ],
        // The seed pledges speak of seeds only.
        Kind::FermentLot => &["LicenseRef-OpenMTA"],
    }
}

/// The licences a form offers for `kind`, by name, most usual first: only
/// those the embedded policy certifies free for that kind.
pub fn choices(kind: Kind) -> Vec<Choice> {
    offered_ids(kind)
        .iter()
        .filter_map(|id| NAMES.iter().find(|c| c.id == *id))
        .filter(|c| crate::certify(kind, c.id).verdict == Verdict::Certified)
        .copied()
        .collect()
}

/// The name of a licence the forms offer, by its id (exactly as written).
pub fn choice(id: &str) -> Option<&'static Choice> {
    NAMES.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_licence_is_named_and_free_for_its_kind() {
        for kind in Kind::ALL {
            let offered = offered_ids(kind);
            let kept = choices(kind);
            assert_eq!(
                kept.len(),
                offered.len(),
                "{kind}: every offered licence is named and certified: {kept:?}"
            );
            assert!(!kept.is_empty(), "{kind}");
        }
        for name in NAMES {
            assert!(
                Kind::ALL.iter().any(|k| offered_ids(*k).contains(&name.id)),
                "{} is named but never offered",
                name.id
            );
            assert!(!name.name_fr.is_empty() && !name.name_en.is_empty());
        }
        assert_eq!(
            choice("LicenseRef-OSSI-Pledge").map(|c| c.name(Lang::Fr)),
            Some("Engagement des semences libres OSSI (Open Source Seed Initiative)")
        );
    }
}
