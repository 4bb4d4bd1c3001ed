//! `follow` against stock Git as the oracle: many malformed trees and
//! commits, mutations of a valid one, each on a remote of its own. Every
//! case that `git fsck --strict` rejects must be refused by `follow`, and
//! the registry must stay `git fsck --strict` clean after every case.
//!
//! `CDL_FSCK_CASES` sets the number of cases (default 200; `.ci/run` runs
//! more) and `CDL_FSCK_SEED` the seed (printed, so that a failure can be
//! replayed).

use std::path::Path;
use std::process::Command;

use cdl_registry::testing::{TempRegistry, software};
use cdl_registry::{FollowError, ObjectId, Registry};
use cdl_tests::smart_http::GitHttpServer;
use gix::object::Kind;

/// SplitMix64: a small seeded generator, so that every case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One tree entry as raw bytes: mode, name, 20-byte id.
#[derive(Clone)]
struct Entry {
    mode: Vec<u8>,
    name: Vec<u8>,
    id: Vec<u8>,
}

fn encode(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        out.extend_from_slice(&e.mode);
        out.push(b' ');
        out.extend_from_slice(&e.name);
        out.push(0);
        out.extend_from_slice(&e.id);
    }
    out
}

fn entries_of(repo: &gix::Repository, tree: ObjectId) -> Vec<Entry> {
    let tree = repo.find_tree(tree).unwrap();
    tree.decode()
        .unwrap()
        .entries
        .iter()
        .map(|e| Entry {
            mode: format!("{:o}", e.mode.value()).into_bytes(),
            name: e.filename.to_vec(),
            id: e.oid.as_bytes().to_vec(),
        })
        .collect()
}

fn sort_git(entries: &mut [Entry]) {
    let key = |e: &Entry| {
        let mut k = e.name.clone();
        if e.mode == b"40000" {
            k.push(b'/');
        }
        k
    };
    entries.sort_by_key(key);
}

const MODES: &[&str] = &[
    "100644", "100755", "100664", "0100644", "120000", "160000", "40000", "040000", "100000",
    "644", "10644", "1006440", "100645", "", "1O0644",
];

const NAMES: &[&[u8]] = &[
    b"",
    b".",
    b"..",
    b".git",
    b".GIT",
    b".gitmodules",
    b"a/b.toml",
    b"gimp.toml",
    b"Case.toml",
    b"case .toml",
    b"zzz.toml",
    b"aaa.toml",
    b"\xc3\xa9.toml",
    b"x\x01.toml",
    b"\xff.toml",
];

const IDENTS: &[&str] = &[
    "Case Author <case@example.org> 1700000000 +0100",
    "Case Author<case@example.org> 1700000000 +0100",
    "<case@example.org> 1700000000 +0100",
    "Case Author case@example.org 1700000000 +0100",
    "Case Author <case@example.org 1700000000 +0100",
    "Case <Author <case@example.org> 1700000000 +0100",
    "Case Author> <case@example.org> 1700000000 +0100",
    "Case Author <case@example.org>1700000000 +0100",
    "Case Author <case@example.org> 01700000000 +0100",
    "Case Author <case@example.org> 99999999999999999999 +0100",
    "Case Author <case@example.org> 18446744073709551615 +0100",
    "Case Author <case@example.org> -1 +0100",
    "Case Author <case@example.org> 1700000000 +99999",
    "Case Author <case@example.org> 1700000000 +999",
    "Case Author <case@example.org> 1700000000 0100",
    "Case Author <case@example.org> 1700000000 +01a0",
    "Case Author <case@example.org> 1700000000",
    "Case Author <case@example.org>",
    "Case Author <case@example.org> 0 +0000",
    " <case@example.org> 1700000000 +0100",
    "Case Author <> 1700000000 +0100",
    "Case Author <case@example.org> 1700000000 +0100 extra",
];

/// What one case built, and how.
struct Case {
    what: String,
    tip: ObjectId,
}

