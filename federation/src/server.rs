//! The server side of the protocol, as an axum router that the web crate
//! mounts: discovery, the checkpoint (with `ETag` and `304`), the changes
//! feed in pages, the inbox of offers and their signed outcomes.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Extension, Path, Query, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use cdl_registry::{ObjectId, Registry};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use crate::digest::Digest;
use crate::envelope::Envelope;
use crate::error::{InboxError, PublishError};
use crate::identity::Identity;
use crate::offers::{self, Delivery, MAX_OFFER_BYTES};
use crate::publish::{self, PAGE_CHANGES, State};
use crate::statement::{
    Discovery, Endpoints, KeyEntry, OfferId, Protocol, RegistryId, Republished,
};

/// A checkpoint is re-signed when it is older than this, even if nothing
/// changed, so that mirrors can tell a live peer from a frozen one.
pub const RESIGN_AFTER: SignedDuration = SignedDuration::from_hours(24);

/// The longest `after` cursor accepted.
const MAX_CURSOR: usize = 300;

/// What the server publishes, and the registry it reads.
pub struct Publisher {
    registry: Registry,
    identity: Identity,
    id: RegistryId,
    name: String,
    base_url: String,
    discovery: Vec<u8>,
    cache: Mutex<Option<Signed>>,
    /// The listings and digests the feeds' pages share.
    listings: publish::Listings,
    /// The next pages of the feeds being read, made while the mirror
    /// reads the page before ([`PREFETCHED_PAGES`] at most).
    ahead: Mutex<VecDeque<(PageKey, Arc<tokio::sync::OnceCell<Page>>)>>,
    /// Held while an offer is received, so that the same offer delivered
    /// twice at once makes one proposal.
    inbox: Mutex<()>,
    /// Held while a checkpoint is signed.
    signing: Mutex<()>,
}

/// The address the server listens on, in each request's extensions (the
/// web crate's `serve` puts it there): without a configured base URL, it
/// is the address offers must be made for.
#[derive(Debug, Clone, Copy)]
pub struct Listening(pub std::net::SocketAddr);

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher").field("id", &self.id).finish()
    }
}

/// The current checkpoint, signed.
#[derive(Clone)]
struct Signed {
    main: ObjectId,
    /// The shared applications attested in it.
    uses: Vec<String>,
    /// The mirrors re-published in it.
    republishes: Vec<Republished>,
    state: State,
    bytes: Arc<Vec<u8>>,
    etag: String,
    issued_at: Timestamp,
}

impl Publisher {
    /// A publisher of `registry` as `id` ("paris"), named `name` for
    /// people, at `base_url`, signing with `identity`.
    pub fn new(
        registry: Registry,
        identity: Identity,
        id: RegistryId,
        name: String,
        base_url: String,
    ) -> Publisher {
        let discovery = Discovery {
            protocol: Protocol,
            registry: id.clone(),
            name: name.clone(),
            base_url: base_url.clone(),
            keys: vec![KeyEntry::of(identity.public())],
            endpoints: Endpoints::default(),
        };
        let discovery = Envelope::seal(&discovery, &[&identity]).to_bytes();
        Publisher {
            registry,
            identity,
            id,
            name,
            base_url,
            discovery,
            cache: Mutex::new(None),
            listings: publish::Listings::default(),
            ahead: Mutex::default(),
            inbox: Mutex::new(()),
            signing: Mutex::new(()),
        }
    }

    /// Whether a checkpoint is signed and held.
    pub fn has_signed(&self) -> bool {
        self.cache.lock().is_ok_and(|c| c.is_some())
    }

