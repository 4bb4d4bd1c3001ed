//! `conservatoire peer` and `conservatoire sync` against a real `serve`:
//! a city pins another's key, mirrors its catalogue, and an unchanged poll
//! writes nothing.

use std::path::Path;
use std::process::Command;

use crate::serve::{http_get, serve};
use crate::util::{run, stderr, stdout, write};

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    assert!(
        o.status.success(),
        "{args:?}:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

#[test]
fn a_city_pins_another_and_mirrors_its_catalogue() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(
        d,
        &[
            "init",
            "paris.git",
            "--name",
            "Ville de Paris",
            "--id",
            "paris",
        ],
    );
    ok(
        d,
        &[
            "init",
            "lyon.git",
            "--name",
            "Ville de Lyon",
            "--id",
            "lyon",
        ],
    );
    write(
        d,
        "lutece.toml",
        "id = \"lutece\"\nkind = \"software\"\ntitle = \"Lutece\"\nlicense = \"BSD-3-Clause\"\n",
    );
    let p = ok(d, &["propose", "--registry", "paris.git", "lutece.toml"]);
    ok(
        d,
        &[
            "proposals",
            "merge",
            p.lines().last().unwrap(),
            "--registry",
            "paris.git",
        ],
    );

    let (_paris, addr) = serve(d, "paris.git");
    let url = format!("http://{addr}/");
    // The key was made on the first serve, outside Git, for the owner only.
    let key = d.join("paris.git/federation/key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(
        http_get(&addr, "/.well-known/conservatoire")
            .contains("application/vnd.conservatoire.discovery+json")
    );

    // Without a fingerprint: it shows the key and adds nothing.
    let shown = run(d, &["peer", "add", "--registry", "lyon.git", &url]);
    assert_eq!(shown.status.code(), Some(1));
    let fingerprint = stdout(&shown).lines().next().unwrap().to_owned();
    assert!(fingerprint.starts_with("ed25519:"), "{fingerprint}");
    assert_eq!(ok(d, &["peer", "list", "--registry", "lyon.git"]), "");
    // The wrong fingerprint is refused.
    let wrong = run(
        d,
        &[
            "peer",
            "add",
            "--registry",
            "lyon.git",
            &url,
            "--fingerprint",
            "ed25519:00000000000000000000000000000000",
        ],
    );
    assert_eq!(wrong.status.code(), Some(1), "{}", stderr(&wrong));
    assert!(stderr(&wrong).contains(&fingerprint), "{}", stderr(&wrong));
    // The right one pins the peer.
    let added = ok(
        d,
        &[
            "peer",
            "add",
            "--registry",
            "lyon.git",
            &url,
            "--fingerprint",
            &fingerprint,
        ],
    );
    assert!(added.contains("added paris (Ville de Paris)"), "{added}");
    assert!(ok(d, &["peer", "list", "--registry", "lyon.git"]).contains(&fingerprint));

    let first = ok(d, &["sync", "--registry", "lyon.git"]);
    assert!(
        first.contains("paris: version 2, 1 records added or changed"),
        "{first}"
    );
    let again = ok(d, &["sync", "--registry", "lyon.git", "paris"]);
    assert_eq!(again.trim(), "paris: unchanged");
    // Lyon's own catalogue is untouched; the mirror holds Paris's record.
    assert_eq!(
        ok(d, &["export", "--registry", "lyon.git", "--format", "json"]).trim(),
        "[]"
    );
    let git = Command::new("git")
        .args([
            "--git-dir",
            "lyon.git",
            "show",
            "refs/mirrors/paris:records/software/lutece.toml",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&git.stdout).contains("title = \"Lutece\""));
    // The key is never in the tracked tree.
    let tree = Command::new("git")
        .args([
            "--git-dir",
            "paris.git",
            "ls-tree",
            "-r",
            "--name-only",
            "main",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&tree.stdout).contains("federation"));

    // A second peer that has gone away: the sync still brings Paris, says
    // what failed for Marseille, writes nothing of it and exits 1.
    ok(
        d,
        &[
            "init",
            "marseille.git",
            "--name",
            "Ville de Marseille",
            "--id",
            "marseille",
        ],
    );
    let (marseille, marseille_addr) = serve(d, "marseille.git");
    let added = ok(
        d,
        &[
            "peer",
            "add",
            "--registry",
            "lyon.git",
            &format!("http://{marseille_addr}/"),
            "--trust-on-first-use",
        ],
    );
    assert!(added.contains("added marseille"), "{added}");
    drop(marseille);
    let both = run(d, &["sync", "--registry", "lyon.git"]);
    assert_eq!(both.status.code(), Some(1), "{}", stderr(&both));
    let lines: Vec<String> = stdout(&both).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().any(|l| l == "paris: unchanged"), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("marseille: refused, nothing written")),
        "{lines:?}"
    );
    let mirrors = Command::new("git")
        .args(["--git-dir", "lyon.git", "for-each-ref", "refs/mirrors"])
        .current_dir(d)
        .output()
        .unwrap();
    let mirrors = String::from_utf8_lossy(&mirrors.stdout);
    assert!(mirrors.contains("refs/mirrors/paris"), "{mirrors}");
    assert!(!mirrors.contains("marseille"), "{mirrors}");
    ok(
        d,
        &["peer", "remove", "--registry", "lyon.git", "marseille"],
    );

    // Lyon attests, in its signed feed, that it uses Paris's Lutece; once
    // Paris mirrors Lyon, Lutece's page lists Lyon as an attested user.
    let bad = run(d, &["peer", "use", "--registry", "lyon.git", "lutece"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("is not a shared application"),
        "{}",
        stderr(&bad)
    );
    assert_eq!(
        ok(
            d,
            &[
                "peer",
                "use",
                "--registry",
                "lyon.git",
                "paris:software/lutece"
            ]
        )
        .trim(),
        "uses paris:software/lutece"
    );
    let page = || http_get(&addr, "/records/software/lutece");
    assert!(!page().contains("Ville de Lyon"));
    let (_lyon, lyon_addr) = serve(d, "lyon.git");
    ok(
        d,
        &[
            "peer",
            "add",
            "--registry",
            "paris.git",
            &format!("http://{lyon_addr}/"),
            "--trust-on-first-use",
        ],
    );
    ok(d, &["sync", "--registry", "paris.git"]);
    let shown = page();
    assert!(
        shown.contains("Villes qui l’utilisent (attesté)"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "<a href=\"http://{lyon_addr}/\">Ville de Lyon</a>"
        )),
        "{shown}"
    );
    // Withdrawn from Lyon's feed, it goes from the page at the next sync.
    ok(
        d,
        &[
            "peer",
            "use",
            "--registry",
            "lyon.git",
            "paris:software/lutece",
            "--remove",
        ],
    );
    ok(d, &["sync", "--registry", "paris.git"]);
    assert!(!page().contains("Ville de Lyon"));

    ok(d, &["peer", "remove", "--registry", "lyon.git", "paris"]);
    assert_eq!(ok(d, &["peer", "list", "--registry", "lyon.git"]), "");
}

