//! The French and English messages of every [`Reason`]: one constructor per situation.

use cdl_records::Kind;

use crate::certificate::{Reason, ReasonCode};

fn kind_fr(kind: Kind) -> String {
    kind.label_fr().to_lowercase()
}

fn kind_en(kind: Kind) -> String {
    kind.label_en().to_lowercase()
}

pub(crate) fn free_software(id: &str, osi: bool, fsf: bool) -> Reason {
    let (fr, en) = match (osi, fsf) {
        (true, true) => (
            "approuvée par l'OSI et reconnue libre par la FSF",
            "OSI-approved and FSF-libre",
        ),
        (true, false) => ("approuvée par l'OSI", "OSI-approved"),
        _ => ("reconnue libre par la FSF", "FSF-libre"),
    };
    Reason::new(
        ReasonCode::FreeSoftwareLicence,
        Some(id),
        format!("{id} : licence de logiciel libre, {fr}."),
        format!("{id}: a free-software licence, {en}."),
    )
}

// The group's name is an internal code: people read its reason only.
pub(crate) fn policy_accepted(id: &str, why_fr: &str, why_en: &str) -> Reason {
    Reason::new(
        ReasonCode::PolicyAccepted,
        Some(id),
        format!("{id} : acceptée — {why_fr}."),
        format!("{id}: accepted — {why_en}."),
    )
}

pub(crate) fn policy_rejected(id: &str, why_fr: &str, why_en: &str) -> Reason {
    Reason::new(
        ReasonCode::PolicyRejected,
        Some(id),
        format!("{id} : refusée — {why_fr}."),
        format!("{id}: rejected — {why_en}."),
    )
}

pub(crate) fn seed_commons(id: &str, name: &str) -> Reason {
    Reason::new(
        ReasonCode::SeedCommons,
        Some(id),
        format!("{id} : {name}, licence de semences libres acceptée."),
        format!("{id}: {name}, an accepted seed commons licence."),
    )
}

pub(crate) fn not_for_this_kind(id: &str, name: &str, kind: Kind) -> Reason {
    Reason::new(
        ReasonCode::NotForThisKind,
        Some(id),
        format!(
            "{id} : {name} n'est pas prévue pour ce type de ressource ({}) ; elle ne permet pas d'en juger.",
            kind_fr(kind)
        ),
        format!(
            "{id}: {name} is not meant for this kind of resource ({}); it cannot be judged.",
            kind_en(kind)
        ),
    )
}

pub(crate) fn non_free_ref(id: &str, why_fr: &str, why_en: &str) -> Reason {
    Reason::new(
        ReasonCode::NonFreeLicenceRef,
        Some(id),
        format!("{id} : non libre — {why_fr}."),
        format!("{id}: not free — {why_en}."),
    )
}

pub(crate) fn unknown_ref(id: &str) -> Reason {
    Reason::new(
        ReasonCode::UnknownLicenceRef,
        Some(id),
        format!(
            "{id} : licence hors liste SPDX, inconnue de la politique ; elle ne peut pas être jugée. Un curateur peut l'examiner."
        ),
        format!(
            "{id}: a licence outside the SPDX list that the policy does not know; it cannot be judged. A curator may review it."
        ),
    )
}

pub(crate) fn unknown_addition(id: &str, addition: &str) -> Reason {
    Reason::new(
        ReasonCode::UnknownAddition,
        Some(addition),
        format!(
            "{id} WITH {addition} : le texte ajouté ({addition}) est inconnu et pourrait restreindre la licence ; impossible de juger."
        ),
        format!(
            "{id} WITH {addition}: the added text ({addition}) is unknown and might restrict the licence; it cannot be judged."
        ),
    )
}

pub(crate) fn exception(id: &str, exception: &str) -> Reason {
    Reason::new(
        ReasonCode::ExceptionAddsPermissions,
        Some(exception),
        format!(
            "{id} WITH {exception} : une exception SPDX ne fait qu'ajouter des permissions ; la licence reste libre."
        ),
        format!(
            "{id} WITH {exception}: an SPDX exception only adds permissions; the licence stays free."
        ),
    )
}

