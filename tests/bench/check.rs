//! Benchmark of `conservatoire check` on many records.
//!
//! Writes N records (default 10,000; `CHECK_BENCH_RECORDS=N` to change)
//! into a temporary folder by cycling through the shipped samples with new
//! ids, then times whole runs of the release binary, as a CI job would run
//! it. Run with `cargo bench --bench check`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn samples(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for kind in std::fs::read_dir(root).unwrap() {
        let kind = kind.unwrap().path();
        if kind.is_dir() {
            for f in std::fs::read_dir(&kind).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "toml") {
                    files.push(f);
                }
            }
        }
    }
    files.sort();
    files
}

fn main() {
    let n: usize = std::env::var("CHECK_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runs = 5;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("records/samples");
    let sources = samples(&root);
    assert!(!sources.is_empty(), "no samples under {}", root.display());
    let records: Vec<cdl_records::Record> = sources
        .iter()
        .map(|p| cdl_records::parse(&std::fs::read_to_string(p).unwrap(), Some(p)).unwrap())
        .collect();

    let dir = tempfile::tempdir().unwrap();
    let mut bytes = 0;
    for i in 0..n {
        let mut record = records[i % records.len()].clone();
        let base: String = record.id.as_str().chars().take(60).collect();
        record.id = format!("{}-{i:05}", base.trim_end_matches('-'))
            .parse()
            .unwrap();
        let path = dir.path().join(record.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = cdl_records::to_toml(&record);
        bytes += text.len();
        std::fs::write(path, text).unwrap();
    }
    println!(
        "check benchmark: {n} records ({} samples cycled), {:.1} MiB, {runs} runs after one warm-up",
        records.len(),
        bytes as f64 / 1_048_576.0
    );
    println!("| output | min | median | max |");
    println!("|---|---|---|---|");
    for format in ["human", "json"] {
        let mut times: Vec<Duration> = (0..=runs)
            .map(|_| {
                let start = Instant::now();
                let out = Command::new(env!("CARGO_BIN_EXE_conservatoire"))
                    .args(["check", "--format", format, "records"])
                    .current_dir(dir.path())
                    .output()
                    .unwrap();
                let elapsed = start.elapsed();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stdout)
                );
                elapsed
            })
            .skip(1)
            .collect();
        times.sort();
        println!(
            "| {format} | {:.0} ms | {:.0} ms | {:.0} ms |",
            times[0].as_secs_f64() * 1e3,
            times[runs / 2].as_secs_f64() * 1e3,
            times[runs - 1].as_secs_f64() * 1e3
        );
    }
}
