//! `conservatoire peer add|list|remove` and `conservatoire sync`: the
//! registries this one mirrors, pinned to their keys.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use cdl_federation::client::{Client, PeerSynced, Relay, Relayed, Synced, sync_all};
use cdl_federation::mirror::{Applied, Skip};
use cdl_federation::peers::{self, Peer, Peers, SharedApp};
use cdl_federation::{Discovery, Fingerprint, PublicKey, RegistryId};
use cdl_records::vocabulary::Lang;
use cdl_registry::Registry;

use super::EXIT_FAILURE;

/// Manage the registries this one mirrors.
#[derive(Debug, clap::Args)]
pub struct PeerArgs {
    #[command(subcommand)]
    command: PeerCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PeerCommand {
    /// Add a peer by its address, pinned to its key.
    Add {
        /// The registry.
        #[arg(long)]
        registry: PathBuf,
        /// The peer's base address, such as `https://conservatoire.example.fr/`.
        url: String,
        /// The fingerprint of the peer's key, checked with the other city.
        #[arg(long, conflicts_with = "trust_on_first_use")]
        fingerprint: Option<String>,
        /// Trust whatever key the peer shows now.
        #[arg(long)]
        trust_on_first_use: bool,
    },
    /// List the peers.
    List {
        /// The registry.
        #[arg(long)]
        registry: PathBuf,
    },
    /// Attest that this city uses a shared application of the federation
    /// (`<registry>:<kind>/<id>`): published in the signed checkpoint, so
    /// that the application's own registry lists this city as a user.
    Use {
        /// The registry.
        #[arg(long)]
        registry: PathBuf,
        /// The application, such as `paris:software/lutece-core`.
        app: String,
        /// Stop attesting it.
        #[arg(long)]
        remove: bool,
    },
    /// Stop mirroring a peer (what was mirrored stays in Git history).
    Remove {
        /// The registry.
        #[arg(long)]
        registry: PathBuf,
        /// The peer's id.
        peer: String,
    },
}

/// Fetch every peer's catalogue (or one's) into its mirror.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The registry.
    #[arg(long)]
    registry: PathBuf,
    /// Only this peer.
    peer: Option<String>,
}

/// Opens the registry; the context in `lang`.
pub(super) fn open(path: &PathBuf, lang: Lang) -> anyhow::Result<Registry> {
    Registry::open(path).with_context(|| match lang {
        Lang::Fr => format!("ouverture du registre {}", path.display()),
        Lang::En => format!("opening the registry {}", path.display()),
    })
}

/// The runtime of the network client; the context in `lang`.
pub(super) fn runtime(lang: Lang) -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context(match lang {
            Lang::Fr => "démarrage du client réseau",
            Lang::En => "starting the network runtime",
        })
}

/// The federation's errors carry their own French message: an anyhow
/// error made of `message(lang)`, so that the whole line is in `lang`.
macro_rules! said {
    ($lang:expr) => {
        |e| anyhow::anyhow!("{}", e.message($lang))
    };
}
pub(super) use said;

