//! The SILL and CSV importers on copies of the real corpora
//! (testdata/SOURCE.md), and publiccode.yml files imported, exported and
//! imported back.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use cdl_interop::{csv_import, publiccode, sill};
use cdl_records::details::Software;
use cdl_records::{Details, Kind, Source};

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
}

fn source() -> Source {
    Source {
        name: "test".to_owned(),
        url: None,
        license: None,
    }
}

#[test]
fn sill_entries_become_software_records_with_their_users() {
    let json = std::fs::read_to_string(testdata("sill/sill.json")).unwrap();
    let services = std::fs::read_to_string(testdata("sill/services.csv")).unwrap();
    let users = sill::services(&services).unwrap();
    let imported = sill::import(&json, &users, &source()).unwrap();
    println!(
        "SILL: {} imported, {} skipped",
        imported.records.len(),
        imported.skipped.len()
    );
    assert_eq!(imported.records.len() + imported.skipped.len(), 240);
    assert!(imported.records.len() > 200, "{}", imported.records.len());
    // Every skipped entry is skipped for its licence, named in the reason.
    assert!(
        imported
            .skipped
            .iter()
            .all(|s| s.reason.contains("licence")),
        "{:?}",
        imported.skipped
    );
    let jitsi = imported
        .records
        .iter()
        .find(|r| r.title == "Jitsi")
        .unwrap();
    let Details::Software(Software {
        used_by, sill_id, ..
    }) = &jitsi.details
    else {
        panic!()
    };
    assert_eq!(*sill_id, Some(67));
    assert!(used_by.iter().any(|o| o.name == "DINUM"), "{used_by:?}");
    assert_eq!(jitsi.sources, vec![source()]);
    // Ids are unique.
    let mut ids: Vec<&str> = imported.records.iter().map(|r| r.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), imported.records.len());
}

#[test]
fn sill_entries_keep_what_they_replace() {
    let json = r#"[{"id": "9", "i": "LibreOffice", "l": "MPL-2.0", "fr-desc": "Suite bureautique",
        "replaces": ["Microsoft Office"], "usedBy": [{"name": "Ville de Lyon"}, "Ville de Paris"]}]"#;
    let imported = sill::import(json, &Default::default(), &source()).unwrap();
    let Details::Software(s) = &imported.records[0].details else {
        panic!()
    };
    assert_eq!(s.replaces, ["Microsoft Office"]);
    assert_eq!(
        s.used_by
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        ["Ville de Lyon", "Ville de Paris"]
    );
}

fn run_csv(data: &str, map: &str, kind: Kind) -> csv_import::Imported {
    let mapping =
        csv_import::Mapping::from_toml(&std::fs::read_to_string(testdata(map)).unwrap()).unwrap();
    let bytes = std::fs::read(testdata(data)).unwrap();
    let mut last = 0;
    let imported = csv_import::import(&bytes, &mapping, kind, &mut |p| last = p).unwrap();
    assert_eq!(
        last,
        bytes.len() as u64,
        "progress reaches the end of the file"
    );
    imported
}

#[test]
fn museum_tsv_rows_become_cultural_works() {
    let imported = run_csv(
        "csv/metmuseum_1551822422.tsv",
        "csv/met.toml",
        Kind::CulturalWork,
    );
    println!(
        "Met: {} imported, {} refused",
        imported.records.len(),
        imported.refused.len()
    );
    for r in &imported.refused {
        println!("  row {}: {:?}", r.row, r.reasons);
    }
    assert_eq!(imported.records.len() + imported.refused.len(), 21);
    let first = &imported.records[0];
    assert_eq!(first.id.as_str(), "met-13345");
    assert_eq!(first.license, "CC0-1.0");
    let Details::CulturalWork(w) = &first.details else {
        panic!()
    };
    assert_eq!(w.accession_number.as_deref(), Some("84.12a"));
    assert_eq!(w.creators[0].name, "Thomas Waterman Wood");
    assert_eq!(w.media.len(), 1);
}

