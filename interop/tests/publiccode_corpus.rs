//! Runs the importer's validator over every test file of the reference
//! parser (publiccode-parser-go) and compares verdicts with the reference's
//! expected results (testdata/publiccode/SOURCE.md says where they come from).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use cdl_interop::publiccode::{self, Severity};

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/publiccode")
}

struct Case {
    file: PathBuf,
    invalid: bool,
    keys: Vec<String>,
}

fn cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(testdata().join("expected_results_publiccode-parser-go.json"))
            .unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    for case in json["cases"].as_array().unwrap() {
        let file = case["file"].as_str().unwrap();
        let rel = file.strip_prefix("testdata/").unwrap();
        let expected = case["expected"].as_array().cloned().unwrap_or_default();
        let errors: Vec<String> = expected
            .iter()
            .filter(|e| e["severity"] == "error")
            .map(|e| e["key"].as_str().unwrap_or_default().to_owned())
            .collect();
        // Every v1 file is refused by the reference (version 1 unsupported),
        // including the one without a transcribed expectation.
        let invalid = !errors.is_empty() || rel.starts_with("v1/");
        out.push(Case {
            file: testdata().join("parser-go").join(rel),
            invalid,
            keys: errors,
        });
    }
    out
}

#[test]
fn every_verdict_agrees_with_the_reference_parser() {
    let cases = cases();
    assert_eq!(cases.len(), 328);
    let mut disagree = Vec::new();
    let mut same_key = 0;
    let mut invalid_total = 0;
    for case in &cases {
        let bytes =
            std::fs::read(&case.file).unwrap_or_else(|e| panic!("{}: {e}", case.file.display()));
        let result = publiccode::parse(&bytes, case.file.parent());
        match (&result, case.invalid) {
            (Ok(_), false) => {}
            (Err(invalid), true) => {
                invalid_total += 1;
                let ours: Vec<&str> = invalid
                    .issues
                    .iter()
                    .filter(|i| i.severity == Severity::Error)
                    .map(|i| i.key.as_str())
                    .collect();
                if case.keys.is_empty() || case.keys.iter().any(|k| ours.contains(&k.as_str())) {
                    same_key += 1;
                }
            }
            (Ok(_), true) => disagree.push(format!(
                "{}: accepted, reference refuses ({:?})",
                case.file.display(),
                case.keys
            )),
            (Err(e), false) => disagree.push(format!(
                "{}: refused, reference accepts: {e}",
                case.file.display()
            )),
        }
    }
    println!(
        "publiccode verdicts: {} agreeing / {}; refused files naming one of the reference's keys: {same_key} / {invalid_total}",
        cases.len() - disagree.len(),
        cases.len()
    );
    // The one file the reference refuses only after an HTTP request (its
    // logo address answers 404): the importer never goes on the network.
    let network_only = ["v0/invalid/logo_missing_url.yml"];
    disagree.retain(|d| !network_only.iter().any(|n| d.contains(n)));
    assert_eq!(cases.len() - disagree.len() - network_only.len(), 327);
    assert!(
        disagree.is_empty(),
        "{} disagreements:\n{}",
        disagree.len(),
        disagree.join("\n")
    );
}
