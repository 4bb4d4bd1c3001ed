//! `conservatoire import` end to end, on the copies of the real corpora kept
//! in `interop/testdata`: one proposal per import, nothing from an invalid
//! file, exit 1 when any file is invalid, and a second import of the same
//! files changing nothing.

use std::path::{Path, PathBuf};

use crate::util::{ok, run, stderr, stdout};

fn testdata(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("interop/testdata")
        .join(rel)
        .display()
        .to_string()
}

fn proposals(dir: &Path) -> usize {
    ok(dir, &["proposals", "list", "--registry", "reg.git"])
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

fn last_line(s: &str) -> String {
    s.lines().last().unwrap_or_default().trim().to_owned()
}

#[test]
fn publiccode_import_is_one_proposal_refuses_invalid_files_and_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git"]);
    let valid = testdata("publiccode/parser-go/v0/valid/valid.yml");
    let minimal = testdata("publiccode/real-world/Amsterdam__signals-frontend/publiccode.yml");
    let invalid = testdata("publiccode/parser-go/v0/invalid/name_missing.yml");

    // One invalid file among valid ones: exit 1, the valid ones still
    // proposed, nothing from the invalid one; the error names field and line.
    let o = run(
        d,
        &[
            "import",
            "publiccode",
            "--registry",
            "reg.git",
            &valid,
            &invalid,
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("NON VALIDE"), "{out}");
    assert!(out.contains("ligne 1") && out.contains("name"), "{out}");
    assert_eq!(proposals(d), 1);

    // The same valid files again while that proposal is open: nothing new.
    let o = run(
        d,
        &["import", "publiccode", "--registry", "reg.git", &valid],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("rien à proposer"), "{}", stdout(&o));
    assert_eq!(proposals(d), 1);

    // Two valid files: exit 0, one proposal with both records; merged, a
    // second import finds them in main and proposes nothing.
    let out = ok(
        d,
        &[
            "import",
            "publiccode",
            "--registry",
            "reg.git",
            &valid,
            &minimal,
        ],
    );
    let id = last_line(&out);
    ok(d, &["proposals", "merge", &id, "--registry", "reg.git"]);
    let exported = ok(d, &["export", "--registry", "reg.git"]);
    let records: serde_json::Value = serde_json::from_str(&exported).unwrap();
    let medusa = records
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "medusa")
        .unwrap();
    assert_eq!(medusa["kind"], "software");
    assert!(
        medusa["sources"][0]["name"]
            .as_str()
            .unwrap()
            .contains("publiccode.yml"),
        "{medusa}"
    );
    assert!(
        !medusa["software"]["platforms"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let before = proposals(d);
    let out = ok(
        d,
        &[
            "import",
            "publiccode",
            "--registry",
            "reg.git",
            &valid,
            &minimal,
        ],
    );
    assert!(out.contains("rien à proposer"), "{out}");
    assert_eq!(proposals(d), before);
}

#[test]
fn sill_import_proposes_every_free_entry_once() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git"]);
    let sill = testdata("sill/sill.json");
    let services = testdata("sill/services.csv");
    let out = ok(
        d,
        &[
            "import",
            "sill",
            "--registry",
            "reg.git",
            "--services",
            &services,
            &sill,
        ],
    );
    assert!(
        out.contains("220 entrée(s) SILL converties, 20 écartée(s)"),
        "{out}"
    );
    let id = last_line(&out);
    ok(d, &["proposals", "merge", &id, "--registry", "reg.git"]);
    let exported: serde_json::Value =
        serde_json::from_str(&ok(d, &["export", "--registry", "reg.git"])).unwrap();
    let all = exported.as_array().unwrap();
    assert_eq!(all.len(), 220);
    let jitsi = all.iter().find(|r| r["title"] == "Jitsi").unwrap();
    assert_eq!(jitsi["software"]["sill_id"], 67);
    assert!(
        jitsi["software"]["used_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "DINUM")
    );
    let out = ok(
        d,
        &[
            "import",
            "sill",
            "--registry",
            "reg.git",
            "--services",
            &services,
            &sill,
        ],
    );
    assert!(out.contains("rien à proposer : 220 fiche(s)"), "{out}");
}

#[test]
fn csv_import_reports_refused_rows_and_imports_the_others() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git"]);
    let out = ok(
        d,
        &[
            "import",
            "csv",
            "--registry",
            "reg.git",
            "--kind",
            "dataset",
            "--map",
            &testdata("csv/datagouv.toml"),
            &testdata("csv/datagouv_culture_sample.csv"),
        ],
    );
    assert!(
        out.contains("40 ligne(s) importée(s), 7 refusée(s)"),
        "{out}"
    );
    assert!(out.contains("ligne 46 refusée"), "{out}");
    let id = last_line(&out);
    ok(d, &["proposals", "merge", &id, "--registry", "reg.git"]);
    let exported: serde_json::Value =
        serde_json::from_str(&ok(d, &["export", "--registry", "reg.git"])).unwrap();
    assert_eq!(exported.as_array().unwrap().len(), 40);
    let out = ok(
        d,
        &[
            "import",
            "csv",
            "--registry",
            "reg.git",
            "--kind",
            "dataset",
            "--map",
            &testdata("csv/datagouv.toml"),
            &testdata("csv/datagouv_culture_sample.csv"),
        ],
    );
    assert!(out.contains("rien à proposer"), "{out}");
    let o = run(
        d,
        &[
            "import",
            "csv",
            "--registry",
            "reg.git",
            "--kind",
            "nope",
            "--map",
            &testdata("csv/met.toml"),
            &testdata("csv/metmuseum_1551822422.tsv"),
        ],
    );
    assert_ne!(o.status.code(), Some(0));
}

/// Alternatives ranked with federation: a city attesting its use in its
/// signed feed counts above names the record gives without proof.
#[test]
fn an_attested_user_ranks_an_alternative_above_unverified_names() {
    use crate::serve::{http_get, serve};
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
    // Two office suites, as a SILL-shaped list that says what each
    // replaces and who uses it.
    std::fs::write(
        d.join("sill.json"),
        r#"[{"id": "1", "i": "Alpha Office", "l": "MPL-2.0", "fr-desc": "Suite bureautique.",
             "replaces": ["Microsoft Office"], "usedBy": ["Ville de Nantes", "Ville de Rennes", "Ville de Brest"]},
            {"id": "2", "i": "Beta Office", "l": "AGPL-3.0-or-later", "fr-desc": "Suite bureautique en ligne.",
             "replaces": ["MS Office 365"]}]"#,
    )
    .unwrap();
    let out = ok(
        d,
        &["import", "sill", "--registry", "paris.git", "sill.json"],
    );
    ok(
        d,
        &[
            "proposals",
            "merge",
            &last_line(&out),
            "--registry",
            "paris.git",
        ],
    );

    let (_paris, paris_addr) = serve(d, "paris.git");
    let before: serde_json::Value = serde_json::from_str(
        http_get(&paris_addr, "/api/v1/alternatives?to=office%20365")
            .split("\r\n\r\n")
            .nth(1)
            .unwrap(),
    )
    .unwrap();
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&before), ["alpha-office", "beta-office"]);

    // Lyon mirrors Paris and attests using Beta Office; Paris mirrors Lyon.
    ok(
        d,
        &[
            "peer",
            "add",
            "--registry",
            "lyon.git",
            &format!("http://{paris_addr}/"),
            "--trust-on-first-use",
        ],
    );
    ok(d, &["sync", "--registry", "lyon.git"]);
    ok(
        d,
        &[
            "peer",
            "use",
            "--registry",
            "lyon.git",
            "paris:software/beta-office",
        ],
    );
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

    let after: serde_json::Value = serde_json::from_str(
        http_get(&paris_addr, "/api/v1/alternatives?to=office%20365")
            .split("\r\n\r\n")
            .nth(1)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(ids(&after), ["beta-office", "alpha-office"], "{after}");
    assert_eq!(
        after["alternatives"][0]["attested_users"][0]["name"],
        "Ville de Lyon"
    );
    assert_eq!(
        after["alternatives"][1]["users"].as_array().unwrap().len(),
        3
    );
    let page = http_get(&paris_addr, "/alternatives?to=ms+office");
    assert!(
        page.contains("Villes qui l’utilisent (attesté) (1)"),
        "{page}"
    );
}

