//! `conservatoire backup` and `restore`: a registry restored into a new
//! folder has the same records, history, proposals and curators, is
//! `git fsck --strict` clean, and rebuilds its search index on first use.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::serve::{Child, http_get};
use crate::util::{ok, run, stderr, write};

fn record(id: &str) -> String {
    format!(
        "id = \"{id}\"\nkind = \"software\"\ntitle = \"Logiciel {id}\"\nlicense = \"MIT\"\nsummary = \"Un logiciel libre.\"\n"
    )
}

/// What a registry holds, as its commands print it.
fn state(dir: &Path, reg: &str) -> Vec<String> {
    let mut proposals: Vec<String> = ok(dir, &["proposals", "list", "--registry", reg])
        .lines()
        .map(str::to_owned)
        .collect();
    proposals.sort();
    vec![
        ok(dir, &["export", "--registry", reg, "--format", "json"]),
        ok(dir, &["log", "--registry", reg, "software/alpha"]),
        proposals.join("\n"),
    ]
}

/// The address a server prints on its standard output (the lines stay
/// open until the server stops).
fn address(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> String {
    lines
        .map_while(Result::ok)
        .find_map(|l| {
            let at = l.find("http://127.0.0.1:")?;
            let rest = &l[at + "http://".len()..];
            let end = rest
                .find(|c: char| c == '/' || c.is_whitespace())
                .unwrap_or(rest.len());
            Some(rest[..end].to_owned())
        })
        .expect("the server says where it listens")
}

#[test]
fn a_restored_registry_is_the_same_registry() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git"]);
    for id in ["alpha", "beta", "gamma"] {
        write(d, &format!("{id}.toml"), record(id));
    }
    let alpha = ok(d, &["propose", "--registry", "reg.git", "alpha.toml"]);
    ok(
        d,
        &[
            "proposals",
            "merge",
            alpha.lines().last().unwrap(),
            "--registry",
            "reg.git",
        ],
    );
    let beta = ok(d, &["propose", "--registry", "reg.git", "beta.toml"]);
    ok(
        d,
        &[
            "proposals",
            "merge",
            beta.lines().last().unwrap(),
            "--registry",
            "reg.git",
        ],
    );
    ok(d, &["propose", "--registry", "reg.git", "gamma.toml"]); // stays open
    ok(d, &["curators", "add", "--registry", "reg.git", "alice"]);
    ok(d, &["gc", "--registry", "reg.git"]); // some objects packed, some loose after:
    write(
        d,
        "alpha.toml",
        record("alpha").replace("Un logiciel libre.", "Un logiciel libre, modifié."),
    );
    let change = ok(d, &["propose", "--registry", "reg.git", "alpha.toml"]);
    ok(
        d,
        &[
            "proposals",
            "merge",
            change.lines().last().unwrap(),
            "--registry",
            "reg.git",
        ],
    );
    ok(d, &["index", "--registry", "reg.git"]);
    let before = state(d, "reg.git");

    // A federation key, as the first `serve` makes it: owner-only.
    std::fs::create_dir_all(d.join("reg.git/federation")).unwrap();
    let key = d.join("reg.git/federation/key");
    std::fs::write(
        &key,
        format!(
            "conservatoire-federation-key/1 ed25519\n{}\n",
            "A".repeat(43)
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    // The bookings database, with a farmer and a session in it; a server
    // holds it open (write-ahead log and all) while the backup is taken.
    ok(
        d,
        &[
            "farmers",
            "add",
            "--registry",
            "reg.git",
            "--name",
            "Camille Martin",
            "--email",
            "camille@example.org",
            "--contract",
            "PAR-2026-001",
        ],
    );
    let session = ok(
        d,
        &[
            "exchange",
            "add-session",
            "--registry",
            "reg.git",
            "--place",
            "Grainothèque du 20e",
            "--starts",
            "2031-03-14T09:00:00+01:00",
            "--capacity",
            "12",
        ],
    );
    let session = session.lines().last().unwrap().trim().to_owned();
    let live = Command::new(env!("CARGO_BIN_EXE_conservatoire"))
        .args(["serve", "--registry", "reg.git", "--listen", "127.0.0.1:0"])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut live = Child(live);
    let mut live_out = BufReader::new(live.0.stdout.take().unwrap()).lines();
    let live_addr = address(&mut live_out);
    assert!(http_get(&live_addr, "/api/v1/exchange/sessions").contains("Grainoth"));
    let out = ok(d, &["backup", "--registry", "reg.git", "backup.tar"]);
    drop(live);
    assert!(out.contains("backed up"), "{out}");
    // A plain tar file: stock tar lists it, without the index.
    let listing = Command::new("tar")
        .args(["tf", "backup.tar"])
        .current_dir(d)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(
        listing.contains("refs/heads/main") && listing.contains("cdl-curators.toml"),
        "{listing}"
    );
    assert!(!listing.contains("cdl-index"), "{listing}");
    // The bookings database is one consistent file, without its journals.
    assert!(listing.contains("cdl-exchange.sqlite\n"), "{listing}");
    assert!(!listing.contains("cdl-exchange.sqlite-"), "{listing}");

    let out = ok(d, &["restore", "backup.tar", "restored/reg.git"]);
    assert!(out.contains("restored"), "{out}");
    assert_eq!(state(d, "restored/reg.git"), before);
    assert_eq!(
        std::fs::read(d.join("reg.git/cdl-curators.toml")).unwrap(),
        std::fs::read(d.join("restored/reg.git/cdl-curators.toml")).unwrap()
    );
    // Secrets come back readable by their owner only.
    #[cfg(unix)]
    for secret in ["federation/key", "cdl-curators.toml"] {
        use std::os::unix::fs::PermissionsExt;
        let path = d.join("restored/reg.git").join(secret);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{secret}");
    }
    let fsck = Command::new("git")
        .args([
            "--git-dir",
            "restored/reg.git",
            "fsck",
            "--strict",
            "--full",
            "--no-progress",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
    assert!(!d.join("restored/reg.git/cdl-index").exists());

    // The first serve builds the index from Git: the records are found.
    let child = Command::new(env!("CARGO_BIN_EXE_conservatoire"))
        .args([
            "serve",
            "--registry",
            "restored/reg.git",
            "--listen",
            "127.0.0.1:0",
        ])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut server = Child(child);
    // The address is on standard output (the logs on standard error);
    // kept open until the server stops.
    let mut lines = BufReader::new(server.0.stdout.take().unwrap()).lines();
    let addr = address(&mut lines);
    let sessions = http_get(&addr, "/api/v1/exchange/sessions");
    assert!(
        sessions.contains("Grainoth") && sessions.contains(&format!("\"id\":{session}")),
        "{sessions}"
    );
    let found = http_get(&addr, "/api/v1/search?q=modifi%C3%A9");
    assert!(
        found.contains("\"total\":1") && found.contains("alpha"),
        "{found}"
    );
    drop(server);
    let token = ok(
        d,
        &[
            "farmers",
            "token",
            "--registry",
            "restored/reg.git",
            "camille@example.org",
        ],
    );
    assert!(!token.lines().last().unwrap().trim().is_empty(), "{token}");

    // Restoring over a folder in use, or from a file that is not a backup,
    // is refused and leaves nothing behind.
    let again = run(d, &["restore", "backup.tar", "restored/reg.git"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));
    write(d, "junk.tar", "not a tar file at all");
    let junk = run(d, &["restore", "junk.tar", "other"]);
    assert!(!junk.status.success());
    assert!(
        stderr(&junk).contains("not a usable backup"),
        "{}",
        stderr(&junk)
    );
    assert!(!d.join("other").exists());
    let leftovers: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".restore"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
