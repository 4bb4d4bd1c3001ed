//! Benchmarks on a 100,000-record packed registry (not timed tests):
//! read+parse of every record, a diff of 10 changes, merge throughput.
//!
//! `cargo bench -p cdl-registry --bench registry` (set `CDL_BENCH_RECORDS`
//! to change the size). Prints a table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use cdl_registry::{GcOptions, Options, Pseudonym, RecordFile, Registry, RegistryConfig};

const KINDS: [&str; 4] = ["software", "dataset", "method", "cultural-work"];

fn text(kind: &str, id: &str, version: u32) -> String {
    format!(
        "id = \"{id}\"\nkind = \"{kind}\"\ntitle = \"Ressource {id} v{version}\"\nlicense = \"CC-BY-4.0 OR MIT\"\n\
         summary = \"Une ressource libre de démonstration, numéro {id}.\"\n\
         description = \"\"\"Une description plus longue, en français, de la ressource {id}.\n\nElle tient sur \
         plusieurs lignes pour ressembler à une vraie fiche du catalogue.\"\"\"\n\
         tags = [\"libre\", \"paris\", \"démo\"]\nlanguages = [\"fr\"]\n"
    )
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let v = f();
    (v, start.elapsed())
}

fn main() {
    let n: usize = std::env::var("CDL_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("bench.git");
    Registry::init(&path, RegistryConfig::new("Bench")).unwrap();
    let mut fast = Options::default();
    fast.fsync = false;
    fast.auto_gc_loose_objects = 0;
    let reg = Registry::open_with(&path, fast).unwrap();

    // Build: proposals of 5,000 records each, merged, then packed.
    let (_, build) = time(|| {
        let chunk = 5_000;
        let mut i = 0;
        while i < n {
            let files: Vec<RecordFile> = (i..(i + chunk).min(n))
                .map(|j| {
                    let kind = KINDS[j % KINDS.len()];
                    let id = format!("r{j:06}");
                    RecordFile {
                        name: format!("{kind}/{id}.toml"),
                        text: text(kind, &id, 1),
                    }
                })
                .collect();
            let (p, _) = reg.propose(&files, &Pseudonym::new("bench"), None).unwrap();
            reg.merge(p.as_str(), &Pseudonym::new("curator")).unwrap();
            i += chunk;
        }
    });
    let (_, gc) = time(|| {
        reg.gc_with(
            &GcOptions::default()
                .prune_grace(Duration::ZERO)
                .merge_packs(true),
        )
        .unwrap()
    });

    // Read + parse everything (best of 3).
    let mut read = Duration::MAX;
    for _ in 0..3 {
        let (snap, d) = time(|| reg.snapshot(None).unwrap());
        assert_eq!(snap.records.len(), n);
        read = read.min(d);
    }

    // Diff of 10 changes.
    let before = reg.main().unwrap().to_string();
    let files: Vec<RecordFile> = (0..10)
        .map(|j| {
            let j = j * (n / 10);
            let kind = KINDS[j % KINDS.len()];
            let id = format!("r{j:06}");
            RecordFile {
                name: format!("{kind}/{id}.toml"),
                text: text(kind, &id, 2),
            }
        })
        .collect();
    let (p, _) = reg.propose(&files, &Pseudonym::new("bench"), None).unwrap();
    reg.merge(p.as_str(), &Pseudonym::new("curator")).unwrap();
    let mut diff = Duration::MAX;
    for _ in 0..5 {
        let (changes, d) = time(|| reg.diff(&before, "main").unwrap());
        assert_eq!(changes.len(), 10);
        diff = diff.min(d);
    }

    // Merge throughput: 50 proposals made on the same main, merged one
    // after the other (each merge after the first applies onto a moved
    // main), with fsync on as in production.
    let durable = Registry::open(&path).unwrap();
    let proposals: Vec<String> = (0..50)
        .map(|j| {
            let id = format!("m{j:03}");
            let f = RecordFile {
                name: format!("software/{id}.toml"),
                text: text("software", &id, 1),
            };
            durable
                .propose(&[f], &Pseudonym::new("bench"), None)
                .unwrap()
                .0
                .to_string()
        })
        .collect();
    let (_, merging) = time(|| {
        for p in &proposals {
            durable.merge(p, &Pseudonym::new("curator")).unwrap();
        }
    });
    let mut loose_read = Duration::MAX;
    for _ in 0..3 {
        loose_read = loose_read.min(time(|| reg.snapshot(None).unwrap()).1);
    }

    println!(
        "| measure ({n} records, {} cores) | value |",
        std::thread::available_parallelism()
            .map(|p| p.get())
            .unwrap_or(1)
    );
    println!("| --- | --- |");
    println!(
        "| build (propose+merge 5,000 at a time, loose, no fsync) | {:.1} s |",
        build.as_secs_f64()
    );
    println!(
        "| gc: pack everything into one pack | {:.1} s |",
        gc.as_secs_f64()
    );
    println!(
        "| read + parse every record, packed (best of 3) | {:.0} ms |",
        read.as_secs_f64() * 1e3
    );
    println!(
        "| read + parse after 51 more commits, loose (best of 3) | {:.0} ms |",
        loose_read.as_secs_f64() * 1e3
    );
    println!(
        "| diff of 10 changes (best of 5) | {:.1} ms |",
        diff.as_secs_f64() * 1e3
    );
    println!(
        "| merge throughput (50 proposals, main moving, fsync) | {:.1} merges/s |",
        50.0 / merging.as_secs_f64()
    );
}
