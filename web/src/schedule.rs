//! Work the server does on a schedule: `serve --sync-every` syncs every
//! peer's mirror and fetches the outcomes of the offers sent, then brings
//! the search index up to the new mirrors.

use std::time::{Duration, Instant};

use cdl_federation::client::{Client, PeerSynced, Synced};

use crate::state::AppState;

/// Syncs every peer now, then every `period`, forever (the task ends with
/// the runtime). A round that fails (the peers file unreadable) is logged
/// and the next one tried at its time; a slow round delays the next one
/// rather than overlapping it.
pub async fn sync_every(app: AppState, period: Duration) {
    let client = match Client::new() {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %crate::error::chain(&e), "scheduled sync: no HTTP client, no sync will run");
            return;
        }
    };
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        sync_round(&app, &client).await;
    }
}

/// One sync of every peer, counted in the metrics, then the index caught
/// up with what changed.
pub async fn sync_round(app: &AppState, client: &Client) {
    let start = Instant::now();
    let now = jiff::Timestamp::now();
    match cdl_federation::client::sync_all(client, &app.registry, None, now).await {
        Ok(results) => {
            for PeerSynced { id, result, .. } in &results {
                let outcome = match result {
                    Ok(Synced::NotModified) => "not-modified",
                    Ok(Synced::Applied(..)) => "applied",
                    Err(_) => "refused",
                };
                app.metrics.sync(id.as_str(), outcome);
            }
            tracing::info!(
                peers = results.len(),
                refused = results.iter().filter(|r| r.result.is_err()).count(),
                relayed = results.iter().map(|r| r.relayed.len()).sum::<usize>(),
                elapsed_ms = start.elapsed().as_secs_f64() * 1000.0,
                "scheduled sync done"
            );
        }
        Err(e) => tracing::error!(error = %crate::error::chain(&e), "scheduled sync failed"),
    }
    // The outcomes of the offers this city sent and still pending.
    match cdl_federation::offers::refresh(client, &app.registry, None, now).await {
        Ok(refreshed) => {
            for r in refreshed.iter().filter(|r| r.changed) {
                tracing::info!(offer = %r.offer.id, peer = %r.offer.peer, status = ?r.offer.status, "offer decided");
            }
        }
        Err(e) => {
            tracing::error!(error = %crate::error::chain(&e), "fetching the outcomes of offers failed")
        }
    }
    app.metrics.sync_round(start.elapsed());
    let app = app.clone();
    if let Err(e) = tokio::task::spawn_blocking(move || app.sync_index()).await {
        tracing::error!(error = %e, "catching up the index after a sync failed");
    }
}