/// Builds a valid new commit on top of the registry's main in `src`
/// (whose objects include the registry's through alternates), with one
/// mutation drawn from `rng`.
fn build_case(rng: &mut Rng, registry: &gix::Repository, src: &gix::Repository, n: usize) -> Case {
    let main = registry
        .find_reference("refs/heads/main")
        .unwrap()
        .id()
        .detach();
    let main_tree = registry
        .find_commit(main)
        .unwrap()
        .tree_id()
        .unwrap()
        .detach();
    let write = |kind: Kind, data: &[u8]| -> ObjectId {
        gix::objs::Write::write_buf(&src.objects, kind, data).unwrap()
    };
    let id = format!("case-{n}");
    let good = write(Kind::Blob, software(&id, "Cas", "MIT").as_bytes());
    let bad = write(
        Kind::Blob,
        software(&id, "Cas", "LicenseRef-Proprietary-EvilCorp").as_bytes(),
    );
    let name = format!("{id}.toml").into_bytes();
    let root = entries_of(registry, main_tree);
    let records_id = root
        .iter()
        .find(|e| e.name == b"records")
        .map(|e| ObjectId::try_from(e.id.as_slice()).unwrap())
        .unwrap();
    let records = entries_of(registry, records_id);
    let software_id = records
        .iter()
        .find(|e| e.name == b"software")
        .map(|e| ObjectId::try_from(e.id.as_slice()).unwrap())
        .unwrap();
    let mut soft = entries_of(registry, software_id);
    soft.push(Entry {
        mode: b"100644".to_vec(),
        name: name.clone(),
        id: good.as_bytes().to_vec(),
    });
    sort_git(&mut soft);
    let new_at = |entries: &[Entry]| entries.iter().position(|e| e.name == name).unwrap();

    let mut what = String::from("valid");
    let mut soft_bytes: Option<Vec<u8>> = None;
    let mut mutate_root = false;
    let mut commit_mutation: Option<usize> = None;
    let mut random_commit = false;
    match rng.below(22) {
        0 | 1 => {
            // the same name twice: a non-free record hidden behind a free one
            let at = new_at(&soft);
            let mut twin = soft[at].clone();
            let (first, second) = if rng.below(2) == 0 {
                (bad, good)
            } else {
                (good, bad)
            };
            soft[at].id = first.as_bytes().to_vec();
            twin.id = second.as_bytes().to_vec();
            soft.insert(at + 1, twin);
            what = "duplicated entry".into();
        }
        2 => {
            if soft.len() > 1 {
                let a = rng.below(soft.len());
                let b = (a + 1 + rng.below(soft.len() - 1)) % soft.len();
                soft.swap(a, b);
            }
            what = "swapped entries".into();
        }
        3 | 4 => {
            let at = new_at(&soft);
            let new_name = rng.pick(NAMES).to_vec();
            what = format!("renamed to {:?}", String::from_utf8_lossy(&new_name));
            soft[at].name = new_name;
            if rng.below(2) == 0 {
                sort_git(&mut soft);
                what.push_str(", sorted");
            }
        }
        5 | 6 => {
            let at = new_at(&soft);
            let mode = rng.pick(MODES);
            what = format!("mode {mode}");
            soft[at].mode = mode.as_bytes().to_vec();
        }
        7 => {
            let at = new_at(&soft);
            soft[at].id = vec![0; 20];
            what = "null id".into();
        }
        8 => {
            // a record that is a tree, or a folder that is a blob
            let at = new_at(&soft);
            soft[at].id = software_id.as_bytes().to_vec();
            what = "file pointing at a tree".into();
        }
        9 => {
            let mut bytes = encode(&soft);
            let at = rng.below(bytes.len());
            match rng.below(3) {
                0 => bytes[at] ^= 1 << rng.below(8),
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, (rng.next() & 0xff) as u8),
            }
            what = format!("software tree byte mutation at {at}");
            soft_bytes = Some(bytes);
        }
        10 | 11 => {
            mutate_root = true;
            what = "root tree mutation".into();
        }
        12..=17 => commit_mutation = Some(rng.below(12)),
        18 => {
            let at = new_at(&soft);
            soft[at].id = bad.as_bytes().to_vec();
            what = "non-free licence".into();
        }
        19 => {
            let len = rng.below(200);
            soft_bytes = Some((0..len).map(|_| (rng.next() & 0xff) as u8).collect());
            what = format!("software tree of {len} random bytes");
        }
        20 => random_commit = true,
        _ => {}
    }
    let soft_bytes = soft_bytes.unwrap_or_else(|| encode(&soft));
    let soft_id = write(Kind::Tree, &soft_bytes);
    let mut records = records;
    for e in &mut records {
        if e.name == b"software" {
            e.id = soft_id.as_bytes().to_vec();
        }
    }
    let records_new = write(Kind::Tree, &encode(&records));
    let mut root = root;
    for e in &mut root {
        if e.name == b"records" {
            e.id = records_new.as_bytes().to_vec();
        }
    }
    if mutate_root {
        let at = root.iter().position(|e| e.name == b"records").unwrap();
        match rng.below(5) {
            0 => {
                let mut twin = root[at].clone();
                twin.id = records_id.as_bytes().to_vec();
                root.insert(if rng.below(2) == 0 { at } else { at + 1 }, twin);
                what = "root: records twice".into();
            }
            1 => {
                let mode = rng.pick(MODES);
                root[at].mode = mode.as_bytes().to_vec();
                what = format!("root: records with mode {mode}");
            }
            2 => {
                let new_name = rng.pick(NAMES).to_vec();
                what = format!(
                    "root: records renamed {:?}",
                    String::from_utf8_lossy(&new_name)
                );
                root[at].name = new_name;
            }
            3 => {
                root.reverse();
                what = "root: reversed".into();
            }
            _ => {
                root.push(Entry {
                    mode: b"100755".to_vec(),
                    name: b"zz.sh".to_vec(),
                    id: good.as_bytes().to_vec(),
                });
                what = "root: executable file".into();
            }
        }
    }
    let root_id = write(Kind::Tree, &encode(&root));

    let mut lines: Vec<Vec<u8>> = vec![
        format!("tree {root_id}").into_bytes(),
        format!("parent {main}").into_bytes(),
        format!("author {}", IDENTS[0]).into_bytes(),
        format!("committer {}", IDENTS[0]).into_bytes(),
    ];
    let mut message = format!("Add case {n}\n").into_bytes();
    let mut blank = true;
    if let Some(m) = commit_mutation {
        let line = rng.below(lines.len());
        match m {
            0 => {
                lines.remove(line);
                what = format!("commit: header line {line} removed");
            }
            1 => {
                let copy = lines[line].clone();
                lines.insert(line, copy);
                what = format!("commit: header line {line} twice");
            }
            2 => {
                let other = rng.below(lines.len());
                lines.swap(line, other);
                what = format!("commit: header lines {line} and {other} swapped");
            }
            3 | 4 => {
                let which = 2 + rng.below(2);
                let ident = rng.pick(IDENTS);
                let field = if which == 2 { "author" } else { "committer" };
                lines[which] = format!("{field} {ident}").into_bytes();
                what = format!("commit: {field} {ident:?}");
            }
            5 => {
                let which = rng.below(2);
                let field = if which == 0 { "tree" } else { "parent" };
                let good_hex = if which == 0 {
                    root_id.to_string()
                } else {
                    main.to_string()
                };
                let variants = [
                    good_hex.to_uppercase(),
                    good_hex[..39].to_owned(),
                    format!("{good_hex}0"),
                    format!("{}g", &good_hex[..39]),
                    "1".repeat(40),
                    good.to_string(),
                    main_tree.to_string(),
                    format!(" {good_hex}"),
                ];
                let v = rng.pick(&variants).clone();
                lines[which] = format!("{field} {v}").into_bytes();
                what = format!("commit: {field} {v}");
            }
            6 => {
                let at = rng.below(lines[line].len() + 1);
                lines[line].insert(at, 0);
                what = format!("commit: NUL in header line {line}");
            }
            7 => {
                let at = rng.below(message.len() + 1);
                message.insert(at, 0);
                what = "commit: NUL in message".into();
            }
            8 => {
                blank = false;
                if rng.below(2) == 0 {
                    message.clear();
                }
                what = "commit: no blank line".into();
            }
            9 => {
                let extra = rng.pick(&[
                    "encoding UTF-8",
                    "encoding ISO-8859-1",
                    "foo bar",
                    " continuation without a header",
                    "gpgsig -----BEGIN PGP SIGNATURE-----\n line\n -----END PGP SIGNATURE-----",
                    "mergetag object 1111111111111111111111111111111111111111",
                    "",
                ]);
                lines.push(extra.as_bytes().to_vec());
                what = format!("commit: extra header {extra:?}");
            }
            10 => {
                for l in &mut lines {
                    l.push(b'\r');
                }
                what = "commit: CRLF headers".into();
            }
            _ => {
                let mut all = lines.concat();
                let at = rng.below(all.len());
                all[at] ^= 1 << rng.below(8);
                lines = vec![all];
                what = format!("commit: byte flip at {at}");
            }
        }
    }
    let mut commit = Vec::new();
    for l in &lines {
        commit.extend_from_slice(l);
        commit.push(b'\n');
    }
    if blank {
        commit.push(b'\n');
    }
    commit.extend_from_slice(&message);
    if random_commit {
        // a random header line among real ones, then random bytes
        let len = rng.below(300);
        commit.truncate(rng.below(commit.len()));
        commit.extend((0..len).map(|_| (rng.next() & 0xff) as u8));
        what = format!("commit cut and followed by {len} random bytes");
    }
    let tip = write(Kind::Commit, &commit);
    Case { what, tip }
}

