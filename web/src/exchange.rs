//! The exchange's JSON API under `/api/v1/exchange/`: sessions, lots'
//! availability, and a farmer's bookings (with `Authorization: Bearer
//! TOKEN`). The store is [`cdl_exchange::Store`], opened on first use:
//! SQLite beside the registry, or `database_url`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use cdl_exchange::{
    Booking, BookingRequest, Excess, ExchangeError, LotAvailability, Session, Store,
};
use cdl_records::details::Details;
use cdl_registry::Registry;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::WebConfig;
use crate::error::{AppError, ErrorInfo};
use crate::metrics::BookingOutcome;
use crate::state::AppState;

/// The sessions, soonest first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SessionsResponse {
    /// Every session.
    pub sessions: Vec<Session>,
}

/// What is left of every lot of the exchange.
#[derive(Debug, Serialize, JsonSchema)]
pub struct LotsResponse {
    /// Every seed and ferment lot.
    pub lots: Vec<LotAvailability>,
}

/// The farmer's bookings, newest first.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BookingsResponse {
    /// Every booking, cancelled ones too.
    pub bookings: Vec<Booking>,
}

/// The path of one booking.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct BookingPath {
    /// The booking's id.
    pub id: i64,
}

/// The exchange's store in the web's state, and the `main` commit whose
/// lots it holds.
#[derive(Debug, Default)]
pub struct Exchange {
    store: tokio::sync::OnceCell<Store>,
    /// The `main` commit the lots table was last synchronised with.
    synced: tokio::sync::Mutex<Option<String>>,
}

/// Opens (creating and migrating it if needed) the store of the registry
/// whose Git folder is `git_dir`: `database_url` when configured, else the
/// SQLite file [`cdl_exchange::DEFAULT_FILE`] in that folder, outside any
/// commit.
///
/// # Errors
/// When the database cannot be opened or migrated.
pub async fn open_store(
    config: &WebConfig,
    git_dir: &std::path::Path,
) -> Result<Store, ExchangeError> {
    Store::open(
        config.database_url.as_deref(),
        &git_dir.join(cdl_exchange::DEFAULT_FILE),
    )
    .await
}

/// Whether the registry already has a bookings store: `database_url` is
/// set or the SQLite file exists (so that commands which only follow
/// `main` do not create one).
pub fn has_store(config: &WebConfig, git_dir: &std::path::Path) -> bool {
    config.database_url.is_some() || git_dir.join(cdl_exchange::DEFAULT_FILE).exists()
}

/// The lots of `records` that the exchange offers: every seed and ferment
/// lot, with its quantity in whole units (rounded down).
pub fn lots_of(records: &[cdl_records::Record]) -> Vec<(String, i64)> {
    records
        .iter()
        .filter_map(|r| {
            let quantity = match &r.details {
                Details::SeedLot(d) => d.quantity.get(),
                Details::FermentLot(d) => d.quantity.get(),
                _ => return None,
            };
            // `as` saturates: quantities are below one trillion anyway.
            #[allow(clippy::cast_possible_truncation)]
            let units = quantity.floor() as i64;
            Some((format!("{}/{}", r.kind().as_str(), r.id.as_str()), units))
        })
        .collect()
}

/// The `main` commit of `registry` and its lots. Blocking.
///
/// # Errors
/// When `main` cannot be read.
pub fn main_lots(
    registry: &Registry,
) -> Result<(String, Vec<(String, i64)>), cdl_registry::ReadError> {
    let snapshot = registry.snapshot(None)?;
    Ok((
        snapshot.commit.to_hex().to_string(),
        lots_of(&snapshot.records),
    ))
}

/// The store, opened on first use; its lots follow `main` (synchronised
/// again whenever `main` moved since, by a merge here, in another process
/// or by `follow`).
///
/// # Errors
/// When the database or `main` cannot be read.
pub async fn store(state: &AppState) -> Result<&Store, AppError> {
    let store = state
        .exchange
        .store
        .get_or_try_init(|| open_store(&state.config, state.registry.git_dir()))
        .await
        .map_err(AppError::internal)?;
    follow_main(state, store).await?;
    Ok(store)
}

