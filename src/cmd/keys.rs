//! `conservatoire keys show|rotate`: this registry's federation key, and
//! its replacement by a new one that mirrors follow with no manual step.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cdl_records::vocabulary::Lang;
use cdl_registry::Registry;

/// Show or rotate this registry's federation key.
#[derive(Debug, clap::Args)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Debug, clap::Subcommand)]
enum KeysCommand {
    /// Print the fingerprint of the key in use (made if there is none).
    Show {
        /// The registry.
        #[arg(long)]
        registry: PathBuf,
    },
    /// Replace the key by a new one, with a statement signed by both that
    /// mirrors follow; prints the new fingerprint on the last line.
    Rotate {
        /// The registry.
        #[arg(long)]
        registry: PathBuf,
    },
}

fn open(path: &PathBuf) -> anyhow::Result<Registry> {
    Registry::open(path).with_context(|| format!("opening the registry {}", path.display()))
}

pub fn run(args: KeysArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang();
    let mut out = std::io::stdout().lock();
    match args.command {
        KeysCommand::Show { registry } => {
            let registry = open(&registry)?;
            let (identity, _) = cdl_federation::peers::identity(&registry)?;
            writeln!(out, "{}", identity.public().fingerprint())?;
        }
        KeysCommand::Rotate { registry } => {
            let registry = open(&registry)?;
            let done = cdl_federation::rotation::rotate(&registry, jiff::Timestamp::now())?;
            let (resumed, was, restart) = match lang {
                Lang::Fr => (
                    "une rotation interrompue a été terminée",
                    "clé remplacée",
                    "redémarrez le serveur (serve) pour qu'il signe avec la nouvelle clé ; \
                     les miroirs la suivront à leur prochaine synchronisation",
                ),
                Lang::En => (
                    "an interrupted rotation was finished",
                    "key replaced",
                    "restart the server (serve) so that it signs with the new key; \
                     mirrors follow it at their next sync",
                ),
            };
            if done.resumed {
                writeln!(out, "{resumed}")?;
            }
            writeln!(out, "{was}: {}", done.previous)?;
            writeln!(out, "{restart}")?;
            writeln!(out, "{}", done.next)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