pub(crate) fn unlisted(code: ReasonCode, id: &str, kind: Kind) -> Reason {
    let (fr, en) = match code {
        ReasonCode::NotFreeSoftware => (
            format!("{id} : ni approuvée par l'OSI ni reconnue libre par la FSF."),
            format!("{id}: neither OSI-approved nor FSF-libre."),
        ),
        ReasonCode::NotAMaterialLicence => (
            format!(
                "{id} : licence de droit d'auteur ; elle ne couvre ni les brevets ni les droits d'obtention végétale et ne montre pas qu'un {} est libre. Utilisez une licence de semences libres.",
                kind_fr(kind)
            ),
            format!(
                "{id}: a copyright licence; it covers neither patents nor plant variety rights and does not show that a {} is free. Use a seed commons licence.",
                kind_en(kind)
            ),
        ),
        _ => (
            format!(
                "{id} : licence non examinée par la politique pour ce type de ressource ({}) ; un curateur peut l'examiner.",
                kind_fr(kind)
            ),
            format!(
                "{id}: licence not reviewed by the policy for this kind of resource ({}); a curator may review it.",
                kind_en(kind)
            ),
        ),
    };
    Reason::new(code, Some(id), fr, en)
}

pub(crate) fn no_licence() -> Reason {
    Reason::new(
        ReasonCode::NoLicence,
        Some("NONE"),
        "NONE : aucune licence, donc tous droits réservés.".to_owned(),
        "NONE: no licence, so all rights are reserved.".to_owned(),
    )
}

pub(crate) fn no_assertion() -> Reason {
    Reason::new(
        ReasonCode::NoAssertion,
        Some("NOASSERTION"),
        "NOASSERTION : la licence n'a pas été déclarée ; impossible de juger.".to_owned(),
        "NOASSERTION: the licence was not stated; it cannot be judged.".to_owned(),
    )
}

pub(crate) fn empty() -> Reason {
    Reason::new(
        ReasonCode::EmptyExpression,
        None,
        "L'expression de licence est vide.".to_owned(),
        "The licence expression is empty.".to_owned(),
    )
}

pub(crate) fn too_long(len: usize, max: usize) -> Reason {
    Reason::new(
        ReasonCode::TooLong,
        None,
        format!(
            "L'expression fait {len} octets, au-delà de la limite de {max} ; elle n'est pas analysée."
        ),
        format!("The expression is {len} bytes long, over the limit of {max}; it is not parsed."),
    )
}

pub(crate) fn too_complex(terms: usize, max: usize) -> Reason {
    Reason::new(
        ReasonCode::TooComplex,
        None,
        format!("L'expression compte {terms} licences, au-delà de la limite de {max}."),
        format!("The expression has {terms} licence terms, over the limit of {max}."),
    )
}

pub(crate) fn invalid(error: &spdx::ParseError) -> Reason {
    use spdx::error::Reason as R;
    let at = error.span.start;
    let fr = match &error.reason {
        R::UnknownLicense => "identifiant de licence inconnu",
        R::UnknownException => "identifiant d'exception inconnu",
        R::InvalidCharacters => "caractère(s) non valide(s)",
        R::UnclosedParens => "parenthèse non fermée",
        R::UnopenedParens => "parenthèse fermante sans ouvrante",
        R::Empty => "expression vide",
        R::Unexpected(_) => "terme inattendu",
        R::SeparatedPlus => "« + » ne doit pas suivre une espace",
        R::UnknownTerm => "terme inconnu (ni identifiant SPDX, ni LicenseRef-, ni AND/OR/WITH)",
        R::GnuNoPlus => "une licence GNU ne prend pas « + » : utilisez -or-later",
        R::GnuPlusWithSuffix => "« + » après une licence GNU en -only ou -or-later",
        R::DeprecatedLicenseId => "identifiant de licence obsolète",
    };
    Reason::new(
        ReasonCode::InvalidExpression,
        None,
        format!("Expression SPDX non valide, à l'octet {at} : {fr}."),
        format!("Invalid SPDX expression, at byte {at}: {}.", error.reason),
    )
}

pub(crate) fn deprecated(id: &str, replacements: &[String]) -> Reason {
    let (fr, en) = if replacements.is_empty() {
        (
            format!("{id} : identifiant SPDX obsolète."),
            format!("{id}: deprecated SPDX id."),
        )
    } else {
        let list = replacements.join(" | ");
        (
            format!("{id} : identifiant SPDX obsolète ; utilisez plutôt : {list}."),
            format!("{id}: deprecated SPDX id; use instead: {list}."),
        )
    };
    Reason::new(ReasonCode::DeprecatedId, Some(id), fr, en)
}

pub(crate) fn non_canonical(canonical: &str) -> Reason {
    Reason::new(
        ReasonCode::NonCanonicalForm,
        None,
        format!("Expression valide mais non canonique ; forme canonique : {canonical}."),
        format!("Valid expression, but not in canonical form; canonical form: {canonical}."),
    )
}

pub(crate) fn policy_unavailable(error: &str) -> Reason {
    Reason::new(
        ReasonCode::PolicyUnavailable,
        None,
        format!(
            "La politique de certification n'a pas pu être chargée ({error}) ; rien n'est certifié."
        ),
        format!("The certification policy could not be loaded ({error}); nothing is certified."),
    )
}
