//! `conservatoire curators add`: curators' accounts for the web review.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cdl_registry::Registry;
use cdl_web::WebConfig;

/// Manage the curators who review proposals on the web.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Create a curator and print its initial password, once.
    ///
    /// The password is stored only as an argon2id hash, in
    /// `cdl-curators.toml` inside the registry folder (never committed), or
    /// in the `curators_file` of the configuration.
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// The registry the curator reviews.
    #[arg(long, value_name = "DIR")]
    registry: PathBuf,
    /// The `serve` configuration file, if it sets `curators_file`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The curator's name (letters, digits, `-`, `_`, `.`).
    name: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Add(args) => {
            let config = WebConfig::load(args.config.as_deref())?;
            let registry = Registry::open(&args.registry)
                .with_context(|| format!("opening the registry {}", args.registry.display()))?;
            let file = config.curators_file_for(registry.git_dir());
            let password = cdl_web::curators::add(&file, &args.name)?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{password}")?;
            eprintln!(
                "curator `{}` created; the password above is shown only once (stored as a hash in {})",
                args.name,
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
