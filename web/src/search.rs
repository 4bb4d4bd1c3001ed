//! The search shared by the page and the API: query parameters in, the
//! indexer's results out.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Instant;

use cdl_indexer::{
    FacetDim, Filter, IndexError, MAX_LIMIT, MAX_WINDOW, SearchRequest, SearchResults, Sort,
};

use crate::error::AppError;
use crate::state::AppState;

/// The query parameter that filters on facet `dim`: its name, except
/// `language` for the resource-language facet `lang` (the `lang`
/// parameter picks the interface's language on every page).
pub fn param_name(dim: FacetDim) -> &'static str {
    match dim {
        FacetDim::Lang => "language",
        other => other.as_str(),
    }
}

/// The facet that the query parameter `name` filters on, if any (the
/// inverse of [`param_name`]).
pub fn param_dim(name: &str) -> Option<FacetDim> {
    FacetDim::ALL.into_iter().find(|d| param_name(*d) == name)
}

/// The most values of one filter in a search (`tag=a&tag=b…`).
pub const MAX_VALUES_PER_FILTER: usize = 20;
/// The most filter values in a search, all filters together.
pub const MAX_FILTERS: usize = 50;

/// A search as asked in a query string.
#[derive(Debug, Clone, Default)]
pub struct Params {
    /// The words typed.
    pub q: String,
    /// Facet filters, in the order given.
    pub filters: Vec<Filter>,
    /// The page, from 1.
    pub page: usize,
    /// Hits per page, when the client asks (API).
    pub per_page: Option<usize>,
    /// The order of the hits (`sort=relevance|recent|title`).
    pub sort: Sort,
}

/// The order named by a `sort` parameter; an empty value is the default.
///
/// # Errors
/// [`AppError::BadQuery`] naming the orders there are.
pub fn parse_sort(value: &str) -> Result<Sort, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(Sort::default());
    }
    Sort::from_name(value).ok_or_else(|| {
        let names: Vec<&str> = Sort::ALL.iter().map(|s| s.as_str()).collect();
        AppError::BadQuery {
            fr: format!(
                "« {value} » n’est pas un ordre de tri : choisissez {}.",
                names.join(", ")
            ),
            en: format!("\"{value}\" is not a sort order: use {}.", names.join(", ")),
        }
    })
}

