//! The exchange's JSON API under `/api/v1/exchange/`: sessions, lots'
//! availability, and a farmer's bookings (with `Authorization: Bearer
//! TOKEN`). The store is [`cdl_exchange::Store`], opened on first use:
//! SQLite beside the registry, or `database_url`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cdl_exchange::{Booking, BookingRequest, ExchangeError, LotAvailability, Session, Store};
use cdl_records::details::Details;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Problem};
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

/// The lots of the registry's `main` that the exchange offers: every seed
/// and ferment lot, with its quantity in whole units (rounded down).
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

/// The store, opened (and its lots synchronised with `main`) on first use.
async fn store(state: &AppState) -> Result<&Store, Response> {
    state
        .exchange
        .get_or_try_init(|| async {
            let url = state.config.database_url.clone();
            let file = state.registry.git_dir().join(cdl_exchange::DEFAULT_FILE);
            let store = Store::open(url.as_deref(), &file).await?;
            let app = state.clone();
            let lots = tokio::task::spawn_blocking(move || {
                app.registry.snapshot(None).map(|s| lots_of(&s.records))
            })
            .await
            .map_err(|e| ExchangeError::Invalid(e.to_string()))?
            .map_err(|e| ExchangeError::Invalid(e.to_string()))?;
            let excess = store.sync_lots(&lots).await?;
            for e in excess {
                tracing::warn!(lot = %e.lot, offered = e.offered, booked = e.booked, bookings = ?e.bookings, "a lot's quantity is below what is booked: bookings kept, a curator must see to them");
            }
            Ok::<Store, ExchangeError>(store)
        })
        .await
        .map_err(|e| AppError::internal(e).into_response())
}

/// An `application/problem+json` answer with a French title and detail.
fn problem(
    status: StatusCode,
    code: &'static str,
    title: &'static str,
    fr: String,
    en: String,
) -> Response {
    let body = Problem {
        kind: format!("/api/v1/problems/{code}"),
        title,
        status: status.as_u16(),
        code,
        detail: Some(en),
        detail_fr: Some(fr),
        instance: String::new(),
        errors: None,
    };
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

/// The answer to a refused booking or cancellation.
fn refusal(e: ExchangeError) -> Response {
    let en = e.to_string();
    let (status, code, title, fr) = match &e {
        ExchangeError::LotShort {
            lot,
            requested,
            available,
        } => (
            StatusCode::CONFLICT,
            "lot-short",
            "Quantité insuffisante",
            format!(
                "Il ne reste que {available} unité(s) du lot {lot} ; vous en demandez {requested}. Réservez au plus {available}."
            ),
        ),
        ExchangeError::SessionFull { session, capacity } => (
            StatusCode::CONFLICT,
            "session-full",
            "Séance complète",
            format!(
                "La séance {session} est complète ({capacity} places) ; choisissez-en une autre."
            ),
        ),
        ExchangeError::SessionStarted(s) => (
            StatusCode::CONFLICT,
            "session-started",
            "Séance commencée",
            format!("La séance {s} a commencé : on ne peut plus y réserver ni annuler."),
        ),
        ExchangeError::AlreadyCancelled(b) => (
            StatusCode::CONFLICT,
            "already-cancelled",
            "Réservation déjà annulée",
            format!("La réservation {b} est déjà annulée."),
        ),
        ExchangeError::UnknownSession(s) => (
            StatusCode::NOT_FOUND,
            "unknown-session",
            "Séance inconnue",
            format!("Aucune séance {s} : la liste est sur GET /api/v1/exchange/sessions."),
        ),
        ExchangeError::UnknownLot(l) => (
            StatusCode::NOT_FOUND,
            "unknown-lot",
            "Lot inconnu",
            format!(
                "Le lot {l} n’est pas proposé à l’échange (seuls les lots de semences et de ferments le sont)."
            ),
        ),
        ExchangeError::UnknownBooking(b) => (
            StatusCode::NOT_FOUND,
            "unknown-booking",
            "Réservation inconnue",
            format!("Vous n’avez pas de réservation {b}."),
        ),
        ExchangeError::Invalid(m) => (
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Requête invalide",
            format!("Requête invalide : {m}"),
        ),
        _ => return AppError::internal(e).into_response(),
    };
    problem(status, code, title, fr, en)
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
            "Jeton manquant ou invalide",
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
        Err(r) => return r,
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
        Err(r) => return r,
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
        Err(r) => return r,
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
        Err(r) => return r,
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
                "Requête invalide",
                format!(
                    "Le corps doit être {{\"session\": ID, \"items\": [{{\"lot\": \"seed-lot/ID\", \"quantity\": N}}]}} : {e}"
                ),
                format!(
                    "The body must be {{\"session\": ID, \"items\": [{{\"lot\": \"seed-lot/ID\", \"quantity\": N}}]}}: {e}"
                ),
            );
        }
    };
    match store
        .book(farmer, request.session, &request.items, None)
        .await
    {
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
        Err(r) => return r,
    };
    let farmer = match farmer(store, &headers).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    match store.cancel(farmer, path.id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => refusal(e),
    }
}
