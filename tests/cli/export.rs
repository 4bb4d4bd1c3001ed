//! `conservatoire export --format json|csv|dcat`: the same records in each
//! format, and a clear French error when DCAT lacks the public address.

use std::path::Path;

use crate::util::{ok, run, stderr, write};

fn merged(dir: &Path, file: &str, text: &str) {
    write(dir, file, text);
    let id = ok(dir, &["propose", "--registry", "reg.git", file]);
    ok(
        dir,
        &[
            "proposals",
            "merge",
            id.lines().last().unwrap(),
            "--registry",
            "reg.git",
        ],
    );
}

#[test]
fn every_export_format_holds_the_same_records() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(d, &["init", "reg.git"]);
    merged(
        d,
        "alpha.toml",
        "id = \"alpha\"\nkind = \"software\"\ntitle = \"Alpha, « le premier »\"\nlicense = \"MIT\"\nsummary = \"Le premier.\"\ndescription = \"Sur deux\\nlignes.\"\ntags = [\"un\", \"deux\"]\n",
    );
    merged(
        d,
        "bruit-paris.toml",
        "id = \"bruit-paris\"\nkind = \"dataset\"\ntitle = \"Bruit à Paris\"\nlicense = \"ODbL-1.0\"\nsummary = \"Des mesures.\"\n\n[dataset]\nformats = [\"CSV\"]\n",
    );

    let json: Vec<serde_json::Value> = serde_json::from_str(&ok(
        d,
        &["export", "--registry", "reg.git", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json.len(), 2);

    let csv_text = ok(d, &["export", "--registry", "reg.git", "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), json.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let alpha = rows.iter().find(|r| &r[col("id")] == "alpha").unwrap();
    assert_eq!(&alpha[col("kind")], "software");
    assert_eq!(&alpha[col("title")], "Alpha, « le premier »");
    assert_eq!(&alpha[col("description")], "Sur deux\nlignes.");
    assert_eq!(&alpha[col("tags")], "[\"un\",\"deux\"]");
    let data = rows
        .iter()
        .find(|r| &r[col("id")] == "bruit-paris")
        .unwrap();
    assert_eq!(&data[col("dataset.formats")], "[\"CSV\"]");

    // DCAT needs the public address, and says how to give it.
    let o = run(d, &["export", "--registry", "reg.git", "--format", "dcat"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("base_url"), "{}", stderr(&o));
    assert!(stderr(&o).contains("adresse publique"), "{}", stderr(&o));
    write(
        d,
        "serveur.toml",
        "base_url = \"https://catalogue.example.org/\"\n",
    );
    let ttl = ok(
        d,
        &[
            "export",
            "--registry",
            "reg.git",
            "--format",
            "dcat",
            "--config",
            "serveur.toml",
        ],
    );
    assert!(ttl.contains("http://www.w3.org/ns/dcat#Catalog"), "{ttl}");
    assert!(
        ttl.contains("https://catalogue.example.org/records/dataset/bruit-paris"),
        "{ttl}"
    );
    // Only datasets are DCAT datasets.
    assert!(!ttl.contains("records/software/alpha>"), "{ttl}");
}