    /// Signs the first checkpoint on a thread of its own, so that the
    /// first mirror after a start does not wait while the whole catalogue
    /// is read and digested (0.86 s at 100,000 records): a server that has
    /// run a while always holds one. Called by `serve` once it listens.
    pub fn warm(self: &Arc<Self>) {
        let p = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("checkpoint".to_owned())
            .spawn(move || {
                if let Err(e) = p.signed(Timestamp::now()) {
                    tracing::warn!(error = %e, "the first checkpoint could not be signed");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "the first checkpoint is signed at the first request");
        }
    }

    /// The registry's id.
    pub fn id(&self) -> &RegistryId {
        &self.id
    }

    /// Its name for people.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The registry it publishes.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The base URL it publishes under.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The checkpoint now: the cached one while `main` has not moved and it
    /// is younger than [`RESIGN_AFTER`], else a new one.
    fn signed(&self, now: Timestamp) -> Result<Signed, PublishError> {
        let main = self.registry.main()?;
        // Read at each request: a city that starts or stops using a shared
        // application is re-signed at once. A peers file that cannot be
        // read attests nothing (the operator sees the error at `peer list`).
        let peers = crate::peers::Peers::load(&self.registry).unwrap_or_default();
        // Likewise the mirrors re-published: a mirror that moves to another
        // chain, or a peer pinned or removed, is re-signed at once.
        let republishes =
            publish::republished(&self.registry, &self.id, &peers).unwrap_or_default();
        let uses = peers.uses;
        let fresh = || {
            self.cache
                .lock()
                .ok()
                .and_then(|cache| cache.clone())
                .filter(|c| {
                    c.main == main
                        && c.uses == uses
                        && c.republishes == republishes
                        && now.duration_since(c.issued_at) < RESIGN_AFTER
                })
        };
        if let Some(c) = fresh() {
            return Ok(c);
        }
        // One state computed at a time: a request that comes while the
        // start-up signing (or another request) reads the catalogue waits
        // for it rather than reading it a second time.
        let _one_at_a_time = self.signing.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = fresh() {
            return Ok(c);
        }
        let state = match self.cache.lock().ok().and_then(|c| c.clone()) {
            Some(c) if c.main == main => c.state,
            _ => publish::state(&self.registry, &self.listings)?,
        };
        let (_, envelope) = publish::checkpoint(
            &self.id,
            &state,
            &self.identity,
            now,
            uses.clone(),
            republishes.clone(),
        );
        let bytes = envelope.to_bytes();
        let etag = format!("\"{}\"", Digest::of(&bytes).hex());
        let signed = Signed {
            main,
            uses,
            republishes,
            state,
            bytes: Arc::new(bytes),
            etag,
            issued_at: now,
        };
        if let Ok(mut cache) = self.cache.lock() {
            *cache = Some(signed.clone());
        }
        Ok(signed)
    }
}

/// The router of the protocol's endpoints, to be merged into the web
/// crate's router (whatever that router's own state is).
pub fn router<S: Clone + Send + Sync + 'static>(publisher: Arc<Publisher>) -> Router<S> {
    let endpoints = Endpoints::default();
    Router::new()
        .route("/.well-known/conservatoire", get(discovery))
        .route(&endpoints.checkpoint, get(checkpoint))
        .route(&endpoints.changes, get(changes))
        .route(&endpoints.rotations, get(rotations))
        .route(
            &endpoints.inbox,
            post(inbox).layer(DefaultBodyLimit::max(MAX_OFFER_BYTES)),
        )
        .route(&format!("{}/{{id}}", endpoints.offers), get(offer_outcome))
        .route(
            &format!("{}/{{registry}}/checkpoint", endpoints.mirrors),
            get(mirror_checkpoint),
        )
        .route(
            &format!("{}/{{registry}}/changes", endpoints.mirrors),
            get(mirror_changes),
        )
        .with_state(publisher.clone())
        .merge(crate::git_http::router(publisher))
}

fn json(bytes: impl Into<axum::body::Body>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes.into(),
    )
        .into_response()
}

/// A problem document (RFC 9457), French first.
fn problem(status: StatusCode, title_fr: &str, title_en: &str, detail: String) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "status": status.as_u16(),
        "title": title_fr,
        "title_en": title_en,
        "detail": detail,
    });
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        )],
        body.to_string(),
    )
        .into_response()
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    problem(
        StatusCode::SERVICE_UNAVAILABLE,
        "Le catalogue ne peut pas être lu pour le moment",
        "The catalogue cannot be read right now",
        e.to_string(),
    )
}

async fn discovery(AxumState(p): AxumState<Arc<Publisher>>) -> Response {
    json(p.discovery.clone())
}