/// Proposes `id` as a software record in `registry` and merges it.
fn add_software(d: &Path, registry: &str, id: &str) {
    let file = format!("{id}.toml");
    write(
        d,
        &file,
        format!("id = \"{id}\"\nkind = \"software\"\ntitle = \"{id}\"\nlicense = \"MIT\"\n"),
    );
    let p = ok(d, &["propose", "--registry", registry, &file]);
    ok(
        d,
        &[
            "proposals",
            "merge",
            p.lines().last().unwrap(),
            "--registry",
            registry,
        ],
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_stock_git_client_clones_and_fetches_the_catalogue() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(
        d,
        &[
            "init",
            "paris.git",
            "--name",
            "Ville de Paris",
            "--id",
            "paris",
        ],
    );
    add_software(d, "paris.git", "lutece");
    add_software(d, "paris.git", "publik");
    // Packed objects and loose ones, both served.
    ok(d, &["gc", "--registry", "paris.git"]);
    add_software(d, "paris.git", "decidim");
    let (_paris, addr) = serve(d, "paris.git");

    let url = format!("http://{addr}/catalogue.git");
    git(d, &["clone", "--quiet", &url, "clone"]);
    let clone = d.join("clone");
    git(&clone, &["fsck", "--strict", "--no-dangling"]);
    for id in ["lutece", "publik", "decidim"] {
        assert!(
            clone.join(format!("records/software/{id}.toml")).is_file(),
            "{id}"
        );
    }
    // The clone has the registry's whole history of main.
    assert_eq!(
        git(&clone, &["rev-parse", "HEAD"]).trim(),
        git(d, &["--git-dir", "paris.git", "rev-parse", "main"]).trim()
    );

    // A write while serving is visible to the next fetch, with no hook.
    add_software(d, "paris.git", "openfisca");
    git(&clone, &["pull", "--quiet", "--ff-only"]);
    assert!(clone.join("records/software/openfisca.toml").is_file());
    git(&clone, &["fsck", "--strict", "--no-dangling"]);

    // Only main is advertised, and nothing outside objects/ is served.
    let refs = http_get(&addr, "/catalogue.git/info/refs?service=git-upload-pack");
    assert!(refs.contains("\trefs/heads/main\n"), "{refs}");
    assert!(!refs.contains("refs/proposals"), "{refs}");
    for path in [
        "/catalogue.git/config",
        "/catalogue.git/objects/../config",
        "/catalogue.git/objects/pack/..%2F..%2Fconfig",
        "/catalogue.git/federation/key",
        "/catalogue.git/objects/zz/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    ] {
        let answer = http_get(&addr, path);
        assert!(
            answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400"),
            "{path}: {answer}"
        );
    }
}

/// The body of `GET path`, once the answer is complete.
fn body(addr: &str, path: &str) -> String {
    let answer = http_get(addr, path);
    answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default()
}

#[test]
fn a_scheduled_sync_makes_a_peers_records_searchable_with_their_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(
        d,
        &[
            "init",
            "paris.git",
            "--name",
            "Ville de Paris",
            "--id",
            "paris",
        ],
    );
    ok(
        d,
        &[
            "init",
            "lyon.git",
            "--name",
            "Ville de Lyon",
            "--id",
            "lyon",
        ],
    );
    // The same id in both cities: the addresses never collide.
    add_software(d, "paris.git", "lutece");
    add_software(d, "lyon.git", "lutece");
    let (_paris, paris) = serve(d, "paris.git");
    ok(
        d,
        &[
            "peer",
            "add",
            "--registry",
            "lyon.git",
            &format!("http://{paris}/"),
            "--trust-on-first-use",
        ],
    );
    let (_lyon, lyon) = crate::serve::serve_with(d, "lyon.git", &["--sync-every", "1h"]);

    // The first sync runs at start; wait for the index to show it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let hits = loop {
        let answer = body(&lyon, "/api/v1/search?q=lutece");
        let json: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
        if json["total"] == 2 {
            break json["hits"].as_array().unwrap().clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the mirrored record never became searchable: {answer}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let mirrored = hits.iter().find(|h| h["origin"] == "paris").unwrap();
    let own = hits.iter().find(|h| h["origin"] == "lyon").unwrap();
    assert_eq!(own["url"], "/records/software/lutece");
    assert_eq!(mirrored["url"], "/mirrors/paris/records/software/lutece");
    assert_eq!(
        mirrored["api_url"],
        format!("http://{paris}/api/v1/records/software/lutece")
    );

    // Its page says where it comes from and links to the original.
    let page = body(&lyon, "/mirrors/paris/records/software/lutece");
    assert!(page.contains("Ville de Paris"), "{page}");
    assert!(
        page.contains(&format!("href=\"http://{paris}/records/software/lutece\"")),
        "{page}"
    );
    assert!(page.contains("Catalogue vérifié le"), "{page}");
    // Unknown peers and records are 404.
    assert!(
        http_get(&lyon, "/mirrors/marseille/records/software/lutece").starts_with("HTTP/1.1 404")
    );
    assert!(http_get(&lyon, "/mirrors/paris/records/software/absent").starts_with("HTTP/1.1 404"));
    assert!(
        http_get(&lyon, "/mirrors/Paris%2F..%2F/records/software/lutece")
            .starts_with("HTTP/1.1 404")
    );

    // The origin facet names the city; the home page lists the peer.
    let search = body(&lyon, "/search?q=lutece");
    assert!(search.contains("Ville de Paris"), "{search}");
    assert!(
        search.contains("/mirrors/paris/records/software/lutece"),
        "{search}"
    );
    let home = body(&lyon, "/");
    assert!(home.contains("Catalogues des villes partenaires"), "{home}");
    assert!(home.contains("vérifié le"), "{home}");
    assert!(!home.contains("périmé"), "{home}");

    // The sync is counted.
    let metrics = body(&lyon, "/metrics");
    assert!(
        metrics.contains("cdl_syncs_total{peer=\"paris\",outcome=\"applied\"} 1"),
        "{metrics}"
    );
}
