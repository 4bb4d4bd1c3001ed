//! `/healthz`, `/metrics` (OpenMetrics text, from `prometheus-client`) and
//! the middleware that counts, times and logs every request.
//!
//! The request line is one `tracing` event per request (target
//! `cdl_web::request`) with the method, the matched route (never the raw
//! path nor the query string, which may carry anything), the status, the
//! latency and the request id that the client also gets back in
//! `x-request-id`. Handlers' own events run inside a `request` span that
//! carries the same id.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use tower_http::request_id::RequestId;
use tracing::Instrument;

use crate::state::AppState;

/// The header that carries a request's id, both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client; longer ones are replaced.
pub const MAX_REQUEST_ID: usize = 64;

/// The route label of requests that matched no route (404s of unknown
/// paths): one label, whatever the path.
pub const UNMATCHED: &str = "unmatched";

/// Upper bounds of the search latency histogram, in seconds.
const SEARCH_BUCKETS: [f64; 8] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

/// Upper bounds of the request latency histogram, in seconds.
const REQUEST_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// How many commits behind `main` the index lag gauge counts at most;
/// further behind reads as this.
pub const MAX_LAG_COMMITS: usize = 10_000;

/// The labels of the sync metrics: one peer of the peers file, and what
/// its sync did (`not-modified`, `applied`, `refused`).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SyncLabels {
    peer: String,
    outcome: &'static str,
}

/// What became of a booking request or a cancellation, as the booking
/// metrics count it.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum BookingOutcome {
    /// Booked.
    Booked,
    /// Refused: a lot had not enough left.
    LotShort,
    /// Refused: the session had no place left.
    SessionFull,
    /// Refused: the session had started.
    SessionStarted,
    /// Refused for another reason (an unknown lot or session, a bad
    /// request).
    Refused,
    /// A booking cancelled.
    Cancelled,
}

impl EncodeLabelValue for BookingOutcome {
    fn encode(
        &self,
        encoder: &mut prometheus_client::encoding::LabelValueEncoder<'_>,
    ) -> Result<(), std::fmt::Error> {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

impl BookingOutcome {
    /// Its label value.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingOutcome::Booked => "booked",
            BookingOutcome::LotShort => "lot-short",
            BookingOutcome::SessionFull => "session-full",
            BookingOutcome::SessionStarted => "session-started",
            BookingOutcome::Refused => "refused",
            BookingOutcome::Cancelled => "cancelled",
        }
    }

