//! Withdrawal leaves a tombstone; diffs see it.

use cdl_registry::testing::{TempRegistry, software};
use cdl_registry::{
    ChangeKind, ProposeError, Pseudonym, RecordKey, RecordState, WithdrawError, Withdrawal,
    WithdrawalReason,
};
use cdl_tests::fsck;

use crate::file;

#[test]
fn withdraw_leaves_a_tombstone() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let (p, _) = r
        .propose(
            &[file("a", software("a", "Alpha", "MIT"))],
            &Pseudonym::new("z"),
            None,
        )
        .unwrap();
    r.merge(p.as_str(), &Pseudonym::new("c")).unwrap();
    let before = r.main().unwrap().to_string();
    let key: RecordKey = "software/a".parse().unwrap();
    let w = Withdrawal {
        reason: WithdrawalReason::Takedown,
        explanation: "Demande de retrait de l'ayant droit".into(),
        replaced_by: None,
        curator: Pseudonym::new("Camille"),
    };
    r.withdraw(&key, &w).unwrap();
    match r.record(&key, None).unwrap() {
        RecordState::Withdrawn(t) => {
            assert_eq!(t.title, "Alpha");
            assert_eq!(t.reason, WithdrawalReason::Takedown);
            assert_eq!(t.curator, "Camille");
        }
        other => panic!("{other:?}"),
    }
    let snap = r.snapshot(None).unwrap();
    assert!(snap.records.is_empty());
    assert_eq!(snap.tombstones.len(), 1);
    let diff = r.diff(&before, "main").unwrap();
    assert_eq!(diff.len(), 1);
    assert_eq!(diff[0].change, ChangeKind::Withdrawn);
    let h = r.history(&key, None).unwrap();
    assert_eq!(h[0].change, ChangeKind::Withdrawn);
    assert!(matches!(
        r.withdraw(&key, &w),
        Err(WithdrawError::AlreadyWithdrawn { .. })
    ));
    let missing: RecordKey = "software/zz".parse().unwrap();
    assert!(matches!(
        r.withdraw(&missing, &w),
        Err(WithdrawError::NotFound { .. })
    ));
    // a withdrawn id cannot come back through a proposal
    assert!(matches!(
        r.propose(
            &[file("a", software("a", "Alpha", "MIT"))],
            &Pseudonym::new("z"),
            None
        ),
        Err(ProposeError::Withdrawn { .. })
    ));
    fsck(r.git_dir());
}
