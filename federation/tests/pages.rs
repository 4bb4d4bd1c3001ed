//! The changes feed keeps its pages under the byte limit a mirror reads,
//! whatever the size of the records.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cdl_federation::RegistryId;
use cdl_federation::client::MAX_PAGE_BYTES;
use cdl_federation::publish::Listings;
use cdl_federation::publish::{PAGE_CHANGES, changes, state};
use cdl_registry::RecordFile;
use cdl_registry::testing::{TempRegistry, software};

#[test]
fn large_records_split_pages_under_the_byte_limit() {
    let paris = TempRegistry::new();
    // 500 records of about 20 KiB of description each, full of characters
    // that JSON and TOML escape: about 10 MiB of feed, fewer changes than a
    // page may hold, so only the byte limit can split it.
    let description = "« Guillemets » \"doubles\" et \\ barres\n".repeat(500);
    let files: Vec<RecordFile> = (0..500)
        .map(|i| RecordFile {
            name: format!("gros-{i}.toml"),
            text: format!(
                "{}description = {}\n",
                software(&format!("gros-{i}"), "Gros", "MIT"),
                toml::Value::String(description.trim().to_owned())
            ),
        })
        .collect();
    cdl_registry::testing::merge_files(&paris.registry, &files);
    let id: RegistryId = "paris".parse().unwrap();
    let s = state(&paris.registry, &Listings::default()).unwrap();
    let mut after: Option<String> = None;
    let (mut pages, mut seen) = (0, 0);
    loop {
        let page = changes(
            &paris.registry,
            &Listings::default(),
            &id,
            &s,
            0,
            after.as_deref(),
            PAGE_CHANGES,
        )
        .unwrap();
        let bytes = serde_json::to_vec(&page).unwrap().len();
        assert!(bytes <= MAX_PAGE_BYTES, "a page of {bytes} bytes");
        assert!(!page.changes.is_empty());
        pages += 1;
        seen += page.changes.len();
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(seen, 500);
    assert!(pages >= 2, "{pages} page(s)");
}
