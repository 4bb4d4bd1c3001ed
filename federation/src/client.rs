//! The client side: fetches a peer's statements over HTTP with size
//! limits, timeouts and retries, and syncs its mirror.

use std::time::Duration;

use cdl_registry::Registry;
use jiff::Timestamp;

use crate::envelope::Envelope;
use crate::error::{Bilingual, ClientError, FeedError, PeersError, SyncError, VerifyError};
use crate::identity::PublicKey;
use crate::mirror::{self, Applied, Feed, MAX_CHECKPOINT_BYTES, Plan, Skip};
use crate::peers::{self, Peer, Peers};
use crate::statement::{Changes, Checkpoint, Discovery, Endpoints, RegistryId, Republished};

/// The largest page of changes read.
pub const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// Tries per request, and the waits between them.
const BACKOFF: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(4)];

/// An HTTP client for the protocol.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    backoff: Vec<Duration>,
}

/// A fetched body, or "not modified".
#[derive(Debug)]
pub enum Fetched {
    /// `304 Not Modified`.
    NotModified,
    /// The body and its `ETag`, if any.
    Body(Vec<u8>, Option<String>),
}

impl Client {
    /// A client with the protocol's timeouts: 10 s to connect, 30 s in all.
    ///
    /// # Errors
    /// When the TLS stack cannot be set up.
    pub fn new() -> Result<Client, ClientError> {
        Client::with_timeouts(Duration::from_secs(10), Duration::from_secs(30))
    }

