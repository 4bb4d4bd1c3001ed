//! `conservatoire offer` and `conservatoire offers list`: contributions
//! sent to a partner city's review queue, and their outcomes. Messages are
//! in French, the house choice for new commands.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use cdl_federation::client::Client;
use cdl_federation::offers::{self, Refreshed, Sent};
use cdl_federation::peers::{self, Peers};
use cdl_federation::{ClientError, OfferError, OfferStatus, RegistryId};
use cdl_records::vocabulary::Lang;
use cdl_registry::Registry;

/// Offer a record to a partner city: it becomes a proposal in its review
/// queue, marked with this city. Prints the offer's id last.
#[derive(Debug, clap::Args)]
pub struct OfferArgs {
    /// This city's registry.
    #[arg(long)]
    registry: PathBuf,
    /// The partner city's id, as `conservatoire peer list` shows it.
    peer: String,
    /// The record file (TOML), checked and certified before it is sent.
    file: PathBuf,
    /// A message for the other city's curators.
    #[arg(long)]
    message: Option<String>,
}

/// The offers sent to partner cities.
#[derive(Debug, clap::Args)]
pub struct OffersArgs {
    #[command(subcommand)]
    command: OffersCommand,
}

#[derive(Debug, clap::Subcommand)]
enum OffersCommand {
    /// List the offers sent, with their outcomes (pending ones are asked
    /// again of their city first).
    List {
        /// This city's registry.
        #[arg(long)]
        registry: PathBuf,
        /// Do not ask the cities: show what is known.
        #[arg(long)]
        offline: bool,
    },
}

fn open(path: &PathBuf) -> anyhow::Result<Registry> {
    Registry::open(path).with_context(|| format!("ouverture du registre {}", path.display()))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("démarrage du client réseau")
}

pub fn offer(args: OfferArgs) -> anyhow::Result<ExitCode> {
    let registry = open(&args.registry)?;
    let id: RegistryId = args.peer.parse().map_err(|_| {
        anyhow::anyhow!(
            "« {} » n’est pas un identifiant de ville : `conservatoire peer list --registry {}` les montre",
            args.peer,
            args.registry.display()
        )
    })?;
    let Some(peer) = Peers::load(&registry)?.get(&id).cloned() else {
        bail!(
            "{id} n’est pas une ville partenaire de ce registre : ajoutez-la d’abord avec `conservatoire peer add`"
        );
    };
    let shown = args.file.display().to_string();
    let text = match super::check::read_limited(&args.file) {
        Ok(text) => text,
        Err(d) => {
            eprintln!("{}", d.with_path(Some(&shown)).render(Lang::Fr));
            bail!("{shown} ne peut pas être lu : rien n’a été envoyé");
        }
    };
    let (identity, _) = peers::identity(&registry)?;
    let now = jiff::Timestamp::now();
    let prepared = offers::prepare(
        &registry,
        &identity,
        &peer,
        &text,
        Some(&args.file),
        args.message.as_deref(),
        super::today(),
        now,
    );
    let (offer, envelope) = match prepared {
        Ok(made) => made,
        Err(OfferError::Invalid(e)) => {
            eprint!("{}", e.render(Lang::Fr));
            bail!(
                "{shown} n’est pas une fiche valide ({} problème(s)) : rien n’a été envoyé",
                e.diagnostics.len()
            );
        }
        Err(OfferError::NotCertified(c)) => {
            for reason in &c.reasons {
                eprintln!("  = note : {}", reason.message_fr);
            }
            bail!(
                "la licence « {} » de {shown} n’est pas certifiée libre pour une fiche de type {} : rien n’a été envoyé",
                c.expression,
                c.kind.label_fr().to_lowercase()
            );
        }
        Err(e) => return Err(e).context("préparation de l’offre"),
    };
    let client = Client::new()?;
    let sent = runtime()?.block_on(offers::send(&client, &registry, &peer, &offer, &envelope));
    let sent = match sent {
        Ok(s) => s,
        Err(e) => bail!("{}", refusal(&peer.id, &e)),
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "offre de {} envoyée à {} ({}) : proposition {} dans sa file d’examen",
        sent.target, peer.name, peer.id, sent.proposal
    )?;
    if sent.stale {
        writeln!(
            out,
            "attention : {} a changé cette fiche depuis la version que ce registre a vue ; l’offre est marquée « fondée sur une version ancienne »",
            peer.name
        )?;
    }
    writeln!(out, "{}", sent.id)?;
    Ok(ExitCode::SUCCESS)
}

