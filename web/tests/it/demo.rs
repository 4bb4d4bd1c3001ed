//! The demo catalogue shipped in the binary.

use std::collections::BTreeMap;

use cdl_records::Kind;

use crate::util::Result;

#[test]
fn the_embedded_samples_cover_every_kind_with_300_records() {
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, _) in cdl_web::demo::SAMPLES {
        *per_kind.entry(name.split('/').next().unwrap()).or_default() += 1;
    }
    assert!(cdl_web::demo::SAMPLES.len() >= 300, "{per_kind:?}");
    for kind in Kind::ALL {
        assert!(
            per_kind.get(kind.as_str()).is_some_and(|n| *n > 0),
            "{kind}: {per_kind:?}"
        );
    }
    assert!(
        cdl_web::demo::SOURCES.contains("Licence") || cdl_web::demo::SOURCES.contains("licence")
    );
}

#[test]
fn the_demo_registry_is_created_once() -> Result {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("demo");
    let (registry, prepared) = cdl_web::demo::prepare(&path)?;
    let cdl_web::demo::Prepared::Created { records, skipped } = prepared else {
        panic!("expected a new registry");
    };
    assert_eq!(skipped, 0, "every sample is valid and certified");
    assert_eq!(records, cdl_web::demo::SAMPLES.len());
    let snapshot = registry.snapshot(None)?;
    assert_eq!(snapshot.records.len(), records);
    let main = registry.main()?;
    drop(registry);
    let (again, prepared) = cdl_web::demo::prepare(&path)?;
    assert_eq!(prepared, cdl_web::demo::Prepared::Existing);
    assert_eq!(again.main()?, main, "nothing written the second time");
    Ok(())
}
