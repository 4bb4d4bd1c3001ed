//! What a licence lets people do and asks of them, in plain words, per
//! licence family and kind of resource; and the names and texts of the
//! licences of an expression, for certificates that people read.

use cdl_records::Kind;
use cdl_records::vocabulary::Label;
use spdx::LicenseItem;

use crate::certify::{Parsed, parse};
use crate::family::LicenceFamily;
use crate::policy::Policy;

/// What a certified licence lets people do, and what it asks of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Terms {
    /// What everyone may do.
    pub may: Label,
    /// What everyone must do in return ("nothing" for the public domain).
    pub must: Label,
}

const fn label(fr: &'static str, en: &'static str) -> Label {
    Label { fr, en }
}

const REUSE_ANYTHING: Label = label(
    "Utiliser, copier, modifier et partager la ressource, pour tout usage, y compris commercial.",
    "Use, copy, modify and share the resource, for any purpose, commercial use included.",
);

const REUSE_SOFTWARE: Label = label(
    "Utiliser le logiciel pour tout usage, étudier et modifier son code, le redistribuer, modifié ou non.",
    "Use the software for any purpose, study and change its code, redistribute it, changed or not.",
);

const PUBLIC_DOMAIN: Terms = Terms {
    may: REUSE_ANYTHING,
    must: label(
        "Rien : aucune condition n’est demandée. Citer la source reste une bonne pratique.",
        "Nothing: no condition is asked. Crediting the source is still good practice.",
    ),
};

const CREDIT: Terms = Terms {
    may: REUSE_ANYTHING,
    must: label(
        "Créditer : citer l’auteur ou la source, nommer la licence avec un lien vers elle, et indiquer si vous avez fait des modifications.",
        "Give credit: name the author or source, name the licence with a link to it, and say whether you made changes.",
    ),
};

const SHARE_ALIKE: Terms = Terms {
    may: REUSE_ANYTHING,
    must: label(
        "Créditer l’auteur ou la source et la licence, et partager à l’identique : ce que vous en tirez (adaptation, traduction, base enrichie) se partage sous la même licence.",
        "Give credit to the author or source and the licence, and share alike: what you make from it (an adaptation, a translation, an enriched database) is shared under the same licence.",
    ),
};

const KEEP_NOTICE: Terms = Terms {
    may: REUSE_SOFTWARE,
    must: label(
        "Garder la mention de droit d’auteur et le texte de la licence dans les copies que vous distribuez.",
        "Keep the copyright notice and the licence text in the copies you distribute.",
    ),
};

const SHARE_CHANGES: Terms = Terms {
    may: REUSE_SOFTWARE,
    must: label(
        "Si vous distribuez le logiciel, modifié ou non, fournir son code source et partager vos modifications sous la même licence.",
        "If you distribute the software, changed or not, provide its source code and share your changes under the same licence.",
    ),
};

const SEEDS: Terms = Terms {
    may: label(
        "Semer et ressemer ces semences, les partager, les donner ou les vendre, les étudier, les sélectionner et les croiser.",
        "Sow and resow these seeds, share, give or sell them, study them, select and breed them.",
    ),
    must: label(
        "Ne poser aucun brevet, droit d’obtention végétale ni autre restriction sur ces semences ni sur leurs descendants, et transmettre le même engagement avec elles.",
        "Put no patent, plant variety right or other restriction on these seeds or their descendants, and pass the same pledge on with them.",
    ),
};

const FERMENTS: Terms = Terms {
    may: label(
        "Cultiver ce ferment, l’utiliser y compris pour vendre ce qu’on en fait, le multiplier, le donner ou le vendre, l’étudier et le modifier.",
        "Grow this ferment, use it (selling what you make with it included), multiply it, give or sell it, study and change it.",
    ),
    must: label(
        "Ne poser aucun brevet ni autre restriction sur ce ferment ni sur ce qui en est issu ; citer sa provenance si on vous le demande.",
        "Put no patent or other restriction on this ferment or what comes from it; credit where it comes from when asked.",
    ),
};

const MIXED: Terms = Terms {
    may: REUSE_ANYTHING,
    must: label(
        "Respecter les conditions de chacune des licences de l’expression (voir leurs textes ci-dessous).",
        "Follow the conditions of each licence of the expression (see their texts below).",
    ),
};

impl LicenceFamily {
    /// What a licence of this family lets people do with a resource of
    /// `kind`, and what it asks of them. For [`LicenceFamily::Other`] (a
    /// mix of families, when certified), the conditions of each licence.
    pub fn terms(self, kind: Kind) -> Terms {
        let software = kind == Kind::Software;
        match self {
            LicenceFamily::PublicDomain => PUBLIC_DOMAIN,
            LicenceFamily::Permissive if software => KEEP_NOTICE,
            LicenceFamily::Permissive => CREDIT,
            LicenceFamily::Copyleft if software => SHARE_CHANGES,
            LicenceFamily::Copyleft => SHARE_ALIKE,
            LicenceFamily::SeedCommons if kind == Kind::FermentLot => FERMENTS,
            LicenceFamily::SeedCommons => SEEDS,
            LicenceFamily::Other => MIXED,
        }
    }
}

