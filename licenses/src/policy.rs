//! The certification policy: per-kind rules and licence tables, loaded from TOML.

use std::collections::BTreeMap;

use cdl_records::Kind;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::certificate::{Certificate, ReasonCode, Verdict};
use crate::family::LicenceFamily;
use crate::suggest::Suggester;

/// The policy tables embedded in the crate (`data/policy.toml`).
pub const EMBEDDED_POLICY_TOML: &str = include_str!("../data/policy.toml");

/// The seed commons licences embedded in the crate (`data/seed-commons.toml`).
pub const EMBEDDED_SEED_COMMONS_TOML: &str = include_str!("../data/seed-commons.toml");

/// The error returned by [`Policy::embedded`] and [`Policy::from_toml`] when the
/// policy data is malformed or inconsistent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A file is not valid TOML or does not have the expected shape.
    #[error("{file}: {source}")]
    Toml {
        /// Which file (`policy.toml` or `seed-commons.toml`).
        file: &'static str,
        /// The TOML error, with its location.
        #[source]
        source: toml::de::Error,
    },
    /// A kind of resource has no `[kind.<name>]` table.
    #[error("policy.toml: no rules for kind `{kind}`")]
    MissingKind {
        /// The kind without rules.
        kind: Kind,
    },
    /// A kind says unlisted licences are certified, which would make the policy a blank cheque.
    #[error("policy.toml: kind `{kind}` must not certify unlisted licences")]
    UnlistedCertified {
        /// The kind.
        kind: Kind,
    },
    /// A table names an SPDX id the SPDX list does not have.
    #[error("{file}: `{id}` (in {context}) is not an SPDX licence id")]
    UnknownSpdxId {
        /// Which file.
        file: &'static str,
        /// Where in the file (group name, deprecated entry...).
        context: String,
        /// The id.
        id: String,
    },
    /// A group lists a deprecated SPDX id (list its replacement instead).
    #[error("policy.toml: `{id}` in group `{group}` is a deprecated SPDX id")]
    DeprecatedSpdxId {
        /// The group name.
        group: String,
        /// The id.
        id: String,
    },
    /// An id is judged twice for the same kind.
    #[error(
        "policy.toml: `{id}` is judged twice for kind `{kind}` (groups `{first}` and `{second}`)"
    )]
    Conflict {
        /// The id.
        id: String,
        /// The kind.
        kind: Kind,
        /// The first group judging it.
        first: String,
        /// The second group judging it.
        second: String,
    },
    /// A `LicenseRef-*` entry is malformed or duplicated.
    #[error("{file}: bad licence reference `{id}`: {problem}")]
    BadLicenceRef {
        /// Which file.
        file: &'static str,
        /// The id.
        id: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// A deprecated-id entry names an id that is not deprecated.
    #[error("policy.toml: `{id}` is listed under [[deprecated]] but is not deprecated")]
    NotDeprecated {
        /// The id.
        id: String,
    },
    /// A suggested expression (replacement or alias) is not a valid SPDX expression.
    #[error(
        "policy.toml: suggestion `{expression}` for `{context}` is not a valid SPDX expression"
    )]
    BadSuggestion {
        /// What it is suggested for.
        context: String,
        /// The invalid expression.
        expression: String,
    },
}