fn git_ok(git_dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A bare repository at `dir` that sees the registry's objects.
fn remote(dir: &Path, registry: &Registry) -> gix::Repository {
    gix::init_bare(dir).unwrap();
    let objects = registry.git_dir().join("objects");
    std::fs::write(
        dir.join("objects/info/alternates"),
        format!("{}\n", objects.display()),
    )
    .unwrap();
    gix::open_opts(dir, gix::open::Options::isolated()).unwrap()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[derive(Default, Debug)]
struct Counts {
    cases: usize,
    fsck_rejected: usize,
    follow_refused: usize,
    refused_though_fsck_accepts: usize,
    accepted: usize,
}

#[test]
fn follow_refuses_every_case_git_fsck_rejects() {
    let cases = env_number("CDL_FSCK_CASES", 200) as usize;
    let seed = env_number("CDL_FSCK_SEED", 0x00c0_ffee);
    eprintln!("fsck oracle: {cases} cases, seed {seed} (CDL_FSCK_CASES, CDL_FSCK_SEED)");
    let t = TempRegistry::new();
    let r = &t.registry;
    crate::merge_gimp(r);
    let mut rng = Rng(seed);
    let mut counts = Counts::default();
    for n in 0..cases {
        let dir = t.dir.path().join(format!("remote-{n}.git"));
        let registry = gix::open_opts(r.git_dir(), gix::open::Options::isolated()).unwrap();
        let src = remote(&dir, r);
        let case = build_case(&mut rng, &registry, &src, n);
        std::fs::write(dir.join("refs/heads/main"), format!("{}\n", case.tip)).unwrap();
        let (fsck_ok, fsck_out) = git_ok(
            &dir,
            &["fsck", "--strict", "--no-dangling", "--no-progress"],
        );
        let before = r.main().unwrap();
        let outcome = r.follow(dir.to_str().unwrap(), "main");
        counts.cases += 1;
        if !fsck_ok {
            counts.fsck_rejected += 1;
            assert!(
                outcome.is_err(),
                "case {n} ({}): git fsck --strict rejects it but follow accepted it:\n{fsck_out}",
                case.what
            );
        }
        match &outcome {
            Ok(_) => counts.accepted += 1,
            Err(e) => {
                counts.follow_refused += 1;
                if fsck_ok {
                    counts.refused_though_fsck_accepts += 1;
                }
                assert_eq!(
                    r.main().unwrap(),
                    before,
                    "case {n}: refused but main moved"
                );
                if !fsck_ok {
                    assert!(
                        !matches!(e, FollowError::NotFastForward { .. }),
                        "case {n} ({}): a malformed object must be named, not called a non-fast-forward: {e}\n{fsck_out}",
                        case.what
                    );
                }
                let text = e.to_string();
                assert!(
                    !text.contains("Message {") && !text.contains("class:"),
                    "case {n}: a debug structure in the message: {text}"
                );
            }
        }
        let (clean, out) = git_ok(
            r.git_dir(),
            &["fsck", "--strict", "--full", "--no-progress"],
        );
        assert!(
            clean,
            "case {n} ({}): the registry is no longer fsck-clean:\n{out}",
            case.what
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
    eprintln!("fsck oracle: {counts:?}");
    // The generator must produce both kinds of cases, or it tests nothing.
    assert!(counts.fsck_rejected * 4 >= cases, "{counts:?}");
    assert!(counts.accepted > 0, "{counts:?}");
}

/// The reported attack, over smart HTTP: a tree holding
/// `records/software/dup-two.toml` twice, first under a proprietary
/// licence, then under MIT.
#[test]
fn duplicated_entries_over_http_are_refused_by_name() {
    let t = TempRegistry::new();
    let r = &t.registry;
    crate::merge_gimp(r);
    let root = t.dir.path().join("served");
    let dir = root.join("dup.git");
    std::fs::create_dir_all(&root).unwrap();
    let src = remote(&dir, r);
    let registry = gix::open_opts(r.git_dir(), gix::open::Options::isolated()).unwrap();
    let main = r.main().unwrap();
    let main_tree = registry
        .find_commit(main)
        .unwrap()
        .tree_id()
        .unwrap()
        .detach();
    let write = |kind: Kind, data: &[u8]| -> ObjectId {
        gix::objs::Write::write_buf(&src.objects, kind, data).unwrap()
    };
    let evil = write(
        Kind::Blob,
        software("dup-two", "Dup", "LicenseRef-Proprietary-EvilCorp").as_bytes(),
    );
    let fine = write(Kind::Blob, software("dup-two", "Dup", "MIT").as_bytes());
    let entry = |id: ObjectId| Entry {
        mode: b"100644".to_vec(),
        name: b"dup-two.toml".to_vec(),
        id: id.as_bytes().to_vec(),
    };
    let mut top = entries_of(&registry, main_tree);
    let records_at = top.iter().position(|e| e.name == b"records").unwrap();
    let records_id = ObjectId::try_from(top[records_at].id.as_slice()).unwrap();
    let mut records = entries_of(&registry, records_id);
    let software_at = records.iter().position(|e| e.name == b"software").unwrap();
    let software_id = ObjectId::try_from(records[software_at].id.as_slice()).unwrap();
    // gimp.toml stays: only the new record is doubled.
    let mut soft = vec![entry(evil), entry(fine)];
    soft.extend(entries_of(&registry, software_id));
    let soft = write(Kind::Tree, &encode(&soft));
    records[software_at].id = soft.as_bytes().to_vec();
    let records = write(Kind::Tree, &encode(&records));
    for e in &mut top {
        if e.name == b"records" {
            e.id = records.as_bytes().to_vec();
        }
    }
    let top = write(Kind::Tree, &encode(&top));
    let commit = format!(
        "tree {top}\nparent {main}\nauthor A <a@example.org> 1700000000 +0100\ncommitter A <a@example.org> 1700000000 +0100\n\nDup\n"
    );
    let tip = write(Kind::Commit, commit.as_bytes());
    std::fs::write(dir.join("refs/heads/main"), format!("{tip}\n")).unwrap();
    // A served repository needs its objects in itself, not borrowed.
    git_ok(&dir, &["repack", "-a", "-d", "-q"]);
    std::fs::remove_file(dir.join("objects/info/alternates")).unwrap();
    let (fsck_ok, _) = git_ok(&dir, &["fsck", "--strict", "--no-progress"]);
    assert!(!fsck_ok, "git fsck --strict must reject the attack");
    let server = GitHttpServer::serve(&root);
    let mut limits = cdl_registry::Limits::default();
    limits.allow_plain_http_on_loopback = true;
    let err = r
        .follow_with(&server.url("dup.git"), "main", &limits)
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("dup-two.toml") && text.contains("duplicateEntries"),
        "{text}"
    );
    assert!(text.contains(&soft.to_string()), "names the tree: {text}");
    assert_eq!(r.main().unwrap(), main);
    cdl_tests::fsck(r.git_dir());
}

/// Builds, in `src`, a commit on top of the registry's main that adds
/// `records/software/found.toml` (MIT), with its software tree's entries
/// and its commit text passed through `tree` and `text` first.
fn finding(
    registry: &gix::Repository,
    src: &gix::Repository,
    tree: impl FnOnce(&mut Vec<Entry>, ObjectId),
    text: impl FnOnce(String) -> String,
) -> ObjectId {
    let write = |kind: Kind, data: &[u8]| -> ObjectId {
        gix::objs::Write::write_buf(&src.objects, kind, data).unwrap()
    };
    let main = registry
        .find_reference("refs/heads/main")
        .unwrap()
        .id()
        .detach();
    let main_tree = registry
        .find_commit(main)
        .unwrap()
        .tree_id()
        .unwrap()
        .detach();
    let blob = write(Kind::Blob, software("found", "Trouvé", "MIT").as_bytes());
    let mut top = entries_of(registry, main_tree);
    let records_at = top.iter().position(|e| e.name == b"records").unwrap();
    let mut records = entries_of(
        registry,
        ObjectId::try_from(top[records_at].id.as_slice()).unwrap(),
    );
    let software_at = records.iter().position(|e| e.name == b"software").unwrap();
    let mut soft = entries_of(
        registry,
        ObjectId::try_from(records[software_at].id.as_slice()).unwrap(),
    );
    soft.push(Entry {
        mode: b"100644".to_vec(),
        name: b"found.toml".to_vec(),
        id: blob.as_bytes().to_vec(),
    });
    sort_git(&mut soft);
    tree(&mut soft, blob);
    records[software_at].id = write(Kind::Tree, &encode(&soft)).as_bytes().to_vec();
    top[records_at].id = write(Kind::Tree, &encode(&records)).as_bytes().to_vec();
    let top = write(Kind::Tree, &encode(&top));
    let commit = text(format!(
        "tree {top}\nparent {main}\nauthor A B <a@example.org> 1700000000 +0100\ncommitter A B <a@example.org> 1700000000 +0100\n\nFound\n"
    ));
    write(Kind::Commit, commit.as_bytes())
}

/// Each finding of the review, one by one: refused, with a message that
/// names the problem (by Git's own name where Git has one), nothing
/// written; and git fsck --strict rejects the same objects.
#[test]
fn each_finding_of_the_review_is_refused_by_name() {
    type TreeEdit = fn(&mut Vec<Entry>, ObjectId);
    type TextEdit = fn(String) -> String;
    let keep_tree: TreeEdit = |_, _| {};
    let keep_text: TextEdit = |t| t;
    let cases: Vec<(&str, TreeEdit, TextEdit, &str, bool)> = vec![
        (
            "two entries of one name",
            |soft, _| {
                let i = soft.iter().position(|e| e.name == b"found.toml").unwrap();
                let twin = soft[i].clone();
                soft.insert(i, twin);
            },
            keep_text,
            "duplicateEntries",
            true,
        ),
        (
            "zero-padded mode",
            |soft, _| {
                let i = soft.iter().position(|e| e.name == b"found.toml").unwrap();
                soft[i].mode = b"0100644".to_vec();
            },
            keep_text,
            "zeroPaddedFilemode",
            true,
        ),
        (
            "mode 100664",
            |soft, _| {
                let i = soft.iter().position(|e| e.name == b"found.toml").unwrap();
                soft[i].mode = b"100664".to_vec();
            },
            keep_text,
            "badFilemode",
            false, // git fsck --strict only reports it as information
        ),
        (
            "executable record",
            |soft, _| {
                let i = soft.iter().position(|e| e.name == b"found.toml").unwrap();
                soft[i].mode = b"100755".to_vec();
            },
            keep_text,
            "executable",
            false, // valid Git, refused by the catalogue
        ),
        (
            "unsorted entries",
            |soft, _| soft.reverse(),
            keep_text,
            "treeNotSorted",
            true,
        ),
        (
            "no space before <",
            keep_tree,
            |t| t.replacen("author A B <", "author A B<", 1),
            "missingSpaceBeforeEmail",
            true,
        ),
        (
            "time zone +99999",
            keep_tree,
            |t| {
                t.replacen(
                    "1700000000 +0100\ncommitter",
                    "1700000000 +99999\ncommitter",
                    1,
                )
            },
            "badTimezone",
            true,
        ),
        (
            "date that overflows",
            keep_tree,
            |t| t.replacen("1700000000", "99999999999999999999", 1),
            "badDateOverflow",
            true,
        ),
        (
            "NUL in a header",
            keep_tree,
            |t| t.replacen("author A B", "author A\0B", 1),
            "NUL",
            true,
        ),
        (
            "no committer",
            keep_tree,
            |t| {
                let start = t.find("committer ").unwrap();
                let end = start + t[start..].find('\n').unwrap() + 1;
                format!("{}{}", &t[..start], &t[end..])
            },
            "missingCommitter",
            true,
        ),
    ];
    let t = TempRegistry::new();
    let r = &t.registry;
    crate::merge_gimp(r);
    let registry = gix::open_opts(r.git_dir(), gix::open::Options::isolated()).unwrap();
    let main = r.main().unwrap();
    for (n, (name, tree, text, expected, git_rejects)) in cases.into_iter().enumerate() {
        let dir = t.dir.path().join(format!("finding-{n}.git"));
        let src = remote(&dir, r);
        let tip = finding(&registry, &src, tree, text);
        std::fs::write(dir.join("refs/heads/main"), format!("{tip}\n")).unwrap();
        let (fsck_ok, fsck_out) = git_ok(
            &dir,
            &["fsck", "--strict", "--no-dangling", "--no-progress"],
        );
        assert_eq!(
            !fsck_ok, git_rejects,
            "{name}: git fsck --strict says:\n{fsck_out}"
        );
        let err = r
            .follow(dir.to_str().unwrap(), "main")
            .expect_err(name)
            .to_string();
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains("nothing was written"), "{name}: {err}");
        assert_eq!(r.main().unwrap(), main, "{name}");
    }
    // Untouched, the same commit is accepted.
    let dir = t.dir.path().join("fine.git");
    let src = remote(&dir, r);
    let tip = finding(&registry, &src, keep_tree, keep_text);
    std::fs::write(dir.join("refs/heads/main"), format!("{tip}\n")).unwrap();
    r.follow(dir.to_str().unwrap(), "main").unwrap();
    assert_eq!(r.main().unwrap(), tip);
    cdl_tests::fsck(r.git_dir());
}
