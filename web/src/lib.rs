#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod api;
pub mod config;
mod conn;
pub mod curators;
pub mod demo;
pub mod error;
pub mod exchange;
pub mod extract;
pub mod form;
pub mod i18n;
pub mod metrics;
pub mod open_data;
pub mod openapi;
pub mod pages;
pub mod proposals;
pub mod schedule;
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
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
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
        .route(
            "/mirrors/{peer}/records/{kind}/{id}",
            get(pages::record::mirrored),
        )
        .route("/alternatives", get(pages::alternatives::page))
        .route(
            "/records/software/{id}/publiccode.yml",
            get(pages::alternatives::publiccode),
        )
        .route("/policy", get(pages::policy::policy))
        .route("/donnees", get(pages::data::page))
        .route("/accessibilite", get(pages::legal::accessibility))
        .route("/mentions-legales", get(pages::legal::notice))
        .route("/donnees-personnelles", get(pages::legal::personal_data))
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
        .route("/echange", get(pages::exchange::page))
        .route(
            "/echange/connexion",
            get(pages::exchange::login_form).post(pages::exchange::login),
        )
        .route("/echange/deconnexion", post(pages::exchange::logout))
        .route("/echange/reserver", post(pages::exchange::book))
        .route("/echange/reservations", get(pages::exchange::bookings))
        .route(
            "/echange/reservations/{id}/annuler",
            post(pages::exchange::cancel),
        )
        .route("/echange/donner", get(pages::give::choose))
        .route(
            "/echange/donner/{kind}",
            get(pages::give::form).post(pages::give::submit),
        )
        .route("/echange/compte", get(pages::exchange::account))
        .route("/echange/compte/jetons", post(pages::exchange::new_token))
        .route("/echange/compte/donnees", post(pages::exchange::export))
        .route("/echange/compte/rapport", post(pages::exchange::report))
        .route("/echange/compte/effacer", post(pages::exchange::erase))
        .route(
            "/echange/compte/jetons/{id}/revoquer",
            post(pages::exchange::revoke_token),
        )
        .route("/echange/gestion", get(pages::exchange_curator::manage))
        .route(
            "/echange/sessions/nouvelle",
            get(pages::exchange_curator::new_session_form)
                .post(pages::exchange_curator::new_session),
        )
        .route(
            "/echange/pour",
            get(pages::exchange_curator::behalf_form).post(pages::exchange_curator::behalf),
        )
        .route(
            "/echange/sessions/{id}/liste",
            get(pages::exchange_curator::pick_list),
        )
        .route("/feed.atom", get(pages::feed::atom))
        .route("/sitemap.xml", get(pages::feed::sitemap))
        .route("/robots.txt", get(pages::feed::robots))
        .route("/static/{file}", get(pages::static_file))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::cookies_middleware,
        ));
    let api = api::router()
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            api::refuse_cross_site,
        ));
    let mut router = Router::new()
        .route("/healthz", get(metrics::healthz))
        .route("/metrics", get(metrics::metrics))
        .nest("/api/v1", api)
        .merge(cdl_federation::server::router(state.federation.clone()))
        .merge(open_data::router())
        .merge(pages)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout(),
        ))
        .layer(middleware::from_fn(head_limits))
        .layer(middleware::from_fn(error::render_errors))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::observe_requests,
        ))
        .layer(PropagateRequestIdLayer::new(metrics::REQUEST_ID))
        .layer(SetRequestIdLayer::new(metrics::REQUEST_ID, MakeRequestUuid))
        .layer(middleware::from_fn(metrics::screen_request_id));
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

/// The longest request target (path and query) accepted, in bytes; longer
/// ones are answered 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;

/// The most bytes of request headers accepted (names and values); more is
/// answered 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// HTTP/2 (when enabled): streams one connection may have open at once.
pub const H2_MAX_STREAMS: u32 = 64;

/// HTTP/2 (when enabled): the largest header block accepted, in bytes.
pub const H2_MAX_HEADER_LIST: u32 = 64 * 1024;

