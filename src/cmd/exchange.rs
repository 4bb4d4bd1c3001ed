//! `conservatoire exchange` and `conservatoire farmers`: the seed and
//! ferment exchange's opening sessions and farmers' accounts, in the
//! bookings database beside the registry (never in Git).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cdl_exchange::Store;
use cdl_records::vocabulary::Lang;
use cdl_registry::Registry;
use cdl_web::WebConfig;

/// Where the bookings are: the registry and the configuration.
#[derive(Debug, clap::Args)]
pub(super) struct Target {
    /// The registry whose exchange this is (its SQLite bookings file is
    /// `cdl-exchange.sqlite` in it, unless the configuration sets
    /// `database_url`).
    #[arg(long, value_name = "DIR")]
    pub(super) registry: PathBuf,
    /// The `serve` configuration file, if it sets `database_url`
    /// (`CONSERVATOIRE_DATABASE_URL` overrides it).
    #[arg(long, value_name = "FILE")]
    pub(super) config: Option<PathBuf>,
}

/// Manage the exchange's opening sessions.
#[derive(Debug, clap::Args)]
pub struct ExchangeArgs {
    #[command(subcommand)]
    command: ExchangeCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ExchangeCommand {
    /// Add an opening session; prints its id on the last line.
    ///
    /// The place is created if no place has that name; `--address`,
    /// `--accessibility` and `--opening-hours` set its details.
    AddSession(AddSessionArgs),
}

#[derive(Debug, clap::Args)]
struct AddSessionArgs {
    #[command(flatten)]
    target: Target,
    /// The exchange point's name.
    #[arg(long, value_name = "NAME")]
    place: String,
    /// When the session starts, RFC 3339 (`2026-03-14T09:00:00+01:00`).
    #[arg(long, value_name = "RFC3339")]
    starts: String,
    /// How many people (bookings) it takes.
    #[arg(long, value_name = "N")]
    capacity: i64,
    /// The place's postal address.
    #[arg(long)]
    address: Option<String>,
    /// How to reach the place without steps, with a pushchair...
    #[arg(long)]
    accessibility: Option<String>,
    /// When the place is open.
    #[arg(long)]
    opening_hours: Option<String>,
}

/// Manage the accounts of farmers under contract.
#[derive(Debug, clap::Args)]
pub struct FarmersArgs {
    #[command(subcommand)]
    command: FarmersCommand,
}

#[derive(Debug, clap::Subcommand)]
enum FarmersCommand {
    /// Register a farmer under contract and print the initial password,
    /// once (stored only as an argon2id hash).
    Add(FarmerAddArgs),
    /// Make a new API token for a farmer and print it on the last line,
    /// once (stored only hashed).
    Token(TokenArgs),
}

#[derive(Debug, clap::Args)]
struct FarmerAddArgs {
    #[command(flatten)]
    target: Target,
    /// The farmer's name.
    #[arg(long)]
    name: String,
    /// The farmer's e-mail address: their login.
    #[arg(long)]
    email: String,
    /// The reference of their contract with the City.
    #[arg(long, value_name = "REF")]
    contract: String,
    /// Who registers them, for the audit log (default: the system user).
    #[arg(long)]
    curator: Option<String>,
}

#[derive(Debug, clap::Args)]
struct TokenArgs {
    #[command(flatten)]
    target: Target,
    /// Who makes the token, for the audit log (default: the system user).
    #[arg(long)]
    curator: Option<String>,
    /// The farmer's e-mail address.
    email: String,
}

/// Who acts, for the audit log: `--curator`, else the system user.
pub(super) fn actor(curator: Option<&str>) -> String {
    match curator {
        Some(c) => c.to_owned(),
        None => {
            let user = ["USER", "LOGNAME"]
                .iter()
                .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
                .unwrap_or_else(|| "?".to_owned());
            format!("command line (system user {user})")
        }
    }
}

pub(super) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")
}

/// Opens the bookings store of `registry` (creating and migrating it if
/// needed) and brings its lots up to `main`, saying on standard error
/// which lots are booked beyond their new quantity.
pub(super) fn open(
    runtime: &tokio::runtime::Runtime,
    target: &Target,
) -> anyhow::Result<(Registry, Store)> {
    let config = WebConfig::load(target.config.as_deref())?;
    let registry = Registry::open(&target.registry)
        .with_context(|| format!("opening the registry {}", target.registry.display()))?;
    let store = runtime
        .block_on(cdl_web::exchange::open_store(&config, registry.git_dir()))
        .context("opening the bookings database")?;
    let excess = sync(runtime, &registry, &store)?;
    let mut err = std::io::stderr().lock();
    print_excess(&mut err, super::lang(), &excess)?;
    Ok((registry, store))
}

