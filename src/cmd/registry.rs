//! The registry verbs: `init`, `propose`, `proposals`, `log`, `withdraw`,
//! `export`, `diff`, `follow` and `gc`. Thin wrappers over `cdl_registry`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use cdl_records::vocabulary::Lang;
use cdl_registry::{
    ChangeKind, GcOptions, ProposalStatus, Pseudonym, RecordFile, RecordKey, Registry,
    RegistryConfig, RejectError, Report, Withdrawal, WithdrawalReason,
};

/// Create a registry: a bare Git repository whose branch `main` holds
/// `registry.toml`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create (new or empty).
    dir: PathBuf,
    /// The registry's name.
    #[arg(long, default_value = "Conservatoire du Libre")]
    name: String,
    /// The registry's id (a slug); made from the name by default.
    #[arg(long)]
    id: Option<String>,
    /// The public address of the catalogue; its host names the
    /// pseudonymous e-mail domain of contributors.
    #[arg(long)]
    base_url: Option<cdl_registry::Url>,
}

/// Propose records: creates a proposal on top of `main` and prints its id
/// on the last line.
#[derive(Debug, clap::Args)]
pub struct ProposeArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// Your pseudonym, shown in history. No e-mail address is recorded.
    #[arg(long)]
    author: Option<String>,
    /// What the proposal does and why.
    #[arg(long)]
    message: Option<String>,
    /// Record files (`<id>.toml`).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// List, show, merge or reject proposals.
#[derive(Debug, clap::Args)]
pub struct ProposalsArgs {
    /// The registry.
    #[arg(long, global = true)]
    registry: Option<PathBuf>,
    /// The curator's pseudonym, for merge and reject.
    #[arg(long, global = true)]
    curator: Option<String>,
    #[command(subcommand)]
    action: ProposalsAction,
}

#[derive(Debug, clap::Subcommand)]
enum ProposalsAction {
    /// List proposals with their status.
    List {
        /// Only these: open, merged or rejected.
        #[arg(long)]
        status: Option<String>,
    },
    /// Show a proposal: its changes, their diff, and its report.
    Show {
        /// The proposal's id.
        id: String,
    },
    /// Merge a proposal into main (only valid, certified records).
    Merge {
        /// The proposal's id.
        id: String,
    },
    /// Reject a proposal, with a reason kept in history.
    Reject {
        /// The proposal's id.
        id: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

/// Print the history of one record.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// The record, as KIND/ID (e.g. software/gimp).
    record: RecordKey,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Withdraw a record: it leaves `main` and a tombstone says when and why.
#[derive(Debug, clap::Args)]
pub struct WithdrawArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// The record, as KIND/ID.
    record: RecordKey,
    /// Why, in words.
    #[arg(long)]
    reason: String,
    /// Why, as a code: duplicate, licence, takedown or other.
    #[arg(long, default_value = "other")]
    code: WithdrawalReason,
    /// For a duplicate: the record to see instead (KIND/ID).
    #[arg(long)]
    replaced_by: Option<RecordKey>,
    /// The curator's pseudonym.
    #[arg(long)]
    curator: Option<String>,
}

/// Print every record of `main` (or REV) as one JSON array.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// The revision (a branch, a commit).
    #[arg(long)]
    rev: Option<String>,
    /// Output format: `json` (the records' file shape), `csv` (a row per
    /// record, columns named by the file's key paths) or `dcat` (DCAT-AP 3
    /// in Turtle, as `/catalog.ttl` serves it).
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    format: ExportFormat,
    /// For `dcat`: the server's configuration file, for its public address
    /// (`base_url`) and its publisher (`[operator]`); the
    /// `CONSERVATOIRE_BASE_URL` variable also sets the address.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// Print the records changed between two revisions.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// The older revision.
    from: String,
    /// The newer revision.
    #[arg(default_value = "main")]
    to: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// Fast-forward `main` to a branch of a remote repository (a path or an
/// https:// URL), after checking every changed record.
#[derive(Debug, clap::Args)]
pub struct FollowArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// The remote: a path to a Git repository or an https:// URL.
    url: String,
    /// The remote branch.
    #[arg(long, default_value = "main")]
    branch: String,
}

/// Pack loose objects and prune what killed or losing writers left.
#[derive(Debug, clap::Args)]
pub struct GcArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// Keep unreachable loose objects younger than this many seconds.
    #[arg(long, default_value_t = 3600)]
    prune_grace: u64,
    /// Merge all packs into one.
    #[arg(long)]
    merge_packs: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExportFormat {
    Json,
    Csv,
    Dcat,
}