    /// The outcome of a refused booking or cancellation.
    pub fn of(error: &cdl_exchange::ExchangeError) -> BookingOutcome {
        use cdl_exchange::ExchangeError as E;
        match error {
            E::LotShort { .. } => BookingOutcome::LotShort,
            E::SessionFull { .. } => BookingOutcome::SessionFull,
            E::SessionStarted(_) => BookingOutcome::SessionStarted,
            _ => BookingOutcome::Refused,
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BookingLabels {
    outcome: BookingOutcome,
}

/// The labels of the request metrics: a bounded set (methods outside the
/// standard ones read `OTHER`, unknown paths read [`UNMATCHED`]).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

fn request_histogram() -> Histogram {
    Histogram::new(REQUEST_BUCKETS)
}

/// The server's metrics, registered once in their own registry (no global
/// state): see [`Metrics::encode`] for the names.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    responses: Family<RequestLabels, Counter>,
    durations: Family<RequestLabels, Histogram, fn() -> Histogram>,
    searches: Histogram,
    proposals: Counter,
    records_checked: Counter,
    rate_limited: Counter,
    merges: Counter,
    rejections: Counter,
    indexed_records: Gauge,
    index_segments: Gauge,
    search_cache_bytes: Gauge,
    index_lag: Gauge,
    proposals_open: Gauge,
    syncs: Family<SyncLabels, Counter>,
    sync_durations: Histogram,
    bookings: Family<BookingLabels, Counter>,
    booking_durations: Histogram,
    active_bookings: Gauge,
    units_booked: Gauge,
    upcoming_sessions: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Every metric at zero, registered.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let responses = Family::<RequestLabels, Counter>::default();
        registry.register(
            "cdl_http_responses",
            "HTTP responses by method, matched route and status code",
            responses.clone(),
        );
        let durations = Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            request_histogram,
        );
        registry.register(
            "cdl_http_request_duration_seconds",
            "Time from a request's head to its response's head, by method, matched route and status code",
            durations.clone(),
        );
        let searches = Histogram::new(SEARCH_BUCKETS);
        registry.register(
            "cdl_search_duration_seconds",
            "Time to run a search",
            searches.clone(),
        );
        let counter = |registry: &mut Registry, name: &str, help: &str| {
            let c = Counter::default();
            registry.register(name, help, c.clone());
            c
        };
        let proposals = counter(&mut registry, "cdl_proposals", "Proposals made");
        let records_checked = counter(
            &mut registry,
            "cdl_records_checked",
            "Submitted records parsed and checked",
        );
        let rate_limited = counter(
            &mut registry,
            "cdl_rate_limited",
            "Requests refused by a rate limit",
        );
        let merges = counter(&mut registry, "cdl_merges", "Proposals merged here");
        let rejections = counter(&mut registry, "cdl_rejections", "Proposals rejected here");
        let gauge = |registry: &mut Registry, name: &str, help: &str| {
            let g = Gauge::default();
            registry.register(name, help, g.clone());
            g
        };
        let indexed_records = gauge(
            &mut registry,
            "cdl_indexed_records",
            "Records in the search index",
        );
        let index_segments = gauge(
            &mut registry,
            "cdl_index_segments",
            "Segments of the search index",
        );
        let search_cache_bytes = gauge(
            &mut registry,
            "cdl_search_cache_bytes",
            "Memory kept per index segment to speed searches up",
        );
        let index_lag = gauge(
            &mut registry,
            "cdl_index_lag_commits",
            "Commits of main the search index has not caught up with yet (at most 10000)",
        );
        let proposals_open = gauge(
            &mut registry,
            "cdl_proposals_open",
            "Proposals waiting for a curator",
        );
        let syncs = Family::<SyncLabels, Counter>::default();
        registry.register(
            "cdl_syncs",
            "Syncs of peers' mirrors made by serve --sync-every, by peer and outcome",
            syncs.clone(),
        );
        let sync_durations = Histogram::new(REQUEST_BUCKETS);
        registry.register(
            "cdl_sync_duration_seconds",
            "Time taken by one scheduled sync of every peer",
            sync_durations.clone(),
        );
        let bookings = Family::<BookingLabels, Counter>::default();
        registry.register(
            "cdl_bookings",
            "Booking requests and cancellations handled by this server, by outcome",
            bookings.clone(),
        );
        let booking_durations = Histogram::new(SEARCH_BUCKETS);
        registry.register(
            "cdl_booking_duration_seconds",
            "Time the bookings database took to book or refuse",
            booking_durations.clone(),
        );
        let active_bookings = gauge(
            &mut registry,
            "cdl_exchange_active_bookings",
            "Bookings not cancelled, in the bookings database",
        );
        let units_booked = gauge(
            &mut registry,
            "cdl_exchange_units_booked",
            "Units of seed and ferment lots held by active bookings",
        );
        let upcoming_sessions = gauge(
            &mut registry,
            "cdl_exchange_upcoming_sessions",
            "Opening sessions still to start",
        );
        Metrics {
            registry,
            bookings,
            booking_durations,
            active_bookings,
            units_booked,
            upcoming_sessions,
            syncs,
            sync_durations,
            responses,
            durations,
            searches,
            proposals,
            records_checked,
            rate_limited,
            merges,
            rejections,
            indexed_records,
            index_segments,
            search_cache_bytes,
            index_lag,
            proposals_open,
        }
    }