/// The rotation statements, read at each request: a rotation made by the
/// command line is served at once (the checkpoint is signed with the new
/// key once the server is restarted).
async fn rotations(AxumState(p): AxumState<Arc<Publisher>>) -> Response {
    match tokio::task::spawn_blocking(move || crate::rotation::load(&p.registry)).await {
        Ok(Ok(list)) => json(serde_json::to_vec_pretty(&list).unwrap_or_default()),
        Ok(Err(e)) => unavailable(e),
        Err(e) => unavailable(e),
    }
}

async fn checkpoint(AxumState(p): AxumState<Arc<Publisher>>, headers: HeaderMap) -> Response {
    let signed = match tokio::task::spawn_blocking(move || p.signed(Timestamp::now())).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return unavailable(e),
        Err(e) => return unavailable(e),
    };
    tagged(&headers, &signed.etag, signed.bytes.as_ref().clone())
}

/// `bytes` as JSON with the `ETag` `tag`, or `304` when the request's
/// `If-None-Match` names it.
fn tagged(headers: &HeaderMap, tag: &str, bytes: Vec<u8>) -> Response {
    let etag = HeaderValue::from_str(tag).unwrap_or(HeaderValue::from_static("\"\""));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut response = json(bytes);
    response.headers_mut().insert(header::ETAG, etag);
    response
}

fn unknown_mirror() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "Miroir inconnu",
        "Unknown mirror",
        "ce catalogue ne republie aucun miroir de ce registre".to_owned(),
    )
}

/// `GET /federation/v1/mirrors/{registry}/checkpoint`: the checkpoint of a
/// re-published mirror exactly as its origin signed it (so that the
/// origin's signature travels), with `ETag` and `304`.
async fn mirror_checkpoint(
    AxumState(p): AxumState<Arc<Publisher>>,
    Path(registry): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Ok(of) = registry.parse::<RegistryId>() else {
        return unknown_mirror();
    };
    let result = tokio::task::spawn_blocking(move || -> Result<Option<Vec<u8>>, PublishError> {
        let peers = crate::peers::Peers::load(&p.registry).unwrap_or_default();
        if !publish::republished(&p.registry, &p.id, &peers)?
            .iter()
            .any(|r| r.registry == of)
        {
            return Ok(None);
        }
        Ok(p.registry
            .mirror_file(of.as_str(), crate::mirror::CHECKPOINT_FILE)?)
    })
    .await;
    match result {
        Ok(Ok(Some(bytes))) => {
            let tag = format!("\"{}\"", Digest::of(&bytes).hex());
            tagged(&headers, &tag, bytes)
        }
        Ok(Ok(None)) => unknown_mirror(),
        Ok(Err(e)) => unavailable(e),
        Err(e) => unavailable(e),
    }
}

/// `GET /federation/v1/mirrors/{registry}/changes?since=V`: the changes of a
/// re-published mirror, in the shape and pages of `/changes`.
async fn mirror_changes(
    AxumState(p): AxumState<Arc<Publisher>>,
    Path(registry): Path<String>,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(of) = registry.parse::<RegistryId>() else {
        return unknown_mirror();
    };
    let Ok(Query(q)) = query else {
        return problem(
            StatusCode::BAD_REQUEST,
            "Requête de changements mal formée",
            "Malformed changes request",
            "since and version are whole numbers, after is a record path".into(),
        );
    };
    if q.after.as_ref().is_some_and(|a| a.len() > MAX_CURSOR) {
        return problem(
            StatusCode::BAD_REQUEST,
            "Curseur trop long",
            "Cursor too long",
            format!("after is at most {MAX_CURSOR} characters"),
        );
    }
    let endpoint = format!("{}/{of}/changes", Endpoints::default().mirrors);
    let result = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, PublishError> {
        let peers = crate::peers::Peers::load(&p.registry).unwrap_or_default();
        let page = publish::mirror_changes(
            &p.registry,
            &p.listings,
            &p.id,
            &peers,
            &of,
            q.since,
            q.version,
            q.after.as_deref(),
            PAGE_CHANGES,
        )?;
        Ok(linked_page(page, &endpoint))
    })
    .await;
    match result {
        Ok(Ok(bytes)) => json(bytes),
        Ok(Err(PublishError::UnknownMirror { .. })) => unknown_mirror(),
        Ok(Err(PublishError::SinceAhead { since, version })) => problem(
            StatusCode::BAD_REQUEST,
            "Version inconnue",
            "Unknown version",
            format!("version {since} is above the mirror's version {version}"),
        ),
        Ok(Err(PublishError::UnknownMirrorVersion { version })) => problem(
            StatusCode::BAD_REQUEST,
            "Version inconnue",
            "Unknown version",
            format!("the mirror never held version {version}"),
        ),
        Ok(Err(e)) => unavailable(e),
        Err(e) => unavailable(e),
    }
}