pub fn peer(args: PeerArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang();
    let mut out = std::io::stdout().lock();
    match args.command {
        PeerCommand::Add {
            registry,
            url,
            fingerprint,
            trust_on_first_use,
        } => {
            let registry = open(&registry, lang)?;
            let wanted: Option<Fingerprint> = fingerprint
                .as_deref()
                .map(str::parse::<Fingerprint>)
                .transpose()
                .map_err(|e: cdl_federation::KeyError| anyhow::anyhow!("{}", e.message(lang)))
                .context(match lang {
                    Lang::Fr => "lecture de --fingerprint",
                    Lang::En => "reading --fingerprint",
                })?;
            let client = Client::new().map_err(said!(lang))?;
            let (envelope, discovery) = runtime(lang)?
                .block_on(client.discover(&url))
                .map_err(said!(lang))
                .with_context(|| match lang {
                    Lang::Fr => format!("lecture du document de découverte de {url}"),
                    Lang::En => format!("reading the discovery document of {url}"),
                })?;
            let keys: Vec<PublicKey> = discovery.keys.iter().filter_map(|k| k.key().ok()).collect();
            if keys.is_empty() {
                match lang {
                    Lang::Fr => bail!("{url} ne montre aucune clé utilisable"),
                    Lang::En => bail!("{url} names no usable key"),
                }
            }
            let Some(key) = (match wanted {
                Some(fp) => keys.iter().find(|k| k.fingerprint() == fp).copied(),
                None if trust_on_first_use => keys.first().copied(),
                None => {
                    for k in &keys {
                        writeln!(out, "{}", k.fingerprint())?;
                    }
                    match lang {
                        Lang::Fr => writeln!(
                            out,
                            "{} ({}) montre la clé ci-dessus. Vérifiez-la avec cette ville, puis relancez avec --fingerprint EMPREINTE (ou --trust-on-first-use). Rien n’a été ajouté.",
                            discovery.name, discovery.registry
                        )?,
                        Lang::En => writeln!(
                            out,
                            "{} ({}) shows the key above. Check it with them, then run again with --fingerprint FP (or --trust-on-first-use). Nothing was added.",
                            discovery.name, discovery.registry
                        )?,
                    }
                    return Ok(ExitCode::from(EXIT_FAILURE));
                }
            }) else {
                let shown = keys
                    .iter()
                    .map(|k| k.fingerprint().to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                let wanted = fingerprint.unwrap_or_default();
                match lang {
                    Lang::Fr => bail!(
                        "{url} ne montre pas la clé {wanted} : elle montre {shown}. Rien n’a été ajouté."
                    ),
                    Lang::En => bail!(
                        "{url} does not show the key {wanted}: it shows {shown}. Nothing was added."
                    ),
                }
            };
            // The discovery document must be signed by the key pinned.
            let checked: Discovery =
                envelope
                    .open(&[key])
                    .map_err(said!(lang))
                    .context(match lang {
                        Lang::Fr => "le document de découverte n’est pas signé par cette clé",
                        Lang::En => "the discovery document is not signed by that key",
                    })?;
            if checked.registry == peers::local_id(&registry).map_err(said!(lang))? {
                match lang {
                    Lang::Fr => bail!("{url} est ce registre lui-même"),
                    Lang::En => bail!("{url} is this registry itself"),
                }
            }
            let mut all = Peers::load(&registry).map_err(said!(lang))?;
            all.upsert(Peer {
                id: checked.registry.clone(),
                name: checked.name.clone(),
                url: url.clone(),
                keys: vec![key],
                etag: None,
                last_sync: None,
                last_error: None,
                // Where offers go: the address it signed, which may not be
                // the one given here.
                discovered: Some(peers::Discovered::of(&checked)),
            });
            all.save(&registry).map_err(said!(lang))?;
            match lang {
                Lang::Fr => writeln!(
                    out,
                    "{} ({}) ajouté à {url}, clé {}",
                    checked.registry,
                    checked.name,
                    key.fingerprint()
                )?,
                Lang::En => writeln!(
                    out,
                    "added {} ({}) at {url}, key {}",
                    checked.registry,
                    checked.name,
                    key.fingerprint()
                )?,
            }
            Ok(ExitCode::SUCCESS)
        }
        PeerCommand::List { registry } => {
            let registry = open(&registry, lang)?;
            for p in Peers::load(&registry).map_err(said!(lang))?.peers {
                let keys: Vec<String> =
                    p.keys.iter().map(|k| k.fingerprint().to_string()).collect();
                // The error kept in both languages (a file written before
                // holds only the English text, shown as is).
                let state = match (lang, &p.last_error, p.last_sync) {
                    (Lang::Fr, Some(e), _) => {
                        format!("dernière synchronisation refusée : {}", e.get(lang))
                    }
                    (Lang::En, Some(e), _) => format!("last sync refused: {}", e.get(lang)),
                    (Lang::Fr, None, Some(t)) => format!("synchronisé le {t}"),
                    (Lang::En, None, Some(t)) => format!("synced {t}"),
                    (Lang::Fr, None, None) => "jamais synchronisé".to_owned(),
                    (Lang::En, None, None) => "never synced".to_owned(),
                };
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{state}",
                    p.id,
                    p.name,
                    p.url,
                    keys.join(",")
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        PeerCommand::Use {
            registry,
            app,
            remove,
        } => {
            let registry = open(&registry, lang)?;
            let app = app.parse::<SharedApp>().map_err(said!(lang))?;
            let mut all = Peers::load(&registry).map_err(said!(lang))?;
            let changed = if remove {
                all.remove_use(&app)
            } else {
                all.add_use(&app)
            };
            if changed {
                all.save(&registry).map_err(said!(lang))?;
            }
            // What the next checkpoint attests.
            for u in &all.uses {
                match lang {
                    Lang::Fr => writeln!(out, "utilise {u}")?,
                    Lang::En => writeln!(out, "uses {u}")?,
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PeerCommand::Remove { registry, peer } => {
            let registry = open(&registry, lang)?;
            let id = peer.parse::<RegistryId>().map_err(said!(lang))?;
            let mut all = Peers::load(&registry).map_err(said!(lang))?;
            if !all.remove(&id) {
                bail!(
                    "{}",
                    cdl_federation::PeersError::UnknownPeer { id }.message(lang)
                );
            }
            all.save(&registry).map_err(said!(lang))?;
            match lang {
                Lang::Fr => writeln!(
                    out,
                    "{id} retiré ; ce qui a été reproduit reste dans l’historique de refs/mirrors/{id}"
                )?,
                Lang::En => writeln!(
                    out,
                    "removed {id}; what was mirrored stays in the history of refs/mirrors/{id}"
                )?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn sync_peers(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let lang = super::lang();
    let registry = open(&args.registry, lang)?;
    let only: Option<RegistryId> = args
        .peer
        .as_deref()
        .map(str::parse::<RegistryId>)
        .transpose()
        .map_err(said!(lang))?;
    let client = Client::new().map_err(said!(lang))?;
    let runtime = runtime(lang)?;
    let now = jiff::Timestamp::now();
    let results = runtime
        .block_on(sync_all(&client, &registry, only.as_ref(), now))
        .map_err(said!(lang))?;
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for PeerSynced {
        id,
        result,
        relayed,
    } in results
    {
        let what = match result {
            Ok(Synced::NotModified | Synced::Applied(Applied::Unchanged, _)) => {
                unchanged(lang).to_owned()
            }
            Ok(Synced::Applied(Applied::Refreshed { version, .. }, _)) => renewed(lang, version),
            Ok(Synced::Applied(
                Applied::Written {
                    version,
                    put,
                    withdrawn,
                    ..
                },
                _,
            )) => written(lang, version, put, withdrawn),
            Err(e) => {
                failed = true;
                refused(lang, &e.message(lang))
            }
        };
        match lang {
            Lang::Fr => writeln!(out, "{id} : {what}")?,
            Lang::En => writeln!(out, "{id}: {what}")?,
        }
        // The mirrors it re-publishes, one line each, under it.
        for Relayed {
            registry: r,
            chain,
            result,
        } in relayed
        {
            let chain = cdl_federation::chain_text(&chain);
            let chained = |what: String| match lang {
                Lang::Fr => format!("{what} (chaîne {chain})"),
                Lang::En => format!("{what} (chain {chain})"),
            };
            let what = match (lang, result) {
                (_, Ok(Relay::Applied(Applied::Unchanged))) => chained(unchanged(lang).to_owned()),
                (_, Ok(Relay::Applied(Applied::Refreshed { version, .. }))) => {
                    chained(renewed(lang, version))
                }
                (
                    _,
                    Ok(Relay::Applied(Applied::Written {
                        version,
                        put,
                        withdrawn,
                        ..
                    })),
                ) => chained(written(lang, version, put, withdrawn)),
                (Lang::Fr, Ok(Relay::Skipped(Skip::OwnRecords))) => format!(
                    "boucle : nos propres fiches reviennent par {id} (chaîne {chain}), non enregistrées"
                ),
                (Lang::En, Ok(Relay::Skipped(Skip::OwnRecords))) => format!(
                    "loop: our own records come back through {id} (chain {chain}), not stored"
                ),
                (Lang::Fr, Ok(Relay::Skipped(Skip::Loop))) => {
                    format!("boucle : la chaîne {chain} passe déjà par ce registre, ignorée")
                }
                (Lang::En, Ok(Relay::Skipped(Skip::Loop))) => {
                    format!("loop: the chain {chain} already passes through this registry, skipped")
                }
                (Lang::Fr, Ok(Relay::Skipped(Skip::DirectPeer))) => {
                    format!("ignoré : {r} est un pair ici, reproduit directement")
                }
                (Lang::En, Ok(Relay::Skipped(Skip::DirectPeer))) => {
                    format!("skipped: {r} is a peer here, mirrored directly")
                }
                (Lang::Fr, Ok(Relay::Skipped(Skip::HeldVia(other)))) => {
                    format!("ignoré : déjà reproduit par {other}")
                }
                (Lang::En, Ok(Relay::Skipped(Skip::HeldVia(other)))) => {
                    format!("skipped: already mirrored through {other}")
                }
                (Lang::Fr, Ok(Relay::Skipped(Skip::HeldDirectly))) => {
                    "ignoré : déjà reproduit ici directement".to_owned()
                }
                (Lang::En, Ok(Relay::Skipped(Skip::HeldDirectly))) => {
                    "skipped: already mirrored here directly".to_owned()
                }
                (Lang::Fr, Ok(Relay::Skipped(Skip::BadChain))) => {
                    failed = true;
                    refused(
                        lang,
                        &format!("{id} n’a pas le droit de republier la chaîne {chain}"),
                    )
                }
                (Lang::En, Ok(Relay::Skipped(Skip::BadChain))) => {
                    failed = true;
                    refused(
                        lang,
                        &format!("the chain {chain} is not one {id} may re-publish"),
                    )
                }
                (_, Err(e)) => {
                    failed = true;
                    refused(lang, &e.message(lang))
                }
            };
            match lang {
                Lang::Fr => writeln!(out, "  {r} via {id} : {what}")?,
                Lang::En => writeln!(out, "  {r} via {id}: {what}")?,
            }
        }
    }
    // The outcomes of the offers sent and still pending: one line per
    // offer decided since, or whose outcome could not be fetched.
    if !super::offer::refresh_and_report(
        &runtime,
        &client,
        &registry,
        only.as_ref(),
        lang,
        &mut out,
    )? {
        failed = true;
    }
    Ok(if failed {
        ExitCode::from(EXIT_FAILURE)
    } else {
        ExitCode::SUCCESS
    })
}

/// A mirror left as it was.
fn unchanged(lang: Lang) -> &'static str {
    match lang {
        Lang::Fr => "inchangé",
        Lang::En => "unchanged",
    }
}

/// A mirror left as it was, whose checkpoint was signed again.
fn renewed(lang: Lang, version: u64) -> String {
    match lang {
        Lang::Fr => format!("inchangé, point de contrôle de la version {version} renouvelé"),
        Lang::En => format!("unchanged, checkpoint of version {version} renewed"),
    }
}

/// A mirror brought to a new version.
fn written(lang: Lang, version: u64, put: usize, withdrawn: usize) -> String {
    match lang {
        Lang::Fr => format!(
            "version {version}, {put} fiche(s) ajoutée(s) ou modifiée(s), {withdrawn} retirée(s)"
        ),
        Lang::En => {
            format!("version {version}, {put} records added or changed, {withdrawn} withdrawn")
        }
    }
}

/// A sync refused, and why.
fn refused(lang: Lang, why: &str) -> String {
    match lang {
        Lang::Fr => format!("refusé, rien n’a été écrit : {why}"),
        Lang::En => format!("refused, nothing written: {why}"),
    }
}
