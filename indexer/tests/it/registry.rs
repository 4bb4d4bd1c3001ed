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

#[test]
fn mirrors_are_indexed_under_their_peer_and_follow_its_changes() {
    use cdl_registry::MirrorEdit;
    let reg = TempRegistry::new();
    merge(
        &reg,
        &[("gimp.toml", software("gimp", "GIMP", "GPL-3.0-or-later"))],
    );
    let put = |id: &str, title: &str| MirrorEdit::Put {
        path: format!("records/software/{id}.toml"),
        bytes: software(id, title, "MIT").into_bytes(),
    };
    // A peer that has a record with the same id as ours, and another.
    let first = reg
        .registry
        .write_mirror(
            "lyon",
            None,
            &[put("gimp", "GIMP lyonnais"), put("publik", "Publik")],
            "sync",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (index, _) = SearchIndex::open(dir.path().join("index"), options()).unwrap();
    index.catch_up(&reg.registry, &mut |_| {}).unwrap();
    assert!(index.is_current(&reg.registry).unwrap());
    let gimp = index
        .search(&cdl_indexer::SearchRequest::new("gimp"))
        .unwrap();
    assert_eq!(gimp.total, 2, "the same id in two origins never collides");
    let mut origins: Vec<&str> = gimp.hits.iter().map(|h| h.origin.as_str()).collect();
    origins.sort_unstable();
    let mut expected = [reg.registry.config().id.as_str(), "lyon"];
    expected.sort_unstable();
    assert_eq!(origins, expected);

    // The peer changes one record and drops the other: the index follows.
    reg.registry
        .write_mirror(
            "lyon",
            Some(first),
            &[
                put("gimp", "GIMP de Lyon"),
                MirrorEdit::Remove {
                    path: "records/software/publik.toml".into(),
                },
            ],
            "sync",
        )
        .unwrap();
    assert!(!index.is_current(&reg.registry).unwrap());
    index.catch_up(&reg.registry, &mut |_| {}).unwrap();
    let search = |q: &str| {
        index
            .search(&cdl_indexer::SearchRequest::new(q))
            .unwrap()
            .total
    };
    assert_eq!(search("publik"), 0);
    assert_eq!(search("lyon"), 1);
    // A rebuild keeps the mirrors.
    index.rebuild_from(&reg.registry, &mut |_| {}).unwrap();
    assert_eq!(search("gimp"), 2);

    // A peer no longer mirrored leaves nothing behind.
    let git = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(reg.registry.git_dir())
        .args(["update-ref", "-d", "refs/mirrors/lyon"])
        .status()
        .unwrap();
    assert!(git.success());
    index.catch_up(&reg.registry, &mut |_| {}).unwrap();
    assert_eq!(search("gimp"), 1);
    assert!(index.mirror_commits().is_empty());
}