/// Brings the lots of `store` up to `registry`'s `main`.
fn sync(
    runtime: &tokio::runtime::Runtime,
    registry: &Registry,
    store: &Store,
) -> anyhow::Result<Vec<cdl_exchange::Excess>> {
    let (_, lots) = cdl_web::exchange::main_lots(registry).context("reading main's lots")?;
    runtime
        .block_on(store.sync_lots(&lots))
        .context("updating the lots of the bookings database")
}

/// Writes one line per lot booked beyond its quantity.
fn print_excess(
    out: &mut impl Write,
    lang: Lang,
    excess: &[cdl_exchange::Excess],
) -> std::io::Result<()> {
    for e in excess {
        let ids = e
            .bookings
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        match lang {
            Lang::Fr => writeln!(
                out,
                "attention : {} est réservé au-delà de sa quantité ({} réservé(s), {} proposé(s)) ; réservations conservées : {ids}",
                e.lot, e.booked, e.offered
            )?,
            Lang::En => writeln!(
                out,
                "warning: {} is booked beyond its quantity ({} booked, {} offered); bookings kept: {ids}",
                e.lot, e.booked, e.offered
            )?,
        }
    }
    Ok(())
}

/// After `proposals merge`: when the registry has a bookings store, its
/// lots follow the new `main`, and the curator is told on standard output
/// which bookings a lowered quantity leaves beyond it.
pub fn after_merge(registry: &Registry, out: &mut impl Write) -> anyhow::Result<()> {
    let config = WebConfig::load(None)?;
    if !cdl_web::exchange::has_store(&config, registry.git_dir()) {
        return Ok(());
    }
    let runtime = runtime()?;
    let store = runtime
        .block_on(cdl_web::exchange::open_store(&config, registry.git_dir()))
        .context("opening the bookings database")?;
    let excess = sync(&runtime, registry, &store)?;
    print_excess(out, super::lang(), &excess)?;
    Ok(())
}

pub fn exchange(args: ExchangeArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang();
    match args.command {
        ExchangeCommand::AddSession(a) => {
            let starts = cdl_exchange::parse_rfc3339(&a.starts)?;
            let runtime = runtime()?;
            let (_, store) = open(&runtime, &a.target)?;
            let id = runtime.block_on(async {
                let id = store.add_session(&a.place, starts, a.capacity).await?;
                store
                    .set_place_details(
                        &a.place,
                        a.address.as_deref(),
                        a.accessibility.as_deref(),
                        a.opening_hours.as_deref(),
                    )
                    .await?;
                Ok::<i64, cdl_exchange::ExchangeError>(id)
            })?;
            let when = cdl_exchange::rfc3339(starts);
            match lang {
                Lang::Fr => eprintln!(
                    "séance {id} créée : {}, {when}, {} place(s)",
                    a.place.trim(),
                    a.capacity
                ),
                Lang::En => eprintln!(
                    "session {id} created: {}, {when}, {} place(s)",
                    a.place.trim(),
                    a.capacity
                ),
            }
            if starts <= cdl_exchange::now() {
                match lang {
                    Lang::Fr => eprintln!(
                        "attention : cette séance a déjà commencé, elle ne prendra aucune réservation"
                    ),
                    Lang::En => {
                        eprintln!("warning: this session has already started; it takes no bookings")
                    }
                }
            }
            writeln!(std::io::stdout().lock(), "{id}")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn farmers(args: FarmersArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang();
    let runtime = runtime()?;
    match args.command {
        FarmersCommand::Add(a) => {
            let (_, store) = open(&runtime, &a.target)?;
            let (id, password) = runtime.block_on(store.add_farmer(
                &a.name,
                &a.email,
                &a.contract,
                &actor(a.curator.as_deref()),
            ))?;
            writeln!(std::io::stdout().lock(), "{password}")?;
            match lang {
                Lang::Fr => eprintln!(
                    "agriculteur ou agricultrice n° {id} inscrit·e ; le mot de passe ci-dessus n’est montré qu’une fois (seule son empreinte est gardée)"
                ),
                Lang::En => eprintln!(
                    "farmer {id} registered; the password above is shown only once (only its hash is kept)"
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        FarmersCommand::Token(a) => {
            let (_, store) = open(&runtime, &a.target)?;
            let token =
                runtime.block_on(store.new_token(&a.email, &actor(a.curator.as_deref())))?;
            match lang {
                Lang::Fr => eprintln!(
                    "jeton d’API créé ; il n’est montré qu’une fois : envoyez-le dans l’en-tête Authorization: Bearer JETON"
                ),
                Lang::En => eprintln!(
                    "API token created; it is shown only once: send it as the header Authorization: Bearer TOKEN"
                ),
            }
            writeln!(std::io::stdout().lock(), "{token}")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
