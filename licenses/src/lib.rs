#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod certificate;
mod certify;
mod choices;
mod family;
mod messages;
mod policy;
mod suggest;
mod terms;

use std::sync::OnceLock;

use cdl_records::Kind;

pub use certificate::{Certificate, Reason, ReasonCode, Verdict};
pub use certify::{MAX_EXPRESSION_LEN, MAX_TERMS};
pub use choices::{Choice, choice, choices};
pub use family::LicenceFamily;
pub use policy::{
    EMBEDDED_POLICY_TOML, EMBEDDED_SEED_COMMONS_TOML, GroupSummary, ListDifference, Policy,
    PolicyError, PolicySummary, SeedLicence,
};
pub use terms::{LicenceTerm, Terms};

/// The embedded policy, built on first use. Immutable once built.
static EMBEDDED: OnceLock<Result<Policy, PolicyError>> = OnceLock::new();

/// The embedded policy, built once and shared (immutable data, no mutable state).
///
/// # Errors
///
/// The [`PolicyError`] met while building it; a test checks that this never happens.
pub fn policy() -> Result<&'static Policy, &'static PolicyError> {
    EMBEDDED.get_or_init(Policy::embedded).as_ref()
}

/// The version of the SPDX licence list used to parse and flag licences
/// (the list embedded in the `spdx` crate).
pub fn spdx_list_version() -> &'static str {
    spdx::license_version()
}

/// The name of the licence `id` for people: the SPDX list's full name
/// (`MIT License` for `MIT`), or for a seed commons `LicenseRef-*` the name
/// the embedded policy gives it; `None` for an id neither knows.
///
/// ```
/// assert_eq!(cdl_licenses::licence_name("MIT").as_deref(), Some("MIT License"));
/// assert!(cdl_licenses::licence_name("LicenseRef-OSSI-Pledge").is_some());
/// assert_eq!(cdl_licenses::licence_name("LicenseRef-Unheard-Of"), None);
/// ```
pub fn licence_name(id: &str) -> Option<String> {
    if let Some(licence) = spdx::license_id(id) {
        return Some(licence.full_name.to_owned());
    }
    policy()
        .ok()?
        .seed_commons_licences()
        .iter()
        .find(|l| l.id == id)
        .map(|l| l.name.clone())
}

/// Certifies whether `expression` makes a resource of this `kind` free, under
/// the embedded policy.
///
/// Never panics and never returns an error: anything that cannot be judged
/// (syntax error, unknown `LicenseRef-*`...) gets the verdict
/// [`Verdict::Unknown`] with a reason, and is never treated as free.
///
/// ```
/// use cdl_licenses::{certify, Verdict};
/// use cdl_records::Kind;
///
/// assert!(certify(Kind::Software, "MIT OR CC-BY-NC-4.0").is_certified());
/// assert_eq!(certify(Kind::CulturalWork, "CC-BY-NC-4.0").verdict, Verdict::Rejected);
/// let imprecise = certify(Kind::Software, "Apache 2");
/// assert_eq!(imprecise.verdict, Verdict::Unknown);
/// assert_eq!(imprecise.suggestions, ["Apache-2.0"]);
/// ```
pub fn certify(kind: Kind, expression: &str) -> Certificate {
    certify_under(policy(), kind, expression)
}

/// Certifies under a policy, or answers `unknown` if the policy is unavailable.
fn certify_under(
    policy: Result<&Policy, &PolicyError>,
    kind: Kind,
    expression: &str,
) -> Certificate {
    match policy {
        Ok(policy) => policy.certify(kind, expression),
        Err(error) => Certificate {
            kind,
            expression: expression.to_owned(),
            canonical: None,
            verdict: Verdict::Unknown,
            reasons: vec![messages::policy_unavailable(&error.to_string())],
            suggestions: Vec::new(),
            policy_version: "unavailable".to_owned(),
            spdx_list_version: spdx_list_version().to_owned(),
        },
    }
}

/// The family of a licence expression (copyleft, permissive, public domain,
/// seed commons, other), for search facets. Invalid expressions are `Other`.
///
/// ```
/// use cdl_licenses::{licence_family, LicenceFamily};
///
/// assert_eq!(licence_family("GPL-3.0-or-later"), LicenceFamily::Copyleft);
/// assert_eq!(licence_family("MIT OR GPL-3.0-only"), LicenceFamily::Permissive);
/// ```
pub fn licence_family(expression: &str) -> LicenceFamily {
    policy().map_or(LicenceFamily::Other, |policy| {
        policy.licence_family(expression)
    })
}

/// Every licence named in `expression`, in order and once each, with its
/// full name and the address of its text (the SPDX page, or the seed
/// commons licence's own page). Empty when the expression does not parse.
///
/// ```
/// let terms = cdl_licenses::licence_terms("CC-BY-SA-4.0");
/// assert_eq!(terms[0].name, "Creative Commons Attribution Share Alike 4.0 International");
/// ```
pub fn licence_terms(expression: &str) -> Vec<LicenceTerm> {
    policy().map_or_else(
        |_| Vec::new(),
        |policy| terms::licence_terms(policy, expression),
    )
}

/// The full name and text address of one licence id (SPDX or seed
/// commons `LicenseRef-*`), for facets and pages that show names.
pub fn licence(id: &str) -> Option<LicenceTerm> {
    policy()
        .ok()
        .and_then(|policy| terms::licence_term(policy, id))
}

/// What the embedded policy accepts for a kind and why, for a public policy page.
pub fn policy_summary(kind: Kind) -> PolicySummary {
    match policy() {
        Ok(policy) => policy.summary(kind),
        Err(_) => PolicySummary {
            kind,
            policy_version: "unavailable".to_owned(),
            rule_fr: String::new(),
            rule_en: String::new(),
            accepts_free_software_licences: false,
            groups: Vec::new(),
            seed_commons: Vec::new(),
            unlisted_verdict: Verdict::Unknown,
            examples_accepted: Vec::new(),
            examples_rejected: Vec::new(),
        },
    }
}

/// The seed commons licences of the embedded policy (`LicenseRef-*` ids for
/// seeds and ferments, with name, URL and why they are free).
pub fn seed_commons_licences() -> &'static [SeedLicence] {
    policy().map_or(&[], Policy::seed_commons_licences)
}

#[cfg(test)]
mod tests;
