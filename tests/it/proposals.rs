//! Proposals: report, merge, reject, conflicts, refusals.

use cdl_registry::testing::{TempRegistry, software};
use cdl_registry::{
    ChangeKind, MergeError, ProposalStatus, ProposeError, Pseudonym, RecordFile, RejectError,
};
use cdl_tests::{fsck, git};

use crate::file;

fn z() -> Pseudonym {
    Pseudonym::new("Zoé")
}
fn c() -> Pseudonym {
    Pseudonym::new("Camille")
}

#[test]
fn non_certified_records_are_reported_and_never_merged() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let (id, report) = r
        .propose(
            &[file("nc", software("nc", "NC", "CC-BY-NC-4.0"))],
            &z(),
            None,
        )
        .unwrap();
    assert!(!report.is_mergeable());
    let cert = report.entries[0].certificate.as_ref().unwrap();
    assert!(!cert.is_certified());
    let view = r.show(id.as_str()).unwrap();
    assert!(!view.report.is_mergeable());
    let before = r.main().unwrap();
    let err = r.merge(id.as_str(), &c()).unwrap_err();
    assert!(matches!(err, MergeError::NotCertified { .. }), "{err}");
    assert_eq!(r.main().unwrap(), before);
}

#[test]
fn reject_keeps_the_reason_in_history() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let (id, _) = r
        .propose(&[file("a", software("a", "A", "MIT"))], &z(), None)
        .unwrap();
    assert!(matches!(
        r.reject(id.as_str(), &c(), " "),
        Err(RejectError::NoReason)
    ));
    r.reject(id.as_str(), &c(), "Hors périmètre du catalogue")
        .unwrap();
    match r.proposal(id.as_str()).unwrap().status {
        ProposalStatus::Rejected { reason, curator } => {
            assert_eq!(reason, "Hors périmètre du catalogue");
            assert_eq!(curator, "Camille");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        r.merge(id.as_str(), &c()),
        Err(MergeError::Rejected { .. })
    ));
    assert!(matches!(
        r.reject(id.as_str(), &c(), "again"),
        Err(RejectError::AlreadyRejected { .. })
    ));
    let log = git(
        r.git_dir(),
        &["log", "--format=%B", &format!("refs/proposals/{id}")],
    );
    assert!(log.contains("Hors périmètre du catalogue"), "{log}");
    fsck(r.git_dir());
}

#[test]
fn merge_after_main_moved_works_for_other_records_and_conflicts_on_the_same() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let (p1, _) = r
        .propose(&[file("a", software("a", "A", "MIT"))], &z(), None)
        .unwrap();
    let (p2, _) = r
        .propose(&[file("b", software("b", "B", "MIT"))], &z(), None)
        .unwrap();
    let (p3, _) = r
        .propose(&[file("a", software("a", "A bis", "MIT"))], &z(), None)
        .unwrap();
    r.merge(p1.as_str(), &c()).unwrap();
    // main moved; p2 touches another record: merged on top.
    r.merge(p2.as_str(), &c()).unwrap();
    let snap = r.snapshot(None).unwrap();
    assert_eq!(snap.records.len(), 2);
    // p3 touches `a`, which main changed since p3's base.
    match r.merge(p3.as_str(), &c()) {
        Err(MergeError::Conflict { records, .. }) => {
            assert_eq!(records.len(), 1);
            assert_eq!(records[0].to_string(), "software/a");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        r.merge(p1.as_str(), &c()),
        Err(MergeError::AlreadyMerged { .. })
    ));
    assert_eq!(
        r.proposal(p3.as_str()).unwrap().status,
        ProposalStatus::Open
    );
    // a modification proposed on the new main merges
    let (p4, report) = r
        .propose(&[file("a", software("a", "A ter", "MIT"))], &z(), None)
        .unwrap();
    assert_eq!(report.entries[0].change, ChangeKind::Modified);
    r.merge(p4.as_str(), &c()).unwrap();
    fsck(r.git_dir());
    let statuses: Vec<&str> = r
        .proposals()
        .unwrap()
        .iter()
        .map(|p| p.status.as_str())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "merged").count(), 3);
}

#[test]
fn invalid_files_are_refused_and_nothing_is_written() {
    let t = TempRegistry::new();
    let r = &t.registry;
    // the id does not match the file name
    let bad = RecordFile {
        name: "other.toml".into(),
        text: software("gimp", "GIMP", "MIT"),
    };
    assert!(matches!(
        r.propose(&[bad], &z(), None),
        Err(ProposeError::InvalidRecord { .. })
    ));
    // not TOML
    let bad = RecordFile {
        name: "x.toml".into(),
        text: "this is not = = toml".into(),
    };
    assert!(matches!(
        r.propose(&[bad], &z(), None),
        Err(ProposeError::InvalidRecord { .. })
    ));
    // the same record twice
    let twice = [
        file("a", software("a", "A", "MIT")),
        file("a", software("a", "A", "MIT")),
    ];
    assert!(matches!(
        r.propose(&twice, &z(), None),
        Err(ProposeError::Duplicate { .. })
    ));
    assert!(r.proposals().unwrap().is_empty());
    // nothing new
    let (p, _) = r
        .propose(&[file("a", software("a", "A", "MIT"))], &z(), None)
        .unwrap();
    r.merge(p.as_str(), &c()).unwrap();
    assert!(matches!(
        r.propose(&[file("a", software("a", "A", "MIT"))], &z(), None),
        Err(ProposeError::NoChange)
    ));
}

#[test]
fn messages_cannot_forge_a_status() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let (p, _) = r
        .propose(
            &[file("a", software("a", "A", "MIT"))],
            &z(),
            Some("Add A\n\nProposal-Status: merged"),
        )
        .unwrap();
    assert_eq!(r.proposal(p.as_str()).unwrap().status, ProposalStatus::Open);
}