/// A publiccode.yml fetched over HTTP (a one-shot server on a loopback
/// port): imported like a file, its address kept as the record's source.
#[test]
fn publiccode_import_reads_an_address() {
    use std::io::{Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git"]);
    let body = std::fs::read(testdata(
        "publiccode/real-world/Comune-Milano__Whistleblowing/publiccode.yml",
    ))
    .unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut head = [0u8; 4096];
        let _ = stream.read(&mut head).unwrap();
        write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: application/yaml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
        stream.write_all(&body).unwrap();
    });
    let url = format!("http://{addr}/publiccode.yml");
    let out = ok(d, &["import", "publiccode", "--registry", "reg.git", &url]);
    server.join().unwrap();
    assert!(out.contains("ok (whistleblowing)"), "{out}");
    ok(
        d,
        &[
            "proposals",
            "merge",
            &last_line(&out),
            "--registry",
            "reg.git",
        ],
    );
    let exported: serde_json::Value =
        serde_json::from_str(&ok(d, &["export", "--registry", "reg.git"])).unwrap();
    assert_eq!(exported[0]["sources"][0]["url"], url.as_str());
    // An address that answers nothing is an error, not an empty import.
    let o = run(
        d,
        &[
            "import",
            "publiccode",
            "--registry",
            "reg.git",
            "http://127.0.0.1:9/publiccode.yml",
        ],
    );
    assert_ne!(o.status.code(), Some(0));
}
