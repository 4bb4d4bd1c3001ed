//! `conservatoire`: the command line of the Conservatoire du Libre.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// The Conservatoire du Libre: collects, identifies and certifies free
/// resources (software, cultural works, methods, datasets, seed and ferment
/// lots) kept as TOML records in a Git registry.
#[derive(Debug, Parser)]
#[command(name = "conservatoire", version, about, long_about = None, propagate_version = true)]
struct Cli {
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::New(args) => cmd::new::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Schema(args) => cmd::schema::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(cmd::EXIT_FAILURE)
        }
    }
}