/// What applies to an SPDX id that no group and no flag covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Unlisted {
    pub(crate) verdict: Verdict,
    pub(crate) code: ReasonCode,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    free_software: bool,
    unlisted: Unlisted,
    rule_fr: String,
    rule_en: String,
    examples_accepted: Vec<String>,
    examples_rejected: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum GroupVerdict {
    Accepted,
    Rejected,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    name: String,
    verdict: GroupVerdict,
    family: LicenceFamily,
    kinds: Vec<Kind>,
    why_fr: String,
    why_en: String,
    ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRef {
    id: String,
    why_fr: String,
    why_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeprecated {
    id: String,
    replacements: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAlias {
    pub(crate) names: Vec<String>,
    pub(crate) suggest: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    policy_version: String,
    kind: BTreeMap<Kind, RawKind>,
    #[serde(default)]
    group: Vec<RawGroup>,
    #[serde(default)]
    licence_ref: Vec<RawRef>,
    #[serde(default)]
    deprecated: Vec<RawDeprecated>,
    #[serde(default)]
    alias: Vec<RawAlias>,
    #[serde(default)]
    list_difference: Vec<ListDifference>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeeds {
    licence: Vec<SeedLicence>,
}

/// A licence or pledge that keeps living material (seeds, ferments) free.
/// None has an SPDX id: records name them by their `LicenseRef-*` id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedLicence {
    /// The `LicenseRef-*` id records use.
    pub id: String,
    /// The name of the licence or pledge.
    pub name: String,
    /// Where its text is published.
    pub url: Url,
    /// The kinds of resource it can make free (`seed-lot`, `ferment-lot`).
    pub kinds: Vec<Kind>,
    /// Why it is free, in French.
    pub why_free_fr: String,
    /// Why it is free, in English.
    pub why_free_en: String,
}

/// A known `LicenseRef-*` that is not free (proprietary markers and the like).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KnownRef {
    pub(crate) id: String,
    pub(crate) why_fr: String,
    pub(crate) why_en: String,
}

/// An SPDX id on which the list embedded in the `spdx` crate and the older
/// reference list kept in the tests give a different software verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListDifference {
    /// The SPDX id.
    pub id: String,
    /// What differs and which list the policy follows.
    pub note: String,
}

/// A group of SPDX ids that the policy accepts or rejects for some kinds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group {
    pub(crate) name: String,
    pub(crate) verdict: Verdict,
    pub(crate) family: LicenceFamily,
    pub(crate) kinds: Vec<Kind>,
    pub(crate) why_fr: String,
    pub(crate) why_en: String,
    pub(crate) ids: Vec<String>,
}

/// The rules for one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KindRules {
    pub(crate) free_software: bool,
    pub(crate) unlisted: Unlisted,
    pub(crate) rule_fr: String,
    pub(crate) rule_en: String,
    pub(crate) examples_accepted: Vec<String>,
    pub(crate) examples_rejected: Vec<String>,
}

/// A certification policy: what is free, per kind of resource.
///
/// It is immutable once built. Build the embedded one with
/// [`Policy::embedded`], or use the crate-level functions ([`crate::certify`]...)
/// which share one lazily built copy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub(crate) version: String,
    pub(crate) kinds: BTreeMap<Kind, KindRules>,
    pub(crate) groups: Vec<Group>,
    /// (id, kind) -> index into `groups`.
    pub(crate) judged: BTreeMap<(String, Kind), usize>,
    /// id -> family, from the first group listing the id.
    pub(crate) families: BTreeMap<String, LicenceFamily>,
    pub(crate) refs: Vec<KnownRef>,
    pub(crate) seeds: Vec<SeedLicence>,
    /// deprecated id -> replacement expressions (non-GNU ids only).
    pub(crate) deprecated: BTreeMap<String, Vec<String>>,
    pub(crate) list_differences: Vec<ListDifference>,
    pub(crate) suggester: Suggester,
}

/// A summary of the policy for one kind, for a public "policy" page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySummary {
    /// The kind of resource.
    pub kind: Kind,
    /// The policy version.
    pub policy_version: String,
    /// The rule, in French.
    pub rule_fr: String,
    /// The rule, in English.
    pub rule_en: String,
    /// Whether OSI-approved or FSF-libre licences are free for this kind.
    pub accepts_free_software_licences: bool,
    /// The groups of SPDX ids judged for this kind, accepted then rejected.
    pub groups: Vec<GroupSummary>,
    /// The seed commons licences accepted for this kind.
    pub seed_commons: Vec<SeedLicence>,
    /// The verdict for SPDX ids no rule covers (`rejected` or `unknown`).
    pub unlisted_verdict: Verdict,
    /// Example expressions that are certified.
    pub examples_accepted: Vec<String>,
    /// Example expressions that are rejected.
    pub examples_rejected: Vec<String>,
}

/// One group of licences in a [`PolicySummary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// The group name (stable, kebab-case).
    pub name: String,
    /// `certified` for accepted groups, `rejected` for rejected ones.
    pub verdict: Verdict,
    /// The family of the licences in the group.
    pub family: LicenceFamily,
    /// Why, in French.
    pub why_fr: String,
    /// Why, in English.
    pub why_en: String,
    /// The SPDX ids.
    pub ids: Vec<String>,
}

/// Looks an SPDX licence id up exactly (case-sensitive, no `+` trimming).
pub(crate) fn exact_license_id(id: &str) -> Option<spdx::LicenseId> {
    spdx::license_id(id).filter(|found| found.name == id)
}