    /// Counts the sync of `peer` (`outcome`: `not-modified`, `applied` or
    /// `refused`).
    pub fn sync(&self, peer: &str, outcome: &'static str) {
        self.syncs
            .get_or_create(&SyncLabels {
                peer: peer.to_owned(),
                outcome,
            })
            .inc();
    }

    /// Counts one scheduled sync of every peer that took `elapsed`.
    pub fn sync_round(&self, elapsed: Duration) {
        self.sync_durations.observe(elapsed.as_secs_f64());
    }

    /// Counts a booking request (timed: `elapsed`) or a cancellation.
    pub fn booking(&self, outcome: BookingOutcome, elapsed: Option<Duration>) {
        self.bookings
            .get_or_create(&BookingLabels { outcome })
            .inc();
        if let Some(elapsed) = elapsed {
            self.booking_durations.observe(elapsed.as_secs_f64());
        }
    }

    /// Sets the exchange's gauges from the bookings database's figures.
    pub fn exchange_figures(&self, figures: cdl_exchange::Figures) {
        self.active_bookings.set(figures.active_bookings);
        self.units_booked.set(figures.units_booked);
        self.upcoming_sessions.set(figures.upcoming_sessions);
    }

    /// Counts a search that took `elapsed`.
    pub fn search(&self, elapsed: Duration) {
        self.searches.observe(elapsed.as_secs_f64());
    }

    /// Counts a proposal made.
    pub fn proposal(&self) {
        self.proposals.inc();
    }

    /// Counts a submitted record parsed and checked.
    pub fn record_checked(&self) {
        self.records_checked.inc();
    }

    /// Counts a request refused by a rate limit.
    pub fn rate_limited(&self) {
        self.rate_limited.inc();
    }

    /// Counts a merge.
    pub fn merge(&self) {
        self.merges.inc();
    }

    /// Counts a rejection.
    pub fn rejection(&self) {
        self.rejections.inc();
    }

    /// Counts and times one answered request.
    fn request(&self, labels: &RequestLabels, elapsed: Duration) {
        self.responses.get_or_create(labels).inc();
        self.durations
            .get_or_create(labels)
            .observe(elapsed.as_secs_f64());
    }

    /// Every metric in the OpenMetrics text format (what Prometheus
    /// scrapes), ending with `# EOF`. Counters end in `_total`:
    /// `cdl_http_responses_total`, `cdl_proposals_total`,
    /// `cdl_records_checked_total`, `cdl_rate_limited_total`,
    /// `cdl_merges_total`, `cdl_rejections_total`; histograms:
    /// `cdl_http_request_duration_seconds`, `cdl_search_duration_seconds`;
    /// `cdl_syncs_total`, `cdl_bookings_total` (by outcome); histograms:
    /// `cdl_sync_duration_seconds`, `cdl_booking_duration_seconds`;
    /// gauges: `cdl_indexed_records`, `cdl_index_segments`,
    /// `cdl_search_cache_bytes`, `cdl_index_lag_commits`,
    /// `cdl_proposals_open`, `cdl_exchange_active_bookings`,
    /// `cdl_exchange_units_booked`, `cdl_exchange_upcoming_sessions`.
    ///
    /// # Errors
    /// Never in practice: writing to a `String` does not fail.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}

/// The methods counted by name; any other reads `OTHER`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::PATCH => "PATCH",
        _ => "OTHER",
    }
}

/// Whether a client's request id can be kept: short, and only letters,
/// digits and `-_.:`, so that it can go into a log line as it is.
pub fn acceptable_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_REQUEST_ID
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Middleware before the request id is set: drops a client's
/// `x-request-id` that [`acceptable_request_id`] refuses, so that a fresh
/// one is made.
pub async fn screen_request_id(mut request: Request, next: Next) -> Response {
    if request
        .headers()
        .get_all(REQUEST_ID)
        .iter()
        .enumerate()
        .any(|(i, v)| i > 0 || !acceptable_request_id(v))
    {
        request.headers_mut().remove(REQUEST_ID);
    }
    next.run(request).await
}

