//! The registry verbs end to end: the exact command forms, 50 concurrent
//! processes, and writers killed with SIGKILL at random points.

use std::collections::BTreeSet;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{ok, run, stderr, stdout, write};

fn record(id: &str, license: &str) -> String {
    format!(
        "id = \"{id}\"\nkind = \"software\"\ntitle = \"Logiciel {id}\"\nlicense = \"{license}\"\n"
    )
}

fn git(git_dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn export_ids(dir: &Path) -> BTreeSet<String> {
    let out = ok(
        dir,
        &["export", "--registry", "reg.git", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("export prints JSON");
    v.as_array()
        .expect("an array")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_owned())
        .collect()
}

fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

#[test]
fn the_command_forms_work() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git", "--name", "Essai"]);
    write(d, "gimp.toml", record("gimp", "GPL-3.0-or-later"));
    write(d, "nc.toml", record("nc", "CC-BY-NC-4.0"));
    let out = ok(
        d,
        &[
            "propose",
            "--registry",
            "reg.git",
            "--author",
            "Zoé",
            "--message",
            "Ajoute GIMP",
            "gimp.toml",
        ],
    );
    let id = out.lines().last().unwrap().to_owned();
    assert_eq!(id.len(), 12, "{out}");
    let list = ok(d, &["proposals", "list", "--registry", "reg.git"]);
    assert!(list.contains(&id) && list.contains("open"), "{list}");
    let show = ok(d, &["proposals", "show", &id, "--registry", "reg.git"]);
    assert!(
        show.contains("+title = \"Logiciel gimp\"") && show.contains("all valid and certified"),
        "{show}"
    );
    ok(d, &["proposals", "merge", &id, "--registry", "reg.git"]);

    let nc = ok(d, &["propose", "--registry", "reg.git", "nc.toml"]);
    let nc_id = nc.lines().last().unwrap().to_owned();
    assert!(nc.contains("NOT CERTIFIED"), "{nc}");
    let refused = run(d, &["proposals", "merge", &nc_id, "--registry", "reg.git"]);
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("cannot be merged"),
        "{}",
        stderr(&refused)
    );
    let blank = crate::util::run_in(
        d,
        &[
            "proposals",
            "reject",
            &nc_id,
            "--reason",
            " ",
            "--registry",
            "reg.git",
        ],
        "fr_FR.UTF-8",
    );
    assert!(!blank.status.success());
    assert!(
        stderr(&blank).contains("un refus a besoin d’une raison"),
        "{}",
        stderr(&blank)
    );
    assert!(!stderr(&blank).contains("needs a reason"));
    ok(
        d,
        &[
            "proposals",
            "reject",
            &nc_id,
            "--reason",
            "Licence non libre",
            "--registry",
            "reg.git",
        ],
    );
    let list = ok(d, &["proposals", "list", "--registry", "reg.git"]);
    assert!(
        list.contains("rejected") && list.contains("merged"),
        "{list}"
    );
    // In French when the locale says so.
    let show = crate::util::run_in(
        d,
        &["proposals", "show", &nc_id, "--registry", "reg.git"],
        "fr_FR.UTF-8",
    );
    let text = stdout(&show);
    assert!(
        text.contains("refusée par curator : Licence non libre"),
        "{text}"
    );
    assert!(text.contains("auteur :"), "{text}");
    // Proposed without a message: a French sentence, not "Propose software/nc".
    assert!(
        text.contains("Nouvelle fiche « Logiciel nc » (logiciel)"),
        "{text}"
    );
    assert!(text.contains("NON CERTIFIÉE"), "{text}");
    assert!(text.contains("rapport : "), "{text}");

    let log = ok(d, &["log", "--registry", "reg.git", "software/gimp"]);
    assert!(
        log.contains("Author: Zoé <zoe@contributors.invalid>") && log.contains("Ajoute GIMP"),
        "{log}"
    );
    assert_eq!(export_ids(d), BTreeSet::from(["gimp".to_owned()]));
    let before = git(&d.join("reg.git"), &["rev-parse", "main"]);

    ok(
        d,
        &[
            "withdraw",
            "--registry",
            "reg.git",
            "software/gimp",
            "--reason",
            "Doublon de gimp-2",
        ],
    );
    assert!(export_ids(d).is_empty());
    let old = ok(
        d,
        &[
            "export",
            "--registry",
            "reg.git",
            "--rev",
            before.trim(),
            "--format",
            "json",
        ],
    );
    assert!(old.contains("\"gimp\""));
    let diff = ok(d, &["diff", "--registry", "reg.git", before.trim(), "main"]);
    assert!(
        diff.contains("withdrawn") && diff.contains("software/gimp"),
        "{diff}"
    );
    let log = ok(d, &["log", "--registry", "reg.git", "software/gimp"]);
    assert!(
        log.contains("Change: withdrawn") && log.contains("Doublon de gimp-2"),
        "{log}"
    );

    ok(d, &["gc", "--registry", "reg.git", "--prune-grace", "0"]);
    git(&d.join("reg.git"), &["fsck", "--strict", "--full"]);
    let shown = git(
        &d.join("reg.git"),
        &["show", "main:withdrawn/software/gimp.toml"],
    );
    assert!(shown.contains("reason = \"other\""), "{shown}");
}