#[test]
fn seed_rows_without_a_species_are_refused_with_their_row_number() {
    let imported = run_csv(
        "csv/crops-13-brassicas.csv",
        "csv/growstuff.toml",
        Kind::SeedLot,
    );
    println!(
        "Growstuff: {} imported, {} refused",
        imported.records.len(),
        imported.refused.len()
    );
    for r in &imported.refused {
        println!("  row {}: {:?}", r.row, r.reasons);
    }
    assert_eq!(imported.records.len(), 34);
    assert!(imported.refused.is_empty());
    // Most of Growstuff's tomatoes name no species: those rows are refused, each with its number.
    let tomatoes = run_csv(
        "csv/crops-11-tomatoes.csv",
        "csv/growstuff.toml",
        Kind::SeedLot,
    );
    println!(
        "Growstuff tomatoes: {} imported, {} refused",
        tomatoes.records.len(),
        tomatoes.refused.len()
    );
    assert_eq!((tomatoes.records.len(), tomatoes.refused.len()), (2, 39));
    assert_eq!(tomatoes.refused[0].row, 1);
    assert!(
        tomatoes
            .refused
            .iter()
            .all(|r| r.reasons.iter().any(|m| m.contains("species"))),
        "{:?}",
        tomatoes.refused[0]
    );
    let Details::SeedLot(lot) = &imported.records[1].details else {
        panic!()
    };
    assert_eq!(lot.species, "Brassica carinata");
}

#[test]
fn dataset_rows_with_an_unmapped_licence_are_refused_whole() {
    let imported = run_csv(
        "csv/datagouv_culture_sample.csv",
        "csv/datagouv.toml",
        Kind::Dataset,
    );
    println!(
        "data.gouv.fr: {} imported, {} refused",
        imported.records.len(),
        imported.refused.len()
    );
    for r in &imported.refused {
        println!("  row {}: {:?}", r.row, r.reasons);
    }
    assert_eq!(imported.records.len() + imported.refused.len(), 47);
    // The three rows whose licence is "License Not Specified" are the last three.
    let refused_rows: Vec<usize> = imported.refused.iter().map(|r| r.row).collect();
    for row in [46, 47, 48] {
        assert!(refused_rows.contains(&row), "{refused_rows:?}");
    }
    assert!(imported.records.iter().all(|r| r.license == "etalab-2.0"
        || r.license.starts_with("CC-BY-SA")
        || r.license == "ODbL-1.0"));
}

