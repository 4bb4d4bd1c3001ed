//! Unit tests of the public behaviour: one module per concern.

use cdl_records::Kind;

use crate::{Certificate, ReasonCode, Verdict, certify};

fn verdict(kind: Kind, expression: &str) -> Verdict {
    certify(kind, expression).verdict
}

#[track_caller]
fn assert_verdict(kind: Kind, expression: &str, expected: Verdict) {
    let certificate = certify(kind, expression);
    assert_eq!(
        certificate.verdict, expected,
        "{kind} `{expression}`: {certificate:#?}"
    );
}

#[track_caller]
fn assert_all(kind: Kind, expressions: &[&str], expected: Verdict) {
    for expression in expressions {
        assert_verdict(kind, expression, expected);
    }
}

mod software {
    use super::*;
    use Verdict::{Certified, Rejected, Unknown};

    #[test]
    fn osi_or_fsf_licences_are_certified() {
        assert_all(
            Kind::Software,
            &[
                "MIT",
                "Apache-2.0",
                "GPL-3.0-or-later",
                "AGPL-3.0-only",
                "LGPL-2.1-only",
                "MPL-2.0",
                "EUPL-1.2",
                "CECILL-2.1",
                "CECILL-B",
                "BSD-3-Clause",
                "0BSD",
                "Unlicense",
                "Zlib",
                "WTFPL",
                "MIT+",
            ],
            Certified,
        );
    }

    #[test]
    fn reasons_name_the_approval() {
        let certificate = certify(Kind::Software, "MIT");
        assert_eq!(certificate.reasons.len(), 1);
        let reason = &certificate.reasons[0];
        assert_eq!(reason.code, ReasonCode::FreeSoftwareLicence);
        assert_eq!(reason.license.as_deref(), Some("MIT"));
        assert!(reason.message_fr.contains("OSI"));
        assert!(reason.message_en.contains("OSI-approved"));
        assert_eq!(certificate.canonical.as_deref(), Some("MIT"));
        assert!(certificate.suggestions.is_empty());
        assert_eq!(certificate.spdx_list_version, crate::spdx_list_version());
        assert_eq!(certificate.policy_version, "2026-11-1");
    }

    #[test]
    fn unapproved_and_restricted_licences_are_rejected() {
        assert_all(
            Kind::Software,
            &[
                "BUSL-1.1",
                "SSPL-1.0",
                "Elastic-2.0",
                "CC-BY-NC-4.0",
                "CC-BY-ND-4.0",
                "Beerware",
                "LicenseRef-Proprietary",
                "NONE",
            ],
            Rejected,
        );
        let certificate = certify(Kind::Software, "Beerware");
        assert!(certificate.has_reason(ReasonCode::NotFreeSoftware));
        assert!(certify(Kind::Software, "SSPL-1.0").has_reason(ReasonCode::PolicyRejected));
        assert!(certify(Kind::Software, "NONE").has_reason(ReasonCode::NoLicence));
    }

    #[test]
    fn and_or_with() {
        assert_verdict(Kind::Software, "MIT OR CC-BY-NC-4.0", Certified);
        assert_verdict(Kind::Software, "CC-BY-NC-4.0 OR MIT", Certified);
        assert_verdict(Kind::Software, "MIT AND CC-BY-NC-4.0", Rejected);
        assert_verdict(Kind::Software, "MIT AND Apache-2.0", Certified);
        assert_verdict(
            Kind::Software,
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
            Certified,
        );
        assert_verdict(
            Kind::Software,
            "(MIT OR SSPL-1.0) AND (BUSL-1.1 OR Zlib)",
            Certified,
        );
        assert_verdict(Kind::Software, "MIT AND (SSPL-1.0 OR BUSL-1.1)", Rejected);
        assert_verdict(Kind::Software, "MIT AND LicenseRef-Unknown", Unknown);
        assert_verdict(Kind::Software, "SSPL-1.0 AND LicenseRef-Unknown", Rejected);
        assert_verdict(Kind::Software, "SSPL-1.0 OR LicenseRef-Unknown", Unknown);
        assert_verdict(Kind::Software, "MIT OR LicenseRef-Unknown", Certified);
        assert_verdict(Kind::Software, "mit or apache-2.0", Certified);
    }