/// 50 processes each propose and merge a different record, all at once.
#[test]
fn fifty_concurrent_processes_lose_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git"]);
    for i in 0..50 {
        write(d, &format!("r{i}.toml"), record(&format!("r{i}"), "MIT"));
    }
    std::thread::scope(|s| {
        for i in 0..50 {
            s.spawn(move || {
                let file = format!("r{i}.toml");
                let out = ok(
                    d,
                    &["propose", "--registry", "reg.git", "--author", "p", &file],
                );
                let id = out.lines().last().unwrap().to_owned();
                ok(d, &["proposals", "merge", &id, "--registry", "reg.git"]);
            });
        }
    });
    let ids = export_ids(d);
    assert_eq!(ids.len(), 50, "{ids:?}");
    git(&d.join("reg.git"), &["fsck", "--strict", "--full"]);
}

/// Writers (propose, merge, withdraw, gc) killed with SIGKILL at random
/// points, one after the other: `git fsck --strict` accepts the result and
/// every change acknowledged before a kill is there. `CDL_KILL_RUNS` sets
/// the number of runs (default 120, bounded to about 25 seconds).
#[test]
fn kill_minus_nine_loses_no_acknowledged_change() {
    let runs: usize = std::env::var("CDL_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(120);
    let budget = if std::env::var("CDL_KILL_RUNS").is_ok() {
        Duration::from_secs(24 * 3600)
    } else {
        Duration::from_secs(25)
    };
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git"]);
    let bin = env!("CARGO_BIN_EXE_conservatoire");
    let mut seed = random();
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut open: Vec<(String, String)> = Vec::new(); // acknowledged open proposals (id, record)
    let mut merged: BTreeSet<String> = BTreeSet::new();
    let mut proposed: BTreeSet<String> = BTreeSet::new();
    let start = Instant::now();
    let mut done = 0;
    let mut killed = 0;
    // The kill comes at a random point of a window that adapts so that
    // about half the runs are killed, whatever the machine's speed.
    let mut window_us: u64 = 60_000;
    for n in 0..runs {
        if start.elapsed() > budget {
            break;
        }
        let choice = next() % 10;
        let (args, kind): (Vec<String>, &str) = if choice < 5 || open.is_empty() {
            let id = format!("k{n}");
            write(d, &format!("{id}.toml"), record(&id, "MIT"));
            (
                vec![
                    "propose".into(),
                    "--registry".into(),
                    "reg.git".into(),
                    format!("{id}.toml"),
                ],
                "propose",
            )
        } else if choice < 9 {
            let (pid, _) = &open[(next() as usize) % open.len()];
            (
                vec![
                    "proposals".into(),
                    "merge".into(),
                    pid.clone(),
                    "--registry".into(),
                    "reg.git".into(),
                ],
                "merge",
            )
        } else {
            (
                vec![
                    "gc".into(),
                    "--registry".into(),
                    "reg.git".into(),
                    "--prune-grace".into(),
                    "0".into(),
                ],
                "gc",
            )
        };
        let mut child = Command::new(bin)
            .args(&args)
            .current_dir(d)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(next() % window_us));
        let finished = matches!(child.try_wait(), Ok(Some(_)));
        if finished {
            window_us = (window_us * 9 / 10).max(1_000);
        } else {
            child.kill().unwrap();
            killed += 1;
            window_us = (window_us * 11 / 10).min(2_000_000);
        }
        let out = child.wait_with_output().unwrap();
        done += 1;
        if !out.status.success() {
            continue;
        }
        // acknowledged: printed and exited 0 before the kill
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        match kind {
            "propose" => {
                let pid = text.lines().last().unwrap().to_owned();
                let rec = args[3].trim_end_matches(".toml").to_owned();
                proposed.insert(pid.clone());
                open.push((pid, rec));
            }
            "merge" => {
                let pid = &args[2];
                if let Some(pos) = open.iter().position(|(p, _)| p == pid) {
                    merged.insert(open.remove(pos).1);
                }
            }
            _ => {}
        }
    }
    eprintln!(
        "kill -9 test: {done} runs, {killed} killed, {} merges and {} proposals acknowledged",
        merged.len(),
        proposed.len()
    );
    let git_dir = d.join("reg.git");
    git(&git_dir, &["fsck", "--strict", "--full", "--no-dangling"]);
    let ids = export_ids(d);
    for m in &merged {
        assert!(ids.contains(m), "acknowledged merge of {m} lost");
    }
    let list = ok(d, &["proposals", "list", "--registry", "reg.git"]);
    for p in &proposed {
        assert!(list.contains(p.as_str()), "acknowledged proposal {p} lost");
    }
    // still writable, and compactable
    write(d, "final.toml", record("final", "MIT"));
    let out = ok(d, &["propose", "--registry", "reg.git", "final.toml"]);
    ok(
        d,
        &[
            "proposals",
            "merge",
            out.lines().last().unwrap(),
            "--registry",
            "reg.git",
        ],
    );
    ok(
        d,
        &[
            "gc",
            "--registry",
            "reg.git",
            "--prune-grace",
            "0",
            "--merge-packs",
        ],
    );
    git(&git_dir, &["fsck", "--strict", "--full"]);
    assert!(export_ids(d).contains("final"));
}

