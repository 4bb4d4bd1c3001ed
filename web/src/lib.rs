#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod api;
pub mod config;
pub mod curators;
pub mod demo;
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod pages;
pub mod proposals;
pub mod search;
pub mod security;
pub mod state;
mod view;

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use config::{ConfigError, WebConfig};
pub use state::{App, AppState, StartError};

/// The site's only style sheet.
pub const CSS: &str = include_str!("../static/style.css");

/// A hash of [`CSS`], part of its URL so that it can be cached forever.
pub const CSS_HASH: u64 = fnv1a(CSS.as_bytes());

/// FNV-1a, 64 bits: good enough to version a file.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The path of the style sheet, with its hash.
pub fn css_path() -> String {
    format!("/static/style-{CSS_HASH:016x}.css")
}

/// Builds every route of the site and the API, with every layer: this is
/// exactly what `conservatoire serve` runs, and what the tests call.
pub fn router(state: AppState) -> Router {
    let config = state.config.clone();
    let pages = Router::new()
        .route("/", get(pages::home::home))
        .route("/search", get(pages::search::search))
        .route("/records/{kind}/{id}", get(pages::record::record))
        .route("/policy", get(pages::policy::policy))
        .route("/propose", get(pages::propose::choose))
        .route("/propose/upload", post(pages::propose::upload))
        .route(
            "/propose/{kind}",
            get(pages::propose::form).post(pages::propose::submit),
        )
        .route("/proposals/{id}", get(pages::proposal::proposal))
        .route(
            "/login",
            get(pages::review::login_form).post(pages::review::login),
        )
        .route("/logout", post(pages::review::logout))
        .route("/review", get(pages::review::queue))
        .route("/review/{id}", get(pages::review::show))
        .route("/review/{id}/merge", post(pages::review::merge))
        .route("/review/{id}/reject", post(pages::review::reject))
        .route("/feed.atom", get(pages::feed::atom))
        .route("/sitemap.xml", get(pages::feed::sitemap))
        .route("/robots.txt", get(pages::feed::robots))
        .route("/static/{file}", get(pages::static_file))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::cookies_middleware,
        ));
    let api = Router::new()
        .route("/search", get(api::search))
        .route("/records/{kind}/{id}", get(api::record))
        .route("/proposals", post(api::propose))
        .route("/proposals/{id}", get(api::proposal))
        .route("/openapi.json", get(api::openapi))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            api::refuse_cross_site,
        ));
    let mut router = Router::new()
        .route("/healthz", get(metrics::healthz))
        .route("/metrics", get(metrics::metrics))
        .nest("/api/v1", api)
        .merge(pages)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout(),
        ))
        .layer(middleware::from_fn(error::render_errors))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::count_requests,
        ));
    for (name, value) in security::security_headers() {
        router = router.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    router
        .layer(middleware::from_fn(no_server_header))
        .with_state(state)
}

async fn not_found() -> Response {
    error::AppError::NotFound.into_response()
}

/// Sets a default `Cache-Control` on responses that have none: pages
/// change with the catalogue, so they are revalidated.
async fn no_server_header(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
    response
}

/// Serves `state` on `listener` until `shutdown` completes, with each
/// request knowing its client's address (for rate limits).
///
/// Connections that do not send their request headers within
/// [`WebConfig::header_read_timeout_secs`] are closed (slow-header
/// attacks); on shutdown, requests in flight get [`SHUTDOWN_GRACE`] to
/// finish.
///
/// # Errors
/// Never at present: accept errors (too many open files...) are logged and
/// retried after a short pause.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use tower::ServiceExt;

    let header_timeout = Duration::from_secs(state.config.header_read_timeout_secs);
    let app = router(state);
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    eprintln!("error: accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                app.clone().oneshot(request.map(axum::body::Body::new))
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    Ok(())
}

/// How long the server waits for requests in flight on shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
