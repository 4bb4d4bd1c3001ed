//! Catching up with a real registry: full build, then incremental.

use cdl_indexer::{CatchUp, OpenStatus, SearchIndex};
use cdl_registry::testing::{TempRegistry, software};
use cdl_registry::{Pseudonym, RecordFile};

use crate::util::options;

fn merge(reg: &TempRegistry, files: &[(&str, String)]) {
    let files: Vec<RecordFile> = files
        .iter()
        .map(|(name, text)| RecordFile {
            name: (*name).to_owned(),
            text: text.clone(),
        })
        .collect();
    let (id, _) = reg
        .registry
        .propose(&files, &Pseudonym::new("alice"), None)
        .unwrap();
    reg.registry
        .merge(id.as_str(), &Pseudonym::new("curator"))
        .unwrap();
}

#[test]
fn catch_up_builds_then_follows_main() {
    let reg = TempRegistry::new();
    merge(
        &reg,
        &[("gimp.toml", software("gimp", "GIMP", "GPL-3.0-or-later"))],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let (index, status) = SearchIndex::open(&path, options()).unwrap();
    assert_eq!(status, OpenStatus::Created);
    let first = index.catch_up(&reg.registry, &mut |_| {}).unwrap();
    assert!(
        matches!(first, CatchUp::Rebuilt { records: 1, .. }),
        "{first:?}"
    );
    let hits = index
        .search(&cdl_indexer::SearchRequest::new("gimp"))
        .unwrap();
    assert_eq!(hits.total, 1);
    assert_eq!(hits.hits[0].origin, reg.registry.config().id);

    assert!(matches!(
        index.catch_up(&reg.registry, &mut |_| {}).unwrap(),
        CatchUp::UpToDate { .. }
    ));

    merge(
        &reg,
        &[(
            "inkscape.toml",
            software("inkscape", "Inkscape", "GPL-2.0-or-later"),
        )],
    );
    let next = index.catch_up(&reg.registry, &mut |_| {}).unwrap();
    assert!(
        matches!(
            next,
            CatchUp::Incremental {
                upserted: 1,
                deleted: 0,
                ..
            }
        ),
        "{next:?}"
    );
    assert_eq!(
        index
            .search(&cdl_indexer::SearchRequest::new("inkscape"))
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        index.commit(),
        Some(reg.registry.main().unwrap().to_hex().to_string())
    );

    // After a restart, the index picks up from the commit it recorded.
    index.close_writer().unwrap();
    drop(index);
    merge(
        &reg,
        &[(
            "gimp.toml",
            software("gimp", "GIMP image editor", "GPL-3.0-or-later"),
        )],
    );
    let (index, status) = SearchIndex::open(&path, options()).unwrap();
    assert_eq!(status, OpenStatus::Current);
    let after = index.catch_up(&reg.registry, &mut |_| {}).unwrap();
    assert!(
        matches!(after, CatchUp::Incremental { upserted: 1, .. }),
        "{after:?}"
    );
    assert_eq!(
        index
            .search(&cdl_indexer::SearchRequest::new("editor"))
            .unwrap()
            .total,
        1
    );
    assert_eq!(index.num_docs(), 2);
}