/// A page of changes as JSON, its cursor turned into the address of the
/// next page at `endpoint` (both feeds page the same way).
fn linked_page(mut page: crate::statement::Changes, endpoint: &str) -> Vec<u8> {
    page.next = page.next.map(|after| {
        format!(
            "{endpoint}?since={}&version={}&after={after}",
            page.since, page.version
        )
    });
    // Sized for the page, escapes and fields included, so that a page of
    // a megabyte or more is not regrown and copied as it is written.
    let size: usize = page
        .changes
        .iter()
        .map(|c| match c {
            crate::statement::Change::Put { path, text, .. } => {
                path.len() + text.len() + text.len() / 8 + 160
            }
            crate::statement::Change::Withdraw { path, reason } => {
                path.len() + reason.as_ref().map_or(0, String::len) + 64
            }
        })
        .sum();
    let mut out = Vec::with_capacity(size + 1024);
    match serde_json::to_writer(&mut out, &page) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// How many next pages of the changes feeds are made ahead, for as many
/// mirrors reading at once: a page (one thousand records, under 8 MiB) is
/// made while its mirror reads and checks the one before, so that the
/// first mirror of a large catalogue does not wait for each page in turn.
const PREFETCHED_PAGES: usize = 4;

/// A page of a changes feed: the version it leads to, the version it
/// starts from and the path it starts after. A page of a given version
/// never changes.
type PageKey = (u64, u64, Option<String>);

/// A page of a changes feed as served: its JSON, and the path the next
/// page starts after (none on the last page).
type Page = (Bytes, Option<String>);

/// Why a page of the changes feed could not be made.
#[derive(Debug)]
enum PageError {
    /// The registry could not make it.
    Publish(PublishError),
    /// The blocking task making it stopped.
    Join(tokio::task::JoinError),
}

/// Makes one page of the changes feed on a blocking thread.
async fn make_page(p: Arc<Publisher>, (version, since, after): PageKey) -> Result<Page, PageError> {
    tokio::task::spawn_blocking(move || {
        let now = Timestamp::now();
        let current = p.signed(now)?.state;
        let state = if version == current.version {
            current
        } else {
            publish::state_at(&p.registry, &p.listings, version)?
        };
        let page = publish::changes(
            &p.registry,
            &p.listings,
            &p.id,
            &state,
            since,
            after.as_deref(),
            PAGE_CHANGES,
        )?;
        let next = page.next.clone();
        let endpoint = Endpoints::default().changes;
        Ok((Bytes::from(linked_page(page, &endpoint)), next))
    })
    .await
    .map_err(PageError::Join)?
    .map_err(PageError::Publish)
}

impl Publisher {
    /// The cell of the page `key` made ahead, a new one if none is kept
    /// (the oldest then forgotten).
    fn ahead_cell(&self, key: &PageKey) -> Arc<tokio::sync::OnceCell<Page>> {
        let Ok(mut ahead) = self.ahead.lock() else {
            return Arc::default();
        };
        if let Some((_, cell)) = ahead.iter().find(|(k, _)| k == key) {
            return Arc::clone(cell);
        }
        let cell: Arc<tokio::sync::OnceCell<Page>> = Arc::default();
        if ahead.len() >= PREFETCHED_PAGES {
            ahead.pop_front();
        }
        ahead.push_back((key.clone(), Arc::clone(&cell)));
        cell
    }

    /// Starts making the page `key`, unless it is made or being made. A
    /// page that cannot be made is left to the request for it, which
    /// tries again and answers the error.
    fn make_ahead(self: &Arc<Self>, key: PageKey) {
        let cell = self.ahead_cell(&key);
        if cell.initialized() {
            return;
        }
        let p = Arc::clone(self);
        tokio::spawn(async move {
            let _ = cell.get_or_try_init(|| make_page(p, key)).await;
        });
    }

    /// Forgets the page `key` once answered: its mirror asks for the next.
    fn forget_ahead(&self, key: &PageKey) {
        if let Ok(mut ahead) = self.ahead.lock() {
            ahead.retain(|(k, _)| k != key);
        }
    }
}

/// The query of the changes feed.
#[derive(Debug, Deserialize)]
struct ChangesQuery {
    #[serde(default)]
    since: u64,
    version: Option<u64>,
    after: Option<String>,
}

async fn changes(
    AxumState(p): AxumState<Arc<Publisher>>,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return problem(
            StatusCode::BAD_REQUEST,
            "Requête de changements mal formée",
            "Malformed changes request",
            "since and version are whole numbers, after is a record path".into(),
        );
    };
    if q.after.as_ref().is_some_and(|a| a.len() > MAX_CURSOR) {
        return problem(
            StatusCode::BAD_REQUEST,
            "Curseur trop long",
            "Cursor too long",
            format!("after is at most {MAX_CURSOR} characters"),
        );
    }
    let version = match q.version {
        Some(v) => v,
        None => {
            let publisher = Arc::clone(&p);
            match tokio::task::spawn_blocking(move || publisher.signed(Timestamp::now())).await {
                Ok(Ok(signed)) => signed.state.version,
                Ok(Err(e)) => return unavailable(e),
                Err(e) => return unavailable(e),
            }
        }
    };
    let key: PageKey = (version, q.since, q.after);
    let cell = p.ahead_cell(&key);
    let made = cell
        .get_or_try_init(|| make_page(Arc::clone(&p), key.clone()))
        .await
        .cloned();
    p.forget_ahead(&key);
    match made {
        Ok((bytes, next)) => {
            // The mirror asks for the next page next: made meanwhile.
            if let Some(after) = next {
                p.make_ahead((key.0, key.1, Some(after)));
            }
            json(bytes)
        }
        Err(PageError::Publish(PublishError::SinceAhead { since, version })) => problem(
            StatusCode::BAD_REQUEST,
            "Version inconnue",
            "Unknown version",
            format!("version {since} is above the catalogue's current version {version}"),
        ),
        Err(PageError::Publish(e)) => unavailable(e),
        Err(PageError::Join(e)) => unavailable(e),
    }
}

