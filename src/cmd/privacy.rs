//! `conservatoire privacy`: farmers' personal data in the exchange's
//! bookings database: export, erasure, the yearly report and retention.
//! Every one of them is written to the audit log.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use cdl_exchange::{ExchangeError, Store};
use cdl_records::vocabulary::Lang;
use cdl_web::WebConfig;

use super::exchange::{Target, actor, open, runtime};

/// Export, erase or report on a farmer's personal data; apply the
/// retention period.
#[derive(Debug, clap::Args)]
pub struct PrivacyArgs {
    #[command(subcommand)]
    command: PrivacyCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PrivacyCommand {
    /// Print everything held about one person as JSON: account (no
    /// password hash), tokens (dates only), bookings, audit log.
    Export(PersonArgs),
    /// Erase one person: their account and tokens are deleted; their
    /// bookings stay, anonymised, so that stock counts hold.
    Erase(PersonArgs),
    /// Write the yearly report of one person (to standard output), or of
    /// every farmer (one Markdown file each in --out DIR), in plain
    /// French.
    Report(ReportArgs),
    /// Anonymise the bookings whose session started more than
    /// `retention_months` ago (24 by default); prints how many on the last
    /// line. `serve` does it when it starts and then daily.
    Retention(RetentionArgs),
}

#[derive(Debug, clap::Args)]
struct PersonArgs {
    #[command(flatten)]
    target: Target,
    /// Who does it, for the audit log (default: the system user).
    #[arg(long)]
    curator: Option<String>,
    /// Why, for the audit log (default: the person's request).
    #[arg(long)]
    reason: Option<String>,
    /// The person's e-mail address.
    email: String,
}

#[derive(Debug, clap::Args)]
struct ReportArgs {
    #[command(flatten)]
    target: Target,
    /// The year whose uses of the data the report tells (UTC).
    #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1970..=9999))]
    year: i32,
    /// Write the reports in this folder, one file per person
    /// (`rapport-YYYY-N.md`, N the farmer's number); needed without EMAIL.
    #[arg(long, value_name = "DIR", required_unless_present = "email")]
    out: Option<PathBuf>,
    /// Who writes them, for the audit log (default: the system user).
    #[arg(long)]
    curator: Option<String>,
    /// The person's e-mail address (default: every farmer).
    email: Option<String>,
}

#[derive(Debug, clap::Args)]
struct RetentionArgs {
    #[command(flatten)]
    target: Target,
    /// Months after its session before a booking is anonymised (default:
    /// the configuration's `retention_months`).
    #[arg(long, value_name = "N")]
    months: Option<u32>,
    /// Who applies it, for the audit log (default: the system user).
    #[arg(long)]
    curator: Option<String>,
}

const ACCESS: &str = "the person's request (right of access)";
const ERASURE: &str = "the person's request (right to erasure)";
const YEARLY: &str = "yearly report to the person";

/// Says that no farmer has `email`, and fails.
fn unknown(lang: Lang, email: &str) -> anyhow::Result<ExitCode> {
    match lang {
        Lang::Fr => eprintln!(
            "erreur : aucun agriculteur ni aucune agricultrice n’a l’adresse {email} ; si cette personne a été effacée, il ne reste rien d’elle à exporter ni à effacer"
        ),
        Lang::En => eprintln!(
            "error: no farmer has the address {email}; if this person was erased, nothing of them is left to export or erase"
        ),
    }
    Ok(ExitCode::from(super::EXIT_FAILURE))
}

/// The farmer with `email`, or `None` when there is none.
async fn find(store: &Store, email: &str) -> anyhow::Result<Option<i64>> {
    match store.farmer_id(email).await {
        Ok(id) => Ok(Some(id)),
        Err(ExchangeError::UnknownFarmer(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

pub fn run(args: PrivacyArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang();
    let runtime = runtime()?;
    match args.command {
        PrivacyCommand::Export(a) => {
            let (_, store) = open(&runtime, &a.target)?;
            let data = runtime.block_on(async {
                let Some(id) = find(&store, &a.email).await? else {
                    return Ok(None);
                };
                let who = actor(a.curator.as_deref());
                let why = a.reason.as_deref().unwrap_or(ACCESS);
                anyhow::Ok(Some(store.export(id, &who, why).await?))
            })?;
            let Some(data) = data else {
                return unknown(lang, &a.email);
            };
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &data)?;
            writeln!(out)?;
            match lang {
                Lang::Fr => eprintln!(
                    "données de l’agriculteur ou agricultrice n° {} exportées ; l’export est inscrit au journal",
                    data.farmer.id
                ),
                Lang::En => eprintln!(
                    "farmer {}'s data exported; the export is in the audit log",
                    data.farmer.id
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        PrivacyCommand::Erase(a) => {
            let (_, store) = open(&runtime, &a.target)?;
            let erased = runtime.block_on(async {
                let Some(id) = find(&store, &a.email).await? else {
                    return Ok(None);
                };
                let who = actor(a.curator.as_deref());
                let why = a.reason.as_deref().unwrap_or(ERASURE);
                match store.erase(id, &who, why).await {
                    Ok(e) => anyhow::Ok(Some(e)),
                    // Erased meanwhile by someone else.
                    Err(ExchangeError::NoSuchFarmer(_)) => Ok(None),
                    Err(e) => Err(e.into()),
                }
            })?;
            let Some(e) = erased else {
                return unknown(lang, &a.email);
            };
            match lang {
                Lang::Fr => eprintln!(
                    "personne effacée : compte n° {} et {} jeton(s) supprimés ; {} réservation(s) et {} ligne(s) du journal gardées sans personne",
                    e.farmer, e.tokens, e.bookings, e.audit_entries
                ),
                Lang::En => eprintln!(
                    "person erased: account {} and {} token(s) deleted; {} booking(s) and {} audit line(s) kept with no person",
                    e.farmer, e.tokens, e.bookings, e.audit_entries
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        PrivacyCommand::Report(a) => {
            let config = WebConfig::load(a.target.config.as_deref())?;
            let (_, store) = open(&runtime, &a.target)?;
            let settings = config.report_settings();
            let who = actor(a.curator.as_deref());
            let farmers = match &a.email {
                Some(email) => match runtime.block_on(find(&store, email))? {
                    Some(id) => vec![id],
                    None => return unknown(lang, email),
                },
                None => runtime.block_on(store.farmers())?,
            };
            if let Some(dir) = &a.out {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            let mut out = std::io::stdout().lock();
            for id in &farmers {
                let text = runtime.block_on(store.report(*id, a.year, &settings, &who, YEARLY))?;
                match &a.out {
                    Some(dir) => {
                        let path = dir.join(format!("rapport-{}-{id}.md", a.year));
                        write_file(&path, &text)?;
                        writeln!(out, "{}", path.display())?;
                    }
                    None => write!(out, "{text}")?,
                }
            }
            match (lang, &a.out) {
                (Lang::Fr, Some(dir)) => eprintln!(
                    "{} rapport(s) {} écrit(s) dans {} ; chacun est inscrit au journal",
                    farmers.len(),
                    a.year,
                    dir.display()
                ),
                (Lang::En, Some(dir)) => eprintln!(
                    "{} {} report(s) written in {}; each is in the audit log",
                    farmers.len(),
                    a.year,
                    dir.display()
                ),
                (Lang::Fr, None) => {
                    eprintln!("rapport {} écrit ; il est inscrit au journal", a.year)
                }
                (Lang::En, None) => eprintln!("{} report written; it is in the audit log", a.year),
            }
            Ok(ExitCode::SUCCESS)
        }
        PrivacyCommand::Retention(a) => {
            let config = WebConfig::load(a.target.config.as_deref())?;
            let months = a.months.unwrap_or(config.retention_months);
            let (_, store) = open(&runtime, &a.target)?;
            let who = actor(a.curator.as_deref());
            let n = runtime.block_on(store.apply_retention(cdl_exchange::now(), months, &who))?;
            match lang {
                Lang::Fr => eprintln!(
                    "{n} réservation(s) anonymisée(s) : leur séance a commencé il y a plus de {months} mois"
                ),
                Lang::En => eprintln!(
                    "{n} booking(s) anonymised: their session started more than {months} months ago"
                ),
            }
            writeln!(std::io::stdout().lock(), "{n}")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes `text` at `path`, readable by its owner only on Unix: a report
/// is personal data.
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// What `serve` runs beside the server: the retention period applied to
/// the bookings now, then once a day (when the registry has a bookings
/// database; one created later is found at the next round).
pub async fn retention_daily(config: WebConfig, git_dir: PathBuf) {
    let mut store: Option<Store> = None;
    let mut ticks = tokio::time::interval(Duration::from_secs(24 * 3600));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if store.is_none() && cdl_web::exchange::has_store(&config, &git_dir) {
            match cdl_web::exchange::open_store(&config, &git_dir).await {
                Ok(s) => store = Some(s),
                Err(e) => {
                    tracing::error!(error = %e, "retention: the bookings database cannot be opened");
                    continue;
                }
            }
        }
        let Some(s) = &store else { continue };
        match s
            .apply_retention(
                cdl_exchange::now(),
                config.retention_months,
                cdl_exchange::SERVER_ACTOR,
            )
            .await
        {
            Ok(n) => tracing::info!(
                anonymised = n,
                months = config.retention_months,
                "retention applied to the bookings"
            ),
            Err(e) => tracing::error!(error = %e, "retention: anonymising old bookings failed"),
        }
    }
}