/// Why an offer was not sent or followed, in French.
pub fn refusal(peer: &RegistryId, e: &OfferError) -> String {
    match e {
        OfferError::Refused {
            status,
            title,
            detail,
        } => {
            let mut text = format!("{peer} a refusé l’offre (HTTP {status})");
            if !title.is_empty() {
                text.push_str(&format!(" : {title}"));
            }
            if !detail.is_empty() {
                text.push_str(&format!(" : {detail}"));
            }
            text
        }
        OfferError::Client(ClientError::Network { reason, .. }) => {
            format!("{peer} ne répond pas : {reason}")
        }
        OfferError::Client(ClientError::Status { status, .. }) => {
            format!("{peer} a répondu HTTP {status}")
        }
        OfferError::Verify(v) => {
            format!("la réponse de {peer} n’est pas signée par sa clé épinglée : {v}")
        }
        OfferError::Peers(cdl_federation::PeersError::UnknownPeer { .. }) => {
            format!("{peer} n’est plus une ville partenaire de ce registre")
        }
        other => format!("{peer} : {other}"),
    }
}

/// One sent offer in words.
fn line(s: &Sent) -> String {
    let date = |t: Option<jiff::Timestamp>| {
        t.map(|t| format!(" le {}", t.strftime("%Y-%m-%d")))
            .unwrap_or_default()
    };
    let status = match s.status {
        OfferStatus::Pending => "en attente".to_owned(),
        OfferStatus::Accepted => format!("acceptée{}", date(s.decided_at)),
        OfferStatus::Rejected => format!(
            "refusée{} : {}",
            date(s.decided_at),
            s.reason.as_deref().unwrap_or("").replace('\n', " ")
        ),
    };
    let mut text = format!(
        "{}\t{}\t{}\tproposition {}\t{status}",
        s.id, s.peer, s.target, s.proposal
    );
    if s.stale {
        text.push_str("\t(fondée sur une version ancienne)");
    }
    if let Some(e) = &s.last_error {
        text.push_str(&format!("\t(dernière vérification impossible : {e})"));
    }
    text
}

/// Fetches the outcomes of the pending offers; says what changed (or
/// failed) on `out`. Whether every fetch succeeded.
pub fn refresh_and_report(
    runtime: &tokio::runtime::Runtime,
    client: &Client,
    registry: &Registry,
    only: Option<&RegistryId>,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    let now = jiff::Timestamp::now();
    let refreshed = runtime.block_on(offers::refresh(client, registry, only, now))?;
    let mut ok = true;
    for Refreshed {
        offer,
        changed,
        error,
    } in refreshed
    {
        if let Some(e) = error {
            ok = false;
            writeln!(
                out,
                "offre {} : issue inconnue pour l’instant : {}",
                offer.id,
                refusal(&offer.peer, &e)
            )?;
        } else if changed {
            let what = match offer.status {
                OfferStatus::Accepted => "acceptée".to_owned(),
                OfferStatus::Rejected => format!(
                    "refusée : {}",
                    offer.reason.as_deref().unwrap_or("").replace('\n', " ")
                ),
                OfferStatus::Pending => "en attente".to_owned(),
            };
            writeln!(
                out,
                "offre {} ({}) {what} par {}",
                offer.id, offer.target, offer.peer
            )?;
        }
    }
    Ok(ok)
}

pub fn offers(args: OffersArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        OffersCommand::List { registry, offline } => {
            let registry = open(&registry)?;
            if !offline {
                let client = Client::new()?;
                let runtime = runtime()?;
                // What failed is kept with each offer and shown below.
                refresh_and_report(&runtime, &client, &registry, None, &mut std::io::sink())?;
            }
            let mut out = std::io::stdout().lock();
            for s in offers::sent(&registry)? {
                writeln!(out, "{}", line(&s))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