/// Errors a person reads are sentences: no debug structures of the Git
/// library, no tree of causes.
#[test]
fn follow_and_open_errors_are_sentences() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["init", "nested/reg.git"]);
    let missing = dir.path().join("missing");
    let missing = missing.to_str().unwrap();
    for args in [
        vec!["follow", "--registry", "nested/reg.git", missing],
        vec!["follow", "--registry", "nested/reg.git", "."],
        vec!["follow", "--registry", missing, "."],
        vec!["log", "--registry", missing, "software/x"],
    ] {
        let o = run(dir.path(), &args);
        assert!(!o.status.success(), "{args:?}");
        let text = stderr(&o);
        assert!(text.starts_with("error: "), "{args:?}: {text}");
        for junk in ["Message {", "class:", "Os {", "Caused by", "kind: NotFound"] {
            assert!(!text.contains(junk), "{args:?} prints `{junk}`: {text}");
        }
        assert_eq!(text.trim_end().lines().count(), 1, "{args:?}: {text}");
    }
}

/// The review's attack, built as it was (stock git, `hash-object
/// --literally` on hand-written tree bytes, then `commit-tree`), through
/// the real command: `follow` refuses it, names the problem, and main
/// does not move.
#[test]
fn follow_refuses_a_tree_with_two_entries_of_one_name() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git"]);
    let reg = d.join("reg.git");
    let remote = d.join("remote.git");
    let out = Command::new("git")
        .args(["clone", "-q", "--bare"])
        .arg(&reg)
        .arg(&remote)
        .output()
        .unwrap();
    assert!(out.status.success());
    let hash = |args: &[&str], input: &[u8]| -> String {
        let mut child = Command::new("git")
            .arg("--git-dir")
            .arg(&remote)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let blob = |license: &str| {
        hash(
            &["hash-object", "-w", "--stdin"],
            record("dup-two", license).as_bytes(),
        )
    };
    let evil = blob("LicenseRef-Proprietary-EvilCorp");
    let fine = blob("MIT");
    let entry = |mode: &str, name: &str, hex: &str| {
        let mut e = format!("{mode} {name}\0").into_bytes();
        e.extend((0..20).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()));
        e
    };
    let literally = ["hash-object", "-w", "-t", "tree", "--literally", "--stdin"];
    let software = hash(
        &literally,
        &[
            entry("100644", "dup-two.toml", &evil),
            entry("100644", "dup-two.toml", &fine),
        ]
        .concat(),
    );
    let records = hash(&literally, &entry("40000", "software", &software));
    let config = git(&remote, &["rev-parse", "main:registry.toml"]);
    let root = hash(
        &literally,
        &[
            // Git's order: "records/" sorts before "registry.toml".
            entry("40000", "records", &records),
            entry("100644", "registry.toml", config.trim()),
        ]
        .concat(),
    );
    let main = git(&reg, &["rev-parse", "main"]).trim().to_owned();
    let commit = Command::new("git")
        .arg("--git-dir")
        .arg(&remote)
        .args(["commit-tree", &root, "-p", &main, "-m", "dup"])
        .env("GIT_AUTHOR_NAME", "Eve")
        .env("GIT_AUTHOR_EMAIL", "eve@example.org")
        .env("GIT_COMMITTER_NAME", "Eve")
        .env("GIT_COMMITTER_EMAIL", "eve@example.org")
        .output()
        .unwrap();
    let commit = String::from_utf8(commit.stdout).unwrap().trim().to_owned();
    git(&remote, &["update-ref", "refs/heads/main", &commit]);

    let o = run(d, &["follow", "--registry", "reg.git", "remote.git"]);
    assert!(!o.status.success());
    let text = stderr(&o);
    assert!(
        text.contains("duplicateEntries")
            && text.contains("dup-two.toml")
            && text.contains("nothing was written"),
        "{text}"
    );
    assert_eq!(git(&reg, &["rev-parse", "main"]).trim(), main);
    git(&reg, &["fsck", "--strict", "--full", "--no-progress"]);
}