    #[test]
    fn exceptions_only_add_permissions() {
        for expression in [
            "GPL-3.0-or-later WITH GCC-exception-3.1",
            "GPL-2.0-or-later WITH Classpath-exception-2.0",
            "Apache-2.0 WITH LLVM-exception",
            "MIT OR Apache-2.0 WITH LLVM-exception",
        ] {
            let certificate = certify(Kind::Software, expression);
            assert!(certificate.is_certified(), "{certificate:#?}");
            assert!(certificate.has_reason(ReasonCode::ExceptionAddsPermissions));
        }
        // An exception does not make a non-free licence free.
        assert_verdict(
            Kind::Software,
            "SSPL-1.0 WITH Classpath-exception-2.0",
            Rejected,
        );
        // Unknown additions may restrict: unknown.
        let certificate = certify(Kind::Software, "MIT WITH AdditionRef-Custom");
        assert_eq!(certificate.verdict, Unknown);
        assert!(certificate.has_reason(ReasonCode::UnknownAddition));
    }

    #[test]
    fn canonical_form() {
        let certificate = certify(
            Kind::Software,
            "  ((MIT) or (Apache-2.0 and BSD-3-Clause))  ",
        );
        assert_eq!(
            certificate.canonical.as_deref(),
            Some("MIT OR Apache-2.0 AND BSD-3-Clause")
        );
        let certificate = certify(Kind::Software, "(MIT OR Apache-2.0) AND BSD-3-Clause");
        assert_eq!(
            certificate.canonical.as_deref(),
            Some("(MIT OR Apache-2.0) AND BSD-3-Clause")
        );
        assert_eq!(
            certificate.expression, "(MIT OR Apache-2.0) AND BSD-3-Clause",
            "the expression is kept as given"
        );
    }
}

mod cultural_work {
    use super::*;
    use Verdict::{Certified, Rejected, Unknown};

    #[test]
    fn free_cultural_licences_are_certified() {
        assert_all(
            Kind::CulturalWork,
            &[
                "CC0-1.0",
                "CC-BY-4.0",
                "CC-BY-3.0-IGO",
                "CC-BY-SA-4.0",
                "CC-BY-SA-2.0-UK",
                "LAL-1.3",
                "LAL-1.2",
                "CC-PDM-1.0",
                "CC-PDDC",
                "OFL-1.1",
                "GFDL-1.3-no-invariants-or-later",
                "GFDL-1.3-or-later",
                "etalab-2.0",
                "GPL-3.0-or-later",
                "MIT",
                "CC-BY-SA-4.0 OR CC-BY-NC-4.0",
            ],
            Certified,
        );
        let certificate = certify(Kind::CulturalWork, "LAL-1.3");
        assert!(certificate.has_reason(ReasonCode::PolicyAccepted));
        assert!(
            certificate.reasons[0]
                .message_fr
                .contains("Licence Art Libre")
        );
    }

    #[test]
    fn nc_nd_and_invariants_are_rejected() {
        assert_all(
            Kind::CulturalWork,
            &[
                "CC-BY-NC-4.0",
                "CC-BY-ND-4.0",
                "CC-BY-NC-SA-4.0",
                "CC-BY-NC-SA-2.0-FR",
                "CC-BY-NC-ND-3.0-IGO",
                "GFDL-1.3-invariants-or-later",
                "Artistic-1.0",
                "JSON",
                "CC-BY-4.0 AND CC-BY-NC-4.0",
                "LicenseRef-All-Rights-Reserved",
            ],
            Rejected,
        );
    }

    #[test]
    fn unreviewed_licences_are_unknown() {
        for expression in [
            "Beerware",
            "ODC-By-1.0",
            "LicenseRef-Unknown",
            "NOASSERTION",
        ] {
            assert_verdict(Kind::CulturalWork, expression, Unknown);
        }
        assert!(certify(Kind::CulturalWork, "Beerware").has_reason(ReasonCode::NotReviewed));
    }
}

mod method {
    use super::*;
    use Verdict::{Certified, Rejected, Unknown};

    #[test]
    fn documentation_data_and_code_licences_are_certified() {
        assert_all(
            Kind::Method,
            &[
                "CC-BY-4.0",
                "CC-BY-SA-4.0",
                "CC0-1.0",
                "GFDL-1.3-no-invariants-only",
                "MIT",
                "GPL-3.0-or-later",
                "ODbL-1.0",
                "etalab-2.0",
                "CC-BY-4.0 AND MIT",
            ],
            Certified,
        );
    }