#[test]
fn a_mapping_naming_a_missing_column_is_refused_up_front() {
    let mapping = csv_import::Mapping::from_toml(
        "[source]\nname = \"x\"\n[fields]\nid = \"{nope}\"\ntitle = \"{a}\"\nlicense = \"CC0-1.0\"\n",
    )
    .unwrap();
    let err = csv_import::import(b"a,b\n1,2\n", &mapping, Kind::Dataset, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn real_world_publiccode_files_import_and_export_round_trips() {
    let mut imported = 0;
    let mut refused = Vec::new();
    for entry in std::fs::read_dir(testdata("publiccode/real-world")).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let file = dir.join("publiccode.yml");
        let bytes = std::fs::read(&file).unwrap();
        match publiccode::parse(&bytes, None) {
            Ok((code, _)) => {
                let record = publiccode::to_record(&code, source()).unwrap();
                imported += 1;
                let yml = publiccode::export(&record).unwrap();
                let (again, _) = publiccode::parse(yml.as_bytes(), None)
                    .unwrap_or_else(|e| panic!("{}: export refused: {e}\n{yml}", file.display()));
                let back = publiccode::to_record(&again, source()).unwrap();
                assert_eq!(back, record, "{}\n{yml}", file.display());
            }
            Err(e) => refused.push(format!(
                "{}: {e}",
                dir.file_name().unwrap().to_string_lossy()
            )),
        }
    }
    println!("real-world publiccode.yml: {imported} imported; refused: {refused:#?}");
    assert!(imported >= 4, "{refused:?}");
}

/// What of a software record publiccode.yml can carry, for comparing a
/// record with its export imported back.
fn carried(r: &cdl_records::Record) -> serde_json::Value {
    let Details::Software(s) = &r.details else {
        panic!("not software")
    };
    serde_json::json!({
        "title": r.title,
        "license": r.license,
        "summary": r.summary,
        "description": r.description,
        "languages": r.languages,
        "repository": s.repository,
        "version": s.version,
        "released": s.released,
        "platforms": s.platforms,
        "maintenance": s.maintenance,
        "development_status": s.development_status,
        "used_by": s.used_by.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
    })
}

#[test]
fn every_sample_software_exports_to_a_valid_file_that_imports_back() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../records/samples/software");
    let mut total = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let record =
            cdl_records::parse(&std::fs::read_to_string(&path).unwrap(), Some(&path)).unwrap();
        total += 1;
        let yml = publiccode::export(&record).unwrap();
        let back = publiccode::parse(yml.as_bytes(), None)
            .map_err(|e| e.to_string())
            .and_then(|(code, _)| {
                publiccode::to_record(&code, source()).map_err(|e| e.to_string())
            });
        match back {
            Ok(back) => {
                let (mut a, b) = (carried(&record), carried(&back));
                // The export names a platform when the record names none.
                if a["platforms"] == serde_json::json!([]) {
                    a["platforms"] = serde_json::json!(["web"]);
                }
                // And says "stable" when the record says nothing.
                if a["development_status"].is_null() {
                    a["development_status"] = serde_json::json!("stable");
                }
                if a["maintenance"].is_null() {
                    a["maintenance"] = serde_json::json!("none");
                }
                if a["languages"] == serde_json::json!([]) {
                    a["languages"] = serde_json::json!(["fr"]);
                }
                if a != b {
                    failures.push(format!("{}: {a}\n  != {b}", path.display()));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    println!(
        "sample software exported and imported back: {} / {total}",
        total - failures.len()
    );
    // Two samples name no address at all (no repository, no link):
    // publiccode.yml requires one, so their export is refused.
    failures.retain(|f| {
        !(f.contains("url est obligatoire")
            && (f.contains("webaccess") || f.contains("swift-openstack")))
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(total, 128);
}

#[test]
fn dependencies_and_a_logo_beside_the_file_are_kept_and_exported() {
    let file = testdata("publiccode/parser-go/v0/valid/valid.yml");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nlogo: img/logo.png\n");
    let (code, _) = publiccode::parse(text.as_bytes(), None).unwrap();
    let from = Source {
        name: "publiccode.yml".to_owned(),
        url: "https://example.org/medusa/publiccode.yml".parse().ok(),
        license: None,
    };
    let record = publiccode::to_record(&code, from).unwrap();
    let Details::Software(s) = &record.details else {
        panic!()
    };
    assert_eq!(
        s.logo.as_ref().map(|u| u.as_str()),
        Some("https://example.org/medusa/img/logo.png")
    );
    assert!(
        s.dependencies.iter().any(|d| d.starts_with("MySQL")),
        "{:?}",
        s.dependencies
    );
    assert!(
        s.dependencies.iter().any(|d| d.ends_with("(facultatif)")),
        "{:?}",
        s.dependencies
    );
    let yml = publiccode::export(&record).unwrap();
    let (again, _) = publiccode::parse(yml.as_bytes(), None).unwrap();
    let back = publiccode::to_record(&again, source()).unwrap();
    let Details::Software(b) = &back.details else {
        panic!()
    };
    assert_eq!(b.dependencies, s.dependencies);
    assert_eq!(b.logo, s.logo);
    // Without an address to resolve against, a relative logo is dropped.
    let local = publiccode::to_record(&code, source()).unwrap();
    let Details::Software(l) = &local.details else {
        panic!()
    };
    assert_eq!(l.logo, None);
}
