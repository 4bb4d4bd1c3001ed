//! `/healthz` and `/metrics` (Prometheus text format), and the counters
//! behind them.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Upper bounds of the search latency histogram, in seconds.
const BUCKETS: [f64; 8] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];

/// The server's counters. All relaxed atomics: exact totals, no ordering.
#[derive(Debug, Default)]
pub struct Metrics {
    responses: [AtomicU64; 5],
    searches: AtomicU64,
    search_buckets: [AtomicU64; BUCKETS.len()],
    search_micros: AtomicU64,
    proposals: AtomicU64,
    records_checked: AtomicU64,
    rate_limited: AtomicU64,
    merges: AtomicU64,
    rejections: AtomicU64,
}

impl Metrics {
    /// Counts a search that took `elapsed`.
    pub fn search(&self, elapsed: Duration) {
        self.searches.fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
        self.search_micros.fetch_add(micros, Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        for (bound, counter) in BUCKETS.iter().zip(&self.search_buckets) {
            if secs <= *bound {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Counts a proposal made.
    pub fn proposal(&self) {
        self.proposals.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a submitted record parsed and checked.
    pub fn record_checked(&self) {
        self.records_checked.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a request refused by a rate limit.
    pub fn rate_limited(&self) {
        self.rate_limited.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a merge.
    pub fn merge(&self) {
        self.merges.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a rejection.
    pub fn rejection(&self) {
        self.rejections.fetch_add(1, Ordering::Relaxed);
    }
}

/// Middleware counting responses by status class.
pub async fn count_requests(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let class = usize::from(response.status().as_u16() / 100).clamp(1, 5) - 1;
    state.metrics.responses[class].fetch_add(1, Ordering::Relaxed);
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

/// `GET /metrics`: the counters in the Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let m = &state.metrics;
    let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP cdl_http_responses_total HTTP responses by status class."
    );
    let _ = writeln!(out, "# TYPE cdl_http_responses_total counter");
    for (i, counter) in m.responses.iter().enumerate() {
        let _ = writeln!(
            out,
            "cdl_http_responses_total{{class=\"{}xx\"}} {}",
            i + 1,
            get(counter)
        );
    }
    let _ = writeln!(
        out,
        "# HELP cdl_search_duration_seconds Time to run a search."
    );
    let _ = writeln!(out, "# TYPE cdl_search_duration_seconds histogram");
    for (bound, counter) in BUCKETS.iter().zip(&m.search_buckets) {
        let _ = writeln!(
            out,
            "cdl_search_duration_seconds_bucket{{le=\"{bound}\"}} {}",
            get(counter)
        );
    }
    let searches = get(&m.searches);
    let _ = writeln!(
        out,
        "cdl_search_duration_seconds_bucket{{le=\"+Inf\"}} {searches}"
    );
    #[allow(clippy::cast_precision_loss)]
    let sum = get(&m.search_micros) as f64 / 1e6;
    let _ = writeln!(out, "cdl_search_duration_seconds_sum {sum}");
    let _ = writeln!(out, "cdl_search_duration_seconds_count {searches}");
    for (name, help, value) in [
        ("cdl_proposals_total", "Proposals made.", get(&m.proposals)),
        (
            "cdl_records_checked_total",
            "Submitted records parsed and checked.",
            get(&m.records_checked),
        ),
        (
            "cdl_rate_limited_total",
            "Requests refused by a rate limit.",
            get(&m.rate_limited),
        ),
        ("cdl_merges_total", "Proposals merged here.", get(&m.merges)),
        (
            "cdl_rejections_total",
            "Proposals rejected here.",
            get(&m.rejections),
        ),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} counter");
        let _ = writeln!(out, "{name} {value}");
    }
    let _ = writeln!(
        out,
        "# HELP cdl_indexed_records Records in the search index."
    );
    let _ = writeln!(out, "# TYPE cdl_indexed_records gauge");
    let _ = writeln!(out, "cdl_indexed_records {}", state.index.num_docs());
    for (name, help, value) in [
        (
            "cdl_index_segments",
            "Segments of the search index.",
            state.index.segment_count(),
        ),
        (
            "cdl_search_cache_bytes",
            "Memory kept per index segment to speed searches up.",
            state.index.search_cache_bytes(),
        ),
    ] {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        let _ = writeln!(out, "{name} {value}");
    }
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        out,
    )
        .into_response()
}