    /// A client with other timeouts and no waits between tries (tests).
    ///
    /// # Errors
    /// When the TLS stack cannot be set up.
    pub fn with_timeouts(connect: Duration, total: Duration) -> Result<Client, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(connect)
            .timeout(total)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("conservatoire/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(Client {
            http,
            backoff: BACKOFF.to_vec(),
        })
    }

    /// The same client without waits between tries.
    pub fn without_backoff(mut self) -> Client {
        self.backoff = vec![Duration::ZERO; BACKOFF.len()];
        self
    }

    /// GETs `url`, reading at most `limit` bytes, retrying on network
    /// errors and server errors.
    pub async fn get(
        &self,
        url: &str,
        limit: usize,
        etag: Option<&str>,
    ) -> Result<Fetched, ClientError> {
        let mut attempt = 0;
        loop {
            match self.get_once(url, limit, etag).await {
                Err(e) if e.is_transient() && attempt < self.backoff.len() => {
                    tokio::time::sleep(self.backoff[attempt]).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn get_once(
        &self,
        url: &str,
        limit: usize,
        etag: Option<&str>,
    ) -> Result<Fetched, ClientError> {
        let mut request = self.http.get(url);
        if let Some(tag) = etag {
            request = request.header(reqwest::header::IF_NONE_MATCH, tag);
        }
        let mut response = request.send().await.map_err(|e| ClientError::Network {
            url: url.to_owned(),
            reason: e.to_string(),
        })?;
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(ClientError::Status {
                url: url.to_owned(),
                status: status.as_u16(),
            });
        }
        if response.content_length().is_some_and(|l| l > limit as u64) {
            return Err(ClientError::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        let tag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = read_body(&mut response, url, limit).await?;
        Ok(Fetched::Body(body, tag))
    }

    /// POSTs `body` as JSON to `url` and answers the status and at most
    /// `limit` bytes of the answer, whatever the status; retries the same
    /// bytes on network errors and server errors, so only for requests
    /// that are idempotent (an offer is: its id is the idempotency key).
    pub async fn post_json(
        &self,
        url: &str,
        body: Vec<u8>,
        limit: usize,
    ) -> Result<(u16, Vec<u8>), ClientError> {
        let mut attempt = 0;
        loop {
            let result = self.post_once(url, body.clone(), limit).await;
            let transient = match &result {
                Ok((status, _)) => *status >= 500 || *status == 429,
                Err(e) => e.is_transient(),
            };
            if transient && attempt < self.backoff.len() {
                tokio::time::sleep(self.backoff[attempt]).await;
                attempt += 1;
                continue;
            }
            return result;
        }
    }

    async fn post_once(
        &self,
        url: &str,
        body: Vec<u8>,
        limit: usize,
    ) -> Result<(u16, Vec<u8>), ClientError> {
        let mut response = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| ClientError::Network {
                url: url.to_owned(),
                reason: e.to_string(),
            })?;
        let status = response.status().as_u16();
        if response.content_length().is_some_and(|l| l > limit as u64) {
            return Err(ClientError::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        let body = read_body(&mut response, url, limit).await?;
        Ok((status, body))
    }

    /// The peer's discovery statement, unverified, and its envelope: the
    /// caller decides which key to trust.
    pub async fn discover(&self, base_url: &str) -> Result<(Envelope, Discovery), ClientError> {
        let url = join(base_url, "/.well-known/conservatoire");
        let Fetched::Body(bytes, _) = self.get(&url, MAX_CHECKPOINT_BYTES, None).await? else {
            return Err(ClientError::Status { url, status: 304 });
        };
        let envelope = Envelope::from_bytes(&bytes, MAX_CHECKPOINT_BYTES)?;
        let discovery = envelope.peek::<Discovery>()?;
        Ok((envelope, discovery))
    }
}

/// At most `limit` bytes of an answer's body; more is an error.
async fn read_body(
    response: &mut reqwest::Response,
    url: &str,
    limit: usize,
) -> Result<Vec<u8>, ClientError> {
    // Sized from the announced length (never past the limit), so that a
    // page of changes is not copied again at each doubling.
    let announced = response.content_length().unwrap_or(0);
    let mut body = Vec::with_capacity(usize::try_from(announced).map_or(limit, |n| n.min(limit)));
    while let Some(chunk) = response.chunk().await.map_err(|e| ClientError::Network {
        url: url.to_owned(),
        reason: e.to_string(),
    })? {
        if body.len() + chunk.len() > limit {
            return Err(ClientError::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `base` and `path` joined with one slash.
pub fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// How many peers one sync fetches at once.
pub const SYNC_AT_ONCE: usize = 4;

/// What a sync of every peer did for one of them.
#[derive(Debug)]
pub struct PeerSynced {
    /// The peer.
    pub id: RegistryId,
    /// What happened.
    pub result: Result<Synced, SyncError>,
    /// What happened to each mirror it re-publishes, in its checkpoint's
    /// order (nothing when its own sync was refused).
    pub relayed: Vec<Relayed>,
}

/// What a sync did with one mirror a peer re-publishes.
#[derive(Debug)]
pub struct Relayed {
    /// The re-published registry.
    pub registry: RegistryId,
    /// Its chain, as the peer's checkpoint gives it.
    pub chain: Vec<RegistryId>,
    /// Applied, skipped (a loop among them), or refused.
    pub result: Result<Relay, SyncError>,
}

/// A re-published mirror that was not refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relay {
    /// Verified and applied (or found identical).
    Applied(Applied),
    /// Left alone, for this reason.
    Skipped(Skip),
}

/// Syncs every peer of the peers file (or only `only`), at most
/// [`SYNC_AT_ONCE`] fetching together, so that one slow or dead city costs
/// its own timeouts and not the others'. Each writes only its own
/// `refs/mirrors/<peer>`. Records each peer's last sync, `ETag` and last
/// refusal in the peers file, and returns the outcomes in the file's order.
///
/// # Errors
/// When the peers file cannot be read or written, or `only` is not a peer
/// ([`PeersError::UnknownPeer`]).
pub async fn sync_all(
    client: &Client,
    registry: &Registry,
    only: Option<&RegistryId>,
    now: Timestamp,
) -> Result<Vec<PeerSynced>, PeersError> {
    use futures_util::stream::{self, StreamExt};
    let local = peers::local_id(registry)?;
    let all = Peers::load(registry)?;
    if let Some(id) = only
        && all.get(id).is_none()
    {
        return Err(PeersError::UnknownPeer { id: id.clone() });
    }
    // Owned peers and futures built up front: the stream then holds no
    // closure over borrowed items, which keeps the future `Send` for
    // `tokio::spawn` (serve's schedule).
    let chosen: Vec<Peer> = all
        .peers
        .into_iter()
        .filter(|p| only.is_none_or(|o| o == &p.id))
        .collect();
    let local = &local;
    let fetches: Vec<_> = chosen
        .into_iter()
        .enumerate()
        .map(|(i, p)| async move {
            let r = sync(
                client,
                registry,
                local,
                &p.id,
                &p.url,
                &p.keys,
                p.etag.as_deref(),
                now,
            )
            .await;
            (i, p.id, r)
        })
        .collect();
    let mut results = stream::iter(fetches)
        .buffer_unordered(SYNC_AT_ONCE)
        .collect::<Vec<_>>()
        .await;
    results.sort_by_key(|(i, ..)| *i);
    // Then the mirrors each peer re-publishes, one at a time and in the
    // peers file's order, so that the first chain to hold a registry is
    // always the same one.
    let pinned = Peers::load(registry)?;
    let mut relayed = Vec::with_capacity(results.len());
    for (_, id, result) in &results {
        let mut out = Vec::new();
        if result.is_ok()
            && let Some(p) = pinned.get(id)
        {
            out = relay_all(client, registry, local, &pinned, p, now).await;
        }
        relayed.push(out);
    }
    // Read the file again: a `peer add` may have run meanwhile.
    let mut file = Peers::load(registry)?;
    for (_, id, result) in &results {
        let Some(p) = file.peers.iter_mut().find(|p| &p.id == id) else {
            continue;
        };
        match result {
            Ok(Synced::NotModified) => {
                p.last_sync = Some(now);
                p.last_error = None;
            }
            Ok(Synced::Applied(_, etag)) => {
                p.last_sync = Some(now);
                p.last_error = None;
                p.etag.clone_from(etag);
            }
            Err(e) => p.last_error = Some(Bilingual::of(|lang| e.message(lang))),
        }
    }
    file.save(registry)?;
    Ok(results
        .into_iter()
        .zip(relayed)
        .map(|((_, id, result), relayed)| PeerSynced {
            id,
            result,
            relayed,
        })
        .collect())
}

/// Syncs every mirror that `through` re-publishes in the checkpoint this
/// registry accepted last from it (verified with its key): each is
/// planned ([`mirror::plan`]: loops and registries pinned directly are
/// skipped), then its origin's checkpoint and changes are fetched from
/// `through`'s mirror endpoints and applied with
/// [`mirror::apply_republished`].
pub async fn relay_all(
    client: &Client,
    registry: &Registry,
    local: &RegistryId,
    peers: &Peers,
    through: &Peer,
    now: Timestamp,
) -> Vec<Relayed> {
    let entries = match mirror::stored_checkpoint(registry, &through.id) {
        Ok(Some(c)) => c.republishes,
        Ok(None) => Vec::new(),
        Err(e) => {
            return vec![Relayed {
                registry: through.id.clone(),
                chain: Vec::new(),
                result: Err(e),
            }];
        }
    };
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let result = relay(client, registry, local, peers, through, &entry, now).await;
        let outcome = match &result {
            Ok(Relay::Applied(_)) => "applied",
            Ok(Relay::Skipped(Skip::OwnRecords | Skip::Loop)) => "loop",
            Ok(Relay::Skipped(_)) => "skipped",
            Err(_) => "refused",
        };
        tracing::info!(
            target: "cdl_federation::sync",
            peer = %through.id, registry = %entry.registry, chain = %entry.chain_text(),
            outcome, "re-published mirror"
        );
        out.push(Relayed {
            registry: entry.registry.clone(),
            chain: entry.chain.clone(),
            result,
        });
    }
    out
}

async fn relay(
    client: &Client,
    registry: &Registry,
    local: &RegistryId,
    peers: &Peers,
    through: &Peer,
    entry: &Republished,
    now: Timestamp,
) -> Result<Relay, SyncError> {
    let (since, etag) = match mirror::plan(registry, local, peers, &through.id, entry)? {
        Plan::Skip(why) => return Ok(Relay::Skipped(why)),
        Plan::Fetch { since, etag } => (since, etag),
    };
    let base = format!("{}/{}", Endpoints::default().mirrors, entry.registry);
    let url = join(&through.url, &format!("{base}/checkpoint"));
    let bytes = match client
        .get(&url, MAX_CHECKPOINT_BYTES, etag.as_deref())
        .await?
    {
        Fetched::Body(bytes, _) => bytes,
        // The checkpoint held is the one re-published: nothing changed.
        Fetched::NotModified if etag.is_some() => {
            return Ok(Relay::Applied(Applied::Unchanged));
        }
        Fetched::NotModified => {
            return Err(SyncError::Feed(FeedError::RepublishedNotModified));
        }
    };
    let envelope = Envelope::from_bytes(&bytes, MAX_CHECKPOINT_BYTES)?;
    let checkpoint: Checkpoint = envelope.open(&mirror::vouched_keys(entry)?)?;
    let pages = fetch_pages(
        client,
        &through.url,
        &format!("{base}/changes"),
        since,
        &checkpoint,
        mirror::Checks::republished(local, entry),
    )
    .await?;
    let applied = mirror::apply_republished(registry, local, entry, &envelope, pages, now)?;
    Ok(Relay::Applied(applied))
}

/// Every page of the changes at `changes` (a path under `base_url`) since
/// `since` up to `checkpoint`'s version, each pointing to the next inside
/// the same feed, at most as many as the signed record count needs.
///
/// Each page's records are checked under `checks` on the blocking pool
/// while the next page is fetched, at most [`PAGES_CHECKED_AHEAD`] pages
/// at a time: a first mirror's checks then overlap its transfer.
async fn fetch_pages(
    client: &Client,
    base_url: &str,
    changes: &str,
    since: u64,
    checkpoint: &Checkpoint,
    checks: mirror::Checks,
) -> Result<Feed, SyncError> {
    let shared = std::sync::Arc::new(checks.clone());
    let mut checking = std::collections::VecDeque::new();
    let mut pages = Vec::new();
    let mut fetched = 0u64;
    let mut next = Some(format!(
        "{changes}?since={since}&version={}",
        checkpoint.version
    ));
    // A bound on pages: enough for the signed number of records, plus one.
    let most = checkpoint.records / crate::publish::PAGE_CHANGES as u64 + 2;
    while let Some(path) = next.take() {
        if fetched >= most {
            return Err(SyncError::Feed(FeedError::TooManyPages {
                most,
                records: checkpoint.records,
            }));
        }
        let url = join(base_url, &path);
        let Fetched::Body(bytes, _) = client.get(&url, MAX_PAGE_BYTES, None).await? else {
            return Err(SyncError::Feed(FeedError::PageNotModified));
        };
        let page: Changes = serde_json::from_slice(&bytes)
            .map_err(|e| SyncError::Feed(FeedError::UnreadablePage(e.to_string())))?;
        drop(bytes);
        if let Some(n) = &page.next
            && !n.starts_with(&format!("{changes}?"))
        {
            return Err(SyncError::Feed(FeedError::PageOutsideFeed));
        }
        next = page.next.clone();
        fetched += 1;
        if checking.len() >= PAGES_CHECKED_AHEAD
            && let Some(oldest) = checking.pop_front()
        {
            pages.push(checked(oldest).await?);
        }
        let checks = std::sync::Arc::clone(&shared);
        checking.push_back(tokio::task::spawn_blocking(move || {
            let outcome = checks.page(&page);
            (page, outcome)
        }));
    }
    while let Some(oldest) = checking.pop_front() {
        pages.push(checked(oldest).await?);
    }
    Ok(Feed::checked(checks, pages))
}

/// How many pages of changes are checked while the next is fetched.
const PAGES_CHECKED_AHEAD: usize = 2;

/// The page and outcome of a check on the blocking pool.
async fn checked(
    task: tokio::task::JoinHandle<(Changes, Result<(), SyncError>)>,
) -> Result<(Changes, Result<(), SyncError>), SyncError> {
    match task.await {
        Ok(done) => Ok(done),
        // A check that panicked panics here, as it would have in place.
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(SyncError::Inconsistent),
    }
}

/// What one sync of one peer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Synced {
    /// The checkpoint was not modified (`304`): one request.
    NotModified,
    /// Verified and applied (or found identical).
    Applied(Applied, Option<String>),
}

/// Syncs the mirror of `peer` at `base_url`: the checkpoint (conditional
/// on `etag`), then the changes since the version mirrored, then
/// [`mirror::apply`], which writes only what it verified.
///
/// # Errors
/// A [`SyncError`] naming what was refused; the mirror is then unchanged.
///
/// Logs one `info` event per sync (target `cdl_federation::sync`): the
/// peer's id, the outcome and the time taken, never the peer's address
/// (it may hold credentials).
#[allow(clippy::too_many_arguments)]
pub async fn sync(
    client: &Client,
    registry: &Registry,
    local: &RegistryId,
    peer: &RegistryId,
    base_url: &str,
    keys: &[PublicKey],
    etag: Option<&str>,
    now: Timestamp,
) -> Result<Synced, SyncError> {
    let start = std::time::Instant::now();
    let result = sync_once(client, registry, local, peer, base_url, keys, etag, now).await;
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    match &result {
        Ok(Synced::NotModified) => tracing::info!(
            target: "cdl_federation::sync",
            peer = %peer, elapsed_ms, outcome = "not-modified", "sync"
        ),
        Ok(Synced::Applied(..)) => tracing::info!(
            target: "cdl_federation::sync",
            peer = %peer, elapsed_ms, outcome = "applied", "sync"
        ),
        Err(e) => {
            let mut error = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                let text = s.to_string();
                if !error.contains(&text) {
                    error = format!("{error}: {text}");
                }
                source = s.source();
            }
            tracing::info!(
                target: "cdl_federation::sync",
                peer = %peer, elapsed_ms, outcome = "refused", error, "sync"
            );
        }
    }
    result
}

#[allow(clippy::too_many_arguments)]
async fn sync_once(
    client: &Client,
    registry: &Registry,
    local: &RegistryId,
    peer: &RegistryId,
    base_url: &str,
    keys: &[PublicKey],
    etag: Option<&str>,
    now: Timestamp,
) -> Result<Synced, SyncError> {
    let endpoints = Endpoints::default();
    let url = join(base_url, &endpoints.checkpoint);
    let (bytes, tag) = match client.get(&url, MAX_CHECKPOINT_BYTES, etag).await? {
        Fetched::NotModified => return Ok(Synced::NotModified),
        Fetched::Body(b, t) => (b, t),
    };
    let envelope = Envelope::from_bytes(&bytes, MAX_CHECKPOINT_BYTES)?;
    let rotated;
    let (checkpoint, keys): (Checkpoint, &[PublicKey]) = match envelope.open(keys) {
        Ok(c) => (c, keys),
        // Signed by a key not pinned: the peer may have rotated its key.
        // Its rotation statements say so, signed by the old and the new.
        Err(unsigned @ VerifyError::Unsigned { .. }) => {
            match follow_rotations(client, registry, peer, base_url, keys).await? {
                Some(next) => rotated = next,
                None => return Err(unsigned.into()),
            }
            (envelope.open(&rotated)?, &rotated)
        }
        Err(e) => return Err(e.into()),
    };
    let since = mirror::read_state(registry, peer)?.since();
    let pages = fetch_pages(
        client,
        base_url,
        &endpoints.changes,
        since,
        &checkpoint,
        mirror::Checks::direct(local, peer),
    )
    .await?;
    let applied = mirror::apply(registry, local, peer, keys, &envelope, pages, now)?;
    Ok(Synced::Applied(applied, tag))
}

/// Fetches the rotation statements of `peer` and follows them from `keys`.
/// When they lead to other keys, those are pinned in the peers file at once
/// (each statement was signed by the key it replaces and by its
/// successor), and returned; `None` when they lead nowhere new.
///
/// # Errors
/// When the list cannot be fetched or read, or the peers file written.
async fn follow_rotations(
    client: &Client,
    registry: &Registry,
    peer: &RegistryId,
    base_url: &str,
    keys: &[PublicKey],
) -> Result<Option<Vec<PublicKey>>, SyncError> {
    let url = join(base_url, &Endpoints::default().rotations);
    let Fetched::Body(bytes, _) = client.get(&url, MAX_CHECKPOINT_BYTES, None).await? else {
        return Err(SyncError::Feed(FeedError::RotationsNotModified));
    };
    let list: crate::rotation::Rotations = serde_json::from_slice(&bytes)
        .map_err(|e| SyncError::Feed(FeedError::UnreadableRotations(e.to_string())))?;
    let next = crate::rotation::follow(keys, peer, &list);
    if next.as_slice() == keys {
        return Ok(None);
    }
    let mut file = Peers::load(registry)?;
    if let Some(p) = file.peers.iter_mut().find(|p| &p.id == peer) {
        p.keys.clone_from(&next);
    }
    file.save(registry)?;
    tracing::info!(
        target: "cdl_federation::sync",
        peer = %peer,
        keys = %next.iter().map(|k| k.fingerprint().to_string()).collect::<Vec<_>>().join(","),
        "followed a key rotation"
    );
    Ok(Some(next))
}