/// `POST /federation/v1/inbox`: an offer, signed by a peer.
async fn inbox(
    AxumState(p): AxumState<Arc<Publisher>>,
    listening: Option<Extension<Listening>>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return inbox_problem(&InboxError::TooLarge {
                size: MAX_OFFER_BYTES + 1,
                limit: MAX_OFFER_BYTES,
            });
        }
        Err(e) => {
            return inbox_problem(&InboxError::Malformed(e.body_text()));
        }
    };
    // Offers are made for the configured public address, else for the
    // address this server listens on.
    let base_url = if p.base_url.is_empty() {
        listening
            .map(|Extension(Listening(addr))| format!("http://{addr}/"))
            .unwrap_or_default()
    } else {
        p.base_url.clone()
    };
    let result = tokio::task::spawn_blocking(move || {
        let _one_at_a_time = p.inbox.lock().unwrap_or_else(|e| e.into_inner());
        offers::receive(&p.registry, &p.id, &base_url, &body, Timestamp::now())
    })
    .await;
    match result {
        Ok(Ok((delivery, receipt))) => {
            let status = match delivery {
                Delivery::First => StatusCode::ACCEPTED,
                Delivery::Again => StatusCode::OK,
            };
            let mut response = json(serde_json::to_vec_pretty(&receipt).unwrap_or_default());
            *response.status_mut() = status;
            response
        }
        Ok(Err(e)) => {
            tracing::info!(target: "cdl_federation::inbox", error = %e, "offer refused");
            inbox_problem(&e)
        }
        Err(e) => unavailable(e),
    }
}