impl Params {
    /// Reads a query string. Unknown parameters are ignored, and repeated
    /// filters count once; a page that is not a number is a 400, and so are
    /// more than [`MAX_VALUES_PER_FILTER`] values of one filter or
    /// [`MAX_FILTERS`] in all (no link of the site makes such a search:
    /// refusing it says so, where ignoring some would silently change the
    /// results). Linear in the length of the query.
    ///
    /// # Errors
    /// [`AppError::BadRequest`] for a bad `page` or `per_page`;
    /// [`AppError::BadQuery`] for too many filters or an unknown `sort`.
    pub fn parse(query: Option<&str>) -> Result<Params, AppError> {
        let mut params = Params {
            page: 1,
            ..Params::default()
        };
        let mut seen: HashSet<Filter> = HashSet::new();
        let mut per_filter = [0usize; FacetDim::ALL.len()];
        for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match k.as_ref() {
                "q" => params.q = v.into_owned(),
                "page" => {
                    params.page = v.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
                        AppError::BadRequest("`page` must be a whole number from 1".to_owned())
                    })?;
                }
                "per_page" => {
                    params.per_page = Some(
                        v.parse()
                            .ok()
                            .filter(|p| (1..=MAX_LIMIT).contains(p))
                            .ok_or_else(|| {
                                AppError::BadRequest(format!(
                                    "`per_page` must be between 1 and {MAX_LIMIT}"
                                ))
                            })?,
                    );
                }
                "lang" => {}
                "sort" => params.sort = parse_sort(&v)?,
                name if !v.trim().is_empty() => {
                    let Some(dim) = param_dim(name) else {
                        continue;
                    };
                    let filter = Filter::new(dim, v.trim());
                    if seen.contains(&filter) {
                        continue;
                    }
                    let i = FacetDim::ALL.iter().position(|d| *d == dim).unwrap_or(0);
                    per_filter[i] += 1;
                    if per_filter[i] > MAX_VALUES_PER_FILTER {
                        return Err(AppError::BadQuery {
                            fr: format!(
                                "Trop de valeurs pour le filtre « {name} » : {MAX_VALUES_PER_FILTER} au plus."
                            ),
                            en: format!(
                                "Too many values of the filter `{name}`: at most {MAX_VALUES_PER_FILTER}."
                            ),
                        });
                    }
                    if seen.len() >= MAX_FILTERS {
                        return Err(AppError::BadQuery {
                            fr: format!(
                                "Trop de filtres : {MAX_FILTERS} au plus dans une recherche."
                            ),
                            en: format!("Too many filters: at most {MAX_FILTERS} in a search."),
                        });
                    }
                    seen.insert(filter.clone());
                    params.filters.push(filter);
                }
                _ => {}
            }
        }
        Ok(params)
    }

    /// The query string of this search with changes: `page` set, filter
    /// `add` added, filter `remove` removed.
    pub fn href(
        &self,
        page: usize,
        add: Option<(FacetDim, &str)>,
        remove: Option<(FacetDim, &str)>,
    ) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            out.append_pair("q", &self.q);
        }
        for f in &self.filters {
            if remove != Some((f.dim, f.value.as_str())) {
                out.append_pair(param_name(f.dim), &f.value);
            }
        }
        if let Some((dim, v)) = add {
            out.append_pair(param_name(dim), v);
        }
        if self.sort != Sort::default() {
            out.append_pair("sort", self.sort.as_str());
        }
        if page > 1 {
            out.append_pair("page", &page.to_string());
        }
        format!("/search?{}", out.finish())
    }

    /// True when this filter is active.
    pub fn has(&self, dim: FacetDim, value: &str) -> bool {
        self.filters
            .iter()
            .any(|f| f.dim == dim && f.value == value)
    }

    /// What identifies this search's results, page aside: the words, the
    /// filters and the order.
    fn cache_key(&self) -> String {
        let mut key = format!("{}\u{0}{}", self.q.trim(), self.sort.as_str());
        for f in &self.filters {
            key.push_str(&format!("\u{0}{}\u{1}{}", f.dim.as_str(), f.value));
        }
        key
    }
}

/// The key of a cached search: the index commit, the words, filters and
/// order ([`Params::cache_key`]), the page.
type Key = (String, String, usize, usize);

/// The cached results, and their keys oldest first.
type Entries = (HashMap<Key, Arc<SearchResults>>, VecDeque<Key>);

/// Recent search results, like a search engine's request cache: valid for
/// one index commit (a new commit makes every entry unreachable), evicted
/// first in, first out. Queries follow a long-tail distribution, so the
/// popular ones are answered without touching the index.
#[derive(Debug)]
pub struct SearchCache {
    capacity: usize,
    inner: Mutex<Entries>,
}

impl SearchCache {
    /// A cache of `capacity` results (0: no caching).
    pub fn new(capacity: usize) -> SearchCache {
        SearchCache {
            capacity,
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    fn get(&self, key: &Key) -> Option<Arc<SearchResults>> {
        if self.capacity == 0 {
            return None;
        }
        self.inner.lock().ok()?.0.get(key).cloned()
    }

    fn put(&self, key: Key, results: Arc<SearchResults>) {
        if self.capacity == 0 {
            return;
        }
        if let Ok(mut guard) = self.inner.lock() {
            let (map, order) = &mut *guard;
            // Entries of an older commit can never be hit again.
            if order.front().is_some_and(|k| k.0 != key.0) && map.len() >= self.capacity {
                map.clear();
                order.clear();
            }
            while map.len() >= self.capacity {
                match order.pop_front() {
                    Some(old) => {
                        map.remove(&old);
                    }
                    None => break,
                }
            }
            if map.insert(key.clone(), results).is_none() {
                order.push_back(key);
            }
        }
    }
}

/// The threads that run index searches: one per core, each taking the
/// oldest search waiting (cache hits never wait). A burst of clients then
/// queues in arrival order instead of thrashing the processor caches,
/// and every search runs on one of a few threads whose memory allocator
/// and caches stay warm: run on the thread of each request (dozens under
/// load), searches spent a tenth of their time getting fresh memory pages.
pub struct SearchThreads {
    queue: Arc<TaskQueue>,
    /// How many threads started (none: searches run on the caller).
    started: usize,
}

/// A search handed to the search threads.
type Task = Box<dyn FnOnce() + Send>;

#[derive(Default)]
struct TaskQueue {
    /// The tasks waiting, oldest first, and whether the queue is closed.
    inner: Mutex<(VecDeque<Task>, bool)>,
    ready: Condvar,
}

impl std::fmt::Debug for SearchThreads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchThreads")
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}

impl TaskQueue {
    fn push(&self, task: Task) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.0.push_back(task);
        drop(inner);
        self.ready.notify_one();
    }

