//! The JSON API under `/api/v1`, described by `/api/v1/openapi.json`.
//! Errors are `application/problem+json` (RFC 9457).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cdl_licenses::certify;
use cdl_records::{Kind, RecordId};
use cdl_registry::RecordKey;
use serde_json::{Value, json};

use crate::error::AppError;
use crate::pages::proposal::load as load_proposal;
use crate::pages::record::load as load_record;
use crate::proposals::{Checked, Refused, check, count, create, rate_limit};
use crate::search::{Params, run};
use crate::security::ClientIp;
use crate::state::AppState;

/// `GET /api/v1/search?q=…&kind=…&sort=…&page=…`: `total`, `hits`,
/// `facets`, and `relaxed` when words were left out.
///
/// # Errors
/// 400 for a query that does not parse or bad parameters.
pub async fn search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let params = Params::parse(query.as_deref())?;
    let per_page = params.per_page.unwrap_or(state.config.page_size);
    let results = run(&state, &params, per_page).await?;
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|h| {
            json!({
                "id": h.id,
                "kind": h.kind,
                "title": h.title,
                "license": h.license,
                "origin": h.origin,
                "score": h.score,
                "snippet": h.snippet,
                "url": format!("/records/{}/{}", h.kind, h.id),
                "api_url": format!("/api/v1/records/{}/{}", h.kind, h.id),
            })
        })
        .collect();
    Ok(Json(json!({
        "query": params.q,
        "sort": params.sort,
        "page": params.page,
        "per_page": per_page,
        "total": results.total,
        "relaxed": results.relaxed,
        "hits": hits,
        "facets": results.facets,
    }))
    .into_response())
}

/// `GET /api/v1/records/{kind}/{id}`: the record and its certificate.
///
/// # Errors
/// 404 for an unknown record; 410 for a withdrawn one.
pub async fn record(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let kind: Kind = kind.parse().map_err(|_| AppError::NotFound)?;
    let id = RecordId::new(id).map_err(|_| AppError::NotFound)?;
    match load_record(&state, RecordKey::new(kind, id)).await? {
        Ok(record) => {
            let certificate = certify(record.kind(), &record.license);
            Ok(Json(json!({ "record": record, "certificate": certificate })).into_response())
        }
        Err(_) => Err(AppError::Gone),
    }
}

/// `POST /api/v1/proposals` with one TOML record
/// (`Content-Type: application/toml`): 201 with the proposal's id, status
/// and report, or 422 with the errors.
///
/// Every attempt counts against the client's rate limit before its record
/// is parsed, and the parse runs off the async workers.
///
/// # Errors
/// 403 from another site's page ([`refuse_cross_site`]); 415 for another
/// content type; 429 past the rate limit; 422 for an invalid record; 409
/// when nothing would change or the id was withdrawn.
pub async fn propose(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    toml_content_type(&headers)?;
    rate_limit(&state, ip)?;
    let author = headers
        .get("x-author")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let Ok(text) = String::from_utf8(Vec::from(body)) else {
        return Err(AppError::Unprocessable {
            errors: json!([{ "code": "not-utf8", "message": "the body is not UTF-8 text" }]),
            detail: "the body is not UTF-8 text".to_owned(),
        });
    };
    let record = match check(&state, text).await? {
        Checked::Invalid(diagnostics) => {
            let n = count(&diagnostics);
            return Err(AppError::Unprocessable {
                errors: serde_json::to_value(&diagnostics).map_err(AppError::internal)?,
                detail: format!("the record has {n} error(s)"),
            });
        }
        Checked::Valid(record, _) => record,
    };
    match create(&state, &record, &author, "").await {
        Ok((id, report)) => {
            let location = format!("/api/v1/proposals/{id}");
            let mut response = (
                StatusCode::CREATED,
                Json(json!({
                    "id": id,
                    "status": "open",
                    "mergeable": report.is_mergeable(),
                    "report": report,
                    "url": format!("/proposals/{id}"),
                })),
            )
                .into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, v);
            }
            Ok(response)
        }
        Err(Refused::Withdrawn) => Err(AppError::Conflict(
            "this record id was withdrawn and cannot be proposed again".to_owned(),
        )),
        Err(Refused::NoChange) => Err(AppError::Conflict(
            "the record is already in the catalogue exactly as given".to_owned(),
        )),
        Err(Refused::Error(e)) => Err(e),
    }
}

