//! Embeds the sample catalogue (`records/samples/<kind>/*.toml` and its
//! `SOURCES.md`) into the binary, for `conservatoire serve --demo`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let samples = manifest.join("../records/samples");
    println!("cargo:rerun-if-changed={}", samples.display());
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    if let Ok(kinds) = std::fs::read_dir(&samples) {
        for kind in kinds.flatten() {
            let kind_path = kind.path();
            if !kind_path.is_dir() {
                continue;
            }
            println!("cargo:rerun-if-changed={}", kind_path.display());
            let Ok(entries) = std::fs::read_dir(&kind_path) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "toml") {
                    let name = format!(
                        "{}/{}",
                        kind.file_name().to_string_lossy(),
                        entry.file_name().to_string_lossy()
                    );
                    files.push((name, path));
                }
            }
        }
    }
    files.sort();
    let mut out = String::from(
        "/// The sample records: (`<kind>/<id>.toml`, text).\npub static SAMPLES: &[(&str, &str)] = &[\n",
    );
    for (name, path) in &files {
        let _ = writeln!(out, "    ({name:?}, include_str!({:?})),", abs(path));
    }
    out.push_str("];\n");
    let sources = samples.join("SOURCES.md");
    if sources.exists() {
        println!("cargo:rerun-if-changed={}", sources.display());
        let _ = writeln!(
            out,
            "/// Where the samples come from, with their licences.\npub static SOURCES: &str = include_str!({:?});",
            abs(&sources)
        );
    } else {
        out.push_str("/// Where the samples come from, with their licences.\npub static SOURCES: &str = \"\";\n");
    }
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("samples.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

fn abs(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_owned())
        .display()
        .to_string()
}