fn is_ref_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

fn check_ref(file: &'static str, id: &str) -> Result<(), PolicyError> {
    let bad = |problem| PolicyError::BadLicenceRef {
        file,
        id: id.to_owned(),
        problem,
    };
    let Some(rest) = id.strip_prefix("LicenseRef-") else {
        return Err(bad("must start with `LicenseRef-`"));
    };
    if rest.is_empty() || !rest.chars().all(is_ref_char) {
        return Err(bad(
            "only letters, digits, `-` and `.` may follow `LicenseRef-`",
        ));
    }
    Ok(())
}

fn check_suggestion(context: &str, expression: &str) -> Result<(), PolicyError> {
    spdx::Expression::parse(expression)
        .map(|_| ())
        .map_err(|_| PolicyError::BadSuggestion {
            context: context.to_owned(),
            expression: expression.to_owned(),
        })
}

impl Policy {
    /// Builds the policy embedded in the crate (`data/policy.toml` and
    /// `data/seed-commons.toml`). Costs about a millisecond; prefer the
    /// crate-level functions, which build it once.
    ///
    /// # Errors
    ///
    /// A [`PolicyError`] if the embedded data is malformed. A test checks that it
    /// is not, so this only fails on a broken build.
    pub fn embedded() -> Result<Policy, PolicyError> {
        Policy::from_toml(EMBEDDED_POLICY_TOML, EMBEDDED_SEED_COMMONS_TOML)
    }

    /// Builds a policy from the text of a `policy.toml` and a `seed-commons.toml`.
    ///
    /// # Errors
    ///
    /// A [`PolicyError`] if either text is not valid TOML of the expected
    /// shape, names an unknown or deprecated SPDX id, judges an id twice for
    /// one kind, or offers a suggestion that is not a valid expression.
    pub fn from_toml(policy_toml: &str, seed_commons_toml: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy = toml::from_str(policy_toml).map_err(|source| PolicyError::Toml {
            file: "policy.toml",
            source,
        })?;
        let seeds: RawSeeds =
            toml::from_str(seed_commons_toml).map_err(|source| PolicyError::Toml {
                file: "seed-commons.toml",
                source,
            })?;

        let mut raw_kinds = raw.kind;
        let mut kinds = BTreeMap::new();
        for kind in Kind::ALL {
            let rules = raw_kinds
                .remove(&kind)
                .ok_or(PolicyError::MissingKind { kind })?;
            if rules.unlisted.verdict == Verdict::Certified {
                return Err(PolicyError::UnlistedCertified { kind });
            }
            kinds.insert(
                kind,
                KindRules {
                    free_software: rules.free_software,
                    unlisted: rules.unlisted,
                    rule_fr: rules.rule_fr,
                    rule_en: rules.rule_en,
                    examples_accepted: rules.examples_accepted,
                    examples_rejected: rules.examples_rejected,
                },
            );
        }

        let mut groups = Vec::with_capacity(raw.group.len());
        let mut judged: BTreeMap<(String, Kind), usize> = BTreeMap::new();
        let mut families = BTreeMap::new();
        for (index, group) in raw.group.into_iter().enumerate() {
            for id in &group.ids {
                let Some(found) = exact_license_id(id) else {
                    return Err(PolicyError::UnknownSpdxId {
                        file: "policy.toml",
                        context: format!("group `{}`", group.name),
                        id: id.clone(),
                    });
                };
                if found.is_deprecated() {
                    return Err(PolicyError::DeprecatedSpdxId {
                        group: group.name.clone(),
                        id: id.clone(),
                    });
                }
                for &kind in &group.kinds {
                    if let Some(&first) = judged.get(&(id.clone(), kind)) {
                        return Err(PolicyError::Conflict {
                            id: id.clone(),
                            kind,
                            first: groups
                                .get(first)
                                .map(|g: &Group| g.name.clone())
                                .unwrap_or_default(),
                            second: group.name.clone(),
                        });
                    }
                    judged.insert((id.clone(), kind), index);
                }
                families.entry(id.clone()).or_insert(group.family);
            }
            groups.push(Group {
                name: group.name,
                verdict: match group.verdict {
                    GroupVerdict::Accepted => Verdict::Certified,
                    GroupVerdict::Rejected => Verdict::Rejected,
                },
                family: group.family,
                kinds: group.kinds,
                why_fr: group.why_fr,
                why_en: group.why_en,
                ids: group.ids,
            });
        }

        let mut seen_refs: Vec<String> = Vec::new();
        let mut remember_ref = |file: &'static str, id: &str| -> Result<(), PolicyError> {
            check_ref(file, id)?;
            let lower = id.to_ascii_lowercase();
            if seen_refs.contains(&lower) {
                return Err(PolicyError::BadLicenceRef {
                    file,
                    id: id.to_owned(),
                    problem: "listed twice",
                });
            }
            seen_refs.push(lower);
            Ok(())
        };
        for seed in &seeds.licence {
            remember_ref("seed-commons.toml", &seed.id)?;
            if seed.kinds.is_empty() {
                return Err(PolicyError::BadLicenceRef {
                    file: "seed-commons.toml",
                    id: seed.id.clone(),
                    problem: "`kinds` is empty",
                });
            }
        }
        let mut refs = Vec::with_capacity(raw.licence_ref.len());
        for known in raw.licence_ref {
            remember_ref("policy.toml", &known.id)?;
            refs.push(KnownRef {
                id: known.id,
                why_fr: known.why_fr,
                why_en: known.why_en,
            });
        }