/// Synchronises the lots when `main` moved since the last time; returns
/// the over-booked lots when it did.
async fn follow_main(state: &AppState, store: &Store) -> Result<Option<Vec<Excess>>, AppError> {
    let main = state
        .registry
        .main()
        .map_err(AppError::internal)?
        .to_hex()
        .to_string();
    let mut synced = state.exchange.synced.lock().await;
    if synced.as_deref() == Some(main.as_str()) {
        return Ok(None);
    }
    let st = state.clone();
    let (commit, lots) = crate::pages::blocking(move || main_lots(&st.registry))
        .await?
        .map_err(AppError::internal)?;
    let excess = store.sync_lots(&lots).await.map_err(AppError::internal)?;
    for e in &excess {
        tracing::warn!(lot = %e.lot, offered = e.offered, booked = e.booked, bookings = ?e.bookings, "a lot's quantity is below what is booked: the bookings are kept, a curator must see to them");
    }
    *synced = Some(commit);
    Ok(Some(excess))
}

/// After a merge: the lots among `keys` (`seed-lot/ID`) whose active
/// bookings now exceed the merged quantity, with those bookings, so that
/// the curator who merged is told.
///
/// # Errors
/// When the database or `main` cannot be read.
pub async fn excess_of(state: &AppState, keys: &[String]) -> Result<Vec<Excess>, AppError> {
    let store = store(state).await?;
    let excess = store.excess().await.map_err(AppError::internal)?;
    Ok(excess
        .into_iter()
        .filter(|e| keys.contains(&e.lot))
        .collect())
}

/// Books through `store`, counting and timing the outcome in the
/// metrics: every way of booking (the API, the pages, a curator on a
/// farmer's behalf, `made_by`) goes through here.
///
/// # Errors
/// The store's refusal.
pub async fn book_counted(
    state: &AppState,
    store: &Store,
    farmer: i64,
    session: i64,
    items: &[cdl_exchange::BookingItem],
    made_by: Option<&str>,
) -> Result<Booking, ExchangeError> {
    let started = std::time::Instant::now();
    let result = store.book(farmer, session, items, made_by).await;
    let outcome = match &result {
        Ok(_) => BookingOutcome::Booked,
        Err(e) => BookingOutcome::of(e),
    };
    state.metrics.booking(outcome, Some(started.elapsed()));
    result
}

/// Cancels through `store`, counting it in the metrics.
///
/// # Errors
/// The store's refusal.
pub async fn cancel_counted(
    state: &AppState,
    store: &Store,
    farmer: i64,
    booking: i64,
) -> Result<(), ExchangeError> {
    let result = store.cancel(farmer, booking).await;
    if result.is_ok() {
        state.metrics.booking(BookingOutcome::Cancelled, None);
    }
    result
}

/// An `application/problem+json` answer (rendered by the API's error
/// layer, which adds the type, title and instance) with its code and a
/// detail in French and English.
fn problem(status: StatusCode, code: &'static str, fr: String, en: String) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorInfo {
        code,
        detail: Some((fr, en)),
        errors: None,
    });
    response
}

