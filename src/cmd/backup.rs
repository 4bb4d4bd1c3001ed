//! `conservatoire backup` and `conservatoire restore`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use cdl_registry::{ConsistentCopy, Registry};

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
    let bookings = match bookings_snapshot(&registry, &args.out) {
        Ok(b) => b,
        Err(e) => {
            drop(writer);
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let snapshots: Vec<_> = bookings.iter().map(|b| b.snapshot.clone()).collect();
    let summary = match registry.backup_with(&mut writer, &snapshots) {
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

/// A consistent copy of the bookings database, removed when dropped.
struct BookingsCopy {
    snapshot: ConsistentCopy,
}

impl Drop for BookingsCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.snapshot.copy);
    }
}

/// When the registry keeps its bookings in its SQLite file, a copy of it
/// taken in one read transaction (the live file and its write-ahead log
/// may change while the archive is written). PostgreSQL is left to its
/// own tools (`pg_dump`), as the README says.
fn bookings_snapshot(registry: &Registry, out: &Path) -> anyhow::Result<Option<BookingsCopy>> {
    let live = registry.git_dir().join(cdl_exchange::DEFAULT_FILE);
    if !live.is_file() {
        return Ok(None);
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".to_owned());
    let copy = out.with_file_name(format!(".{name}.bookings.partial"));
    let _ = std::fs::remove_file(&copy);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let file = cdl_exchange::DEFAULT_FILE;
    let held = BookingsCopy {
        snapshot: ConsistentCopy {
            name: PathBuf::from(file),
            copy: copy.clone(),
            leave_out: ["-wal", "-shm", "-journal"]
                .iter()
                .map(|suffix| PathBuf::from(format!("{file}{suffix}")))
                .collect(),
        },
    };
    runtime
        .block_on(async {
            let store = cdl_exchange::Store::open_sqlite(&live).await?;
            let written = store.snapshot_into(&copy).await;
            store.close().await;
            written
        })
        .with_context(|| format!("copying the bookings database {}", live.display()))?;
    Ok(Some(held))
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