    #[test]
    fn restricted_licences_are_rejected() {
        assert_all(
            Kind::Method,
            &[
                "CC-BY-NC-4.0",
                "CC-BY-ND-4.0",
                "C-UDA-1.0",
                "CC-BY-4.0 AND CC-BY-NC-SA-4.0",
            ],
            Rejected,
        );
        assert_verdict(Kind::Method, "Beerware", Unknown);
    }
}

mod dataset {
    use super::*;
    use Verdict::{Certified, Rejected, Unknown};

    #[test]
    fn open_data_licences_are_certified() {
        assert_all(
            Kind::Dataset,
            &[
                "ODbL-1.0",
                "ODC-By-1.0",
                "PDDL-1.0",
                "CC0-1.0",
                "CC-BY-4.0",
                "CC-BY-3.0",
                "CC-BY-2.0",
                "CC-BY-SA-4.0",
                "etalab-2.0",
                "OGL-UK-3.0",
                "DL-DE-BY-2.0",
                "CDLA-Permissive-2.0",
                "MIT",
            ],
            Certified,
        );
    }

    #[test]
    fn restricted_data_licences_are_rejected() {
        assert_all(
            Kind::Dataset,
            &[
                "CC-BY-NC-4.0",
                "CC-BY-ND-4.0",
                "C-UDA-1.0",
                "NCGL-UK-2.0",
                "JSON",
            ],
            Rejected,
        );
        assert_verdict(Kind::Dataset, "OFL-1.1 AND LicenseRef-Unknown", Unknown);
    }

    #[test]
    fn licence_ouverte_names_suggest_etalab() {
        for written in [
            "LO-2.0",
            "Licence Ouverte",
            "Licence Ouverte 2.0",
            "Licence Ouverte / Open Licence",
        ] {
            let certificate = certify(Kind::Dataset, written);
            assert_eq!(certificate.verdict, Unknown, "{written}");
            assert_eq!(certificate.suggestions, ["etalab-2.0"], "{written}");
        }
    }
}

mod seeds_and_ferments {
    use super::*;
    use Verdict::{Certified, Rejected, Unknown};

    #[test]
    fn seed_commons_licences_are_certified_for_seeds() {
        assert_all(
            Kind::SeedLot,
            &[
                "LicenseRef-OSSI-Pledge",
                "LicenseRef-Open-Source-Seed-Licence",
                "LicenseRef-OpenMTA",
                "licenseref-ossi-pledge",
                "LicenseRef-OSSI-Pledge OR CC0-1.0",
            ],
            Certified,
        );
        let certificate = certify(Kind::SeedLot, "LicenseRef-OSSI-Pledge");
        assert!(certificate.has_reason(ReasonCode::SeedCommons));
    }

    #[test]
    fn ferments_need_a_material_agreement() {
        assert_verdict(Kind::FermentLot, "LicenseRef-OpenMTA", Certified);
        let certificate = certify(Kind::FermentLot, "LicenseRef-OSSI-Pledge");
        assert_eq!(certificate.verdict, Unknown);
        assert!(certificate.has_reason(ReasonCode::NotForThisKind));
    }

    #[test]
    fn copyright_licences_do_not_free_living_material() {
        for kind in [Kind::SeedLot, Kind::FermentLot] {
            for expression in [
                "CC0-1.0",
                "MIT",
                "CC-BY-SA-4.0",
                "LicenseRef-OSSI-Pledge AND CC0-1.0",
            ] {
                if kind == Kind::FermentLot && expression.contains("OSSI") {
                    continue;
                }
                let certificate = certify(kind, expression);
                assert_eq!(certificate.verdict, Unknown, "{kind} {expression}");
                assert!(certificate.has_reason(ReasonCode::NotAMaterialLicence));
            }
        }
    }

    #[test]
    fn non_free_material_terms_are_rejected() {
        for kind in [Kind::SeedLot, Kind::FermentLot] {
            assert_all(
                kind,
                &[
                    "LicenseRef-ITPGRFA-SMTA",
                    "LicenseRef-Proprietary",
                    "CC-BY-NC-4.0",
                ],
                Rejected,
            );
        }
    }

