//! `import publiccode|sill|csv`: outside catalogues to one proposal.
//!
//! Every import turns its files into records (`cdl-interop`), drops those
//! that `main` already holds unchanged, and proposes the rest as one
//! proposal for review. Importing the same files twice changes nothing:
//! the second run finds every record already in `main` (or in an open
//! proposal made from the same files) and creates no proposal.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use cdl_interop::{csv_import, publiccode, sill};
use cdl_records::{Kind, Record, Source};
use cdl_registry::{ProposalStatus, Pseudonym, RecordFile, RecordKey, RecordState, Registry};

use super::EXIT_FAILURE;

/// Import outside catalogues as one proposal.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    format: Format,
}

#[derive(Debug, clap::Subcommand)]
enum Format {
    /// publiccode.yml files (paths or http(s) addresses) to software records.
    Publiccode {
        /// The registry.
        #[arg(long)]
        registry: PathBuf,
        /// Your pseudonym, shown in history.
        #[arg(long)]
        author: Option<String>,
        /// Files or addresses.
        #[arg(required = true, value_name = "FILE|URL")]
        files: Vec<String>,
    },
    /// The SILL's JSON list to software records.
    Sill {
        /// The registry.
        #[arg(long)]
        registry: PathBuf,
        /// Your pseudonym, shown in history.
        #[arg(long)]
        author: Option<String>,
        /// The SILL editors' services.csv, naming the agencies that use each software.
        #[arg(long)]
        services: Option<PathBuf>,
        /// The SILL JSON file (sill.json).
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// A CSV or TSV catalogue, through a TOML mapping from columns to fields.
    Csv {
        /// The registry.
        #[arg(long)]
        registry: PathBuf,
        /// Your pseudonym, shown in history.
        #[arg(long)]
        author: Option<String>,
        /// The kind of the records: cultural-work, seed-lot, dataset...
        #[arg(long)]
        kind: String,
        /// The mapping file (TOML).
        #[arg(long)]
        map: PathBuf,
        /// The CSV file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.format {
        Format::Publiccode {
            registry,
            author,
            files,
        } => import_publiccode(&registry, author, &files),
        Format::Sill {
            registry,
            author,
            services,
            file,
        } => {
            let json = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let users = match &services {
                Some(path) => sill::services(
                    &std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))?,
                )?,
                None => Default::default(),
            };
            let source = Source {
                name: "SILL – socle interministériel de logiciels libres".to_owned(),
                url: "https://code.gouv.fr/sill/".parse().ok(),
                license: Some("etalab-2.0".to_owned()),
            };
            let imported = sill::import(&json, &users, &source)?;
            let mut out = std::io::stdout().lock();
            for s in &imported.skipped {
                writeln!(
                    out,
                    "écartée : SILL {} {} : {}",
                    s.sill_id, s.name, s.reason
                )?;
            }
            writeln!(
                out,
                "{} entrée(s) SILL converties, {} écartée(s)",
                imported.records.len(),
                imported.skipped.len()
            )?;
            drop(out);
            propose(&registry, author, imported.records, "Import du SILL")?;
            Ok(ExitCode::SUCCESS)
        }
        Format::Csv {
            registry,
            author,
            kind,
            map,
            file,
        } => {
            let kind: Kind = kind.parse().map_err(|_| anyhow::anyhow!("unknown kind `{kind}`: use software, cultural-work, method, dataset, seed-lot or ferment-lot"))?;
            let mapping = csv_import::Mapping::from_toml(
                &std::fs::read_to_string(&map)
                    .with_context(|| format!("reading {}", map.display()))?,
            )?;
            let data =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let bar = indicatif::ProgressBar::new(data.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            if data.len() < 64 * 1024 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
            }
            let imported =
                csv_import::import(&data, &mapping, kind, &mut |pos| bar.set_position(pos))?;
            bar.finish_and_clear();
            let mut out = std::io::stdout().lock();
            for r in &imported.refused {
                writeln!(out, "ligne {} refusée : {}", r.row, r.reasons.join(" ; "))?;
            }
            writeln!(
                out,
                "{} ligne(s) importée(s), {} refusée(s)",
                imported.records.len(),
                imported.refused.len()
            )?;
            drop(out);
            let name = file
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            propose(
                &registry,
                author,
                imported.records,
                &format!("Import CSV {name}"),
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import_publiccode(
    registry: &Path,
    author: Option<String>,
    files: &[String],
) -> anyhow::Result<ExitCode> {
    let mut records = Vec::new();
    let mut invalid = 0;
    let mut out = std::io::stdout().lock();
    for name in files {
        let (bytes, base, source_url) =
            if name.starts_with("http://") || name.starts_with("https://") {
                (fetch(name)?, None, Some(name.clone()))
            } else {
                let path = Path::new(name);
                let bytes = std::fs::read(path).with_context(|| format!("reading {name}"))?;
                (
                    bytes,
                    Some(
                        path.parent()
                            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
                    ),
                    None,
                )
            };
        match publiccode::parse(&bytes, base.as_deref()) {
            Err(e) => {
                invalid += 1;
                writeln!(out, "{name} : NON VALIDE, rien n'en est importé")?;
                for issue in &e.issues {
                    writeln!(out, "  {issue}")?;
                }
            }
            Ok((code, warnings)) => {
                for w in &warnings {
                    writeln!(out, "{name} : {w}")?;
                }
                let url = source_url.or_else(|| (!code.url.is_empty()).then(|| code.url.clone()));
                let source = Source {
                    name: format!("publiccode.yml de {}", code.name.trim()),
                    url: url.and_then(|u| u.parse().ok()),
                    license: None,
                };
                match publiccode::to_record(&code, source) {
                    Ok(record) => {
                        writeln!(out, "{name} : ok ({})", record.id.as_str())?;
                        records.push(record);
                    }
                    Err(e) => {
                        invalid += 1;
                        writeln!(out, "{name} : NON IMPORTÉ : {e}")?;
                    }
                }
            }
        }
    }
    drop(out);
    propose(registry, author, records, "Import publiccode.yml")?;
    Ok(if invalid > 0 {
        ExitCode::from(EXIT_FAILURE)
    } else {
        ExitCode::SUCCESS
    })
}

fn fetch(url: &str) -> anyhow::Result<Vec<u8>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        let response = client.get(url).send().await?.error_for_status()?;
        let bytes = response.bytes().await?;
        if bytes.len() > 1024 * 1024 {
            bail!("{url}: more than 1 MiB, not a publiccode.yml");
        }
        Ok(bytes.to_vec())
    })
}