/// The one content type of a proposal: `application/toml`, with no
/// charset or `charset=utf-8` (records are UTF-8). Browsers' forms and
/// cross-site `fetch` without a preflight can only send `text/plain`,
/// `application/x-www-form-urlencoded` or `multipart/form-data`: refusing
/// them also closes the door to proposals filed by other sites' pages.
fn toml_content_type(headers: &HeaderMap) -> Result<(), AppError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parts = value.split(';').map(str::trim);
    let mime = parts.next().unwrap_or("");
    let mut utf8 = true;
    for param in parts.filter(|p| !p.is_empty()) {
        let (name, val) = param.split_once('=').unwrap_or((param, ""));
        if name.trim().eq_ignore_ascii_case("charset") {
            let val = val.trim().trim_matches('"');
            utf8 &= val.eq_ignore_ascii_case("utf-8") || val.eq_ignore_ascii_case("utf8");
        }
    }
    if mime.eq_ignore_ascii_case("application/toml") && utf8 {
        return Ok(());
    }
    let given = if value.is_empty() {
        "none".to_owned()
    } else {
        format!("`{}`", value.chars().take(100).collect::<String>())
    };
    let given_fr = if value.is_empty() {
        "aucun".to_owned()
    } else {
        given.clone()
    };
    Err(AppError::UnsupportedMediaType {
        fr: format!(
            "Envoyez la fiche en TOML UTF-8 avec l’en-tête « Content-Type: application/toml » (reçu : {given_fr})."
        ),
        en: format!(
            "Send the record as UTF-8 TOML with the header `Content-Type: application/toml` (received: {given})."
        ),
    })
}

/// Middleware of the API: a request that changes state (any method but
/// `GET`, `HEAD` and `OPTIONS`) is refused 403 when a browser says it comes
/// from another site: `Sec-Fetch-Site: cross-site`, or an `Origin` that is
/// not this site's. Requests with neither header (curl, programs) pass.
///
/// This site's origin is that of `base_url` when configured; otherwise the
/// `Origin` must name the host of the request's `Host` header (the scheme
/// is not known behind a proxy: only host and port are compared). The
/// `Host` header only serves this comparison, never to build an address.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && !same_site(state.config.base_url.as_ref(), request.headers()) {
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

/// Whether a request's `Sec-Fetch-Site` and `Origin` allow it.
fn same_site(base_url: Option<&url::Url>, headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return false;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    // `null` (sandboxed frames, some redirects) and garbage are refused.
    let Some(origin) = origin
        .to_str()
        .ok()
        .and_then(|o| url::Url::parse(o).ok())
        .filter(|o| matches!(o.scheme(), "http" | "https"))
    else {
        return false;
    };
    match base_url {
        Some(base) => origin.origin() == base.origin(),
        None => headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .and_then(|host| url::Url::parse(&format!("{}://{host}", origin.scheme())).ok())
            .is_some_and(|own| own.origin() == origin.origin() && own.path() == "/"),
    }
}

/// `GET /api/v1/proposals/{id}`: status and report.
///
/// # Errors
/// 404 for an unknown proposal.
pub async fn proposal(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let view = load_proposal(&state, &id).await?;
    let p = &view.proposal;
    let mut body = json!({
        "id": p.id,
        "status": p.status.as_str(),
        "author": p.author,
        "time": cdl_registry::rfc3339(p.time),
        "records": p.changes.iter().map(|c| c.key.to_string()).collect::<Vec<_>>(),
        "mergeable": view.report.is_mergeable(),
        "report": view.report,
    });
    if let cdl_registry::ProposalStatus::Rejected { reason, curator } = &p.status {
        body["reason"] = json!(reason);
        body["curator"] = json!(curator);
    }
    Ok(Json(body).into_response())
}

/// `GET /api/v1/vocabulary`: every field of the record format with its
/// French and English labels and help, every enumerated value with its
/// labels, and the usual values of free-text fields, all from
/// [`cdl_records::vocabulary`].
pub async fn vocabulary() -> Response {
    use cdl_records::vocabulary::{FIELDS, TERMS, VALUES, Value as Term};
    let value = |v: &Term| json!({ "field": v.field, "value": v.value, "fr": v.label.fr, "en": v.label.en });
    let fields: Vec<Value> = FIELDS
        .iter()
        .map(|f| {
            json!({
                "path": f.path,
                "fr": f.label.fr,
                "en": f.label.en,
                "help": f.help.map(|h| json!({ "fr": h.fr, "en": h.en })),
            })
        })
        .collect();
    (
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        )],
        Json(json!({
            "fields": fields,
            "values": VALUES.iter().map(value).collect::<Vec<_>>(),
            "terms": TERMS.iter().map(value).collect::<Vec<_>>(),
        })),
    )
        .into_response()
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI,
    )
        .into_response()
}

/// The OpenAPI 3.1 document of the API.
pub const OPENAPI: &str = include_str!("../openapi.json");
