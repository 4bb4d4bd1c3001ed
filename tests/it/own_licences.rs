//! The project's own dependency licences, as allowed in `deny.toml`, are
//! licences its own policy certifies free for software.

use cdl_records::Kind;

fn deny_toml() -> toml::Table {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../deny.toml");
    let text = std::fs::read_to_string(path).unwrap();
    text.parse().unwrap()
}

fn ids(value: &toml::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_allowed_licence_is_certified_free_for_software() {
    let deny = deny_toml();
    let licenses = deny["licenses"].as_table().unwrap();
    let allowed = ids(&licenses["allow"]);
    assert!(allowed.len() >= 5, "{allowed:?}");
    for id in &allowed {
        let certificate = cdl_licenses::certify(Kind::Software, id);
        assert!(
            certificate.is_certified(),
            "deny.toml allows {id}, which the policy does not certify free for software"
        );
    }
    // Exceptions are for crates that are data, under a licence certified
    // free for datasets.
    for exception in licenses["exceptions"].as_array().unwrap() {
        for id in ids(&exception["allow"]) {
            assert!(
                cdl_licenses::certify(Kind::Dataset, &id).is_certified(),
                "deny.toml's exception allows {id}, not certified free even for data"
            );
        }
    }
    // Only crates.io: no other registry, no Git source.
    let sources = deny["sources"].as_table().unwrap();
    assert_eq!(sources["unknown-registry"].as_str(), Some("deny"));
    assert_eq!(sources["unknown-git"].as_str(), Some("deny"));
}
