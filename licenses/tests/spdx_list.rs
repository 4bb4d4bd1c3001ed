//! Checks the certification against the whole SPDX licence list 3.27.0
//! (`tests/data/spdx-licenses-3.27.0.json`, see `tests/data/SOURCE.md`).

use std::collections::BTreeSet;
use std::error::Error;

use cdl_licenses::{ReasonCode, Verdict, certify, policy, policy_summary};
use cdl_records::Kind;
use serde_json::Value;

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

const LIST: &str = include_str!("data/spdx-licenses-3.27.0.json");

/// One licence of the 3.27.0 list.
struct Listed {
    id: String,
    osi: bool,
    /// Tri-state: `None` when the key is absent (not reviewed by the FSF).
    fsf: Option<bool>,
    deprecated: bool,
}

fn listed() -> Result<Vec<Listed>> {
    let json: Value = serde_json::from_str(LIST)?;
    assert_eq!(json["licenseListVersion"], "3.27.0");
    let licences = json["licenses"].as_array().ok_or("no `licenses` array")?;
    let mut out = Vec::with_capacity(licences.len());
    for licence in licences {
        out.push(Listed {
            id: licence["licenseId"]
                .as_str()
                .ok_or("no licenseId")?
                .to_owned(),
            osi: licence["isOsiApproved"]
                .as_bool()
                .ok_or("no isOsiApproved")?,
            fsf: licence.get("isFsfLibre").map(|v| v.as_bool() == Some(true)),
            deprecated: licence["isDeprecatedLicenseId"]
                .as_bool()
                .ok_or("no isDeprecatedLicenseId")?,
        });
    }
    assert_eq!(out.len(), 699);
    Ok(out)
}

/// The licence in the list of the `spdx` crate with exactly this id.
fn in_crate(id: &str) -> Option<spdx::LicenseId> {
    spdx::license_id(id).filter(|found| found.name == id)
}

#[test]
fn software_verdicts_follow_osi_and_fsf_flags() -> Result {
    let policy = policy().map_err(|e| e.to_string())?;
    let documented: BTreeSet<&str> = policy
        .list_differences()
        .iter()
        .map(|d| d.id.as_str())
        .collect();

    let current: Vec<Listed> = listed()?.into_iter().filter(|l| !l.deprecated).collect();
    let mut compared = 0;
    let mut differences = BTreeSet::new();
    for licence in &current {
        let Some(id) = in_crate(&licence.id) else {
            continue;
        };
        compared += 1;
        let expected = licence.osi || licence.fsf == Some(true);
        let certificate = certify(Kind::Software, &licence.id);
        assert_ne!(
            certificate.verdict,
            Verdict::Unknown,
            "software verdicts are never unknown for a listed id: {certificate:#?}"
        );
        if certificate.is_certified() != expected {
            // Only allowed where the crate's own flags differ from the 3.27.0 list.
            let crate_free = id.is_osi_approved() || id.is_fsf_free_libre();
            assert_ne!(crate_free, expected, "{}: {certificate:#?}", licence.id);
            differences.insert(licence.id.clone());
        }
    }
    // Every current id of 3.27.0 is still in the crate's newer list.
    assert_eq!(compared, current.len());
    assert_eq!(compared, 667);
    let differences: BTreeSet<&str> = differences.iter().map(String::as_str).collect();
    assert_eq!(
        differences, documented,
        "differences between the spdx crate flags and the 3.27.0 list must be documented \
         under [[list_difference]] in data/policy.toml"
    );
    println!(
        "compared {compared} ids; documented differences: {:?}",
        documented
    );
    Ok(())
}

#[test]
fn every_deprecated_id_gets_a_suggestion() -> Result {
    let deprecated: Vec<Listed> = listed()?.into_iter().filter(|l| l.deprecated).collect();
    assert_eq!(deprecated.len(), 32);
    for licence in &deprecated {
        for kind in Kind::ALL {
            let certificate = certify(kind, &licence.id);
            assert!(
                certificate.has_reason(ReasonCode::DeprecatedId),
                "{kind} {}: {certificate:#?}",
                licence.id
            );
            assert!(
                !certificate.suggestions.is_empty(),
                "{kind} {}: {certificate:#?}",
                licence.id
            );
            for suggestion in &certificate.suggestions {
                let parsed = spdx::Expression::parse(suggestion)?;
                for req in parsed.requirements() {
                    if let Some(id) = req.req.license.id() {
                        assert!(!id.is_deprecated(), "{} -> {suggestion}", licence.id);
                    }
                }
            }
        }
    }
    let gpl = certify(Kind::Software, "GPL-2.0");
    assert_eq!(gpl.suggestions, ["GPL-2.0-only", "GPL-2.0-or-later"]);
    Ok(())
}

#[test]
fn policy_tables_name_real_current_ids() -> Result {
    let in_list: BTreeSet<String> = listed()?.into_iter().map(|l| l.id).collect();
    let mut newer_than_list = BTreeSet::new();
    for kind in Kind::ALL {
        for group in policy_summary(kind).groups {
            for id in &group.ids {
                let found = in_crate(id)
                    .ok_or_else(|| format!("{id} ({}) is not an SPDX id", group.name))?;
                assert!(!found.is_deprecated(), "{id} is deprecated");
                if !in_list.contains(id) {
                    newer_than_list.insert(id.clone());
                }
            }
        }
    }
    // Ids added to SPDX after 3.27.0 (present in the crate's 3.29.0 list).
    println!("policy ids newer than 3.27.0: {newer_than_list:?}");
    assert!(newer_than_list.len() < 10);
    Ok(())
}

#[test]
fn fsf_non_free_licences_are_rejected_for_content() -> Result {
    for licence in listed()?.iter().filter(|l| l.fsf == Some(false)) {
        for kind in [Kind::CulturalWork, Kind::Method, Kind::Dataset] {
            let certificate = certify(kind, &licence.id);
            assert_eq!(
                certificate.verdict,
                Verdict::Rejected,
                "{kind} {}: {certificate:#?}",
                licence.id
            );
        }
    }
    Ok(())
}

#[test]
fn every_non_commercial_or_no_derivatives_id_is_rejected_everywhere() {
    let mut checked = 0;
    for licence in spdx::identifiers::LICENSES {
        let name = licence.name;
        if !(name.starts_with("CC-BY-NC") || name.starts_with("CC-BY-ND")) {
            continue;
        }
        checked += 1;
        for kind in Kind::ALL {
            assert_eq!(
                certify(kind, name).verdict,
                Verdict::Rejected,
                "{kind} {name}"
            );
        }
    }
    assert!(checked >= 30, "{checked}");
}

#[test]
fn free_software_licences_are_judged_for_every_content_kind() -> Result {
    for licence in listed()?.iter().filter(|l| !l.deprecated) {
        if !(licence.osi || licence.fsf == Some(true)) || in_crate(&licence.id).is_none() {
            continue;
        }
        for kind in [Kind::CulturalWork, Kind::Method, Kind::Dataset] {
            let certificate = certify(kind, &licence.id);
            assert_ne!(
                certificate.verdict,
                Verdict::Unknown,
                "{kind} {}",
                licence.id
            );
            if licence.fsf != Some(false) {
                assert!(
                    certificate.is_certified(),
                    "{kind} {}: {certificate:#?}",
                    licence.id
                );
            }
        }
    }
    Ok(())
}

#[test]
fn list_versions_are_reported() {
    let certificate = certify(Kind::Software, "MIT");
    assert_eq!(certificate.spdx_list_version, spdx::license_version());
    assert_eq!(
        certificate.spdx_list_version,
        cdl_licenses::spdx_list_version()
    );
}
