//! Init, open, propose, merge, read, diff and history.

use crate::file;
use cdl_registry::testing::{TempRegistry, software};
use cdl_registry::{ChangeKind, Pseudonym, RecordKey, RecordState, Registry};
use cdl_tests::{fsck, git};

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

#[test]
fn concurrent_threads_merge_distinct_records() {
    let t = TempRegistry::new();
    let r = &t.registry;
    std::thread::scope(|s| {
        for i in 0..8 {
            s.spawn(move || {
                let id = format!("t{i}");
                let (p, _) = r
                    .propose(
                        &[file(&id, software(&id, "T", "MIT"))],
                        &Pseudonym::new("x"),
                        None,
                    )
                    .unwrap();
                r.merge(p.as_str(), &Pseudonym::new("c")).unwrap();
            });
        }
    });
    assert_eq!(r.snapshot(None).unwrap().records.len(), 8);
    fsck(r.git_dir());
}

#[test]
fn commits_made_with_git_are_read() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let work = t.dir.path().join("work");
    let run = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&work)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Git User")
            .env("GIT_AUTHOR_EMAIL", "git@example.org")
            .env("GIT_COMMITTER_NAME", "Git User")
            .env("GIT_COMMITTER_EMAIL", "git@example.org")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    std::fs::create_dir(&work).unwrap();
    run(&["clone", "-q", r.git_dir().to_str().unwrap(), "."]);
    std::fs::create_dir_all(work.join("records/software")).unwrap();
    std::fs::write(
        work.join("records/software/vlc.toml"),
        software("vlc", "VLC", "GPL-2.0-or-later"),
    )
    .unwrap();
    run(&["add", "."]);
    run(&["commit", "-q", "-m", "Add VLC by hand"]);
    run(&["push", "-q", "origin", "main"]);
    let key: RecordKey = "software/vlc".parse().unwrap();
    assert!(matches!(
        r.record(&key, None).unwrap(),
        RecordState::Present(_)
    ));
    let h = r.history(&key, None).unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].author, "Git User");
    assert_eq!(h[0].message.trim(), "Add VLC by hand");
    // and the registry keeps writing on top of it
    crate::merge_gimp(r);
    assert_eq!(r.snapshot(None).unwrap().records.len(), 2);
    fsck(r.git_dir());
}