    #[test]
    fn seed_licences_are_not_software_licences() {
        let certificate = certify(Kind::Software, "LicenseRef-OSSI-Pledge");
        assert_eq!(certificate.verdict, Unknown);
        assert!(certificate.has_reason(ReasonCode::NotForThisKind));
    }

    #[test]
    fn seed_table_is_exposed() {
        let seeds = crate::seed_commons_licences();
        let ids: Vec<&str> = seeds.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "LicenseRef-OSSI-Pledge",
                "LicenseRef-Open-Source-Seed-Licence",
                "LicenseRef-OpenMTA"
            ]
        );
        for seed in seeds {
            assert_eq!(seed.url.scheme(), "https");
            assert!(!seed.why_free_fr.is_empty() && !seed.why_free_en.is_empty());
        }
    }
}

mod suggestions {
    use super::*;

    #[track_caller]
    fn suggests(expression: &str, expected: &[&str]) -> Certificate {
        let certificate = certify(Kind::Software, expression);
        assert_eq!(
            certificate.suggestions, expected,
            "{expression}: {certificate:#?}"
        );
        certificate
    }

    #[test]
    fn deprecated_gnu_ids_are_read_and_replaced() {
        let certificate = suggests("GPL-2.0", &["GPL-2.0-only", "GPL-2.0-or-later"]);
        assert!(
            certificate.is_certified(),
            "the meaning is clear enough to judge"
        );
        assert!(certificate.has_reason(ReasonCode::DeprecatedId));
        assert_eq!(certificate.canonical.as_deref(), Some("GPL-2.0"));

        suggests("GPL-2.0+", &["GPL-2.0-or-later"]);
        suggests(
            "LGPL-2.1 OR MIT",
            &["LGPL-2.1-only OR MIT", "LGPL-2.1-or-later OR MIT"],
        );
        suggests(
            "GPL-2.0-with-classpath-exception",
            &[
                "GPL-2.0-only WITH Classpath-exception-2.0",
                "GPL-2.0-or-later WITH Classpath-exception-2.0",
            ],
        );
        suggests("StandardML-NJ", &["SMLNJ"]);
        suggests("Net-SNMP OR MIT", &["(BSD-3-Clause AND HPND) OR MIT"]);
    }

    #[test]
    fn imprecise_names_are_unknown_with_a_suggestion() {
        for (written, expected) in [
            ("Apache 2", &["Apache-2.0"][..]),
            ("Apache License, Version 2.0", &["Apache-2.0"]),
            ("GPLv3", &["GPL-3.0-only", "GPL-3.0-or-later"]),
            ("GPL v3 or later", &["GPL-3.0-or-later"]),
            ("GPLv2+", &["GPL-2.0-or-later"]),
            ("MIT License", &["MIT"]),
            ("MPL 2.0 et EPL 1.0", &["MPL-2.0 AND EPL-1.0"]),
            ("MIT/Apache-2.0", &["MIT OR Apache-2.0"]),
            ("LGPL-v2.1", &["LGPL-2.1-only", "LGPL-2.1-or-later"]),
            ("CC BY-SA 4.0", &["CC-BY-SA-4.0"]),
            ("CC0 1.0", &["CC0-1.0"]),
            ("Free Art License", &["LAL-1.3"]),
            ("GNU GPL v2", &["GPL-2.0-only", "GPL-2.0-or-later"]),
            (
                "Apache-2.0 with LLVM exception",
                &["Apache-2.0 WITH LLVM-exception"],
            ),
            ("Apach-2.0", &["Apache-2.0"]),
        ] {
            let certificate = certify(Kind::Software, written);
            assert_eq!(certificate.verdict, Verdict::Unknown, "{written}");
            assert!(
                certificate.has_reason(ReasonCode::InvalidExpression),
                "{written}"
            );
            assert_eq!(certificate.canonical, None);
            assert_eq!(
                certificate.suggestions, expected,
                "{written}: {certificate:#?}"
            );
        }
    }

