//! `conservatoire new KIND ID --title TITLE --license EXPR`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cdl_records::{Kind, Record, RecordId};

/// Write a valid record skeleton: the required fields filled in, ready to
/// complete. Seed and ferment lots get placeholder values for their
/// required fields (species, quantity...) that you must replace.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Kind of resource: software, cultural-work, method, dataset, seed-lot or ferment-lot.
    #[arg(value_parser = parse_kind)]
    kind: Kind,
    /// Identifier: lower-case letters, digits and hyphens; also the file name.
    #[arg(value_parser = parse_id)]
    id: RecordId,
    /// Title, in French.
    #[arg(long)]
    title: String,
    /// Licence, as an SPDX expression such as `AGPL-3.0-or-later` or `CC-BY-4.0`.
    #[arg(long)]
    license: String,
    /// Write to this file instead of stdout (refuses to overwrite an existing file).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse()
        .map_err(|e: cdl_records::kind::UnknownKind| e.to_string())
}

fn parse_id(s: &str) -> Result<RecordId, String> {
    RecordId::new(s).map_err(|e| e.to_string())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let record = Record::skeleton(
        args.kind,
        args.id,
        args.title.trim().to_owned(),
        args.license.trim().to_owned(),
    );
    if let Err(problems) = cdl_records::validate(&record) {
        eprintln!("{problems}");
        return Ok(ExitCode::from(super::EXIT_USAGE));
    }
    let text = cdl_records::to_toml(&record);
    let certificate = cdl_licenses::certify(record.kind(), &record.license);
    if !certificate.is_certified() {
        eprintln!(
            "warning: the licence `{}` is not certified free for a {} record; `conservatoire check` will refuse it",
            record.license,
            record.kind()
        );
        for reason in &certificate.reasons {
            eprintln!("  - {}", reason.message_en);
        }
    }
    match args.out {
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .with_context(|| {
                    format!("cannot create {} (it must not exist yet)", path.display())
                })?;
            file.write_all(text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
