//! `conservatoire new`, `check` and `schema`.

use serde_json::Value;

use crate::util::{run, stderr, stdout, write};

fn new_record(dir: &std::path::Path, kind: &str, id: &str, license: &str) {
    let out = run(
        dir,
        &["new", kind, id, "--title", "Titre", "--license", license],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    write(dir, &format!("records/{kind}/{id}.toml"), out.stdout);
}

#[test]
fn new_writes_valid_certified_skeletons_of_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, license) in [
        ("software", "AGPL-3.0-or-later"),
        ("cultural-work", "CC-BY-SA-4.0"),
        ("method", "CC-BY-4.0"),
        ("dataset", "etalab-2.0"),
        ("seed-lot", "LicenseRef-OSSI-Pledge"),
        ("ferment-lot", "LicenseRef-OpenMTA"),
    ] {
        new_record(dir.path(), kind, &format!("exemple-{kind}"), license);
    }
    let out = run(dir.path(), &["check", "records"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("checked 6 record(s): 6 valid and certified free"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn new_refuses_bad_ids_and_existing_files() {
    let dir = tempfile::tempdir().unwrap();
    for id in ["../evil", "Upper", "a/b", ""] {
        let out = run(
            dir.path(),
            &["new", "software", id, "--title", "T", "--license", "MIT"],
        );
        assert_eq!(out.status.code(), Some(2), "{id}");
        assert!(stderr(&out).contains("id"), "{}", stderr(&out));
    }
    let out = run(
        dir.path(),
        &["new", "boat", "x", "--title", "T", "--license", "MIT"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown kind `boat`"));
    let out = run(
        dir.path(),
        &["new", "software", "x", "--title", " ", "--license", "MIT"],
    );
    assert_eq!(out.status.code(), Some(2), "a blank title is refused");
    write(dir.path(), "x.toml", "keep me");
    let out = run(
        dir.path(),
        &[
            "new",
            "software",
            "x",
            "--title",
            "T",
            "--license",
            "MIT",
            "--out",
            "x.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("x.toml")).unwrap(),
        "keep me"
    );
}

#[test]
fn check_reports_invalid_and_non_free_records_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    new_record(d, "software", "libre", "MIT");
    new_record(d, "cultural-work", "non-commercial", "CC-BY-NC-4.0");
    new_record(d, "dataset", "inconnu", "LicenseRef-Maison");
    write(
        d,
        "records/software/typo.toml",
        "id = \"typo\"\nkind = \"software\"\ntitel = \"T\"\nlicense = \"MIT\"\n",
    );

    let out = run(d, &["check", "records"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("error[unknown-field]: unknown field `titel`"),
        "{text}"
    );
    assert!(text.contains("records/software/typo.toml:3:1"), "{text}");
    assert!(text.contains("did you mean `title`?"), "{text}");
    assert!(
        text.contains("`CC-BY-NC-4.0` is not free for a cultural-work record"),
        "{text}"
    );
    assert!(
        text.contains("`LicenseRef-Maison` is not certified free"),
        "{text}"
    );
    assert!(
        text.contains(
            "checked 4 record(s): 1 valid and certified free, 1 invalid, 2 not certified free"
        ),
        "{text}"
    );

    // A valid, free file alone passes.
    let out = run(d, &["check", "records/software/libre.toml"]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn check_json_prints_one_object_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    new_record(d, "software", "libre", "MIT");
    write(
        d,
        "records/software/bad.toml",
        "id = \"bad\"\nkind = \"software\"\ntitle = 3\nlicense = \"MIT\"\n",
    );
    let out = run(d, &["check", "--format", "json", "records"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let bad = &lines[0];
    assert_eq!(bad["path"], "records/software/bad.toml");
    assert_eq!(bad["valid"], false);
    assert_eq!(bad["errors"][0]["code"], "wrong-type");
    assert_eq!(bad["errors"][0]["line"], 3);
    assert_eq!(bad["errors"][0]["column"], 9);
    let good = &lines[1];
    assert_eq!(good["id"], "libre");
    assert_eq!(good["kind"], "software");
    assert_eq!(good["valid"], true);
    assert_eq!(good["certified"], true);
    assert_eq!(good["certificate"]["verdict"], "certified");
    assert!(good["certificate"]["policy_version"].is_string());
    assert!(good["certificate"]["spdx_list_version"].is_string());
}

#[test]
fn check_survives_hostile_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "r/huge.toml", vec![b'a'; 5 * 1024 * 1024]);
    write(d, "r/binary.toml", [0xff, 0xfe, 0x00, 0x01, 0x80]);
    write(
        d,
        "r/nested.toml",
        format!("x = {}{}", "[".repeat(100_000), "]".repeat(100_000)),
    );
    write(d, "r/empty.toml", "");
    write(d, "r/.hidden/skipped.toml", "not toml at all");
    write(d, "r/notes.txt", "ignored: not a .toml file");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", d.join("r/link.toml")).unwrap();
    let out = run(d, &["check", "--format", "json", "r"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let codes: Vec<(String, String)> = stdout(&out)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["path"].as_str().unwrap().to_owned(),
                v["errors"][0]["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("r/binary.toml".to_owned(), "not-utf8".to_owned()),
            ("r/empty.toml".to_owned(), "missing-field".to_owned()),
            ("r/huge.toml".to_owned(), "too-large".to_owned()),
            ("r/nested.toml".to_owned(), "syntax".to_owned()),
        ]
    );
    #[cfg(unix)]
    assert!(stderr(&out).contains("symbolic link"));
}

#[test]
fn check_usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["check", "does/not/exist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does/not/exist"));
    let out = run(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(dir.path(), &["check", "--format", "xml", "."]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn schema_is_json_schema_describing_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["schema"]);
    assert!(out.status.success());
    let schema: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let props = &schema["properties"];
    for key in [
        "id",
        "kind",
        "title",
        "license",
        "software",
        "cultural-work",
        "method",
        "dataset",
        "seed-lot",
        "ferment-lot",
    ] {
        assert!(props.get(key).is_some(), "missing {key}");
    }
    assert_eq!(schema["additionalProperties"], false);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["id", "kind", "title", "license"]);
}

#[test]
fn help_describes_every_verb() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["--help"]);
    let text = stdout(&out);
    for verb in ["new", "check", "schema"] {
        assert!(text.contains(verb), "{verb}");
        let out = run(dir.path(), &[verb, "--help"]);
        assert!(out.status.success());
        assert!(stdout(&out).contains("Usage: conservatoire"), "{verb}");
    }
}

#[test]
fn check_warns_about_deprecated_ids_but_accepts_them() {
    let dir = tempfile::tempdir().unwrap();
    new_record(dir.path(), "software", "ancien", "GPL-2.0");
    let out = run(dir.path(), &["check", "records"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("write `GPL-2.0-only` or `GPL-2.0-or-later`"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_readme_record_is_valid_and_certified() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows a record");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "records/software/facil-familles.toml", block);
    let out = run(dir.path(), &["check", "records"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn check_caps_the_problems_of_a_hostile_record() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The record of the outside review: a `tags` array of tens of
    // thousands of empty strings, just under the size limit.
    let mut text = String::from(
        "id = \"flood\"\nkind = \"software\"\ntitle = \"T\"\nlicense = \"MIT\"\ntags = [",
    );
    while text.len() + 5 < cdl_records::MAX_RECORD_BYTES {
        text.push_str("\"\",");
    }
    text.push_str("]\n");
    write(d, "records/software/flood.toml", &text);
    let out = run(d, &["check", "--format", "json", "records"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.len() < 64 * 1024, "{} bytes", out.stdout.len());
    let report: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), cdl_records::MAX_DIAGNOSTICS + 1);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`tags` has ")
    );
    let last = errors.last().unwrap();
    assert_eq!(last["code"], "more-errors");
    assert!(last["more"].as_u64().unwrap() > 0);
    let out = run(d, &["check", "records"]);
    let human = stdout(&out);
    assert_eq!(
        human.matches("error[").count(),
        cdl_records::MAX_DIAGNOSTICS + 1
    );
    assert!(human.contains("error[more-errors]: "), "{human}");
}

/// The CLI follows the locale: French when `LANG` starts with `fr`
/// (`LC_ALL` and `LC_MESSAGES` first, as POSIX programs do), English
/// otherwise.
#[test]
fn check_speaks_the_locale_language() {
    let dir = tempfile::tempdir().unwrap();
    crate::util::write(
        dir.path(),
        "essai.toml",
        "id = \"essai\"\nkind = \"software\"\ntitle = \"Essai\"\nlicense = \"MIT\"\nlanguages = [\"français\"]\n",
    );
    let fr = crate::util::run_in(dir.path(), &["check", "essai.toml"], "fr_FR.UTF-8");
    let text = crate::util::stdout(&fr);
    assert!(
        text.contains("erreur[invalid-value]: « français » n’est pas un code de langue"),
        "{text}"
    );
    let en = crate::util::run_in(dir.path(), &["check", "essai.toml"], "en_GB.UTF-8");
    let text = crate::util::stdout(&en);
    assert!(
        text.contains("error[invalid-value]: `français` is not a language tag"),
        "{text}"
    );
}

/// `check` knows today's date: a harvest after this year is refused.
#[test]
fn check_refuses_a_harvest_after_this_year() {
    let dir = tempfile::tempdir().unwrap();
    let lot = |year: u32| {
        format!(
            "id = \"lot\"\nkind = \"seed-lot\"\ntitle = \"Lot\"\nlicense = \"LicenseRef-OSSI-Pledge\"\n\n[seed-lot]\nspecies = \"Solanum lycopersicum\"\nharvest_year = {year}\nquantity = 5\nunit = \"packets\"\n"
        )
    };
    write(dir.path(), "lot.toml", lot(2099));
    let out = crate::util::run_in(dir.path(), &["check", "lot.toml"], "fr_FR.UTF-8");
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("l’année de récolte 2099 est après l’année en cours"),
        "{}",
        stdout(&out)
    );
    write(dir.path(), "lot.toml", lot(2025));
    let out = run(dir.path(), &["check", "lot.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}