    #[test]
    fn wrong_case_is_read_and_fixed() {
        let certificate = suggests("apache-2.0 OR mit", &["Apache-2.0 OR MIT"]);
        assert!(certificate.is_certified());
        assert!(certificate.has_reason(ReasonCode::NonCanonicalForm));
        assert_eq!(certificate.canonical.as_deref(), Some("Apache-2.0 OR MIT"));
        let certificate = suggests(
            "GPL-3.0-only With classpath-exception-2.0",
            &["GPL-3.0-only WITH Classpath-exception-2.0"],
        );
        assert!(certificate.is_certified());
    }

    #[test]
    fn nothing_plausible_means_no_suggestion() {
        for written in ["N/A", "voir le fichier LICENSE", "???", "x"] {
            let certificate = certify(Kind::Software, written);
            assert_eq!(certificate.verdict, Verdict::Unknown);
            assert!(
                certificate.suggestions.is_empty(),
                "{written}: {:?}",
                certificate.suggestions
            );
        }
    }

    #[test]
    fn every_suggestion_is_valid_spdx() {
        for written in [
            "Apache 2",
            "GPLv3",
            "GPL-2.0",
            "LO-2.0",
            "BSD",
            "GPL",
            "Public Domain",
            "OSSI",
        ] {
            for suggestion in certify(Kind::Software, written).suggestions {
                assert!(
                    spdx::Expression::parse(&suggestion).is_ok(),
                    "{written} -> {suggestion}"
                );
            }
        }
    }
}

mod edge_cases {
    use super::*;
    use Verdict::{Certified, Unknown};

    #[test]
    fn empty_and_blank() {
        for written in ["", "   ", "\n\t"] {
            let certificate = certify(Kind::Software, written);
            assert_eq!(certificate.verdict, Unknown);
            assert!(certificate.has_reason(ReasonCode::EmptyExpression));
        }
    }

    #[test]
    fn unknown_licence_ref() {
        for kind in Kind::ALL {
            let certificate = certify(kind, "LicenseRef-Unknown");
            assert_eq!(certificate.verdict, Unknown);
            assert!(certificate.has_reason(ReasonCode::UnknownLicenceRef));
            assert_eq!(certificate.canonical.as_deref(), Some("LicenseRef-Unknown"));
        }
        assert_verdict(
            Kind::Software,
            "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
            Unknown,
        );
    }

    #[test]
    fn syntax_errors_are_unknown_never_free() {
        for written in [
            "MIT OR",
            "(MIT",
            "MIT)",
            "AND",
            "MIT MIT",
            "MIT WITH",
            "GPL-3.0-or-later+",
            "MIT +",
            "WITH LLVM-exception",
            "Apache-2.0 WITH MIT",
        ] {
            let certificate = certify(Kind::Software, written);
            assert_eq!(certificate.verdict, Unknown, "{written}");
            assert!(
                certificate.has_reason(ReasonCode::InvalidExpression),
                "{written}"
            );
        }
    }

    #[test]
    fn very_long_input() {
        let long = "MIT OR ".repeat(150_000) + "MIT";
        assert!(long.len() > 1_000_000);
        let certificate = certify(Kind::Software, &long);
        assert_eq!(certificate.verdict, Unknown);
        assert!(certificate.has_reason(ReasonCode::TooLong));

        let garbage = "é".repeat(600_000);
        assert_verdict(Kind::CulturalWork, &garbage, Unknown);

        let many = vec!["MIT"; 2_000].join(" AND ");
        let certificate = certify(Kind::Software, &many);
        assert_eq!(certificate.verdict, Unknown);
        assert!(certificate.has_reason(ReasonCode::TooComplex));

        let at_limit = vec!["MIT"; crate::MAX_TERMS].join(" AND ");
        assert_verdict(Kind::Software, &at_limit, Certified);
    }

    #[test]
    fn deep_nesting() {
        let depth = 10_000;
        let nested = format!("{}MIT{}", "(".repeat(depth), ")".repeat(depth));
        let certificate = certify(Kind::Software, &nested);
        assert_eq!(certificate.verdict, Certified);
        assert_eq!(certificate.canonical.as_deref(), Some("MIT"));

        let unbalanced = format!("{}MIT", "(".repeat(depth));
        assert_verdict(Kind::Software, &unbalanced, Unknown);

        let mut chain = String::from("MIT");
        for _ in 0..500 {
            chain = format!("(Apache-2.0 AND ({chain} OR BSD-3-Clause))");
        }
        let certificate = certify(Kind::Software, &chain);
        assert_eq!(certificate.verdict, Certified);
        let canonical = certificate.canonical.unwrap();
        assert!(spdx::Expression::parse(&canonical).is_ok());
    }

