//! Following a remote repository, with hostile remotes refused whole.

use std::path::{Path, PathBuf};
use std::process::Command;

use cdl_registry::testing::{TempRegistry, software};
use cdl_registry::{FollowError, Limits, RecordKey, RecordState};
use cdl_tests::fsck;
use cdl_tests::smart_http::GitHttpServer;

/// A contributor's clone of the registry, with a work tree.
struct Contributor {
    work: PathBuf,
}

impl Contributor {
    fn clone_of(registry: &Path, at: &Path) -> Contributor {
        std::fs::create_dir_all(at).unwrap();
        let c = Contributor {
            work: at.to_owned(),
        };
        c.git(&["clone", "-q", registry.to_str().unwrap(), "."]);
        c
    }

    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(&self.work)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "Forge User")
            .env("GIT_AUTHOR_EMAIL", "forge@example.org")
            .env("GIT_COMMITTER_NAME", "Forge User")
            .env("GIT_COMMITTER_EMAIL", "forge@example.org")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn write(&self, rel: &str, text: &[u8]) {
        let p = self.work.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn reset(&self) {
        self.git(&["reset", "-q", "--hard", "origin/main"]);
        self.git(&["clean", "-qfdx"]);
    }

    fn path(&self) -> &str {
        self.work.to_str().unwrap()
    }
}

fn object_files(git_dir: &Path) -> usize {
    walk(&git_dir.join("objects"))
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn follow_fast_forwards_after_checks() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let c = Contributor::clone_of(r.git_dir(), &t.dir.path().join("forge"));
    c.write(
        "records/software/vlc.toml",
        software("vlc", "VLC", "GPL-2.0-or-later").as_bytes(),
    );
    c.commit("Add VLC");
    c.write(
        "records/dataset/arbres.toml",
        b"id = \"arbres\"\nkind = \"dataset\"\ntitle = \"Arbres\"\nlicense = \"ODbL-1.0\"\n",
    );
    c.commit("Add trees");
    let outcome = r.follow(c.path(), "main").unwrap();
    assert_eq!(outcome.commits, 2);
    assert_eq!(outcome.changes, 2);
    assert_eq!(
        r.main().unwrap().to_string(),
        c.git(&["rev-parse", "HEAD"]).trim()
    );
    let key: RecordKey = "software/vlc".parse().unwrap();
    assert!(matches!(
        r.record(&key, None).unwrap(),
        RecordState::Present(_)
    ));
    assert_eq!(r.history(&key, None).unwrap()[0].author, "Forge User");
    fsck(r.git_dir());
    // up to date: nothing to do
    let again = r.follow(c.path(), "main").unwrap();
    assert_eq!(again.old, again.new);
    // unknown branch
    assert!(matches!(
        r.follow(c.path(), "nope"),
        Err(FollowError::NoBranch { .. })
    ));
}

#[test]
fn hostile_remotes_are_refused_and_nothing_is_written() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let c = Contributor::clone_of(r.git_dir(), &t.dir.path().join("forge"));
    let main = r.main().unwrap();
    let objects = object_files(r.git_dir());

    type Setup = fn(&Contributor);
    let cases: Vec<(&str, Setup)> = vec![
        ("symlink", |c| {
            std::fs::create_dir_all(c.work.join("records/software")).unwrap();
            std::os::unix::fs::symlink("/etc/passwd", c.work.join("records/software/x.toml"))
                .unwrap();
            c.commit("link");
        }),
        ("submodule", |c| {
            let head = c.git(&["rev-parse", "HEAD"]);
            let info = format!("160000,{},records/software/sub.toml", head.trim());
            c.git(&["update-index", "--add", "--cacheinfo", &info]);
            c.git(&["commit", "-q", "-m", "submodule"]);
        }),
        ("path outside records", |c| {
            c.write("evil.sh", b"rm -rf /\n");
            c.commit("script");
        }),
        ("registry.toml changed", |c| {
            c.write("registry.toml", b"name = \"pwned\"\nid = \"pwned\"\n");
            c.commit("config");
        }),
        ("id does not match the file name", |c| {
            c.write(
                "records/software/x.toml",
                software("y", "Y", "MIT").as_bytes(),
            );
            c.commit("mismatch");
        }),
        ("huge blob", |c| {
            let mut big = software("big", "Big", "MIT").into_bytes();
            big.extend(std::iter::repeat_n(b'#', 300 * 1024));
            c.write("records/software/big.toml", &big);
            c.commit("big");
        }),
        ("huge blob added then removed", |c| {
            c.write("records/software/big.toml", &vec![b'#'; 300 * 1024]);
            c.commit("big");
            c.git(&["rm", "-q", "records/software/big.toml"]);
            c.git(&["commit", "-q", "-m", "remove big"]);
        }),
        ("not certified", |c| {
            c.write(
                "records/software/nc.toml",
                software("nc", "NC", "CC-BY-NC-4.0").as_bytes(),
            );
            c.commit("nc");
        }),
        ("nested folder", |c| {
            c.write(
                "records/software/deep/x.toml",
                software("x", "X", "MIT").as_bytes(),
            );
            c.commit("deep");
        }),
    ];
    for (name, setup) in cases {
        c.reset();
        setup(&c);
        let err = r.follow(c.path(), "main").expect_err(name);
        assert!(
            matches!(
                err,
                FollowError::Hostile { .. }
                    | FollowError::InvalidRecord { .. }
                    | FollowError::NotCertified { .. }
            ),
            "{name}: {err}"
        );
        assert_eq!(r.main().unwrap(), main, "{name}");
        assert_eq!(
            object_files(r.git_dir()),
            objects,
            "{name}: objects were written"
        );
    }
    fsck(r.git_dir());
}

