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