        let mut deprecated = BTreeMap::new();
        for entry in raw.deprecated {
            let Some(found) = exact_license_id(&entry.id) else {
                return Err(PolicyError::UnknownSpdxId {
                    file: "policy.toml",
                    context: "[[deprecated]]".to_owned(),
                    id: entry.id,
                });
            };
            if !found.is_deprecated() {
                return Err(PolicyError::NotDeprecated { id: entry.id });
            }
            for replacement in &entry.replacements {
                check_suggestion(&entry.id, replacement)?;
            }
            deprecated.insert(entry.id, entry.replacements);
        }

        for alias in &raw.alias {
            for suggestion in &alias.suggest {
                check_suggestion(
                    alias.names.first().map_or("alias", String::as_str),
                    suggestion,
                )?;
            }
        }

        for difference in &raw.list_difference {
            if exact_license_id(&difference.id).is_none() {
                return Err(PolicyError::UnknownSpdxId {
                    file: "policy.toml",
                    context: "[[list_difference]]".to_owned(),
                    id: difference.id.clone(),
                });
            }
        }

        let mut policy = Policy {
            version: raw.policy_version,
            kinds,
            groups,
            judged,
            families,
            refs,
            seeds: seeds.licence,
            deprecated,
            list_differences: raw.list_difference,
            suggester: Suggester::default(),
        };
        policy.suggester = Suggester::build(&policy, &raw.alias);
        Ok(policy)
    }

    /// The `policy_version` of this policy (for example `2026-11-1`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Certifies a licence expression for a kind of resource. Pure and fast:
    /// no I/O, no global state; microseconds for a valid expression, under a
    /// millisecond when suggestions must be searched for an invalid one.
    pub fn certify(&self, kind: Kind, expression: &str) -> Certificate {
        crate::certify::certify(self, kind, expression)
    }

    /// The family of a licence expression (for search facets).
    pub fn licence_family(&self, expression: &str) -> LicenceFamily {
        crate::family::licence_family(self, expression)
    }

    /// The seed commons licences this policy knows.
    pub fn seed_commons_licences(&self) -> &[SeedLicence] {
        &self.seeds
    }

    /// The ids on which the SPDX list of the `spdx` crate and the older
    /// reference list of the tests differ, as documented in the policy data.
    pub fn list_differences(&self) -> &[ListDifference] {
        &self.list_differences
    }

    /// A summary of the rules for one kind, for a public policy page.
    pub fn summary(&self, kind: Kind) -> PolicySummary {
        let rules = self.kinds.get(&kind);
        let mut groups: Vec<GroupSummary> = self
            .groups
            .iter()
            .filter(|group| group.kinds.contains(&kind))
            .map(|group| GroupSummary {
                name: group.name.clone(),
                verdict: group.verdict,
                family: group.family,
                why_fr: group.why_fr.clone(),
                why_en: group.why_en.clone(),
                ids: group.ids.clone(),
            })
            .collect();
        groups.sort_by_key(|group| group.verdict);
        PolicySummary {
            kind,
            policy_version: self.version.clone(),
            rule_fr: rules.map(|r| r.rule_fr.clone()).unwrap_or_default(),
            rule_en: rules.map(|r| r.rule_en.clone()).unwrap_or_default(),
            accepts_free_software_licences: rules.is_some_and(|r| r.free_software),
            groups,
            seed_commons: self
                .seeds
                .iter()
                .filter(|seed| seed.kinds.contains(&kind))
                .cloned()
                .collect(),
            unlisted_verdict: rules.map_or(Verdict::Unknown, |r| r.unlisted.verdict),
            examples_accepted: rules
                .map(|r| r.examples_accepted.clone())
                .unwrap_or_default(),
            examples_rejected: rules
                .map(|r| r.examples_rejected.clone())
                .unwrap_or_default(),
        }
    }

    /// The group judging an SPDX id for a kind, if any.
    pub(crate) fn group_for(&self, id: &str, kind: Kind) -> Option<&Group> {
        self.judged
            .get(&(id.to_owned(), kind))
            .and_then(|&index| self.groups.get(index))
    }

    /// The seed commons licence with this `LicenseRef-*` id (case-insensitive).
    pub(crate) fn seed(&self, id: &str) -> Option<&SeedLicence> {
        self.seeds
            .iter()
            .find(|seed| seed.id.eq_ignore_ascii_case(id))
    }

    /// The known non-free `LicenseRef-*` with this id (case-insensitive).
    pub(crate) fn known_ref(&self, id: &str) -> Option<&KnownRef> {
        self.refs
            .iter()
            .find(|known| known.id.eq_ignore_ascii_case(id))
    }

    /// The expressions that replace a deprecated SPDX id: the table for
    /// non-GNU ids, `-only` and `-or-later` for plain GNU ids.
    pub(crate) fn replacements(&self, id: spdx::LicenseId) -> Vec<String> {
        if let Some(listed) = self.deprecated.get(id.name) {
            return listed.clone();
        }
        if id.is_gnu() && !id.name.ends_with("-only") && !id.name.ends_with("-or-later") {
            return ["-only", "-or-later"]
                .iter()
                .map(|suffix| format!("{}{suffix}", id.name))
                .filter(|name| exact_license_id(name).is_some())
                .collect();
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_policy_parses() {
        let policy = Policy::embedded().unwrap();
        assert_eq!(policy.version(), "2026-11-1");
        assert_eq!(policy.kinds.len(), Kind::ALL.len());
        assert!(policy.seed_commons_licences().len() >= 3);
    }

    #[test]
    fn every_kind_has_examples_and_a_rule() {
        let policy = Policy::embedded().unwrap();
        for kind in Kind::ALL {
            let summary = policy.summary(kind);
            assert!(!summary.rule_fr.is_empty() && !summary.rule_en.is_empty());
            assert!(!summary.examples_accepted.is_empty(), "{kind}");
            assert!(!summary.examples_rejected.is_empty(), "{kind}");
        }
    }

    #[test]
    fn bad_data_is_reported_not_panicked() {
        let seeds = EMBEDDED_SEED_COMMONS_TOML;
        assert!(matches!(
            Policy::from_toml("policy_version = 3", seeds),
            Err(PolicyError::Toml {
                file: "policy.toml",
                ..
            })
        ));
        let typo = EMBEDDED_POLICY_TOML.replace("\"CC-BY-4.0\",", "\"CC-BY-4.O\",");
        assert!(matches!(
            Policy::from_toml(&typo, seeds),
            Err(PolicyError::UnknownSpdxId { id, .. }) if id == "CC-BY-4.O"
        ));
        let conflict = EMBEDDED_POLICY_TOML.replace(
            "ids = [\"C-UDA-1.0\"]",
            "ids = [\"C-UDA-1.0\", \"CC0-1.0\"]",
        );
        assert!(matches!(
            Policy::from_toml(&conflict, seeds),
            Err(PolicyError::Conflict { id, .. }) if id == "CC0-1.0"
        ));
        let deprecated =
            EMBEDDED_POLICY_TOML.replace("ids = [\"C-UDA-1.0\"]", "ids = [\"GPL-2.0\"]");
        assert!(matches!(
            Policy::from_toml(&deprecated, seeds),
            Err(PolicyError::DeprecatedSpdxId { .. })
        ));
        let bad_seed = seeds.replace("LicenseRef-OpenMTA", "OpenMTA");
        assert!(matches!(
            Policy::from_toml(EMBEDDED_POLICY_TOML, &bad_seed),
            Err(PolicyError::BadLicenceRef { .. })
        ));
    }
}