/// One licence named in an expression: its id, its name and where its text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceTerm {
    /// The SPDX id or `LicenseRef-*`, as the policy writes it.
    pub id: String,
    /// Its full name ("GNU Affero General Public License v3.0 only").
    pub name: String,
    /// The address of its text, when known.
    pub url: Option<String>,
}

/// The name and text address of a single licence id, when the SPDX list or
/// the seed commons policy knows it.
pub(crate) fn licence_term(policy: &Policy, id: &str) -> Option<LicenceTerm> {
    if let Some(seed) = policy.seed(id) {
        return Some(LicenceTerm {
            id: seed.id.clone(),
            name: seed.name.clone(),
            url: Some(seed.url.to_string()),
        });
    }
    let spdx_id = spdx::license_id(id)?;
    Some(LicenceTerm {
        id: spdx_id.name.to_owned(),
        name: spdx_id.full_name.to_owned(),
        url: Some(format!("https://spdx.org/licenses/{}.html", spdx_id.name)),
    })
}

/// Every licence of `expression`, in order, without duplicates; empty when
/// the expression does not parse.
pub(crate) fn licence_terms(policy: &Policy, expression: &str) -> Vec<LicenceTerm> {
    let Parsed::Valid { expr, .. } = parse(policy, expression) else {
        return Vec::new();
    };
    let mut out: Vec<LicenceTerm> = Vec::new();
    for req in expr.requirements() {
        let term = match &req.req.license {
            LicenseItem::Spdx { id, .. } => licence_term(policy, id.name),
            LicenseItem::Other(reference) => licence_term(policy, &reference.to_string()),
        }
        .unwrap_or_else(|| {
            let id = match &req.req.license {
                LicenseItem::Spdx { id, .. } => id.name.to_owned(),
                LicenseItem::Other(reference) => reference.to_string(),
            };
            LicenceTerm {
                name: id.clone(),
                id,
                url: None,
            }
        });
        if !out.iter().any(|t| t.id == term.id) {
            out.push(term);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_ask_different_things() {
        let cc0 = LicenceFamily::PublicDomain.terms(Kind::CulturalWork);
        let by = LicenceFamily::Permissive.terms(Kind::Dataset);
        let by_sa = LicenceFamily::Copyleft.terms(Kind::CulturalWork);
        let gpl = LicenceFamily::Copyleft.terms(Kind::Software);
        let mit = LicenceFamily::Permissive.terms(Kind::Software);
        let seeds = LicenceFamily::SeedCommons.terms(Kind::SeedLot);
        let ferments = LicenceFamily::SeedCommons.terms(Kind::FermentLot);
        let all = [cc0, by, by_sa, gpl, mit, seeds, ferments];
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert_ne!(a.must, b.must);
            }
        }
        assert!(cc0.must.fr.starts_with("Rien"));
        assert!(by.must.fr.contains("Créditer"));
        assert!(by_sa.must.fr.contains("même licence"));
        assert!(gpl.must.en.contains("same licence"));
        assert!(seeds.must.fr.contains("brevet") && seeds.must.fr.contains("descendants"));
    }

    #[test]
    fn names_and_texts_of_an_expression() {
        let policy = Policy::embedded().unwrap();
        let terms = licence_terms(&policy, "MIT OR Apache-2.0 OR MIT");
        assert_eq!(terms.len(), 2);
        assert_eq!(terms[0].name, "MIT License");
        assert_eq!(
            terms[0].url.as_deref(),
            Some("https://spdx.org/licenses/MIT.html")
        );
        let seed = licence_terms(&policy, "LicenseRef-OSSI-Pledge");
        assert!(seed[0].name.starts_with("OSSI Pledge"), "{seed:?}");
        assert!(seed[0].url.as_deref().unwrap().contains("osseeds.org"));
        let unknown = licence_terms(&policy, "LicenseRef-Nobody-Knows");
        assert_eq!(unknown[0].name, "LicenseRef-Nobody-Knows");
        assert_eq!(unknown[0].url, None);
        assert!(licence_terms(&policy, "not ( valid").is_empty());
    }

    #[test]
    fn reasons_do_not_show_the_policy_group_codes() {
        let policy = Policy::embedded().unwrap();
        for (kind, expression) in [
            (Kind::CulturalWork, "CC0-1.0"),
            (Kind::Dataset, "CC-BY-4.0"),
            (Kind::Method, "CC-BY-SA-4.0"),
            (Kind::CulturalWork, "CC-BY-NC-4.0"),
        ] {
            for group in policy.summary(kind).groups {
                for r in policy.certify(kind, expression).reasons {
                    let code = format!("({})", group.name);
                    assert!(!r.message_fr.contains(&code), "{}", r.message_fr);
                    assert!(!r.message_en.contains(&code), "{}", r.message_en);
                }
            }
        }
    }
}
