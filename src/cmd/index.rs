//! The search verbs: `index` (build or catch up the search index of a
//! registry) and `search` (query it). Thin wrappers over `cdl_indexer`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use cdl_indexer::{
    CatchUp, IndexError, IndexOptions, OpenStatus, Progress, SearchRequest, SearchResults,
    open_for_registry,
};
use cdl_registry::Registry;

/// Build the search index of a registry, or bring it up to date with `main`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// Rebuild from scratch even if the index is current.
    #[arg(long)]
    rebuild: bool,
}

/// Output formats of `search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON object: `total`, `hits`, `facets`.
    Json,
}

/// Search the catalogue of a registry (the index is brought up to date first).
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Hits to skip.
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Hits to show (at most 100).
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// The query: words, "phrases", -exclusions, filters such as
    /// kind:seed-lot, license:GPL-3.0-or-later, tag:école.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    query: Vec<String>,
}

/// Reports build progress: a bar on a terminal, plain lines otherwise.
struct Reporter {
    bar: Option<indicatif::ProgressBar>,
    last_line: Instant,
}

impl Reporter {
    fn new() -> Self {
        Reporter {
            bar: None,
            last_line: Instant::now(),
        }
    }

    fn update(&mut self, progress: Progress) {
        let terminal = std::io::stderr().is_terminal();
        match progress {
            Progress::Reading => {
                if terminal {
                    let bar = indicatif::ProgressBar::new_spinner();
                    bar.set_message("reading the registry / lecture du registre");
                    bar.enable_steady_tick(std::time::Duration::from_millis(120));
                    self.bar = Some(bar);
                } else {
                    eprintln!("index: reading the registry");
                }
            }
            Progress::Indexing { done, total } => {
                if terminal {
                    let bar = self
                        .bar
                        .get_or_insert_with(|| indicatif::ProgressBar::new(total));
                    if bar.length() != Some(total) {
                        bar.set_length(total);
                        if let Ok(style) = indicatif::ProgressStyle::with_template(
                            "{bar:40} {pos}/{len} records  {per_sec}  eta {eta}",
                        ) {
                            bar.set_style(style);
                        }
                    }
                    bar.set_position(done);
                } else if self.last_line.elapsed().as_secs() >= 2 {
                    self.last_line = Instant::now();
                    eprintln!("index: {done}/{total} records");
                }
            }
            Progress::Committing => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                if !terminal {
                    eprintln!("index: writing the index");
                }
            }
        }
    }
}

fn open(
    registry: &PathBuf,
    rebuild: bool,
) -> anyhow::Result<(cdl_indexer::SearchIndex, OpenStatus, CatchUp)> {
    let reg = Registry::open(registry)
        .with_context(|| format!("opening the registry {}", registry.display()))?;
    let mut reporter = Reporter::new();
    let opened = open_for_registry(&reg, IndexOptions::default(), rebuild, &mut |p| {
        reporter.update(p);
    })?;
    if let Some(bar) = reporter.bar.take() {
        bar.finish_and_clear();
    }
    Ok(opened)
}

/// `conservatoire index`.
///
/// # Errors
/// When the registry or the index cannot be read or written.
pub fn index(args: IndexArgs) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    let (index, status, outcome) = open(&args.registry, args.rebuild)?;
    if let OpenStatus::Reset { reason } = &status {
        eprintln!("index: the previous index was unusable ({reason}): rebuilt");
    }
    index.close_writer()?;
    let seconds = start.elapsed().as_secs_f64();
    let mut out = std::io::stdout().lock();
    match outcome {
        CatchUp::UpToDate { commit } => {
            writeln!(
                out,
                "index up to date at {commit} ({} records)",
                index.num_docs()
            )?;
        }
        CatchUp::Incremental {
            from,
            to,
            upserted,
            deleted,
        } => writeln!(
            out,
            "index caught up from {from} to {to}: {upserted} indexed, {deleted} removed in {seconds:.2} s"
        )?,
        CatchUp::Rebuilt {
            commit,
            records,
            invalid,
        } => {
            writeln!(
                out,
                "index rebuilt at {commit}: {records} records in {seconds:.2} s"
            )?;
            if invalid > 0 {
                writeln!(out, "{invalid} invalid files skipped")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `conservatoire search`.
///
/// # Errors
/// When the registry or the index cannot be read. A query that does not
/// parse prints its message and exits with status 2.
pub fn search(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let (index, _, _) = open(&args.registry, false)?;
    let request = SearchRequest::new(args.query.join(" ")).page(args.offset, args.limit);
    let results = match index.search(&request) {
        Ok(results) => results,
        Err(IndexError::Query(e)) => {
            if args.format == Format::Json {
                let body = serde_json::json!({
                    "error": {
                        "message_fr": e.message_fr(),
                        "message_en": e.message_en(),
                    }
                });
                println!("{body}");
            }
            eprintln!("{}\n{}", e.message_fr(), e.message_en());
            return Ok(ExitCode::from(super::EXIT_USAGE));
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => writeln!(out, "{}", json(&results))?,
        Format::Text => text(&mut out, &results)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The JSON form: `total`, `offset`, `hits` (`id`, `kind`, `title`,
/// `license`, `origin`, `snippet` as `{text, highlights: [[start, end]]}`
/// (byte offsets), `snippet_text`, `highlights`, `score`) and `facets`.
fn json(results: &SearchResults) -> serde_json::Value {
    let hits: Vec<serde_json::Value> = results
        .hits
        .iter()
        .map(|h| {
            serde_json::json!({
                "id": h.id,
                "kind": h.kind,
                "title": h.title,
                "license": h.license,
                "origin": h.origin,
                "snippet": h.snippet,
                "snippet_text": h.snippet.text,
                "highlights": h.snippet.highlights.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
                "score": h.score,
            })
        })
        .collect();
    serde_json::json!({
        "total": results.total,
        "offset": results.offset,
        "hits": hits,
        "facets": results.facets,
    })
}

/// The text form.
fn text(out: &mut impl Write, results: &SearchResults) -> std::io::Result<()> {
    writeln!(out, "{} résultat(s) / result(s)", results.total)?;
    for (i, hit) in results.hits.iter().enumerate() {
        writeln!(
            out,
            "\n{}. {}  [{} · {}]  {}",
            results.offset + i + 1,
            hit.title,
            hit.kind,
            hit.license,
            hit.id
        )?;
        let s = &hit.snippet;
        if !s.text.is_empty() {
            let mut marked = String::new();
            let mut at = 0;
            for r in &s.highlights {
                marked.push_str(&s.text[at..r.start]);
                marked.push('«');
                marked.push_str(&s.text[r.clone()]);
                marked.push('»');
                at = r.end;
            }
            marked.push_str(&s.text[at..]);
            writeln!(out, "   {marked}")?;
        }
    }
    writeln!(out)?;
    for (dim, values) in &results.facets {
        if values.is_empty() {
            continue;
        }
        let list: Vec<String> = values
            .iter()
            .take(8)
            .map(|v| format!("{} ({})", v.value, v.count))
            .collect();
        writeln!(out, "{dim}: {}", list.join(", "))?;
    }
    Ok(())
}