    #[test]
    fn control_characters_and_unicode() {
        for written in [
            "MIT\u{0}",
            "\u{0}",
            "MIT\u{7}OR Apache-2.0",
            "MIT\r\nOR\r\nApache-2.0",
            "ＭＩＴ",
            "MIT OR 🦀",
            "Licence Art Libre 1.3 «",
            "\u{202e}TIM",
            "LicenseRef-é",
            "GPL-2.0\u{feff}",
        ] {
            for kind in Kind::ALL {
                let certificate = certify(kind, written);
                assert_eq!(certificate.expression, written);
                let _ = serde_json::to_string(&certificate).unwrap();
            }
        }
        // Unicode whitespace separates terms like spaces do.
        assert_verdict(Kind::Software, "MIT\u{2003}OR\u{00a0}Apache-2.0", Certified);
    }
}

mod determinism {
    use super::*;

    #[test]
    fn same_input_same_certificate_and_json() {
        for kind in Kind::ALL {
            for expression in [
                "MIT OR CC-BY-NC-4.0",
                "GPL-2.0 AND LGPL-2.1 AND MIT",
                "Apache 2",
                "(CC-BY-SA-4.0 OR LAL-1.3) AND (ODbL-1.0 OR LicenseRef-X) AND CC-BY-4.0",
                "",
            ] {
                let first = certify(kind, expression);
                let second = certify(kind, expression);
                assert_eq!(first, second);
                let json = serde_json::to_string(&first).unwrap();
                assert_eq!(json, serde_json::to_string(&second).unwrap());
                let fresh = crate::Policy::embedded().unwrap().certify(kind, expression);
                assert_eq!(fresh, first, "a freshly built policy agrees");
                let back: Certificate = serde_json::from_str(&json).unwrap();
                assert_eq!(back, first, "JSON round trip");
            }
        }
    }

    #[test]
    fn json_shape() {
        let json = serde_json::to_value(certify(Kind::CulturalWork, "CC-BY-NC-4.0")).unwrap();
        assert_eq!(json["kind"], "cultural-work");
        assert_eq!(json["verdict"], "rejected");
        assert_eq!(json["reasons"][0]["code"], "policy-rejected");
        assert_eq!(json["reasons"][0]["license"], "CC-BY-NC-4.0");
        assert!(
            json["reasons"][0]["message_fr"]
                .as_str()
                .unwrap()
                .contains("commerciale")
        );
        assert_eq!(json["canonical"], "CC-BY-NC-4.0");
    }

    #[test]
    fn reasons_follow_the_expression_without_duplicates() {
        let certificate = certify(Kind::Software, "SSPL-1.0 OR MIT OR SSPL-1.0 OR MIT");
        let codes: Vec<(ReasonCode, Option<&str>)> = certificate
            .reasons
            .iter()
            .map(|r| (r.code, r.license.as_deref()))
            .collect();
        assert_eq!(
            codes,
            [
                (ReasonCode::PolicyRejected, Some("SSPL-1.0")),
                (ReasonCode::FreeSoftwareLicence, Some("MIT")),
            ]
        );
    }
}

mod policy_data {
    use super::*;

    #[test]
    fn examples_get_their_verdict() {
        for kind in Kind::ALL {
            let summary = crate::policy_summary(kind);
            for example in &summary.examples_accepted {
                assert_verdict(kind, example, Verdict::Certified);
            }
            for example in &summary.examples_rejected {
                assert_verdict(kind, example, Verdict::Rejected);
            }
        }
    }

