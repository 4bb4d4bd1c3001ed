//! `conservatoire check PATH...`: validate and certify record files.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cdl_licenses::Certificate;
use cdl_records::vocabulary::Lang;
use cdl_records::{Code, Diagnostic, MAX_RECORD_BYTES, Text};
use rayon::prelude::*;
use serde::Serialize;

/// Validate and certify record files, or every `*.toml` file under folders.
///
/// Exits with 0 when every record is valid and its licence is certified
/// free for its kind, 1 when any is not, 2 on usage errors (such as a path
/// that does not exist). Meant for the CI of a records repository.
///
/// Folders are walked recursively without following symbolic links;
/// hidden folders, `target/`, `withdrawn/` (tombstones) and `registry.toml`
/// are skipped. A file named explicitly is always checked.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Record files or folders.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format: `human` (errors in the style of rustc) or `json` (one
    /// JSON object per record and per line).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

/// The outcome for one file, as printed by `--format json`.
#[derive(Debug, Serialize)]
struct Report {
    path: String,
    id: Option<String>,
    kind: Option<String>,
    valid: bool,
    certified: bool,
    errors: Vec<Diagnostic>,
    certificate: Option<Certificate>,
}

/// The deepest folder nesting walked: deeper trees are a loop or an attack.
const MAX_DEPTH: usize = 32;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for path in &args.paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => collect(path, 0, &mut files),
            Ok(_) => files.push(path.clone()),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                return Ok(ExitCode::from(super::EXIT_USAGE));
            }
        }
    }
    files.sort();
    files.dedup();
    let reports: Vec<Report> = files.par_iter().map(|f| check_file(f)).collect();

    let mut out = std::io::stdout().lock();
    let failed = reports.iter().filter(|r| !(r.valid && r.certified)).count();
    match args.format {
        Format::Json => {
            for report in &reports {
                serde_json::to_writer(&mut out, report)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Human => {
            let lang = super::lang();
            for report in &reports {
                out.write_all(render(report, lang).as_bytes())?;
            }
            let invalid = reports.iter().filter(|r| !r.valid).count();
            let uncertified = reports.iter().filter(|r| r.valid && !r.certified).count();
            if reports.is_empty() {
                eprintln!("warning: no record file (*.toml) found");
            }
            writeln!(
                out,
                "checked {} record(s): {} valid and certified free, {invalid} invalid, {uncertified} not certified free",
                reports.len(),
                reports.len() - failed,
            )?;
        }
    }
    out.flush()?;
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_FAILURE)
    })
}

/// Collects the `*.toml` files under `dir`, without following links.
fn collect(dir: &Path, depth: usize, files: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        eprintln!("warning: {} is nested too deep; skipped", dir.display());
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("warning: cannot list {}: {e}", dir.display());
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            if !(name.starts_with('.') || name == "target" || name == "withdrawn") {
                collect(&path, depth + 1, files);
            }
        } else if kind.is_file() && name.ends_with(".toml") && name != "registry.toml" {
            files.push(path);
        } else if kind.is_symlink() && name.ends_with(".toml") {
            eprintln!("warning: {} is a symbolic link; skipped", path.display());
        }
    }
}

fn check_file(path: &Path) -> Report {
    let shown = path.display().to_string();
    let mut report = Report {
        path: shown.clone(),
        id: None,
        kind: None,
        valid: false,
        certified: false,
        errors: Vec::new(),
        certificate: None,
    };
    let source = match read_limited(path) {
        Ok(source) => source,
        Err(d) => {
            report.errors.push(d.with_path(Some(&shown)));
            return report;
        }
    };
    let context = cdl_records::Context {
        today: super::today(),
    };
    match cdl_records::parse_checked(&source, Some(path), &context) {
        Ok(record) => {
            let certificate = cdl_licenses::certify(record.kind(), &record.license);
            report.id = Some(record.id.to_string());
            report.kind = Some(record.kind().to_string());
            report.valid = true;
            report.certified = certificate.is_certified();
            report.certificate = Some(certificate);
        }
        Err(e) => report.errors = e.diagnostics,
    }
    report
}

/// Reads at most one byte more than a record may have, so that a huge or
/// endless file (a device, a FIFO) costs nothing.
pub(crate) fn read_limited(path: &Path) -> Result<String, Box<Diagnostic>> {
    let file = std::fs::File::open(path).map_err(|e| {
        Box::new(Diagnostic::new(
            Code::Io,
            Text::new(
                format!("cannot open the file: {e}"),
                format!("impossible d’ouvrir le fichier : {e}"),
            ),
        ))
    })?;
    if let Ok(meta) = file.metadata()
        && !meta.is_file()
    {
        return Err(Box::new(Diagnostic::new(
            Code::Io,
            Text::new("not a regular file", "ce n’est pas un fichier ordinaire"),
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_RECORD_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            Box::new(Diagnostic::new(
                Code::Io,
                Text::new(
                    format!("cannot read the file: {e}"),
                    format!("impossible de lire le fichier : {e}"),
                ),
            ))
        })?;
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(Box::new(
            Diagnostic::new(
                Code::TooLarge,
                Text::new(
                    format!("the file is larger than the {MAX_RECORD_BYTES} bytes a record may have"),
                    format!("le fichier dépasse les {MAX_RECORD_BYTES} octets permis pour une fiche"),
                ),
            )
            .with_help(Text::new(
                "move long texts to a linked page and keep the record to its metadata",
                "placez les longs textes sur une page liée et gardez dans la fiche ses seules informations",
            )),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        Box::new(
            Diagnostic::new(
                Code::NotUtf8,
                Text::new(
                    format!(
                        "the file is not UTF-8 text (invalid byte at offset {})",
                        e.utf8_error().valid_up_to()
                    ),
                    format!(
                        "le fichier n’est pas un texte UTF-8 (octet invalide à la position {})",
                        e.utf8_error().valid_up_to()
                    ),
                ),
            )
            .with_help(Text::new(
                "save the file as UTF-8",
                "enregistrez le fichier en UTF-8",
            )),
        )
    })
}

/// The human form of a report: rustc-like errors, and warnings for
/// certified records whose licence is written with a deprecated or
/// imprecise id. Nothing for a clean record.
fn render(report: &Report, lang: Lang) -> String {
    let mut text = String::new();
    if let Some(c) = report
        .certificate
        .as_ref()
        .filter(|c| c.is_certified() && !c.suggestions.is_empty())
    {
        let _ = writeln!(
            text,
            "warning: the licence `{}` is free but not written with a current SPDX id: write `{}`\n --> {}\n",
            c.expression,
            c.suggestions.join("` or `"),
            report.path
        );
    }
    for d in &report.errors {
        let _ = writeln!(text, "{}", d.render(lang));
    }
    if let Some(c) = report.certificate.as_ref().filter(|c| !c.is_certified()) {
        let _ = writeln!(
            text,
            "error[not-free]: the licence `{}` is {} for a {} record\n --> {}",
            c.expression,
            match c.verdict {
                cdl_licenses::Verdict::Rejected => "not free",
                _ => "not certified free (it needs a curator's review)",
            },
            c.kind,
            report.path
        );
        for reason in &c.reasons {
            let _ = writeln!(text, "  = note: {}", reason.message_en);
        }
        for suggestion in &c.suggestions {
            let _ = writeln!(text, "  = help: {suggestion}");
        }
        text.push('\n');
    }
    text
}