/// The problem document of a refused offer, French first.
fn inbox_problem(e: &InboxError) -> Response {
    let (status, fr, en, detail) = match e {
        InboxError::TooLarge { limit, .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            "Offre trop volumineuse",
            "Offer too large",
            format!("une offre fait au plus {limit} octets"),
        ),
        InboxError::Malformed(why) => (
            StatusCode::BAD_REQUEST,
            "Offre mal formée",
            "Malformed offer",
            format!("l’offre ne peut pas être lue : {why}"),
        ),
        InboxError::Unsigned(why) => (
            StatusCode::UNAUTHORIZED,
            "Offre non signée",
            "Unsigned offer",
            format!("une offre est une enveloppe DSSE signée par la ville qui l’envoie : {why}"),
        ),
        InboxError::UnknownPeer { from } => (
            StatusCode::UNAUTHORIZED,
            "Ville inconnue",
            "Unknown registry",
            format!(
                "« {from} » n’est pas une ville partenaire de ce catalogue : elle doit d’abord être ajoutée avec `conservatoire peer add`"
            ),
        ),
        InboxError::BadSignature { from, source } => (
            StatusCode::UNAUTHORIZED,
            "Signature non reconnue",
            "Bad signature",
            format!("l’offre n’est pas signée par la clé épinglée pour {from} : {source}"),
        ),
        InboxError::WrongReceiver { to, expected } => (
            StatusCode::FORBIDDEN,
            "Offre destinée à un autre catalogue",
            "Offer for another registry",
            format!("l’offre est destinée à {to}, et ce catalogue est {expected}"),
        ),
        InboxError::NoAddress => (
            StatusCode::FORBIDDEN,
            "Adresse publique inconnue",
            "No public address",
            "ce catalogue n’a pas d’adresse publique (base_url) à laquelle comparer le destinataire de l’offre".to_owned(),
        ),
        InboxError::Expired { expires_at } => (
            StatusCode::GONE,
            "Offre expirée",
            "Offer expired",
            format!("l’offre a expiré le {expires_at}"),
        ),
        InboxError::Conflict { id } => (
            StatusCode::CONFLICT,
            "Identifiant déjà utilisé",
            "Offer id already used",
            format!("l’identifiant {id} désigne déjà une autre offre"),
        ),
        InboxError::InvalidRecord(why) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Fiche invalide",
            "Invalid record",
            format!("la fiche proposée n’est pas valide : {why}"),
        ),
        InboxError::Withdrawn { target } => (
            StatusCode::CONFLICT,
            "Fiche retirée",
            "Record withdrawn",
            format!("la fiche {target} a été retirée de ce catalogue et ne peut pas revenir"),
        ),
        InboxError::NoChange { target } => (
            StatusCode::CONFLICT,
            "Aucun changement",
            "No change",
            format!("la fiche {target} est déjà au catalogue telle qu’offerte"),
        ),
        InboxError::Peers(e) => return unavailable(e),
        InboxError::Storage(e) => return unavailable(e),
    };
    problem(status, fr, en, detail)
}

/// `GET /federation/v1/offers/{id}`: the signed outcome of an offer.
async fn offer_outcome(
    AxumState(p): AxumState<Arc<Publisher>>,
    Path(id): Path<String>,
) -> Response {
    let not_found = || {
        problem(
            StatusCode::NOT_FOUND,
            "Offre inconnue",
            "Unknown offer",
            "aucune offre de cet identifiant n’a été reçue".to_owned(),
        )
    };
    let Ok(id) = id.parse::<OfferId>() else {
        return not_found();
    };
    let result = tokio::task::spawn_blocking(move || {
        offers::outcome(&p.registry, &p.id, &id)
            .map(|o| o.map(|outcome| Envelope::seal(&outcome, &[&p.identity]).to_bytes()))
    })
    .await;
    match result {
        Ok(Ok(Some(bytes))) => json(bytes),
        Ok(Ok(None)) => not_found(),
        Ok(Err(e)) => unavailable(e),
        Err(e) => unavailable(e),
    }
}
