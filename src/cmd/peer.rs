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

fn open(path: &PathBuf) -> anyhow::Result<Registry> {
    Registry::open(path).with_context(|| format!("opening the registry {}", path.display()))
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the network runtime")
}

pub fn peer(args: PeerArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match args.command {
        PeerCommand::Add {
            registry,
            url,
            fingerprint,
            trust_on_first_use,
        } => {
            let registry = open(&registry)?;
            let wanted: Option<Fingerprint> = fingerprint
                .as_deref()
                .map(str::parse)
                .transpose()
                .context("reading --fingerprint")?;
            let client = Client::new()?;
            let (envelope, discovery) = runtime()?
                .block_on(client.discover(&url))
                .with_context(|| format!("reading the discovery document of {url}"))?;
            let keys: Vec<PublicKey> = discovery.keys.iter().filter_map(|k| k.key().ok()).collect();
            if keys.is_empty() {
                bail!("{url} names no usable key");
            }
            let Some(key) = (match wanted {
                Some(fp) => keys.iter().find(|k| k.fingerprint() == fp).copied(),
                None if trust_on_first_use => keys.first().copied(),
                None => {
                    for k in &keys {
                        writeln!(out, "{}", k.fingerprint())?;
                    }
                    writeln!(
                        out,
                        "{} ({}) shows the key above. Check it with them, then run again with --fingerprint FP (or --trust-on-first-use). Nothing was added.",
                        discovery.name, discovery.registry
                    )?;
                    return Ok(ExitCode::from(EXIT_FAILURE));
                }
            }) else {
                bail!(
                    "{url} does not show the key {}: it shows {}. Nothing was added.",
                    fingerprint.unwrap_or_default(),
                    keys.iter()
                        .map(|k| k.fingerprint().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            // The discovery document must be signed by the key pinned.
            let checked: Discovery = envelope
                .open(&[key])
                .context("the discovery document is not signed by that key")?;
            if checked.registry == peers::local_id(&registry)? {
                bail!("{url} is this registry itself");
            }
            let mut all = Peers::load(&registry)?;
            all.upsert(Peer {
                id: checked.registry.clone(),
                name: checked.name.clone(),
                url: url.clone(),
                keys: vec![key],
                etag: None,
                last_sync: None,
                last_error: None,
            });
            all.save(&registry)?;
            writeln!(
                out,
                "added {} ({}) at {url}, key {}",
                checked.registry,
                checked.name,
                key.fingerprint()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        PeerCommand::List { registry } => {
            let registry = open(&registry)?;
            for p in Peers::load(&registry)?.peers {
                let keys: Vec<String> =
                    p.keys.iter().map(|k| k.fingerprint().to_string()).collect();
                let state = match (&p.last_error, p.last_sync) {
                    (Some(e), _) => format!("last sync refused: {e}"),
                    (None, Some(t)) => format!("synced {t}"),
                    (None, None) => "never synced".to_owned(),
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
            let registry = open(&registry)?;
            let app: SharedApp = app.parse()?;
            let mut all = Peers::load(&registry)?;
            let changed = if remove {
                all.remove_use(&app)
            } else {
                all.add_use(&app)
            };
            if changed {
                all.save(&registry)?;
            }
            // What the next checkpoint attests.
            for u in &all.uses {
                writeln!(out, "uses {u}")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        PeerCommand::Remove { registry, peer } => {
            let registry = open(&registry)?;
            let id: RegistryId = peer.parse()?;
            let mut all = Peers::load(&registry)?;
            if !all.remove(&id) {
                bail!("no peer {id}; `conservatoire peer list` shows them");
            }
            all.save(&registry)?;
            writeln!(
                out,
                "removed {id}; what was mirrored stays in the history of refs/mirrors/{id}"
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub fn sync_peers(args: SyncArgs) -> anyhow::Result<ExitCode> {
    let registry = open(&args.registry)?;
    let only: Option<RegistryId> = args.peer.as_deref().map(str::parse).transpose()?;
    let client = Client::new()?;
    let runtime = runtime()?;
    let now = jiff::Timestamp::now();
    let results = runtime.block_on(sync_all(&client, &registry, only.as_ref(), now))?;
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for PeerSynced {
        id,
        result,
        relayed,
    } in results
    {
        match result {
            Ok(Synced::NotModified | Synced::Applied(Applied::Unchanged, _)) => {
                writeln!(out, "{id}: unchanged")?;
            }
            Ok(Synced::Applied(Applied::Refreshed { version, .. }, _)) => {
                writeln!(
                    out,
                    "{id}: unchanged, checkpoint of version {version} renewed"
                )?;
            }
            Ok(Synced::Applied(
                Applied::Written {
                    version,
                    put,
                    withdrawn,
                    ..
                },
                _,
            )) => writeln!(
                out,
                "{id}: version {version}, {put} records added or changed, {withdrawn} withdrawn"
            )?,
            Err(e) => {
                failed = true;
                writeln!(out, "{id}: refused, nothing written: {e}")?;
            }
        }
        // The mirrors it re-publishes, one line each, under it.
        for Relayed {
            registry: r,
            chain,
            result,
        } in relayed
        {
            let chain = cdl_federation::chain_text(&chain);
            let what = match result {
                Ok(Relay::Applied(Applied::Unchanged)) => format!("unchanged (chain {chain})"),
                Ok(Relay::Applied(Applied::Refreshed { version, .. })) => {
                    format!("unchanged, checkpoint of version {version} renewed (chain {chain})")
                }
                Ok(Relay::Applied(Applied::Written {
                    version,
                    put,
                    withdrawn,
                    ..
                })) => format!(
                    "version {version}, {put} records added or changed, {withdrawn} withdrawn (chain {chain})"
                ),
                Ok(Relay::Skipped(Skip::OwnRecords)) => format!(
                    "loop: our own records come back through {id} (chain {chain}), not stored"
                ),
                Ok(Relay::Skipped(Skip::Loop)) => {
                    format!("loop: the chain {chain} already passes through this registry, skipped")
                }
                Ok(Relay::Skipped(Skip::DirectPeer)) => {
                    format!("skipped: {r} is a peer here, mirrored directly")
                }
                Ok(Relay::Skipped(Skip::HeldVia(other))) => {
                    format!("skipped: already mirrored through {other}")
                }
                Ok(Relay::Skipped(Skip::HeldDirectly)) => {
                    "skipped: already mirrored here directly".to_owned()
                }
                Ok(Relay::Skipped(Skip::BadChain)) => {
                    failed = true;
                    format!(
                        "refused, nothing written: the chain {chain} is not one {id} may re-publish"
                    )
                }
                Err(e) => {
                    failed = true;
                    format!("refused, nothing written: {e}")
                }
            };
            writeln!(out, "  {r} via {id}: {what}")?;
        }
    }
    // The outcomes of the offers sent and still pending: one line per
    // offer decided since, or whose outcome could not be fetched.
    if !super::offer::refresh_and_report(&runtime, &client, &registry, only.as_ref(), &mut out)? {
        failed = true;
    }
    Ok(if failed {
        ExitCode::from(EXIT_FAILURE)
    } else {
        ExitCode::SUCCESS
    })
}