/// A short, stable digest of the records' canonical texts (FNV-1a), named
/// in the proposal message so that a second import of the same files finds
/// the open proposal it would duplicate.
fn digest(texts: &[String]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for t in texts {
        for b in t.bytes().chain([0]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Proposes the records that differ from `main`, keeping the sources of a
/// record already there; prints the proposal id, or that nothing changes.
fn propose(
    path: &Path,
    author: Option<String>,
    records: Vec<Record>,
    what: &str,
) -> anyhow::Result<()> {
    let registry =
        Registry::open(path).with_context(|| format!("opening the registry {}", path.display()))?;
    let mut files = Vec::new();
    let mut texts = Vec::new();
    let mut unchanged = 0;
    // Two files describing the same record: the last one given wins.
    let mut records = records;
    let mut seen = std::collections::HashSet::new();
    records.reverse();
    records.retain(|r| {
        let fresh = seen.insert((r.kind(), r.id.clone()));
        if !fresh {
            println!(
                "{}/{} : décrite plusieurs fois, seule la dernière description est proposée",
                r.kind().as_str(),
                r.id.as_str()
            );
        }
        fresh
    });
    records.reverse();
    for mut record in records {
        let key = RecordKey {
            kind: record.kind(),
            id: record.id.clone(),
        };
        match registry.record(&key, None)? {
            RecordState::Present(existing) => {
                for s in &existing.sources {
                    if !record.sources.contains(s) {
                        record.sources.push(s.clone());
                    }
                }
                if *existing == record {
                    unchanged += 1;
                    continue;
                }
            }
            RecordState::Withdrawn(_) => {
                println!("{key} : retirée du catalogue, non réimportée");
                continue;
            }
            RecordState::Absent => {}
        }
        let text = cdl_records::to_toml(&record);
        texts.push(text.clone());
        files.push(RecordFile {
            name: format!("{}/{}.toml", record.kind().as_str(), record.id.as_str()),
            text,
        });
    }
    if files.is_empty() {
        println!("rien à proposer : {unchanged} fiche(s) déjà au catalogue, à l'identique");
        return Ok(());
    }
    let stamp = digest(&texts);
    let message = format!("{what} : {} fiche(s) (empreinte {stamp})", files.len());
    for p in registry.proposals()? {
        if p.status == ProposalStatus::Open && p.message.contains(&format!("(empreinte {stamp})")) {
            println!(
                "rien à proposer : la proposition ouverte {} contient déjà ces {} fiche(s)",
                p.id.as_str(),
                files.len()
            );
            return Ok(());
        }
    }
    let author = author.as_deref().map(Pseudonym::new).unwrap_or_default();
    let (id, report) = registry.propose(&files, &author, Some(&message))?;
    println!(
        "{} fiche(s) proposée(s), {unchanged} inchangée(s) : {}",
        report.entries.len(),
        report.summary()
    );
    println!("{id}");
    Ok(())
}
