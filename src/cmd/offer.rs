//! `conservatoire offer` and `conservatoire offers list`: contributions
//! sent to a partner city's review queue, and their outcomes. Messages
//! follow the locale (`super::lang()`); the tab-separated columns of
//! `offers list` and the offer id printed last by `offer` are the same in
//! both languages, for other programs.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use cdl_federation::client::Client;
use cdl_federation::offers::{self, Refreshed, Sent};
use cdl_federation::peers::{self, Peers};
use cdl_federation::{Bilingual, ClientError, OfferError, OfferStatus, RegistryId};
use cdl_records::vocabulary::Lang;
use cdl_registry::Registry;

use super::peer::{open, runtime, said};

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

pub fn offer(args: OfferArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang();
    let registry = open(&args.registry, lang)?;
    let id: RegistryId = args.peer.parse().map_err(|_| match lang {
        Lang::Fr => anyhow::anyhow!(
            "« {} » n’est pas un identifiant de ville : `conservatoire peer list --registry {}` les montre",
            args.peer,
            args.registry.display()
        ),
        Lang::En => anyhow::anyhow!(
            "`{}` is not a city id: `conservatoire peer list --registry {}` shows them",
            args.peer,
            args.registry.display()
        ),
    })?;
    let Some(peer) = Peers::load(&registry)
        .map_err(said!(lang))?
        .get(&id)
        .cloned()
    else {
        match lang {
            Lang::Fr => bail!(
                "{id} n’est pas une ville partenaire de ce registre : ajoutez-la d’abord avec `conservatoire peer add`"
            ),
            Lang::En => bail!(
                "{id} is not a partner city of this registry: add it first with `conservatoire peer add`"
            ),
        }
    };
    let shown = args.file.display().to_string();
    let text = match super::check::read_limited(&args.file) {
        Ok(text) => text,
        Err(d) => {
            eprintln!("{}", d.with_path(Some(&shown)).render(lang));
            match lang {
                Lang::Fr => bail!("{shown} ne peut pas être lu : rien n’a été envoyé"),
                Lang::En => bail!("{shown} cannot be read: nothing was sent"),
            }
        }
    };
    let (identity, _) = peers::identity(&registry).map_err(said!(lang))?;
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
            eprint!("{}", e.render(lang));
            let n = e.diagnostics.len();
            match lang {
                Lang::Fr => bail!(
                    "{shown} n’est pas une fiche valide ({n} problème(s)) : rien n’a été envoyé"
                ),
                Lang::En => {
                    bail!("{shown} is not a valid record ({n} problem(s)): nothing was sent")
                }
            }
        }
        Err(OfferError::NotCertified(c)) => {
            for reason in &c.reasons {
                match lang {
                    Lang::Fr => eprintln!("  = note : {}", reason.message_fr),
                    Lang::En => eprintln!("  = note: {}", reason.message_en),
                }
            }
            match lang {
                Lang::Fr => bail!(
                    "la licence « {} » de {shown} n’est pas certifiée libre pour une fiche de type {} : rien n’a été envoyé",
                    c.expression,
                    c.kind.label_fr().to_lowercase()
                ),
                Lang::En => bail!(
                    "the licence `{}` of {shown} is not certified free for a {} record: nothing was sent",
                    c.expression,
                    c.kind
                ),
            }
        }
        Err(e) => {
            return Err(anyhow::anyhow!("{}", e.message(lang))).context(match lang {
                Lang::Fr => "préparation de l’offre",
                Lang::En => "preparing the offer",
            });
        }
    };
    let client = Client::new().map_err(said!(lang))?;
    let sent = runtime(lang)?.block_on(offers::send(&client, &registry, &peer, &offer, &envelope));
    let sent = match sent {
        Ok(s) => s,
        Err(e) => bail!("{}", refusal(&peer.id, &e, lang)),
    };
    let mut out = std::io::stdout().lock();
    match lang {
        Lang::Fr => writeln!(
            out,
            "offre de {} envoyée à {} ({}) : proposition {} dans sa file d’examen",
            sent.target, peer.name, peer.id, sent.proposal
        )?,
        Lang::En => writeln!(
            out,
            "offer of {} sent to {} ({}): proposal {} in its review queue",
            sent.target, peer.name, peer.id, sent.proposal
        )?,
    }
    if sent.stale {
        match lang {
            Lang::Fr => writeln!(
                out,
                "attention : {} a changé cette fiche depuis la version que ce registre a vue ; l’offre est marquée « fondée sur une version ancienne »",
                peer.name
            )?,
            Lang::En => writeln!(
                out,
                "warning: {} changed this record since the version this registry saw; the offer is marked \"based on an old version\"",
                peer.name
            )?,
        }
    }
    writeln!(out, "{}", sent.id)?;
    Ok(ExitCode::SUCCESS)
}

