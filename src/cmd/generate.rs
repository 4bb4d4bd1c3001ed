//! `conservatoire generate`: a synthetic but realistic registry, for
//! benchmarks and load tests.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use cdl_registry::{Options, Pseudonym, RecordFile, Registry, RegistryConfig};

/// Records per proposal (one commit each): bounds the memory used.
const BATCH: u64 = 100_000;

/// Make a registry of synthetic records across every kind (French and
/// English text from real vocabulary, a realistic licence mix), the same
/// for the same seed.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// How many records.
    #[arg(long)]
    records: u64,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The registry folder to create (new or empty).
    dir: PathBuf,
}

/// `conservatoire generate`.
///
/// # Errors
/// When the registry cannot be created or written.
pub fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let mut config = RegistryConfig::new("Registre de test (synthétique)");
    config.id = "synthetic".to_owned();
    Registry::init(&args.dir, config)
        .with_context(|| format!("creating the registry {}", args.dir.display()))?;
    let mut options = Options::default();
    // Written once and packed at the end: no need to sync every object.
    options.fsync = false;
    options.auto_gc_loose_objects = 0;
    let registry = Registry::open_with(&args.dir, options)?;
    let author = Pseudonym::new("generateur");
    let mut done = 0u64;
    while done < args.records {
        let end = (done + BATCH).min(args.records);
        let files: Vec<RecordFile> = (done..end)
            .map(|n| {
                let record = cdl_indexer::synth::record(args.seed, n);
                RecordFile {
                    name: record.path(),
                    text: cdl_records::to_toml(&record),
                }
            })
            .collect();
        let message = format!("Synthetic records {done} to {}", end - 1);
        let (id, _) = registry
            .propose(&files, &author, Some(&message))
            .with_context(|| format!("proposing records {done} to {}", end - 1))?;
        registry
            .merge(id.as_str(), &author)
            .with_context(|| format!("merging records {done} to {}", end - 1))?;
        done = end;
        eprintln!("generate: {done}/{} records", args.records);
    }
    eprintln!("generate: packing");
    registry.gc()?;
    writeln!(
        std::io::stdout().lock(),
        "generated {} records (seed {}) in {} in {:.1} s",
        args.records,
        args.seed,
        args.dir.display(),
        start.elapsed().as_secs_f64()
    )?;
    Ok(ExitCode::SUCCESS)
}