/// Middleware counting, timing and logging every request: one line per
/// request (see the module's documentation), at `info`, or `warn` for
/// server errors.
pub async fn observe_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let start = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str)
        .filter(|r| !r.contains("__private__"))
        .unwrap_or(UNMATCHED)
        .to_owned();
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("")
        .to_owned();
    let span = tracing::info_span!("request", request_id = %id);
    let response = next.run(request).instrument(span).await;
    let elapsed = start.elapsed();
    let status = response.status().as_u16();
    // Microseconds are enough; more digits are noise in a log line.
    let latency_ms = (elapsed.as_micros() as f64) / 1000.0;
    if response.status().is_server_error() {
        tracing::warn!(
            target: "cdl_web::request",
            method, route = %route, status, latency_ms, request_id = %id,
            "request"
        );
    } else {
        tracing::info!(
            target: "cdl_web::request",
            method, route = %route, status, latency_ms, request_id = %id,
            "request"
        );
    }
    state.metrics.request(
        &RequestLabels {
            method,
            route,
            status,
        },
        elapsed,
    );
    response
}

/// `GET /healthz`: 200 `ok` when the registry can be read.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let ok = tokio::task::spawn_blocking(move || state.registry.main().is_ok())
        .await
        .unwrap_or(false);
    let status = if ok {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        if ok { "ok\n" } else { "unavailable\n" },
    )
        .into_response()
}

/// The OpenMetrics content type, which Prometheus asks for first.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Sets the gauges read at scrape time: index size and lag, open
/// proposals. Blocking; a few reference reads and one commit read per
/// proposal (and per commit the index is behind).
fn refresh_gauges(state: &AppState) {
    let m = &state.metrics;
    let index = &state.index;
    let to_i64 = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    m.indexed_records.set(to_i64(index.num_docs()));
    m.index_segments.set(to_i64(
        u64::try_from(index.segment_count()).unwrap_or(u64::MAX),
    ));
    m.search_cache_bytes.set(to_i64(
        u64::try_from(index.search_cache_bytes()).unwrap_or(u64::MAX),
    ));
    let lag = index
        .commit()
        .and_then(|c| cdl_registry::ObjectId::from_hex(c.as_bytes()).ok())
        .map_or(Ok(None), |c| {
            state.registry.commits_behind_main(c, MAX_LAG_COMMITS)
        });
    match lag {
        Ok(behind) => {
            m.index_lag
                .set(to_i64(behind.unwrap_or(MAX_LAG_COMMITS) as u64));
        }
        Err(e) => {
            tracing::warn!(error = %crate::error::chain(&e), "index lag: cannot read main");
        }
    }
    match state.registry.open_proposals() {
        Ok(open) => {
            m.proposals_open.set(to_i64(open as u64));
        }
        Err(e) => {
            tracing::warn!(error = %crate::error::chain(&e), "open proposals: cannot read");
        }
    }
}

/// `GET /metrics`: every metric in the OpenMetrics text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    // The exchange's figures, when this registry has a bookings database
    // (a scrape never creates one).
    if crate::exchange::has_store(&state.config, state.registry.git_dir()) {
        let figures = match crate::exchange::store(&state).await {
            Ok(store) => store
                .figures(cdl_exchange::now())
                .await
                .map_err(|e| crate::error::chain(&e)),
            Err(e) => Err(crate::error::chain(&e)),
        };
        match figures {
            Ok(f) => state.metrics.exchange_figures(f),
            Err(e) => {
                tracing::warn!(error = %e, "exchange figures: cannot read the bookings database")
            }
        }
    }
    let st = state.clone();
    let encoded = tokio::task::spawn_blocking(move || {
        refresh_gauges(&st);
        st.metrics.encode()
    })
    .await;
    match encoded {
        Ok(Ok(body)) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
            body,
        )
            .into_response(),
        Ok(Err(e)) => crate::error::AppError::internal(e).into_response(),
        Err(e) => crate::error::AppError::internal(e).into_response(),
    }
}
