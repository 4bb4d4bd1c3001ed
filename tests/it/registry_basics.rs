//! Init, open, propose, merge, read, diff and history.

use cdl_registry::testing::{TempRegistry, software};
use cdl_registry::{ChangeKind, Pseudonym, RecordFile, RecordKey, RecordState, Registry};
use cdl_tests::{fsck, git};

fn file(id: &str, text: String) -> RecordFile {
    RecordFile {
        name: format!("{id}.toml"),
        text,
    }
}

#[test]
fn init_creates_a_bare_registry_that_git_accepts() {
    let t = TempRegistry::new();
    let git_dir = t.registry.git_dir();
    assert_eq!(
        git(git_dir, &["rev-parse", "--is-bare-repository"]).trim(),
        "true"
    );
    let tree = git(git_dir, &["ls-tree", "-r", "--name-only", "main"]);
    assert_eq!(tree.trim(), "registry.toml");
    fsck(git_dir);
    let reopened = Registry::open(git_dir).unwrap();
    assert_eq!(reopened.config().name, "Test registry");
    assert!(Registry::init(git_dir, cdl_registry::RegistryConfig::new("x")).is_err());
}

#[test]
fn propose_merge_read_diff_history() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let before = r.main().unwrap().to_string();
    let (id, report) = r
        .propose(
            &[file("gimp", software("gimp", "GIMP", "GPL-3.0-or-later"))],
            &Pseudonym::new("Zoé"),
            Some("Ajoute GIMP"),
        )
        .unwrap();
    assert!(report.is_mergeable(), "{}", report.summary());
    let listed = r.proposals().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status.as_str(), "open");
    r.merge(id.as_str(), &Pseudonym::new("curator")).unwrap();
    assert_eq!(r.proposal(id.as_str()).unwrap().status.as_str(), "merged");

    let key: RecordKey = "software/gimp".parse().unwrap();
    let RecordState::Present(rec) = r.record(&key, None).unwrap() else {
        panic!("gimp should be there")
    };
    assert_eq!(rec.title, "GIMP");
    let snap = r.snapshot(None).unwrap();
    assert_eq!(snap.records.len(), 1);
    assert!(snap.invalid.is_empty());

    let changes = r.diff(&before, "main").unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].change, ChangeKind::Added);

    let history = r.history(&key, None).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].author, "Zoé");
    assert_eq!(history[0].email, "zoe@contributors.invalid");
    assert!(history[0].message.starts_with("Ajoute GIMP"));
    assert!(history[0].merged_in.is_some());

    // The stock git command sees ordinary commits.
    fsck(r.git_dir());
    let log = git(r.git_dir(), &["log", "--format=%an <%ae>|%s", "main"]);
    assert!(
        log.contains("Zoé <zoe@contributors.invalid>|Ajoute GIMP"),
        "{log}"
    );
    let shown = git(r.git_dir(), &["show", "main:records/software/gimp.toml"]);
    assert!(shown.contains("title = \"GIMP\""));
}