/// The address the server listens on, in every request's extensions: the
/// fallback of absolute links when no `base_url` is configured, and the
/// address federation offers must be made for then. The type is the
/// federation crate's, so that its router reads it too.
pub use cdl_federation::server::Listening;

/// Answers 414 and 431 (with the site's error bodies) to requests whose
/// target or headers pass [`MAX_URI_BYTES`] or [`MAX_HEADER_BYTES`].
async fn head_limits(request: Request, next: Next) -> Response {
    let uri = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if uri > MAX_URI_BYTES {
        return StatusCode::URI_TOO_LONG.into_response();
    }
    let headers: usize = request
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len().saturating_add(v.len()))
        .fold(0, usize::saturating_add);
    if headers > MAX_HEADER_BYTES {
        return StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE.into_response();
    }
    next.run(request).await
}

/// Serves `state` on `listener` until `shutdown` completes, with each
/// request knowing its client's address (for rate limits).
///
/// HTTP/1.1 only, unless [`WebConfig::http2`] is on (then a client that
/// opens with the HTTP/2 preface gets HTTP/2, with bounded streams and
/// header blocks, and pings). A connection is closed when its client sends
/// no request head within [`WebConfig::header_read_timeout_secs`]: a
/// silent client, a slow header, an idle keep-alive or an unfinished
/// HTTP/2 header block. Each client address may hold at most
/// [`WebConfig::max_connections_per_client`] connections; more are closed
/// at once. On shutdown, requests in flight get [`SHUTDOWN_GRACE`] to
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

    let idle = Duration::from_secs(state.config.header_read_timeout_secs);
    let http2 = state.config.http2;
    // Behind a reverse proxy every connection comes from the proxy.
    let per_client = conn::PerClient::new(if state.config.trust_forwarded_for {
        0
    } else {
        state.config.max_connections_per_client
    });
    let listening = listener.local_addr().ok().map(Listening);
    state.federation.warm();
    let app = router(state);
    let mut h1 = hyper::server::conn::http1::Builder::new();
    h1.timer(TokioTimer::new()).header_read_timeout(idle);
    let mut h2 = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    h2.timer(TokioTimer::new())
        .keep_alive_interval(Some(idle))
        .keep_alive_timeout(idle)
        .max_concurrent_streams(H2_MAX_STREAMS)
        .max_header_list_size(H2_MAX_HEADER_LIST)
        .max_pending_accept_reset_streams(Some(20))
        .max_local_error_reset_streams(Some(64));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    tracing::error!(error = %e, "accepting a connection failed; retrying");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            Some(_) = connections.join_next() => continue,
            () = &mut shutdown => break,
        };
        let Some(counted) = per_client.enter(peer.ip()) else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let activity = conn::Activity::new();
        let in_service = std::sync::Arc::clone(&activity);
        let service = hyper::service::service_fn(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                let in_flight = in_service.begin();
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                if let Some(listening) = listening {
                    request.extensions_mut().insert(listening);
                }
                let answer = app.clone().oneshot(request.map(axum::body::Body::new));
                async move {
                    let response = answer.await;
                    drop(in_flight);
                    response
                }
            },
        );
        let (h1, h2, stopped) = (h1.clone(), h2.clone(), stopped.clone());
        connections.spawn(async move {
            let _counted = counted;
            let is_h2 = if http2 {
                match conn::sniff_h2(&stream, idle).await {
                    Some(is_h2) => is_h2,
                    None => return,
                }
            } else {
                false
            };
            let io = TokioIo::new(conn::Guarded::new(stream));
            if is_h2 {
                let connection = h2.serve_connection(io, service);
                conn::drive(connection, activity, idle, SHUTDOWN_GRACE, stopped).await;
            } else {
                let connection = h1.serve_connection(io, service);
                conn::drive(connection, activity, idle, SHUTDOWN_GRACE, stopped).await;
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(SHUTDOWN_GRACE, drained).await.is_err() {
        connections.abort_all();
    }
    Ok(())
}

/// How long the server waits for requests in flight on shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