#[test]
fn non_fast_forward_is_refused() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let c = Contributor::clone_of(r.git_dir(), &t.dir.path().join("forge"));
    c.write(
        "records/software/vlc.toml",
        software("vlc", "VLC", "GPL-2.0-or-later").as_bytes(),
    );
    c.commit("Add VLC");
    // main moves on its own
    crate::merge_gimp(r);
    let main = r.main().unwrap();
    let err = r.follow(c.path(), "main").unwrap_err();
    assert!(matches!(err, FollowError::NotFastForward { .. }), "{err}");
    assert!(err.to_string().contains("not a fast-forward"));
    assert_eq!(r.main().unwrap(), main);
}

/// A contributor repository served over smart HTTP on loopback, at
/// `http://127.0.0.1:PORT/contrib.git`.
fn served_contributor(t: &TempRegistry) -> (Contributor, GitHttpServer) {
    let root = t.dir.path().join("served");
    let c = Contributor::clone_of(t.registry.git_dir(), &root.join("contrib.git"));
    let server = GitHttpServer::serve(&root);
    (c, server)
}

/// Limits that let a test follow plain `http://` on loopback.
fn loopback_http() -> Limits {
    let mut limits = Limits::default();
    limits.allow_plain_http_on_loopback = true;
    limits
}

#[test]
fn downloads_past_the_limit_are_cut_and_nothing_is_written() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let (c, server) = served_contributor(&t);
    for i in 0..30 {
        let id = format!("logiciel-{i}");
        c.write(
            &format!("records/software/{id}.toml"),
            software(&id, &format!("Logiciel numéro {i}"), "MIT").as_bytes(),
        );
    }
    c.commit("Add thirty programs");
    let old = r.main().unwrap();
    let mut limits = loopback_http();
    limits.max_download_bytes = 2048;
    let err = r
        .follow_with(&server.url("contrib.git"), "main", &limits)
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("more than 2048 bytes"),
        "a clear reason: {message}"
    );
    assert_eq!(r.main().unwrap(), old, "main is unchanged");
    assert_eq!(quarantines(r.git_dir()), 0, "the quarantine is removed");
    fsck(r.git_dir());
    // With room enough, the same remote is followed.
    let outcome = r
        .follow_with(&server.url("contrib.git"), "main", &loopback_http())
        .unwrap();
    assert_eq!(outcome.changes, 30);
}

