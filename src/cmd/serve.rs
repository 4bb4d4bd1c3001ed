//! `conservatoire serve`: the web front and JSON API of a registry.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cdl_registry::Registry;
use cdl_web::{App, WebConfig};

/// Serve a registry on the web: catalogue, search, proposals, curators'
/// review and the JSON API (`/api/v1`).
///
/// The search index is built or caught up before the server starts.
/// `--demo` needs no set-up: it creates (once) a registry filled with the
/// shipped demo catalogue in `./conservatoire-demo/` and serves it.
#[derive(Debug, clap::Args)]
#[command(after_help = cdl_web::config::SETTINGS_HELP)]
pub struct Args {
    /// The registry to serve (a folder made by `conservatoire init`).
    #[arg(
        long,
        value_name = "DIR",
        required_unless_present = "demo",
        conflicts_with = "demo"
    )]
    registry: Option<PathBuf>,
    /// Serve the shipped demo catalogue (creates ./conservatoire-demo/ once).
    #[arg(long)]
    demo: bool,
    /// Where --demo keeps its registry.
    #[arg(long, value_name = "DIR", requires = "demo", default_value = cdl_web::demo::DEMO_DIR)]
    demo_dir: PathBuf,
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Configuration file (TOML; see the settings below).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Sync every peer's mirror at start and then on this schedule
    /// ("15m", "1h", "30s"; at least 10 seconds), as `conservatoire sync`
    /// does, and index what changed.
    #[arg(long, value_name = "DURATION", value_parser = parse_period)]
    sync_every: Option<std::time::Duration>,
}

/// The shortest period `--sync-every` takes: peers are other cities'
/// servers.
const MIN_SYNC_PERIOD: std::time::Duration = std::time::Duration::from_secs(10);

fn parse_period(text: &str) -> Result<std::time::Duration, String> {
    let span: jiff::SignedDuration = text
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: write for example 30s, 15m or 1h"))?;
    let period = std::time::Duration::try_from(span)
        .map_err(|_| format!("`{text}`: a period cannot be negative"))?;
    if period < MIN_SYNC_PERIOD {
        return Err(format!("`{text}`: at least 10s between two syncs"));
    }
    Ok(period)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut config = WebConfig::load(args.config.as_deref())?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    let registry = if args.demo {
        let (registry, prepared) = cdl_web::demo::prepare(&args.demo_dir).with_context(|| {
            format!("preparing the demo registry in {}", args.demo_dir.display())
        })?;
        match prepared {
            cdl_web::demo::Prepared::Created { records, skipped } => tracing::info!(
                dir = %args.demo_dir.display(),
                records,
                skipped,
                "created the demo registry"
            ),
            cdl_web::demo::Prepared::Existing => {
                tracing::info!(dir = %args.demo_dir.display(), "serving the demo registry");
            }
        }
        registry
    } else {
        let dir = args
            .registry
            .context("--registry DIR or --demo is needed")?;
        Registry::open(&dir).with_context(|| format!("opening the registry {}", dir.display()))?
    };
    tracing::info!("catching up the search index");
    let listen = config.listen;
    let base_url = config.base_url.clone();
    let retention = (config.clone(), registry.git_dir().to_owned());
    let app = App::start(config, registry)?.into_state();
    tracing::info!(
        records = app.index.num_docs(),
        commit = app.index.commit().as_deref().unwrap_or(""),
        "search index ready"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        let local = listener.local_addr()?;
        // Scripts and tests read this exact line on standard output to
        // learn the port; the logs go to standard error.
        {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "serving on http://{local}/");
            let _ = out.flush();
        }
        tracing::info!(address = %local, "listening");
        match &base_url {
            Some(base) => tracing::info!(base_url = %base, "absolute links (feed, sitemap, JSON-LD) use base_url"),
            None => tracing::warn!(
                "absolute links (feed, sitemap, JSON-LD) use http://{local}/; set base_url in \
                 the --config file or CONSERVATOIRE_BASE_URL to the public address"
            ),
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("stopping");
        };
        // Bookings past the retention period are anonymised now, then daily.
        tokio::spawn(super::privacy::retention_daily(retention.0, retention.1));
        if let Some(period) = args.sync_every {
            tracing::info!(period_secs = period.as_secs(), "syncing peers on a schedule");
            tokio::spawn(cdl_web::schedule::sync_every(app.clone(), period));
        }
        cdl_web::serve(listener, app, shutdown).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_periods_are_read_and_bounded() {
        assert_eq!(
            parse_period("15m").unwrap(),
            std::time::Duration::from_secs(900)
        );
        assert_eq!(
            parse_period("1h").unwrap(),
            std::time::Duration::from_secs(3600)
        );
        assert_eq!(
            parse_period("30s").unwrap(),
            std::time::Duration::from_secs(30)
        );
        assert!(parse_period("5s").unwrap_err().contains("10s"));
        assert!(parse_period("-1h").is_err());
        assert!(parse_period("soon").unwrap_err().contains("15m"));
    }
}