/// The answer to a refused booking or cancellation.
fn refusal(e: ExchangeError) -> Response {
    let en = e.to_string();
    let (status, code, fr) = match &e {
        ExchangeError::LotShort {
            lot,
            requested,
            available,
        } => (
            StatusCode::CONFLICT,
            "lot-short",
            format!(
                "Quantité insuffisante : il reste {available} unité(s) du lot {lot}, vous en demandez {requested}. Réservez-en au plus {available}."
            ),
        ),
        ExchangeError::SessionFull { session, capacity } => (
            StatusCode::CONFLICT,
            "session-full",
            format!(
                "Séance complète : la séance {session} n’a plus de place ({capacity} places en tout). Choisissez-en une autre."
            ),
        ),
        ExchangeError::SessionStarted(s) => (
            StatusCode::CONFLICT,
            "session-started",
            format!("La séance {s} a commencé : on ne peut plus y réserver ni annuler."),
        ),
        ExchangeError::AlreadyCancelled(b) => (
            StatusCode::CONFLICT,
            "already-cancelled",
            format!("La réservation {b} est déjà annulée."),
        ),
        ExchangeError::UnknownSession(s) => (
            StatusCode::NOT_FOUND,
            "unknown-session",
            format!("Aucune séance {s} : la liste est sur GET /api/v1/exchange/sessions."),
        ),
        ExchangeError::UnknownLot(l) => (
            StatusCode::NOT_FOUND,
            "unknown-lot",
            format!(
                "Le lot {l} n’est pas proposé à l’échange (seuls les lots de semences et de ferments du catalogue le sont)."
            ),
        ),
        ExchangeError::UnknownBooking(b) => (
            StatusCode::NOT_FOUND,
            "unknown-booking",
            format!("Vous n’avez pas de réservation {b}."),
        ),
        ExchangeError::Invalid(m) => (
            StatusCode::BAD_REQUEST,
            "bad-request",
            format!("Requête invalide : {m}"),
        ),
        _ => return AppError::internal(e).into_response(),
    };
    problem(status, code, fr, en)
}

/// The farmer of the request's bearer token, or the 401 answer.
async fn farmer(store: &Store, headers: &HeaderMap) -> Result<i64, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let found = match token {
        Some(t) if !t.is_empty() => store
            .farmer_by_token(t)
            .await
            .map_err(|e| AppError::internal(e).into_response())?,
        _ => None,
    };
    found.ok_or_else(|| {
        let mut r = problem(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Envoyez l’en-tête Authorization: Bearer JETON avec un jeton créé sur votre page de compte ou par `conservatoire farmers token`.".into(),
            "Send the header Authorization: Bearer TOKEN with a token made on your account page or by `conservatoire farmers token`.".into(),
        );
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        r
    })
}

/// `GET /api/v1/exchange/sessions`.
pub async fn sessions(State(state): State<AppState>) -> Response {
    let store = match store(&state).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    match store.sessions().await {
        Ok(sessions) => Json(SessionsResponse { sessions }).into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// `GET /api/v1/exchange/lots`.
pub async fn lots(State(state): State<AppState>) -> Response {
    let store = match store(&state).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    match store.lots().await {
        Ok(lots) => Json(LotsResponse { lots }).into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// `GET /api/v1/exchange/bookings`: the token's farmer's bookings.
pub async fn bookings(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let store = match store(&state).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let farmer = match farmer(store, &headers).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    match store.bookings_of(farmer).await {
        Ok(bookings) => Json(BookingsResponse { bookings }).into_response(),
        Err(e) => AppError::internal(e).into_response(),
    }
}

/// `POST /api/v1/exchange/bookings`: books, or answers 409 when the
/// quantity or the capacity is short.
pub async fn book(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let store = match store(&state).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let farmer = match farmer(store, &headers).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let request: BookingRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "bad-request",
                format!(
                    "Le corps doit être {{\"session\": ID, \"items\": [{{\"lot\": \"seed-lot/ID\", \"quantity\": N}}]}} : {e}"
                ),
                format!(
                    "The body must be {{\"session\": ID, \"items\": [{{\"lot\": \"seed-lot/ID\", \"quantity\": N}}]}}: {e}"
                ),
            );
        }
    };
    match book_counted(&state, store, farmer, request.session, &request.items, None).await {
        Ok(booking) => (StatusCode::CREATED, Json(booking)).into_response(),
        Err(e) => refusal(e),
    }
}

/// `DELETE /api/v1/exchange/bookings/{id}`: cancels one of the token's
/// farmer's bookings before its session starts.
pub async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(path): Path<BookingPath>,
) -> Response {
    let store = match store(&state).await {
        Ok(s) => s,
        Err(e) => return e.into_response(),
    };
    let farmer = match farmer(store, &headers).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    match cancel_counted(&state, store, farmer, path.id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => refusal(e),
    }
}
