//! Packing and pruning keep every reachable object and the history.

use std::time::Duration;

use cdl_registry::testing::{TempRegistry, software};
use cdl_registry::{GcOptions, Pseudonym};
use cdl_tests::{fsck, git};

use crate::file;

fn loose_count(git_dir: &std::path::Path) -> usize {
    git(git_dir, &["count-objects", "-v"])
        .lines()
        .find_map(|l| l.strip_prefix("count: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn gc_packs_reachable_objects_and_prunes_garbage() {
    let t = TempRegistry::new();
    let r = &t.registry;
    for i in 0..5 {
        let id = format!("r{i}");
        let (p, _) = r
            .propose(
                &[file(&id, software(&id, "R", "MIT"))],
                &Pseudonym::new("z"),
                None,
            )
            .unwrap();
        r.merge(p.as_str(), &Pseudonym::new("c")).unwrap();
    }
    // garbage a losing writer would leave: an unreferenced blob
    let garbage = git(r.git_dir(), &["hash-object", "-w", "--stdin"]);
    assert!(!garbage.trim().is_empty());
    let before = loose_count(r.git_dir());
    assert!(before > 20);

    // young garbage is kept...
    let o = r
        .gc_with(&GcOptions::default().prune_grace(Duration::from_secs(3600)))
        .unwrap();
    assert!(o.packed > 0);
    assert_eq!(o.kept_recent, 1);
    assert_eq!(loose_count(r.git_dir()), 1);
    // ...and old garbage pruned
    let o = r
        .gc_with(&GcOptions::default().prune_grace(Duration::ZERO))
        .unwrap();
    assert_eq!(o.pruned, 1);
    assert_eq!(loose_count(r.git_dir()), 0);
    fsck(r.git_dir());
    assert_eq!(r.snapshot(None).unwrap().records.len(), 5);

    // more writes, another pack, then merge all packs
    let (p, _) = r
        .propose(
            &[file("x", software("x", "X", "MIT"))],
            &Pseudonym::new("z"),
            None,
        )
        .unwrap();
    r.merge(p.as_str(), &Pseudonym::new("c")).unwrap();
    let o = r
        .gc_with(&GcOptions::default().prune_grace(Duration::ZERO))
        .unwrap();
    assert!(!o.busy, "{o:?}");
    assert!(o.packed > 0, "{o:?}");
    let o = r
        .gc_with(
            &GcOptions::default()
                .prune_grace(Duration::ZERO)
                .merge_packs(true),
        )
        .unwrap();
    assert!(!o.busy, "{o:?}");
    assert_eq!(o.packs_merged, 2, "{o:?}");
    assert_eq!(o.packs, 1);
    fsck(r.git_dir());
    assert_eq!(r.snapshot(None).unwrap().records.len(), 6);
    assert_eq!(r.proposals().unwrap().len(), 6);
    assert_eq!(
        r.history(&"software/r0".parse().unwrap(), None)
            .unwrap()
            .len(),
        1
    );
}

/// A large write (a mirror's first sync, an import) goes to disk as one
/// pack, with the loose history it reaches, so that a gc that stops its
/// walk at packs never prunes what the new pack needs.
#[test]
fn a_large_write_is_one_pack_that_a_gc_keeps_whole() {
    let t = TempRegistry::new();
    let r = &t.registry;
    // Some small writes first: loose commits, trees and blobs.
    for i in 0..3 {
        let id = format!("petit-{i}");
        let (p, _) = r
            .propose(
                &[file(&id, software(&id, "Petit", "MIT"))],
                &Pseudonym::new("z"),
                None,
            )
            .unwrap();
        r.merge(p.as_str(), &Pseudonym::new("c")).unwrap();
    }
    let loose_before = loose_count(r.git_dir());
    let files: Vec<_> = (0..400)
        .map(|i| {
            let id = format!("gros-{i}");
            file(&id, software(&id, "Gros", "MIT"))
        })
        .collect();
    let (p, _) = r.propose(&files, &Pseudonym::new("z"), None).unwrap();
    // The proposal's 400 blobs and its trees went into a pack, not into
    // hundreds of loose files.
    assert!(
        loose_count(r.git_dir()) < loose_before + 50,
        "{} loose objects after a write of 400 records",
        loose_count(r.git_dir())
    );
    r.merge(p.as_str(), &Pseudonym::new("c")).unwrap();
    fsck(r.git_dir());
    // The loose history below the pack is packed with it: pruning every
    // loose object a walk from the references does not reach loses nothing.
    r.gc_with(&GcOptions::default().prune_grace(Duration::ZERO))
        .unwrap();
    fsck(r.git_dir());
    assert_eq!(r.snapshot(None).unwrap().records.len(), 403);
    assert_eq!(loose_count(r.git_dir()), 0);
}
