//! `conservatoire keys show|rotate`: this registry's federation key, and
//! its replacement by a new one that mirrors follow with no manual step.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use cdl_records::vocabulary::Lang;

use super::peer::{open, said};

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

pub fn run(args: KeysArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang();
    let mut out = std::io::stdout().lock();
    match args.command {
        KeysCommand::Show { registry } => {
            let registry = open(&registry, lang)?;
            let (identity, _) = cdl_federation::peers::identity(&registry).map_err(said!(lang))?;
            writeln!(out, "{}", identity.public().fingerprint())?;
        }
        KeysCommand::Rotate { registry } => {
            let registry = open(&registry, lang)?;
            let done = cdl_federation::rotation::rotate(&registry, jiff::Timestamp::now())
                .map_err(said!(lang))?;
            let (resumed, was, restart) = match lang {
                Lang::Fr => (
                    "une rotation interrompue a été terminée",
                    "clé remplacée",
                    "redémarrez le serveur (serve) pour qu’il signe avec la nouvelle clé ; \
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
            match lang {
                Lang::Fr => writeln!(out, "{was} : {}", done.previous)?,
                Lang::En => writeln!(out, "{was}: {}", done.previous)?,
            }
            writeln!(out, "{restart}")?;
            writeln!(out, "{}", done.next)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
