//! The application state shared by every handler: the registry, the
//! search index, sessions, rate limits, metrics and small caches.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cdl_indexer::{IndexOptions, SearchIndex, SearchRequest};
use cdl_records::Kind;
use cdl_registry::{ChangeKind, RecordKey, RecordState, Registry};

use crate::config::WebConfig;
use crate::metrics::Metrics;
use crate::security::{CsrfKey, RateLimiter, Sessions};

/// Everything the handlers share. Built once by [`App::start`].
#[derive(Debug)]
pub struct App {
    /// The configuration.
    pub config: WebConfig,
    /// The registry served.
    pub registry: Registry,
    /// Its search index.
    pub index: SearchIndex,
    /// The curators' password file.
    pub curators_file: PathBuf,
    /// Curators' sessions.
    pub sessions: Sessions,
    /// The secret CSRF tokens are derived with.
    pub csrf_key: CsrfKey,
    /// Proposals per client.
    pub proposal_limiter: RateLimiter,
    /// Failed logins per client address.
    pub login_limiter: RateLimiter,
    /// Failed logins per curator account (see [`crate::security::account_key`]).
    pub account_limiter: RateLimiter<String>,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// The home page's figures, for one `main` commit.
    home: Mutex<Option<Arc<HomeData>>>,
    /// Held while the index catches up with `main`.
    catching_up: Mutex<()>,
    /// Recent search results.
    pub search_cache: crate::search::SearchCache,
    /// The threads index searches run on: one per core, so that a burst
    /// of clients queues in order instead of thrashing the processor caches.
    pub search_threads: crate::search::SearchThreads,
    /// Records parsed at once (proposals): one per core. Parsing is CPU
    /// work off the async workers; more at once would only add memory.
    pub parse_slots: Arc<tokio::sync::Semaphore>,
    /// The sitemap, for one `main` commit and site address: (key, XML).
    pub sitemap: Mutex<Option<(String, Arc<String>)>>,
    /// What the federation endpoints publish (its own registry handle,
    /// key and signed checkpoint).
    pub federation: Arc<cdl_federation::server::Publisher>,
    /// The exchange's bookings store, opened on first use, and the `main`
    /// its lots follow.
    pub exchange: crate::exchange::Exchange,
    /// Records and datestamps for harvesters, for one `main` commit.
    pub open_data: crate::open_data::CatalogueCache,
}

/// The handle handlers receive: cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

/// The error returned by [`App::start`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The search index could not be opened or brought up to date.
    #[error("search index: {0}")]
    Index(#[from] cdl_indexer::IndexError),
    /// The federation key or identity could not be set up.
    #[error("federation: {0}")]
    Federation(String),
    /// The registry could not be opened a second time for federation.
    #[error("federation: {0}")]
    Open(#[from] cdl_registry::OpenError),
}

/// One of the latest additions.
#[derive(Debug, Clone)]
pub struct Latest {
    /// The record.
    pub key: RecordKey,
    /// Its title.
    pub title: String,
    /// The language of its title when it is not French.
    pub title_lang: Option<String>,
    /// Its summary.
    pub summary: Option<String>,
    /// Its English title and summary, when it has them.
    pub english: Option<cdl_records::Translation>,
    /// When it was added (commit time, seconds since the epoch).
    pub time: i64,
}

/// The figures of the home page and the feed, for one `main` commit.
#[derive(Debug, Clone)]
pub struct HomeData {
    /// The commit.
    pub commit: String,
    /// Records in the catalogue.
    pub total: u64,
    /// Records per kind, in [`Kind::ALL`] order.
    pub counts: Vec<(Kind, u64)>,
    /// The latest additions, newest first.
    pub latest: Vec<Latest>,
}

/// The processor cores this process may use.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
}

/// How many latest additions the home page and the feed show.
pub const LATEST: usize = 20;
/// How many commits back the latest additions are looked for.
const LATEST_COMMITS: usize = 30;

impl App {
    /// Opens (or builds) the search index of `registry` and catches it up
    /// with `main`. Blocks: a full build of 100,000 records takes seconds.
    ///
    /// # Errors
    /// When the index cannot be opened or built.
    pub fn start(config: WebConfig, registry: Registry) -> Result<App, StartError> {
        let index_dir = config.index_dir_for(registry.git_dir());
        // One search per core already runs at once (`search_threads`):
        // splitting each over the cores too only adds thread switches.
        let options = IndexOptions {
            search_threads: 1,
            ..IndexOptions::default()
        };
        let (index, _) = SearchIndex::open(&index_dir, options)?;
        index.catch_up(&registry, &mut |_| {})?;
        let curators_file = config.curators_file_for(registry.git_dir());
        let federation = {
            use cdl_federation::peers;
            // The key is made on the first `serve` and kept outside Git.
            let (identity, _) =
                peers::identity(&registry).map_err(|e| StartError::Federation(e.to_string()))?;
            let id =
                peers::local_id(&registry).map_err(|e| StartError::Federation(e.to_string()))?;
            let base_url = config
                .base_url
                .as_ref()
                .or(registry.config().base_url.as_ref())
                .map(|u| u.to_string())
                .unwrap_or_default();
            let handle = Registry::open_with(registry.git_dir(), registry.options().clone())?;
            Arc::new(cdl_federation::server::Publisher::new(
                handle,
                identity,
                id,
                registry.config().name.clone(),
                base_url,
            ))
        };
        Ok(App {
            federation,
            exchange: crate::exchange::Exchange::default(),
            sessions: Sessions::new(Duration::from_secs(
                config.session_minutes.saturating_mul(60),
            )),
            csrf_key: CsrfKey::random(),
            proposal_limiter: RateLimiter::new(config.proposals_burst, config.proposals_per_hour),
            login_limiter: RateLimiter::new(5, config.logins_per_hour),
            account_limiter: RateLimiter::new(5, config.logins_per_hour),
            metrics: Metrics::default(),
            home: Mutex::new(None),
            catching_up: Mutex::new(()),
            sitemap: Mutex::new(None),
            open_data: crate::open_data::CatalogueCache::default(),
            search_cache: crate::search::SearchCache::new(config.search_cache_entries),
            search_threads: crate::search::SearchThreads::new(cores()),
            parse_slots: Arc::new(tokio::sync::Semaphore::new(cores())),
            curators_file,
            config,
            registry,
            index,
        })
    }