/// Why an offer was not sent or followed, in `lang`.
pub fn refusal(peer: &RegistryId, e: &OfferError, lang: Lang) -> String {
    let sep = match lang {
        Lang::Fr => " : ",
        Lang::En => ": ",
    };
    match (lang, e) {
        (
            _,
            OfferError::Refused {
                status,
                title,
                detail,
            },
        ) => {
            let mut text = match lang {
                Lang::Fr => format!("{peer} a refusé l’offre (HTTP {status})"),
                Lang::En => format!("{peer} refused the offer (HTTP {status})"),
            };
            // The problem's title and detail are the peer's own words.
            for part in [title, detail] {
                if !part.is_empty() {
                    text.push_str(sep);
                    text.push_str(part);
                }
            }
            text
        }
        (Lang::Fr, OfferError::Client(ClientError::Network { reason, .. })) => {
            format!("{peer} ne répond pas : {reason}")
        }
        (Lang::En, OfferError::Client(ClientError::Network { reason, .. })) => {
            format!("{peer} does not answer: {reason}")
        }
        (Lang::Fr, OfferError::Client(ClientError::Status { status, .. })) => {
            format!("{peer} a répondu HTTP {status}")
        }
        (Lang::En, OfferError::Client(ClientError::Status { status, .. })) => {
            format!("{peer} answered HTTP {status}")
        }
        (Lang::Fr, OfferError::Verify(v)) => format!(
            "la réponse de {peer} n’est pas signée par sa clé épinglée : {}",
            v.message(lang)
        ),
        (Lang::En, OfferError::Verify(v)) => {
            format!("the answer of {peer} is not signed by its pinned key: {v}")
        }
        (Lang::Fr, OfferError::Peers(cdl_federation::PeersError::UnknownPeer { .. })) => {
            format!("{peer} n’est plus une ville partenaire de ce registre")
        }
        (Lang::En, OfferError::Peers(cdl_federation::PeersError::UnknownPeer { .. })) => {
            format!("{peer} is no longer a partner city of this registry")
        }
        (_, other) => format!("{peer}{sep}{}", other.message(lang)),
    }
}

/// An offer's outcome in words: `date` is when it was decided, if known.
fn status(lang: Lang, status: OfferStatus, date: Option<jiff::Timestamp>, reason: &str) -> String {
    let date = |on: &str| {
        date.map(|t| format!(" {on} {}", t.strftime("%Y-%m-%d")))
            .unwrap_or_default()
    };
    let reason = reason.replace('\n', " ");
    match (lang, status) {
        (Lang::Fr, OfferStatus::Pending) => "en attente".to_owned(),
        (Lang::En, OfferStatus::Pending) => "pending".to_owned(),
        (Lang::Fr, OfferStatus::Accepted) => format!("acceptée{}", date("le")),
        (Lang::En, OfferStatus::Accepted) => format!("accepted{}", date("on")),
        (Lang::Fr, OfferStatus::Rejected) => format!("refusée{} : {reason}", date("le")),
        (Lang::En, OfferStatus::Rejected) => format!("rejected{}: {reason}", date("on")),
    }
}

/// One sent offer in words: the id, peer and record columns are the same
/// in both languages.
fn line(s: &Sent, lang: Lang) -> String {
    let status = status(
        lang,
        s.status,
        s.decided_at,
        s.reason.as_deref().unwrap_or(""),
    );
    let proposal = match lang {
        Lang::Fr => "proposition",
        Lang::En => "proposal",
    };
    let mut text = format!(
        "{}\t{}\t{}\t{proposal} {}\t{status}",
        s.id, s.peer, s.target, s.proposal
    );
    if s.stale {
        text.push_str(match lang {
            Lang::Fr => "\t(fondée sur une version ancienne)",
            Lang::En => "\t(based on an old version)",
        });
    }
    if let Some(e) = &s.last_error {
        // The error kept with the offer, in both languages.
        let e = e.get(lang);
        match lang {
            Lang::Fr => text.push_str(&format!("\t(dernière vérification impossible : {e})")),
            Lang::En => text.push_str(&format!("\t(last check failed: {e})")),
        }
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
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<bool> {
    let now = jiff::Timestamp::now();
    let refreshed = runtime
        .block_on(offers::refresh(client, registry, only, now))
        .map_err(said!(lang))?;
    let mut ok = true;
    for Refreshed {
        offer,
        changed,
        error,
    } in refreshed
    {
        if let Some(e) = error {
            ok = false;
            let why = refusal(&offer.peer, &e, lang);
            match lang {
                Lang::Fr => writeln!(
                    out,
                    "offre {} : issue inconnue pour l’instant : {why}",
                    offer.id
                )?,
                Lang::En => writeln!(out, "offer {}: outcome unknown for now: {why}", offer.id)?,
            }
        } else if changed {
            let reason = offer.reason.as_deref().unwrap_or("");
            let what = status(lang, offer.status, None, reason);
            match lang {
                Lang::Fr => writeln!(
                    out,
                    "offre {} ({}) {what} par {}",
                    offer.id, offer.target, offer.peer
                )?,
                Lang::En => writeln!(
                    out,
                    "offer {} ({}) {what} by {}",
                    offer.id, offer.target, offer.peer
                )?,
            }
        }
    }
    Ok(ok)
}

pub fn offers(args: OffersArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        OffersCommand::List { registry, offline } => {
            let lang = super::lang();
            let registry = open(&registry, lang)?;
            // What failed now; the text kept with each offer for what
            // failed before.
            let mut failed = std::collections::HashMap::new();
            if !offline {
                let client = Client::new().map_err(said!(lang))?;
                let now = jiff::Timestamp::now();
                let refreshed = runtime(lang)?
                    .block_on(offers::refresh(&client, &registry, None, now))
                    .map_err(said!(lang))?;
                for Refreshed { offer, error, .. } in refreshed {
                    if let Some(e) = error {
                        failed.insert(offer.id.clone(), Bilingual::of(|l| e.message(l)));
                    }
                }
            }
            let mut out = std::io::stdout().lock();
            for mut s in offers::sent(&registry).map_err(said!(lang))? {
                if let Some(e) = failed.remove(&s.id) {
                    s.last_error = Some(e);
                }
                writeln!(out, "{}", line(&s, lang))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