    /// Runs the tasks in order until the queue is closed.
    fn work(&self) {
        loop {
            let task = {
                let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
                loop {
                    if let Some(task) = inner.0.pop_front() {
                        break task;
                    }
                    if inner.1 {
                        return;
                    }
                    inner = self
                        .ready
                        .wait(inner)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            };
            // A task catches its own panic (`SearchThreads::run`).
            task();
        }
    }
}

impl SearchThreads {
    /// `n` threads (at least one).
    pub fn new(n: usize) -> SearchThreads {
        let queue = Arc::new(TaskQueue::default());
        let mut started = 0;
        for i in 0..n.max(1) {
            let q = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("cdl-search-{i}"))
                .spawn(move || q.work());
            started += usize::from(spawned.is_ok());
        }
        SearchThreads { queue, started }
    }

    /// Runs `f` on a search thread after the searches that came before;
    /// its result (a panic in `f` comes back as an `Err`) is awaited
    /// without holding a thread: a request costs no trip through the
    /// blocking pool, two thread wake-ups fewer than [`Self::run`].
    pub async fn spawn<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> std::thread::Result<T> {
        if self.started == 0 {
            return tokio::task::spawn_blocking(move || {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            })
            .await
            .unwrap_or_else(|_| Err(Box::new("the search task stopped")));
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.queue.push(Box::new(move || {
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
        }));
        rx.await
            .unwrap_or_else(|_| Err(Box::new("the search threads stopped")))
    }

    /// Runs `f` on a search thread after the searches that came before,
    /// and returns its result; a panic in `f` comes back as an `Err`.
    /// Blocking: call it off the async executor.
    pub fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> std::thread::Result<T> {
        if self.started == 0 {
            return std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        }
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.queue.push(Box::new(move || {
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
        }));
        rx.recv()
            .unwrap_or_else(|_| Err(Box::new("the search threads stopped")))
    }
}

impl Drop for SearchThreads {
    fn drop(&mut self) {
        let mut inner = self
            .queue
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        inner.1 = true;
        drop(inner);
        self.queue.ready.notify_all();
    }
}

/// Runs a search on the index (blocking work off the executor).
///
/// # Errors
/// [`AppError::BadQuery`] when the query does not parse or goes too deep
/// (400); [`AppError::Internal`] for engine failures.
pub async fn run(
    state: &AppState,
    params: &Params,
    per_page: usize,
) -> Result<Arc<SearchResults>, AppError> {
    // Checked: `page` comes from the request (a wrapped sum would pass).
    let offset = params
        .page
        .checked_sub(1)
        .and_then(|p| p.checked_mul(per_page))
        .filter(|o| o.checked_add(per_page).is_some_and(|end| end <= MAX_WINDOW));
    let Some(offset) = offset else {
        return Err(AppError::BadQuery {
            fr: format!("Les résultats s’arrêtent à {MAX_WINDOW} : affinez la recherche."),
            en: format!("Results stop at {MAX_WINDOW}: refine the search."),
        });
    };
    let query_key = params.cache_key();
    let request = SearchRequest {
        query: params.q.trim().to_owned(),
        filters: params.filters.clone(),
        offset,
        limit: per_page,
        facet_values: 12,
        sort: params.sort,
        ..SearchRequest::new("")
    };
    let state = state.clone();
    // Whether the index is behind is a reference read, done here; the
    // catching up, blocking work, is done off the async workers.
    if !state.index_is_current() {
        let syncing = state.clone();
        tokio::task::spawn_blocking(move || syncing.sync_index())
            .await
            .map_err(AppError::internal)?;
    }
    let start = Instant::now();
    // The order is part of the key (facet counts do not depend on it,
    // but one key for both keeps the reuse below simple).
    let key: Key = (
        state.index.content_key(),
        query_key,
        request.offset,
        request.limit,
    );
    if let Some(hit) = state.search_cache.get(&key) {
        state.metrics.search(start.elapsed());
        return Ok(hit);
    }
    // A later page reuses the facet counts of the first, when cached:
    // counting visits every match.
    let first = (request.offset > 0)
        .then(|| {
            state
                .search_cache
                .get(&(key.0.clone(), key.1.clone(), 0, key.3))
        })
        .flatten();
    let mut request = request;
    request.facets = first.is_none();
    let searching = state.clone();
    let result = match state
        .search_threads
        .spawn(move || searching.index.search(&request))
        .await
    {
        Ok(result) => result,
        // A 500; the search threads go on.
        Err(_) => {
            return Err(AppError::internal(
                "the search stopped on an internal error",
            ));
        }
    }
    .map(|mut results| {
        if let Some(first) = &first {
            results.facets.clone_from(&first.facets);
        }
        Arc::new(results)
    });
    state.metrics.search(start.elapsed());
    if let Ok(results) = &result {
        state.search_cache.put(key, Arc::clone(results));
    }
    result.map_err(|e| match e {
        IndexError::Query(q) => AppError::BadQuery {
            fr: q.message_fr(),
            en: q.message_en(),
        },
        other => AppError::internal(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_run_in_arrival_order() {
        let threads = Arc::new(SearchThreads::new(1));
        let order = Arc::new(Mutex::new(Vec::new()));
        // Hold the only thread until four searches wait: the clients
        // start once it is held, or one could run before the holder and
        // the count of those waiting below would never be reached.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (holding, is_held) = std::sync::mpsc::channel::<()>();
        let holder = {
            let t = Arc::clone(&threads);
            std::thread::spawn(move || {
                t.run(move || {
                    let _ = holding.send(());
                    let _ = held.recv();
                })
            })
        };
        is_held.recv().unwrap();
        let waiting = || threads.queue.inner.lock().unwrap().0.len();
        let mut clients = Vec::new();
        for i in 0..4 {
            let (t, o) = (Arc::clone(&threads), Arc::clone(&order));
            clients.push(std::thread::spawn(move || {
                t.run(move || o.lock().unwrap().push(i)).unwrap();
            }));
            // Let client i queue before client i + 1.
            while waiting() < i + 1 {
                std::thread::yield_now();
            }
        }
        release.send(()).unwrap();
        holder.join().unwrap().unwrap();
        for c in clients {
            c.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3]);
        assert_eq!(waiting(), 0);
    }

    #[tokio::test]
    async fn spawned_searches_are_awaited_and_their_panics_returned() {
        for n in [0, 1] {
            // With no thread started, searches run on the blocking pool.
            let mut threads = SearchThreads::new(1);
            threads.started = threads.started.min(n);
            assert!(threads.spawn(|| panic!("boom")).await.is_err());
            assert_eq!(threads.spawn(|| 6 * 7).await.unwrap(), 42);
        }
    }

    #[test]
    fn a_search_that_panics_leaves_the_threads_working() {
        let threads = SearchThreads::new(1);
        assert!(threads.run(|| panic!("boom")).is_err());
        assert_eq!(threads.run(|| 6 * 7).unwrap(), 42);
    }

    #[test]
    fn filters_are_bounded_per_name_and_in_all() {
        let tags = |n: usize| {
            (0..n)
                .map(|i| format!("tag=t{i}"))
                .collect::<Vec<_>>()
                .join("&")
        };
        let p = Params::parse(Some(&tags(MAX_VALUES_PER_FILTER))).unwrap();
        assert_eq!(p.filters.len(), MAX_VALUES_PER_FILTER);
        for n in [MAX_VALUES_PER_FILTER + 1, 8_000] {
            let Err(AppError::BadQuery { fr, en }) = Params::parse(Some(&tags(n))) else {
                panic!("{n} tags accepted");
            };
            assert!(en.contains("`tag`") && en.contains("at most 20"), "{en}");
            assert!(fr.contains("« tag »"), "{fr}");
        }
        let mut many: Vec<String> = Vec::new();
        for name in FacetDim::ALL.map(param_name) {
            for i in 0..MAX_VALUES_PER_FILTER {
                many.push(format!("{name}=v{i}"));
            }
        }
        let Err(AppError::BadQuery { en, .. }) = Params::parse(Some(&many.join("&"))) else {
            panic!("{} filters accepted", many.len());
        };
        assert_eq!(
            en,
            format!("Too many filters: at most {MAX_FILTERS} in a search.")
        );
        let p = Params::parse(Some(&many[..MAX_FILTERS].join("&"))).unwrap();
        assert_eq!(p.filters.len(), MAX_FILTERS);
    }

    #[test]
    fn params_round_trip() {
        let p = Params::parse(Some(
            "q=tomate+bio&kind=seed-lot&tag=jardin%20partag%C3%A9&x=1",
        ))
        .unwrap();
        assert_eq!(p.q, "tomate bio");
        assert_eq!(
            p.filters,
            [
                Filter::new(FacetDim::Kind, "seed-lot"),
                Filter::new(FacetDim::Tag, "jardin partagé")
            ]
        );
        assert_eq!(
            p.href(2, None, Some((FacetDim::Kind, "seed-lot"))),
            "/search?q=tomate+bio&tag=jardin+partag%C3%A9&page=2"
        );
        let p = Params::parse(Some("q=x&sort=title&page=2")).unwrap();
        assert_eq!(p.sort, Sort::Title);
        assert_eq!(p.href(3, None, None), "/search?q=x&sort=title&page=3");
        assert_eq!(Params::parse(Some("sort=")).unwrap().sort, Sort::Relevance);
        let Err(AppError::BadQuery { fr, en }) = Params::parse(Some("sort=titre")) else {
            panic!("an unknown order accepted");
        };
        assert!(
            fr.contains("« titre »") && fr.contains("relevance, recent, title"),
            "{fr}"
        );
        assert!(en.contains("not a sort order"), "{en}");
        let p = Params::parse(Some("q=x&lang=en&language=fr")).unwrap();
        assert_eq!(
            p.filters,
            [Filter::new(FacetDim::Lang, "fr")],
            "`lang` is the interface's"
        );
        assert_eq!(p.href(1, None, None), "/search?q=x&language=fr");
        assert!(Params::parse(Some("page=0")).is_err());
        let repeated = "tag=a&".repeat(10_000);
        assert_eq!(Params::parse(Some(&repeated)).unwrap().filters.len(), 1);
        assert!(Params::parse(Some("page=x")).is_err());
        let p = Params::parse(Some("q=a&tag=x%22y")).unwrap();
        assert_eq!(
            p.filters,
            [Filter::new(FacetDim::Tag, "x\"y")],
            "values are passed as they are, not as query text"
        );
    }

    #[test]
    fn every_facet_has_a_parameter_and_back() {
        let names: Vec<&str> = FacetDim::ALL.map(param_name).to_vec();
        assert_eq!(
            names,
            [
                "kind", "license", "family", "verdict", "tag", "language", "species", "origin"
            ],
            "the names external links use"
        );
        for dim in FacetDim::ALL {
            assert_eq!(param_dim(param_name(dim)), Some(dim));
        }
        assert_eq!(param_dim("lang"), None, "the interface's language");
        assert_eq!(param_dim("q"), None);
    }

    #[test]
    fn cache_keys_tell_filters_from_words() {
        let key = |q: &str| Params::parse(Some(q)).unwrap().cache_key();
        assert_ne!(key("q=kind:software"), key("kind=software"));
        assert_ne!(key("tag=a&tag=b"), key("tag=a"));
        assert_ne!(key("q=x&sort=title"), key("q=x"));
        assert_eq!(key("q=x+&page=2"), key("q=x"));
    }
}
