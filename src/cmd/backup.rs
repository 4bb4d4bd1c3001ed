//! `conservatoire backup` and `conservatoire restore`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cdl_registry::Registry;

/// Write everything needed to rebuild the service into one file.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// The backup file to write (a tar archive; replaced atomically).
    out: PathBuf,
}

/// Rebuild a registry from a backup file.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup file, made by `conservatoire backup`.
    file: PathBuf,
    /// The folder to restore into (new or empty).
    dir: PathBuf,
}

pub fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    let registry = Registry::open(&args.registry)
        .with_context(|| format!("opening the registry {}", args.registry.display()))?;
    // Written beside the target, synced, then renamed: a crash never leaves
    // a half backup under the final name.
    let name = args
        .out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".to_owned());
    let partial = args.out.with_file_name(format!(".{name}.partial"));
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    let summary = match registry.backup(&mut writer) {
        Ok(summary) => summary,
        Err(e) => {
            drop(writer);
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
    };
    let file = writer
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("writing {}", partial.display()))?;
    file.sync_all()
        .with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, &args.out)
        .with_context(|| format!("renaming the backup to {}", args.out.display()))?;
    writeln!(
        std::io::stdout().lock(),
        "backed up {} file(s), {} byte(s), {} reference(s) to {}",
        summary.files,
        summary.bytes,
        summary.refs,
        args.out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let summary = cdl_registry::restore(&args.file, &args.dir)?;
    writeln!(
        std::io::stdout().lock(),
        "restored {} file(s), {} reference(s) into {}; the search index is rebuilt on the first `serve` or `index`",
        summary.files,
        summary.refs,
        args.dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}