fn open(dir: &PathBuf) -> anyhow::Result<Registry> {
    Registry::open(dir).with_context(|| format!("opening the registry {}", dir.display()))
}

fn out() -> std::io::StdoutLock<'static> {
    std::io::stdout().lock()
}

pub fn init(args: InitArgs) -> anyhow::Result<ExitCode> {
    let mut config = RegistryConfig::new(args.name);
    if let Some(id) = args.id {
        config.id = id;
    }
    config.base_url = args.base_url;
    let registry = Registry::init(&args.dir, config)?;
    writeln!(
        out(),
        "created registry `{}` ({}) in {}",
        registry.config().name,
        registry.config().id,
        args.dir.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn propose(args: ProposeArgs) -> anyhow::Result<ExitCode> {
    let registry = open(&args.registry)?;
    let mut files = Vec::with_capacity(args.files.len());
    for path in &args.files {
        let meta = std::fs::symlink_metadata(path)
            .with_context(|| format!("reading {}", path.display()))?;
        if !meta.is_file() {
            bail!("{} is not a regular file", path.display());
        }
        if meta.len() > cdl_records::MAX_RECORD_BYTES as u64 {
            bail!(
                "{} is {} bytes, more than the {} a record may have",
                path.display(),
                meta.len(),
                cdl_records::MAX_RECORD_BYTES
            );
        }
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        files.push(RecordFile {
            name: path.display().to_string(),
            text,
        });
    }
    let author = args
        .author
        .as_deref()
        .map(Pseudonym::new)
        .unwrap_or_default();
    // Without a message, the same French sentence as the web's: the
    // message becomes the record's public history.
    let message = args
        .message
        .clone()
        .or_else(|| default_message(&registry, &files));
    let (id, report) = registry.propose(&files, &author, message.as_deref())?;
    let mut out = out();
    print_report(&mut out, &report)?;
    writeln!(out, "{id}")?;
    Ok(ExitCode::SUCCESS)
}

/// "Nouvelle fiche « … » (…)" or "Modification de la fiche « … » (…)" for
/// a proposal of one record; `None` (the registry's own) for several, or
/// when the record does not parse (the report will say why).
fn default_message(registry: &Registry, files: &[RecordFile]) -> Option<String> {
    let [file] = files else { return None };
    let record = cdl_records::parse(&file.text, None).ok()?;
    let key = RecordKey {
        kind: record.kind(),
        id: record.id.clone(),
    };
    let exists = matches!(
        registry.record(&key, None),
        Ok(cdl_registry::RecordState::Present(_))
    );
    Some(cdl_web::proposals::default_message_for(&record, exists))
}

fn print_report(out: &mut impl Write, report: &Report) -> anyhow::Result<()> {
    let lang = super::lang();
    let fr = lang == Lang::Fr;
    for e in &report.entries {
        let verdict = if e.is_acceptable() {
            "ok".to_owned()
        } else if !e.diagnostics.is_empty() {
            if fr { "NON VALIDE" } else { "INVALID" }.to_owned()
        } else if let Some(c) = &e.certificate {
            if fr {
                let verdict = match c.verdict {
                    cdl_licenses::Verdict::Certified => "certifiée",
                    cdl_licenses::Verdict::Rejected => "refusée",
                    _ => "indéterminée",
                };
                format!("NON CERTIFIÉE ({verdict})")
            } else {
                format!("NOT CERTIFIED ({:?})", c.verdict)
            }
        } else if fr {
            "RETRAIT".to_owned()
        } else {
            "REMOVAL".to_owned()
        };
        let change = change_word_in(lang, e.change);
        let license = e
            .certificate
            .as_ref()
            .map(|c| format!(" licence {}", c.expression))
            .unwrap_or_default();
        writeln!(out, "{change:<9} {}{license}: {verdict}", e.key)?;
        for d in &e.diagnostics {
            writeln!(out, "{d}")?;
        }
        if let Some(c) = &e.certificate
            && !c.is_certified()
        {
            for r in &c.reasons {
                let message = if fr { &r.message_fr } else { &r.message_en };
                writeln!(out, "    {message}")?;
            }
        }
    }
    if fr {
        let bad = report.entries.iter().filter(|e| !e.is_acceptable()).count();
        let summary = match (report.entries.len(), bad) {
            (0, _) => "la proposition ne change aucune fiche".to_owned(),
            (n, 0) => format!("{n} fiche(s), toutes valides et certifiées libres"),
            (n, bad) => format!("{n} fiche(s), dont {bad} à corriger (voir ci-dessus)"),
        };
        writeln!(out, "rapport : {summary}")?;
    } else {
        writeln!(out, "report: {}", report.summary())?;
    }
    Ok(())
}

/// [`change_word`] in the language of messages.
fn change_word_in(lang: Lang, c: ChangeKind) -> &'static str {
    match (lang, c) {
        (Lang::En, c) => change_word(c),
        (Lang::Fr, ChangeKind::Added) => "ajoutée",
        (Lang::Fr, ChangeKind::Modified) => "modifiée",
        (Lang::Fr, ChangeKind::Withdrawn) => "retirée",
        (Lang::Fr, ChangeKind::Deleted) => "supprimée",
    }
}

fn change_word(c: ChangeKind) -> &'static str {
    match c {
        ChangeKind::Added => "added",
        ChangeKind::Modified => "modified",
        ChangeKind::Withdrawn => "withdrawn",
        ChangeKind::Deleted => "deleted",
    }
}