fn quarantines(git_dir: &Path) -> usize {
    std::fs::read_dir(git_dir.join("cdl-tmp"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with("quarantine"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn follow_over_smart_http_fast_forwards() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let (c, server) = served_contributor(&t);
    c.write(
        "records/software/vlc.toml",
        software("vlc", "VLC", "GPL-2.0-or-later").as_bytes(),
    );
    c.commit("Add VLC");
    c.write(
        "records/dataset/arbres.toml",
        b"id = \"arbres\"\nkind = \"dataset\"\ntitle = \"Arbres\"\nlicense = \"ODbL-1.0\"\n",
    );
    c.commit("Add trees");
    let url = server.url("contrib.git");
    let old = r.main().unwrap();
    let outcome = r.follow_with(&url, "main", &loopback_http()).unwrap();
    assert_eq!(outcome.old, old);
    assert_eq!(outcome.commits, 2);
    assert_eq!(outcome.changes, 2);
    let tip = c.git(&["rev-parse", "HEAD"]);
    assert_eq!(r.main().unwrap().to_string(), tip.trim());
    for key in ["software/vlc", "dataset/arbres"] {
        let key: RecordKey = key.parse().unwrap();
        assert!(
            matches!(r.record(&key, None).unwrap(), RecordState::Present(_)),
            "{key}"
        );
    }
    assert_eq!(
        r.history(&"software/vlc".parse().unwrap(), None).unwrap()[0].author,
        "Forge User"
    );
    fsck(r.git_dir());
    assert_eq!(quarantines(r.git_dir()), 0, "the quarantine is removed");
    // The smart protocol was spoken, not the dumb one.
    let served = server.served();
    assert!(
        served
            .iter()
            .any(|s| s.method == "POST" && s.target.ends_with("/git-upload-pack")),
        "{served:#?}"
    );
    assert!(served.iter().all(|s| s.status == 200), "{served:#?}");
    // The registry told the server what it has: only new objects came.
    let have = format!("have {old}");
    assert!(
        served.iter().any(|s| s.method == "POST"
            && s.body.windows(have.len()).any(|w| w == have.as_bytes())),
        "no `{have}` in the requests"
    );
    // Up to date: nothing to do, nothing written.
    let again = r.follow_with(&url, "main", &loopback_http()).unwrap();
    assert_eq!(
        (again.old, again.new, again.commits),
        (outcome.new, outcome.new, 0)
    );
    // An unknown branch.
    let err = r.follow_with(&url, "nope", &loopback_http()).unwrap_err();
    assert!(matches!(err, FollowError::NoBranch { .. }), "{err}");
    // Plain http is refused by default.
    let err = r.follow(&url, "main").unwrap_err();
    assert!(matches!(err, FollowError::PlainHttp { .. }), "{err}");
    fsck(r.git_dir());
}

#[test]
fn hostile_remotes_over_http_are_refused_and_nothing_is_written() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let (c, server) = served_contributor(&t);
    let url = server.url("contrib.git");
    let main = r.main().unwrap();
    let objects = object_files(r.git_dir());

    type Setup = fn(&Contributor);
    let cases: Vec<(&str, Setup)> = vec![
        ("symlink", |c| {
            std::fs::create_dir_all(c.work.join("records/software")).unwrap();
            std::os::unix::fs::symlink("/etc/passwd", c.work.join("records/software/x.toml"))
                .unwrap();
            c.commit("link");
        }),
        ("not certified", |c| {
            c.write(
                "records/software/nc.toml",
                software("nc", "NC", "CC-BY-NC-4.0").as_bytes(),
            );
            c.commit("nc");
        }),
        ("path outside records", |c| {
            c.write("evil.sh", b"rm -rf /\n");
            c.commit("script");
        }),
    ];
    for (name, setup) in cases {
        c.reset();
        setup(&c);
        let err = r
            .follow_with(&url, "main", &loopback_http())
            .expect_err(name);
        assert!(
            matches!(
                err,
                FollowError::Hostile { .. } | FollowError::NotCertified { .. }
            ),
            "{name}: {err}"
        );
        assert!(
            err.to_string().contains("nothing was written"),
            "{name}: {err}"
        );
        assert_eq!(r.main().unwrap(), main, "{name}");
        assert_eq!(
            object_files(r.git_dir()),
            objects,
            "{name}: objects were written"
        );
        assert_eq!(quarantines(r.git_dir()), 0, "{name}: quarantine left");
    }

    // Not a fast-forward: main moves on its own while the contributor
    // works on the old main.
    c.reset();
    c.write(
        "records/software/vlc.toml",
        software("vlc", "VLC", "GPL-2.0-or-later").as_bytes(),
    );
    c.commit("Add VLC");
    crate::merge_gimp(r);
    let main = r.main().unwrap();
    let objects = object_files(r.git_dir());
    let err = r.follow_with(&url, "main", &loopback_http()).unwrap_err();
    assert!(matches!(err, FollowError::NotFastForward { .. }), "{err}");
    assert!(err.to_string().contains("not a fast-forward"), "{err}");
    assert_eq!(r.main().unwrap(), main);
    assert_eq!(object_files(r.git_dir()), objects, "objects were written");
    assert_eq!(quarantines(r.git_dir()), 0);
    fsck(r.git_dir());
}

#[test]
fn follow_over_http_with_the_server_down_fails_cleanly() {
    let t = TempRegistry::new();
    let r = &t.registry;
    let main = r.main().unwrap();
    let objects = object_files(r.git_dir());
    // A port that was free a moment ago and has nobody listening now.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/contrib.git");
    let err = r.follow_with(&url, "main", &loopback_http()).unwrap_err();
    assert!(matches!(err, FollowError::Fetch { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains(&url), "{text}");
    assert!(text.contains("Connection refused"), "{text}");
    assert_eq!(r.main().unwrap(), main);
    assert_eq!(object_files(r.git_dir()), objects);
    assert_eq!(quarantines(r.git_dir()), 0);
}
