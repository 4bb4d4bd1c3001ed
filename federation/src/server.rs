//! The server side of the protocol, as an axum router that the web crate
//! mounts: discovery, the checkpoint (with `ETag` and `304`), the changes
//! feed in pages.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cdl_registry::{ObjectId, Registry};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use crate::digest::Digest;
use crate::envelope::Envelope;
use crate::error::PublishError;
use crate::identity::Identity;
use crate::publish::{self, PAGE_CHANGES, State};
use crate::statement::{Discovery, Endpoints, KeyEntry, Protocol, RegistryId};

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
}

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
        let uses = crate::peers::Peers::load(&self.registry)
            .map(|p| p.uses)
            .unwrap_or_default();
        if let Ok(cache) = self.cache.lock()
            && let Some(c) = cache.as_ref()
            && c.main == main
            && c.uses == uses
            && now.duration_since(c.issued_at) < RESIGN_AFTER
        {
            return Ok(c.clone());
        }
        let state = match self.cache.lock().ok().and_then(|c| c.clone()) {
            Some(c) if c.main == main => c.state,
            _ => publish::state(&self.registry)?,
        };
        let (_, envelope) =
            publish::checkpoint(&self.id, &state, &self.identity, now, uses.clone());
        let bytes = envelope.to_bytes();
        let etag = format!("\"{}\"", Digest::of(&bytes).hex());
        let signed = Signed {
            main,
            uses,
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
        .with_state(publisher.clone())
        .merge(crate::git_http::router(publisher))
}

fn json(bytes: Vec<u8>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
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

async fn checkpoint(AxumState(p): AxumState<Arc<Publisher>>, headers: HeaderMap) -> Response {
    let signed = match tokio::task::spawn_blocking(move || p.signed(Timestamp::now())).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return unavailable(e),
        Err(e) => return unavailable(e),
    };
    let etag = HeaderValue::from_str(&signed.etag).unwrap_or(HeaderValue::from_static("\"\""));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == signed.etag));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut response = json(signed.bytes.as_ref().clone());
    response.headers_mut().insert(header::ETAG, etag);
    response
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
    let endpoint = Endpoints::default().changes;
    let result = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, PublishError> {
        let now = Timestamp::now();
        let current = p.signed(now)?.state;
        let state = match q.version {
            Some(v) if v != current.version => publish::state_at(&p.registry, v)?,
            _ => current,
        };
        let mut page = publish::changes(
            &p.registry,
            &p.id,
            &state,
            q.since,
            q.after.as_deref(),
            PAGE_CHANGES,
        )?;
        page.next = page.next.map(|after| {
            format!(
                "{endpoint}?since={}&version={}&after={after}",
                page.since, page.version
            )
        });
        Ok(serde_json::to_vec(&page).unwrap_or_default())
    })
    .await;
    match result {
        Ok(Ok(bytes)) => json(bytes),
        Ok(Err(PublishError::SinceAhead { since, version })) => problem(
            StatusCode::BAD_REQUEST,
            "Version inconnue",
            "Unknown version",
            format!("version {since} is above the catalogue's current version {version}"),
        ),
        Ok(Err(e)) => unavailable(e),
        Err(e) => unavailable(e),
    }
}