    /// The name for people of an origin registry: this registry's own
    /// name, a peer's name from the peers file, the name kept with the
    /// mirror of a registry a peer re-publishes, else the id itself.
    pub fn origin_name(&self, origin: &str) -> String {
        let config = self.registry.config();
        if origin == config.id {
            return config.name.clone();
        }
        cdl_federation::peers::Peers::load(&self.registry)
            .ok()
            .and_then(|peers| {
                peers
                    .peers
                    .into_iter()
                    .find(|p| p.id.as_str() == origin)
                    .map(|p| p.name)
            })
            // A registry a peer re-publishes: the name its mirror keeps.
            .or_else(|| {
                let id = origin.parse().ok()?;
                cdl_federation::mirror::via(&self.registry, &id)
                    .ok()
                    .flatten()
                    .map(|v| v.name)
            })
            .unwrap_or_else(|| origin.to_owned())
    }

    /// Wraps the app for handlers.
    pub fn into_state(self) -> AppState {
        AppState(Arc::new(self))
    }

    /// Whether the index reflects `main` and the mirrors (one reference
    /// read; `true` when the references cannot be read, as there is then
    /// nothing to catch up with).
    pub fn index_is_current(&self) -> bool {
        self.index.is_current(&self.registry).unwrap_or(true)
    }

    /// Brings the index up to `main` if another process (or a merge here)
    /// moved it. Blocking; cheap when nothing changed (one reference read).
    /// When another thread is already catching up, returns at once.
    pub fn sync_index(&self) {
        if self.index_is_current() {
            return;
        }
        if let Ok(_guard) = self.catching_up.try_lock() {
            let start = std::time::Instant::now();
            match self.index.catch_up(&self.registry, &mut |_| {}) {
                Ok(_) => tracing::info!(
                    commit = self.index.commit().as_deref().unwrap_or(""),
                    records = self.index.num_docs(),
                    elapsed_ms = start.elapsed().as_secs_f64() * 1000.0,
                    "search index caught up with main"
                ),
                Err(e) => tracing::error!(
                    error = %crate::error::chain(&e),
                    "catching up the search index failed"
                ),
            }
        }
    }

    /// The figures of the home page for the current `main`, computed once
    /// per commit. Blocking.
    ///
    /// # Errors
    /// When the registry or the index cannot be read.
    pub fn home_data(&self) -> Result<Arc<HomeData>, String> {
        self.sync_index();
        let main = self
            .registry
            .main()
            .map_err(|e| e.to_string())?
            .to_hex()
            .to_string();
        if let Ok(guard) = self.home.lock()
            && let Some(data) = guard.as_ref()
            && data.commit == main
        {
            return Ok(Arc::clone(data));
        }
        let mut request = SearchRequest::new("");
        request.limit = 1;
        request.facet_values = 10;
        let results = self.index.search(&request).map_err(|e| e.to_string())?;
        let kind_facet = results.facets.get(&cdl_indexer::FacetDim::Kind);
        let counts = Kind::ALL
            .iter()
            .map(|k| {
                let n = kind_facet
                    .and_then(|f| f.iter().find(|c| c.value == k.as_str()))
                    .map_or(0, |c| c.count);
                (*k, n)
            })
            .collect();
        let data = Arc::new(HomeData {
            commit: main.clone(),
            total: results.total as u64,
            counts,
            latest: self.latest_additions(&main),
        });
        if let Ok(mut guard) = self.home.lock() {
            *guard = Some(Arc::clone(&data));
        }
        Ok(data)
    }

    /// Records added by the last commits of `main`, newest first.
    fn latest_additions(&self, main: &str) -> Vec<Latest> {
        let mut out = Vec::new();
        for i in 0..LATEST_COMMITS {
            let (newer, older) = (format!("{main}~{i}"), format!("{main}~{}", i + 1));
            let Ok(changes) = self.registry.diff(&older, &newer) else {
                break;
            };
            let added: Vec<RecordKey> = changes
                .into_iter()
                .filter(|c| c.change == ChangeKind::Added)
                .map(|c| c.key)
                .collect();
            if added.is_empty() {
                continue;
            }
            let time = self
                .registry
                .history(&added[0], Some(&newer))
                .ok()
                .and_then(|h| h.first().map(|e| e.time))
                .unwrap_or(0);
            for key in added {
                if out.len() >= LATEST {
                    return out;
                }
                if let Ok(RecordState::Present(record)) = self.registry.record(&key, Some(main)) {
                    out.push(Latest {
                        key,
                        title: record.title.clone(),
                        title_lang: Some(crate::view::title_lang(&record).to_owned()),
                        summary: record.summary.clone(),
                        english: record
                            .translations
                            .iter()
                            .find(|(tag, _)| {
                                tag.as_str() == "en" || tag.as_str().starts_with("en-")
                            })
                            .map(|(_, t)| t.clone()),
                        time,
                    });
                }
            }
        }
        out
    }
}