    #[test]
    fn summary_lists_groups_for_the_kind() {
        let summary = crate::policy_summary(Kind::Dataset);
        assert_eq!(summary.kind, Kind::Dataset);
        assert!(summary.accepts_free_software_licences);
        let names: Vec<&str> = summary.groups.iter().map(|g| g.name.as_str()).collect();
        assert!(names.contains(&"open-data-share-alike"));
        assert!(names.contains(&"non-commercial"));
        assert!(!names.contains(&"fonts"));
        let first_rejected = summary
            .groups
            .iter()
            .position(|g| g.verdict == Verdict::Rejected)
            .unwrap();
        assert!(
            summary.groups[first_rejected..]
                .iter()
                .all(|g| g.verdict == Verdict::Rejected)
        );

        let seeds = crate::policy_summary(Kind::FermentLot);
        assert!(!seeds.accepts_free_software_licences);
        assert_eq!(seeds.seed_commons.len(), 1);
        assert_eq!(seeds.unlisted_verdict, Verdict::Unknown);
        assert_eq!(
            crate::policy_summary(Kind::Software).unlisted_verdict,
            Verdict::Rejected
        );
    }

    #[test]
    fn unavailable_policy_is_never_free() {
        let broken = crate::Policy::from_toml("policy_version = [", "").unwrap_err();
        let certificate = crate::certify_under(Err(&broken), Kind::Software, "MIT");
        assert_eq!(certificate.verdict, Verdict::Unknown);
        assert!(certificate.has_reason(ReasonCode::PolicyUnavailable));
        assert_eq!(certificate.policy_version, "unavailable");
        assert_eq!(verdict(Kind::Software, "MIT"), Verdict::Certified);
    }
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of real and broken SPDX syntax, to reach deep into the parser.
    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("MIT".to_owned()),
            Just("GPL-2.0".to_owned()),
            Just("GPL-2.0-only".to_owned()),
            Just("LGPL-2.1".to_owned()),
            Just("CC-BY-NC-4.0".to_owned()),
            Just("CC-BY-SA-4.0".to_owned()),
            Just("LicenseRef-OSSI-Pledge".to_owned()),
            Just("LicenseRef-x".to_owned()),
            Just("DocumentRef-a:LicenseRef-b".to_owned()),
            Just("AdditionRef-y".to_owned()),
            Just("Classpath-exception-2.0".to_owned()),
            Just("NOASSERTION".to_owned()),
            Just("NONE".to_owned()),
            Just("AND".to_owned()),
            Just("and".to_owned()),
            Just("OR".to_owned()),
            Just("WITH".to_owned()),
            Just("with".to_owned()),
            Just("(".to_owned()),
            Just(")".to_owned()),
            Just("+".to_owned()),
            Just("/".to_owned()),
            Just(" ".to_owned()),
            Just("et".to_owned()),
            Just("or later".to_owned()),
            "[a-zA-Z0-9.+-]{1,12}",
            any::<char>().prop_map(String::from),
        ]
    }

    fn expression() -> impl Strategy<Value = String> {
        prop::collection::vec(token(), 0..24).prop_map(|tokens| tokens.join(" "))
    }

    fn kind() -> impl Strategy<Value = Kind> {
        prop::sample::select(Kind::ALL.to_vec())
    }

    fn check(kind: Kind, input: &str) -> Result<(), TestCaseError> {
        let first = certify(kind, input);
        prop_assert_eq!(&first.expression, input);
        prop_assert_eq!(&first, &certify(kind, input));
        prop_assert!(!first.reasons.is_empty());
        if first.verdict == Verdict::Certified {
            prop_assert!(first.canonical.is_some());
        }
        if let Some(canonical) = &first.canonical
            && canonical != "NONE"
            && canonical != "NOASSERTION"
        {
            // The canonical form reads the same.
            let again = certify(kind, canonical);
            prop_assert_eq!(again.verdict, first.verdict);
        }
        for suggestion in &first.suggestions {
            prop_assert!(
                spdx::Expression::parse(suggestion).is_ok(),
                "{}",
                suggestion
            );
        }
        let _ = crate::licence_family(input);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_strings_never_panic(kind in kind(), input in any::<String>()) {
            check(kind, &input)?;
        }

        #[test]
        fn spdx_like_strings_never_panic(kind in kind(), input in expression()) {
            check(kind, &input)?;
        }
    }

    #[test]
    fn every_kind_on_arbitrary_strings() {
        // Each kind gets its own run on arbitrary strings, as well as the mixed runs above.
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 1_000,
            ..ProptestConfig::default()
        });
        for kind in Kind::ALL {
            runner
                .run(&any::<String>(), |input| check(kind, &input))
                .unwrap();
            runner
                .run(&expression(), |input| check(kind, &input))
                .unwrap();
        }
    }
}
