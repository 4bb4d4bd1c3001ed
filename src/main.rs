//! `conservatoire`: the command line of the Conservatoire du Libre.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod logging;

/// mimalloc rather than the system allocator: searches allocate and free
/// many short-lived buffers from several threads at once, where glibc's
/// allocator spent about a fifth of the server's time under load. Built
/// without transparent huge pages (`no_thp` in `Cargo.toml`): a first
/// mirror of 100,000 records spent a third of its time in the kernel
/// zeroing the 2 MiB pages mimalloc asked for, gave back and asked again.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The Conservatoire du Libre: collects, identifies and certifies free
/// resources (software, cultural works, methods, datasets, seed and ferment
/// lots) kept as TOML records in a Git registry.
#[derive(Debug, Parser)]
#[command(name = "conservatoire", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// How log lines are written to standard error: `human` or `json` (one
    /// object per line). `RUST_LOG` chooses what is logged (default: `info`
    /// for `serve`, `warn` for the other commands).
    #[arg(long, global = true, value_enum, default_value = "human")]
    log_format: logging::LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write a valid record skeleton to stdout (or to a file).
    New(cmd::new::Args),
    /// Validate and certify record files or folders (recursively).
    Check(cmd::check::Args),
    /// Print the JSON Schema of the record format, for editors.
    Schema(cmd::schema::Args),
    /// Create a registry: a bare Git repository whose `main` holds `registry.toml`.
    Init(cmd::registry::InitArgs),
    /// Propose record files to a registry; prints the proposal id last.
    Propose(cmd::registry::ProposeArgs),
    /// List, show, merge or reject the proposals of a registry.
    Proposals(cmd::registry::ProposalsArgs),
    /// Print the history of one record.
    Log(cmd::registry::LogArgs),
    /// Withdraw a record with a reason, leaving a tombstone.
    Withdraw(cmd::registry::WithdrawArgs),
    /// Print every record of a registry as one JSON array.
    Export(cmd::registry::ExportArgs),
    /// Print the records changed between two revisions of a registry.
    Diff(cmd::registry::DiffArgs),
    /// Fast-forward main to a branch of a remote repository, after checks.
    Follow(cmd::registry::FollowArgs),
    /// Pack loose objects and prune leftovers of a registry.
    Gc(cmd::registry::GcArgs),
    /// Build the search index of a registry, or bring it up to date.
    Index(cmd::index::IndexArgs),
    /// Search the catalogue of a registry.
    Search(cmd::index::SearchArgs),
    /// Make a registry of synthetic records, for benchmarks and load tests.
    Generate(cmd::generate::GenerateArgs),
    /// Serve a registry on the web (pages, search, proposals, review, API).
    Serve(cmd::serve::Args),
    /// Manage the curators who review proposals on the web.
    Curators(cmd::curators::Args),
    /// Manage the seed and ferment exchange's opening sessions.
    Exchange(cmd::exchange::ExchangeArgs),
    /// Register farmers under contract and make their API tokens.
    Farmers(cmd::exchange::FarmersArgs),
    /// Export, erase or report on a farmer's personal data; apply the retention period.
    Privacy(cmd::privacy::PrivacyArgs),
    /// Write everything needed to rebuild the service into one file.
    Backup(cmd::backup::BackupArgs),
    /// Rebuild a registry from a backup file into a new folder.
    Restore(cmd::backup::RestoreArgs),
    /// Add, list or remove the registries of other cities that this one mirrors.
    Peer(cmd::peer::PeerArgs),
    /// Mirror every peer's catalogue (or one's), after verifying everything.
    Sync(cmd::peer::SyncArgs),
    /// Show or rotate this registry's federation signing key.
    Keys(cmd::keys::KeysArgs),
    /// Import publiccode.yml files, the SILL or a CSV catalogue as one proposal.
    Import(cmd::import::Args),
    /// Offer a record to a partner city's review queue; prints the offer's id last.
    Offer(cmd::offer::OfferArgs),
    /// List the offers sent to partner cities, with their outcomes.
    Offers(cmd::offer::OffersArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    logging::init(cli.log_format, matches!(cli.command, Command::Serve(_)));
    let result = match cli.command {
        Command::New(args) => cmd::new::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Schema(args) => cmd::schema::run(args),
        Command::Init(args) => cmd::registry::init(args),
        Command::Propose(args) => cmd::registry::propose(args),
        Command::Proposals(args) => cmd::registry::proposals(args),
        Command::Log(args) => cmd::registry::log(args),
        Command::Withdraw(args) => cmd::registry::withdraw(args),
        Command::Export(args) => cmd::registry::export(args),
        Command::Diff(args) => cmd::registry::diff(args),
        Command::Follow(args) => cmd::registry::follow(args),
        Command::Gc(args) => cmd::registry::gc(args),
        Command::Index(args) => cmd::index::index(args),
        Command::Search(args) => cmd::index::search(args),
        Command::Generate(args) => cmd::generate::generate(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Curators(args) => cmd::curators::run(args),
        Command::Exchange(args) => cmd::exchange::exchange(args),
        Command::Farmers(args) => cmd::exchange::farmers(args),
        Command::Privacy(args) => cmd::privacy::run(args),
        Command::Backup(args) => cmd::backup::backup(args),
        Command::Restore(args) => cmd::backup::restore(args),
        Command::Peer(args) => cmd::peer::peer(args),
        Command::Sync(args) => cmd::peer::sync_peers(args),
        Command::Keys(args) => cmd::keys::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::Offer(args) => cmd::offer::offer(args),
        Command::Offers(args) => cmd::offer::offers(args),
    };
    match result {
        Ok(code) => code,
        Err(err) if cli.log_format == logging::LogFormat::Json => {
            // `{:#}` is the whole chain of causes, joined by `: `.
            tracing::error!(error = %format!("{err:#}"), "the command failed");
            ExitCode::from(cmd::EXIT_FAILURE)
        }
        Err(err) => {
            match cmd::lang() {
                cdl_records::vocabulary::Lang::Fr => eprintln!("erreur : {err:#}"),
                cdl_records::vocabulary::Lang::En => eprintln!("error: {err:#}"),
            }
            ExitCode::from(cmd::EXIT_FAILURE)
        }
    }
}