pub fn proposals(args: ProposalsArgs) -> anyhow::Result<ExitCode> {
    let Some(dir) = &args.registry else {
        bail!("--registry DIR is required");
    };
    let registry = open(dir)?;
    let curator = args
        .curator
        .as_deref()
        .map(Pseudonym::new)
        .unwrap_or_else(|| Pseudonym::new("curator"));
    let mut out = out();
    let lang = super::lang();
    match args.action {
        ProposalsAction::List { status } => {
            for p in registry.proposals()? {
                if status.as_deref().is_some_and(|s| s != p.status.as_str()) {
                    continue;
                }
                let keys: Vec<String> = p.changes.iter().map(|c| c.key.to_string()).collect();
                let subject = p.message.lines().next().unwrap_or("");
                writeln!(
                    out,
                    "{}  {:<8}  {}  {:<16}  {}  [{}]",
                    p.id,
                    p.status.as_str(),
                    cdl_registry::rfc3339(p.time),
                    p.author,
                    subject,
                    keys.join(", ")
                )?;
            }
        }
        ProposalsAction::Show { id } => {
            let view = registry.show(&id)?;
            let p = &view.proposal;
            let (proposal, author, date) = match lang {
                Lang::Fr => ("proposition", "auteur :", "date :"),
                Lang::En => ("proposal", "author:", "date:"),
            };
            writeln!(out, "{proposal} {}  ({})", p.id, p.status.as_str())?;
            writeln!(out, "{author:<9} {}", p.author)?;
            writeln!(out, "{date:<9} {}", cdl_registry::rfc3339(p.time))?;
            writeln!(out, "commit:   {}", p.commit)?;
            writeln!(out, "base:     {}", p.base)?;
            if let ProposalStatus::Rejected { reason, curator } = &p.status {
                match lang {
                    Lang::Fr => writeln!(out, "refusée par {curator} : {reason}")?,
                    Lang::En => writeln!(out, "rejected by {curator}: {reason}")?,
                }
            }
            writeln!(out, "\n    {}\n", p.message.trim().replace('\n', "\n    "))?;
            for (key, old, new) in &view.texts {
                let path = key.path();
                writeln!(out, "--- a/{path}\n+++ b/{path}")?;
                let diff = cdl_registry::line_diff(
                    old.as_deref().unwrap_or(""),
                    new.as_deref().unwrap_or(""),
                );
                for line in diff {
                    writeln!(out, "{}{}", line.change.sign(), line.text)?;
                }
            }
            writeln!(out)?;
            print_report(&mut out, &view.report)?;
        }
        ProposalsAction::Merge { id } => {
            let merge = registry.merge(&id, &curator)?;
            match lang {
                Lang::Fr => writeln!(out, "proposition {id} acceptée dans main ({merge})")?,
                Lang::En => writeln!(out, "merged proposal {id} into main as {merge}")?,
            }
            super::exchange::after_merge(&registry, &mut out)?;
        }
        ProposalsAction::Reject { id, reason } => {
            match registry.reject(&id, &curator, &reason) {
                Err(RejectError::NoReason) if lang == Lang::Fr => {
                    bail!(
                        "un refus a besoin d’une raison, qui restera dans l’historique : ajoutez --reason \"…\""
                    )
                }
                other => other?,
            }
            match lang {
                Lang::Fr => writeln!(out, "proposition {id} refusée")?,
                Lang::En => writeln!(out, "rejected proposal {id}")?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn log(args: LogArgs) -> anyhow::Result<ExitCode> {
    let registry = open(&args.registry)?;
    let history = registry.history(&args.record, None)?;
    let mut out = out();
    if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut out, &history)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if history.is_empty() {
        bail!("{} has no history in main", args.record);
    }
    for h in &history {
        writeln!(out, "commit {}", h.commit)?;
        if let Some(m) = h.merged_in {
            writeln!(out, "Merged-in: {m}")?;
        }
        writeln!(out, "Author: {} <{}>", h.author, h.email)?;
        writeln!(out, "Date:   {}", cdl_registry::rfc3339(h.time))?;
        writeln!(out, "Change: {}", change_word(h.change))?;
        writeln!(out, "\n    {}\n", h.message.trim().replace('\n', "\n    "))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn withdraw(args: WithdrawArgs) -> anyhow::Result<ExitCode> {
    let registry = open(&args.registry)?;
    let withdrawal = Withdrawal {
        reason: args.code,
        explanation: args.reason,
        replaced_by: args.replaced_by,
        curator: args
            .curator
            .as_deref()
            .map(Pseudonym::new)
            .unwrap_or_else(|| Pseudonym::new("curator")),
    };
    let commit = registry.withdraw(&args.record, &withdrawal)?;
    writeln!(
        out(),
        "withdrew {} ({}) in {commit}",
        args.record,
        args.code
    )?;
    Ok(ExitCode::SUCCESS)
}

pub fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let registry = open(&args.registry)?;
    let snapshot = registry.snapshot(args.rev.as_deref())?;
    for bad in &snapshot.invalid {
        eprintln!("warning: {} skipped: {}", bad.path, bad.problem);
    }
    let mut out = std::io::BufWriter::new(out());
    match args.format {
        ExportFormat::Json => {
            serde_json::to_writer(&mut out, &snapshot.records)?;
            writeln!(out)?;
        }
        ExportFormat::Csv => {
            let records: Vec<&cdl_records::Record> = snapshot.records.iter().collect();
            cdl_interop::csv_export::write(&records, &mut out)?;
        }
        ExportFormat::Dcat => {
            let config = cdl_web::config::WebConfig::load(args.config.as_deref())?;
            let Some(base) = &config.base_url else {
                anyhow::bail!(
                    "l'export DCAT a besoin de l'adresse publique du catalogue : donnez-la dans \
                     le fichier --config (base_url = \"https://...\") ou dans la variable \
                     CONSERVATOIRE_BASE_URL"
                );
            };
            let site = cdl_web::pages::record::Site::from_base(base.as_str());
            let records: Vec<&cdl_records::Record> = snapshot.records.iter().collect();
            let graph = cdl_web::open_data::dcat::graph(
                &site,
                &registry.config().name,
                &config.operator.publisher,
                &records,
            );
            out.write_all(cdl_web::open_data::dcat::turtle(&graph).as_bytes())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn diff(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let registry = open(&args.registry)?;
    let changes = registry.diff(&args.from, &args.to)?;
    let mut out = out();
    if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut out, &changes)?;
        writeln!(out)?;
    } else {
        for c in &changes {
            writeln!(out, "{:<9} {}", change_word(c.change), c.key)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn follow(args: FollowArgs) -> anyhow::Result<ExitCode> {
    let registry = open(&args.registry)?;
    let outcome = registry.follow(&args.url, &args.branch)?;
    let mut out = out();
    if outcome.old == outcome.new {
        writeln!(out, "main is up to date with {} {}", args.url, args.branch)?;
    } else {
        writeln!(
            out,
            "main fast-forwarded {}..{} ({} commit(s), {} record change(s))",
            outcome.old, outcome.new, outcome.commits, outcome.changes
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn gc(args: GcArgs) -> anyhow::Result<ExitCode> {
    let registry = open(&args.registry)?;
    let options = GcOptions::default()
        .prune_grace(Duration::from_secs(args.prune_grace))
        .merge_packs(args.merge_packs);
    let o = registry.gc_with(&options)?;
    if o.busy {
        writeln!(out(), "another gc is running; nothing done")?;
    } else {
        writeln!(
            out(),
            "packed {} object(s), pruned {}, kept {} recent, merged {} pack(s); {} pack(s) now",
            o.packed,
            o.pruned,
            o.kept_recent,
            o.packs_merged,
            o.packs
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
