//! The JSON API under `/api/v1`, described by `/api/v1/openapi.json`.
//! Errors are `application/problem+json` (RFC 9457).
//!
//! Every route is an [`Endpoint`] of [`endpoints`]: the router and the
//! OpenAPI document ([`crate::openapi`]) are both built from that one
//! list, and each handler answers with the typed response structs below,
//! whose JSON Schemas the document holds.

use std::collections::BTreeMap;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use cdl_indexer::query::MAX_QUERY_LEN;
use cdl_indexer::{FacetCount, FacetDim, MAX_LIMIT, Relaxed, Snippet, Sort};
use cdl_licenses::{Certificate, LicenceFamily, Verdict, certify};
use cdl_records::{Kind, Record, RecordId};
use cdl_registry::{ProposalId, ProposalStatus, Report};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::error::AppError;
use crate::extract::{Format, RecordPath};
use crate::pages::proposal::load as load_proposal;
use crate::pages::record::load as load_record;
use crate::proposals::{Checked, MAX_AUTHOR, Refused, check, count, create, rate_limit};
use crate::search::{MAX_VALUES_PER_FILTER, Params, param_dim, run};
use crate::security::ClientIp;
use crate::state::AppState;

/// One route of the API: where, how, the handler, and what the OpenAPI
/// document says of it.
pub struct Endpoint {
    /// The path under `/api/v1`, in axum's `{param}` syntax (also
    /// OpenAPI's).
    pub path: &'static str,
    /// The method.
    pub method: Method,
    /// The handler.
    pub handler: MethodRouter<AppState>,
    /// The operation's description, from the types it reads and answers.
    pub doc: crate::openapi::Operation,
}

/// Every route of the API, in the order of the document.
pub fn endpoints() -> Vec<Endpoint> {
    use crate::openapi::Operation;
    vec![
        Endpoint {
            path: "/search",
            method: Method::GET,
            handler: get(search),
            doc: Operation::new("search", "Search the catalogue")
                .description(&search_description())
                .query::<SearchQuery>()
                .ok::<SearchResponse<'static>>(StatusCode::OK, "Results")
                .problems(&[StatusCode::BAD_REQUEST, StatusCode::URI_TOO_LONG]),
        },
        Endpoint {
            path: "/records/{kind}/{id}",
            method: Method::GET,
            handler: get(record),
            doc: Operation::new("getRecord", "One record with its licence certificate")
                .path::<RecordPathParams>()
                .ok::<RecordResponse<'static>>(StatusCode::OK, "The record")
                .problems(&[StatusCode::NOT_FOUND, StatusCode::GONE]),
        },
        Endpoint {
            path: "/proposals",
            method: Method::POST,
            handler: post(propose),
            doc: Operation::new("propose", "Propose one record")
                .description(PROPOSE_DESCRIPTION)
                .header(
                    "X-Author",
                    &format!(
                        "The contributor's pseudonym (never an e-mail address); `anonyme` by default. Spaces around it are removed and it is cut at {MAX_AUTHOR} characters."
                    ),
                )
                .toml_body()
                .ok::<ProposalCreated<'static>>(StatusCode::CREATED, "Proposal created")
                .location()
                .problems(&[
                    StatusCode::FORBIDDEN,
                    StatusCode::CONFLICT,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    StatusCode::TOO_MANY_REQUESTS,
                ]),
        },
        Endpoint {
            path: "/proposals/{id}",
            method: Method::GET,
            handler: get(proposal),
            doc: Operation::new("getProposal", "A proposal's status and report")
                .path::<ProposalPath>()
                .ok::<ProposalResponse<'static>>(StatusCode::OK, "The proposal")
                .problems(&[StatusCode::NOT_FOUND]),
        },
        Endpoint {
            path: "/vocabulary",
            method: Method::GET,
            handler: get(vocabulary),
            doc: Operation::new(
                "getVocabulary",
                "The vocabulary of the record format, in French and English",
            )
            .description(VOCABULARY_DESCRIPTION)
            .ok::<VocabularyResponse>(StatusCode::OK, "The vocabulary"),
        },
        Endpoint {
            path: "/exchange/sessions",
            method: Method::GET,
            handler: get(crate::exchange::sessions),
            doc: Operation::new("getExchangeSessions", "The exchange's opening sessions")
                .description("Every opening session, soonest first: its place (address, accessibility, opening hours), start, capacity and places left. No personal data.")
                .ok::<crate::exchange::SessionsResponse>(StatusCode::OK, "The sessions"),
        },
        Endpoint {
            path: "/exchange/lots",
            method: Method::GET,
            handler: get(crate::exchange::lots),
            doc: Operation::new("getExchangeLots", "What is left of each seed and ferment lot")
                .description("Every seed and ferment lot of the catalogue's `main`: what its record offers (its quantity in whole units), what active bookings hold, and what is left to book. No personal data.")
                .ok::<crate::exchange::LotsResponse>(StatusCode::OK, "The lots"),
        },
        Endpoint {
            path: "/exchange/bookings",
            method: Method::GET,
            handler: get(crate::exchange::bookings),
            doc: Operation::new("getExchangeBookings", "The token's farmer's bookings")
                .description("Every booking of the farmer the token belongs to, newest first, cancelled ones too.")
                .bearer()
                .ok::<crate::exchange::BookingsResponse>(StatusCode::OK, "The bookings"),
        },
        Endpoint {
            path: "/exchange/bookings",
            method: Method::POST,
            handler: post(crate::exchange::book),
            doc: Operation::new("book", "Book lots for a session")
                .description("All or nothing: one place in the session and every quantity, or a 409 whose `code` says what is short (`lot-short`, `session-full`, `session-started`). The database refuses overbooking whatever the concurrency. A lot is `seed-lot/ID` or `ferment-lot/ID`, as GET /exchange/lots lists them; quantities are whole units of the record's unit.")
                .bearer()
                .json_body::<cdl_exchange::BookingRequest>()
                .ok::<cdl_exchange::Booking>(StatusCode::CREATED, "The booking")
                .problems(&[
                    StatusCode::BAD_REQUEST,
                    StatusCode::NOT_FOUND,
                    StatusCode::CONFLICT,
                ]),
        },
        Endpoint {
            path: "/exchange/bookings/{id}",
            method: Method::DELETE,
            handler: axum::routing::delete(crate::exchange::cancel),
            doc: Operation::new("cancelBooking", "Cancel a booking before its session starts")
                .description("Gives back the place and the quantities, until the session starts (then 409 `session-started`). Only the booking's farmer may: another's booking is 404.")
                .bearer()
                .path::<crate::exchange::BookingPath>()
                .empty_ok(StatusCode::NO_CONTENT, "Cancelled")
                .problems(&[
                    StatusCode::BAD_REQUEST,
                    StatusCode::NOT_FOUND,
                    StatusCode::CONFLICT,
                ]),
        },
        Endpoint {
            path: "/alternatives",
            method: Method::GET,
            handler: get(crate::pages::alternatives::api),
            doc: Operation::new(
                "getAlternatives",
                "Certified free software replacing a proprietary product",
            )
            .description("Software records whose `replaces` names the product (tolerant of case, accents, vendor words, version numbers and small typos), whose licence is certified free, with the organisations using each: most attested users first, then most named users.")
            .query::<crate::pages::alternatives::AlternativesQuery>()
            .ok::<crate::pages::alternatives::AlternativesResponse>(StatusCode::OK, "The alternatives")
            .problems(&[StatusCode::BAD_REQUEST]),
        },
        Endpoint {
            path: "/openapi.json",
            method: Method::GET,
            handler: get(openapi),
            doc: Operation::new("getOpenApi", "This OpenAPI 3.1 document")
                .description("Generated from the handlers' own request and response types.")
                .ok::<OpenApiDocument>(StatusCode::OK, "The document"),
        },
    ]
}

/// The router of the API (without its layers), from [`endpoints`].
pub fn router() -> Router<AppState> {
    endpoints()
        .into_iter()
        .fold(Router::new(), |r, e| r.route(e.path, e.handler))
}

/// The query parameters of `GET /api/v1/search`. [`search`] reads the
/// query string itself (filters repeat), checks it against these limits
/// with [`check_search_query`], and the document describes these fields.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(default)]
pub struct SearchQuery {
    /// Words, "phrases", -exclusions, field:value filters, OR (see the
    /// description of the operation).
    #[schemars(length(max = MAX_QUERY_LEN))]
    pub q: String,
    /// Kinds of resource (each value may be repeated).
    #[schemars(length(max = MAX_VALUES_PER_FILTER))]
    pub kind: Vec<Kind>,
    /// SPDX licence ids named by the record's expression.
    #[schemars(length(max = MAX_VALUES_PER_FILTER))]
    pub license: Vec<String>,
    /// Licence families.
    #[schemars(length(max = MAX_VALUES_PER_FILTER))]
    pub family: Vec<LicenceFamily>,
    /// Certification verdicts.
    #[schemars(length(max = MAX_VALUES_PER_FILTER))]
    pub verdict: Vec<Verdict>,
    /// Tags.
    #[schemars(length(max = MAX_VALUES_PER_FILTER))]
    pub tag: Vec<String>,
    /// The resource's language (the `lang` facet), e.g. en. The `lang`
    /// parameter is not a filter: on the site it picks the interface's
    /// language.
    #[schemars(length(max = MAX_VALUES_PER_FILTER))]
    pub language: Vec<String>,
    /// Species of seed and ferment lots.
    #[schemars(length(max = MAX_VALUES_PER_FILTER))]
    pub species: Vec<String>,
    /// Origin registries.
    #[schemars(length(max = MAX_VALUES_PER_FILTER))]
    pub origin: Vec<String>,
    /// Order of the hits: best matches first, most recent first, or title
    /// A to Z (case, accents and punctuation ignored).
    pub sort: Sort,
    /// The page, from 1.
    #[schemars(range(min = 1))]
    pub page: u64,
    /// Hits per page (by default the server's `page_size` setting).
    #[schemars(range(min = 1, max = MAX_LIMIT))]
    pub per_page: u64,
}

/// The defaults the document states: those of [`Params::parse`] and of
/// [`crate::WebConfig`].
impl Default for SearchQuery {
    fn default() -> SearchQuery {
        SearchQuery {
            q: String::new(),
            kind: Vec::new(),
            license: Vec::new(),
            family: Vec::new(),
            verdict: Vec::new(),
            tag: Vec::new(),
            language: Vec::new(),
            species: Vec::new(),
            origin: Vec::new(),
            sort: Sort::default(),
            page: 1,
            per_page: crate::WebConfig::default().page_size as u64,
        }
    }
}

/// The description of `GET /search`, with the limits the code enforces.
fn search_description() -> String {
    format!(
        "Each filter may be repeated, at most {MAX_VALUES_PER_FILTER} times (each value counts, repeated or not); filters of enumerated values (kind, family, verdict) take only those values, never an empty one, and so does `sort`. Past these limits the answer is 400 `bad-query`. A schema-valid query can still be 400 `bad-query`: `q` is a small language (an unclosed quote, a lone `-` or `OR`, more than {} words and filters, an unknown filter value), at most {} filter values in all, and pages stop at {} results.",
        cdl_indexer::query::MAX_TERMS,
        crate::search::MAX_FILTERS,
        cdl_indexer::MAX_WINDOW,
    )
}

const PROPOSE_DESCRIPTION: &str = "The body is one record in UTF-8 TOML, sent with `Content-Type: application/toml` (a `charset` parameter, if any, must be `utf-8`); any other type is 415. Every attempt, valid or not, counts against the client's rate limit before the record is read (429 past it). Requests from another site's page (an `Origin` that is not this site's, or `Sec-Fetch-Site: cross-site`) are 403 `cross-site`; programs that send neither header are not affected. An invalid record is 422 `invalid-record` with its `errors`, then, when there were more, a final entry of code `more-errors` whose `more` says how many. The rules run with today's date: a seed lot harvested after this year, or whose germination test is in the future, is invalid. The proposal's message, public in the record's history, is, in French, `Nouvelle fiche « TITLE » (KIND)` or, for a record already published, `Modification de la fiche « TITLE » (KIND)`; its report says `change: \"modified\"` for the latter.";

const VOCABULARY_DESCRIPTION: &str = "Every field of the record format by its path (`seed-lot.species`, `links.rel`), with its French and English label and help text, and every value of every enumerated field with its labels. Forms, record pages and facets take their labels from it; a page in French never shows an English label of it. `terms` are the usual values of some free-text fields (a work's form, a role) with their labels.";

/// Whether `value` is one of the names of the enum `T`, as serde reads it.
fn is_name_of<T: DeserializeOwned>(value: &str) -> bool {
    serde_json::from_value::<T>(serde_json::Value::String(value.to_owned())).is_ok()
}

/// Checks a search's query string against what the document says of
/// [`SearchQuery`]: `q` at most [`MAX_QUERY_LEN`] characters, at most
/// [`MAX_VALUES_PER_FILTER`] values of a filter (each one counts), only
/// the names of the enum of `kind`, `family`, `verdict` and `sort`.
///
/// # Errors
/// [`AppError::BadQuery`] saying which parameter is wrong.
pub fn check_search_query(query: &str) -> Result<(), AppError> {
    let mut per_filter: BTreeMap<FacetDim, usize> = BTreeMap::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let valid = match name.as_ref() {
            "q" => {
                let len = value.chars().count();
                if len > MAX_QUERY_LEN {
                    let e = cdl_indexer::QueryError::TooLong { len };
                    return Err(AppError::BadQuery {
                        fr: e.message_fr(),
                        en: e.message_en(),
                    });
                }
                true
            }
            "sort" => Sort::from_name(&value).is_some(),
            other => {
                let Some(dim) = param_dim(other) else {
                    continue;
                };
                let seen = per_filter.entry(dim).or_default();
                *seen += 1;
                if *seen > MAX_VALUES_PER_FILTER {
                    return Err(AppError::BadQuery {
                        fr: format!(
                            "Trop de valeurs pour le filtre « {other} » : {MAX_VALUES_PER_FILTER} au plus."
                        ),
                        en: format!(
                            "Too many values of the filter `{other}`: at most {MAX_VALUES_PER_FILTER}."
                        ),
                    });
                }
                match dim {
                    FacetDim::Kind => is_name_of::<Kind>(&value),
                    FacetDim::Family => is_name_of::<LicenceFamily>(&value),
                    FacetDim::Verdict => is_name_of::<Verdict>(&value),
                    _ => true,
                }
            }
        };
        if !valid {
            return Err(AppError::BadQuery {
                fr: format!("« {value} » n’est pas une valeur possible de « {name} »."),
                en: format!("\"{value}\" is not a value of `{name}`."),
            });
        }
    }
    Ok(())
}

/// The answer of `GET /api/v1/search`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SearchResponse<'a> {
    /// The words typed (`q`).
    pub query: &'a str,
    /// The order of the hits.
    pub sort: Sort,
    /// The page, from 1.
    pub page: usize,
    /// Hits per page.
    pub per_page: usize,
    /// How many records match.
    pub total: usize,
    /// Set when every word together found fewer than 3 records: records
    /// matching only some of the words follow those matching them all,
    /// ranked by how many they match. Phrases and filters are never left
    /// out.
    pub relaxed: Option<&'a Relaxed>,
    /// The hits of the page.
    pub hits: Vec<SearchHit<'a>>,
    /// Facet counts over every matching record, by dimension.
    pub facets: &'a BTreeMap<FacetDim, Vec<FacetCount>>,
}

/// One hit of a search.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SearchHit<'a> {
    /// The record's id.
    #[schemars(with = "RecordId")]
    pub id: &'a str,
    /// Its kind.
    #[schemars(with = "Kind")]
    pub kind: &'a str,
    /// Its title, in French.
    pub title: &'a str,
    /// Its licence expression.
    pub license: &'a str,
    /// Its origin registry.
    pub origin: &'a str,
    /// The relevance score (higher is better).
    pub score: f32,
    /// HTML: text escaped, matches in `<mark>`.
    pub snippet: &'a Snippet,
    /// The record's page.
    pub url: String,
    /// The record in this API.
    pub api_url: String,
}

/// The record in its own city's API, for a hit mirrored from a peer (the
/// mirror's page, when the peer is no longer in the peers file).
fn peer_api_url(state: &AppState, origin: &str, kind: &str, id: &str) -> String {
    cdl_federation::peers::Peers::load(&state.registry)
        .ok()
        .and_then(|peers| peers.peers.into_iter().find(|p| p.id.as_str() == origin))
        .map(|p| p.url)
        // A registry a peer re-publishes: the address its mirror keeps.
        .or_else(|| {
            let rid = origin.parse().ok()?;
            cdl_federation::mirror::via(&state.registry, &rid)
                .ok()
                .flatten()
                .map(|v| v.base_url)
        })
        .map_or_else(
            || crate::pages::record::href("", origin, kind, id),
            |url| format!("{}/api/v1/records/{kind}/{id}", url.trim_end_matches('/')),
        )
}

/// `GET /api/v1/search?q=…&kind=…&sort=…&page=…`: `total`, `hits`,
/// `facets`, and `relaxed` when words were left out.
///
/// # Errors
/// 400 for a query that does not parse or bad parameters.
pub async fn search(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    check_search_query(query.as_deref().unwrap_or(""))?;
    let params = Params::parse(query.as_deref())?;
    let per_page = params.per_page.unwrap_or(state.config.page_size);
    let results = run(&state, &params, per_page).await?;
    let local = state.registry.config().id.as_str();
    let hits = results
        .hits
        .iter()
        .map(|h| SearchHit {
            id: &h.id,
            kind: &h.kind,
            title: &h.title,
            license: &h.license,
            origin: &h.origin,
            score: h.score,
            snippet: &h.snippet,
            url: crate::pages::record::href(local, &h.origin, &h.kind, &h.id),
            api_url: if h.origin == local {
                format!("/api/v1/records/{}/{}", h.kind, h.id)
            } else {
                peer_api_url(&state, &h.origin, &h.kind, &h.id)
            },
        })
        .collect();
    Ok(Json(SearchResponse {
        query: &params.q,
        sort: params.sort,
        page: params.page,
        per_page,
        total: results.total,
        relaxed: results.relaxed.as_ref(),
        hits,
        facets: &results.facets,
    })
    .into_response())
}

/// The path parameters of `GET /api/v1/records/{kind}/{id}`, for the
/// document (the handler parses them with [`RecordPath`]).
#[derive(Debug, JsonSchema)]
pub struct RecordPathParams {
    /// The kind of resource.
    pub kind: Kind,
    /// The record's id.
    pub id: RecordId,
}

/// The answer of `GET /api/v1/records/{kind}/{id}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RecordResponse<'a> {
    /// The record, as in its TOML file (see `conservatoire schema`).
    pub record: &'a Record,
    /// Its licence certificate.
    pub certificate: Certificate,
}

/// `GET /api/v1/records/{kind}/{id}`: the record and its certificate.
///
/// # Errors
/// 404 for an unknown record; 410 for a withdrawn one.
pub async fn record(
    State(state): State<AppState>,
    RecordPath { key, format }: RecordPath,
) -> Result<Response, AppError> {
    // The API answers JSON at the plain address only.
    if format != Format::Html {
        return Err(AppError::NotFound);
    }
    match load_record(&state, key).await? {
        Ok(record) => {
            let certificate = certify(record.kind(), &record.license);
            Ok(Json(RecordResponse {
                record: &record,
                certificate,
            })
            .into_response())
        }
        Err(_) => Err(AppError::Gone),
    }
}

/// The name of a proposal's status, from [`ProposalStatus::as_str`].
fn status_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = [
        ProposalStatus::Open,
        ProposalStatus::Merged,
        ProposalStatus::Rejected {
            reason: String::new(),
            curator: String::new(),
        },
    ]
    .iter()
    .map(ProposalStatus::as_str)
    .collect();
    schemars::json_schema!({ "type": "string", "enum": names })
}

/// The answer of `POST /api/v1/proposals`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProposalCreated<'a> {
    /// The proposal's id.
    pub id: &'a ProposalId,
    /// Its status: `open`.
    #[schemars(schema_with = "status_schema")]
    pub status: &'static str,
    /// Whether a curator may merge it as it is.
    pub mergeable: bool,
    /// The validation and certification report.
    pub report: &'a Report,
    /// The proposal's page.
    pub url: String,
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
            errors: json!([{
                "code": cdl_records::Code::NotUtf8,
                "message": "the body is not UTF-8 text",
                "message_fr": "le corps de la requête n’est pas du texte UTF-8",
            }]),
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
                Json(ProposalCreated {
                    id: &id,
                    status: ProposalStatus::Open.as_str(),
                    mergeable: report.is_mergeable(),
                    report: &report,
                    url: format!("/proposals/{id}"),
                }),
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

/// The path of `GET /api/v1/proposals/{id}`.
#[derive(Debug, JsonSchema)]
pub struct ProposalPath {
    /// The proposal's id.
    pub id: ProposalId,
}

/// The answer of `GET /api/v1/proposals/{id}`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ProposalResponse<'a> {
    /// The proposal's id.
    pub id: &'a ProposalId,
    /// Where it stands.
    #[schemars(schema_with = "status_schema")]
    pub status: &'static str,
    /// The contributor's pseudonym.
    pub author: &'a str,
    /// When it was made.
    #[schemars(extend("format" = "date-time"))]
    pub time: String,
    /// The records it changes (`kind/id`).
    pub records: Vec<String>,
    /// Whether a curator may merge it as it is.
    pub mergeable: bool,
    /// The validation and certification report.
    pub report: &'a Report,
    /// Why it was rejected (rejected proposals only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    /// The curator who rejected it (rejected proposals only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub curator: Option<&'a str>,
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
    let (reason, curator) = match &p.status {
        ProposalStatus::Rejected { reason, curator } => {
            (Some(reason.as_str()), Some(curator.as_str()))
        }
        _ => (None, None),
    };
    Ok(Json(ProposalResponse {
        id: &p.id,
        status: p.status.as_str(),
        author: &p.author,
        time: cdl_registry::rfc3339(p.time),
        records: p.changes.iter().map(|c| c.key.to_string()).collect(),
        mergeable: view.report.is_mergeable(),
        report: &view.report,
        reason,
        curator,
    })
    .into_response())
}

/// A text in French and English.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Bilingual {
    /// In French.
    pub fr: &'static str,
    /// In English.
    pub en: &'static str,
}

/// A field of the record format.
#[derive(Debug, Serialize, JsonSchema)]
pub struct VocabularyField {
    /// Its path in a record, e.g. `seed-lot.harvest_year`.
    pub path: &'static str,
    /// Its label in French.
    pub fr: &'static str,
    /// Its label in English.
    pub en: &'static str,
    /// Help to fill it in, where there is some.
    pub help: Option<Bilingual>,
}

/// A value of a field, with its labels.
#[derive(Debug, Serialize, JsonSchema)]
pub struct VocabularyValue {
    /// The field's path, e.g. `seed-lot.reproduction`.
    pub field: &'static str,
    /// The value as written in a record, e.g. `self-pollinated`.
    pub value: &'static str,
    /// Its label in French.
    pub fr: &'static str,
    /// Its label in English.
    pub en: &'static str,
}

/// The answer of `GET /api/v1/vocabulary`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct VocabularyResponse {
    /// Every field of the format.
    pub fields: Vec<VocabularyField>,
    /// Every value of every enumerated field.
    pub values: Vec<VocabularyValue>,
    /// The usual values of some free-text fields.
    pub terms: Vec<VocabularyValue>,
}

/// `GET /api/v1/vocabulary`: every field of the record format with its
/// French and English labels and help, every enumerated value with its
/// labels, and the usual values of free-text fields, all from
/// [`cdl_records::vocabulary`].
pub async fn vocabulary() -> Response {
    use cdl_records::vocabulary::{FIELDS, TERMS, VALUES, Value as Term};
    let value = |v: &Term| VocabularyValue {
        field: v.field,
        value: v.value,
        fr: v.label.fr,
        en: v.label.en,
    };
    let fields = FIELDS
        .iter()
        .map(|f| VocabularyField {
            path: f.path,
            fr: f.label.fr,
            en: f.label.en,
            help: f.help.map(|h| Bilingual { fr: h.fr, en: h.en }),
        })
        .collect();
    (
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        )],
        Json(VocabularyResponse {
            fields,
            values: VALUES.iter().map(value).collect(),
            terms: TERMS.iter().map(value).collect(),
        }),
    )
        .into_response()
}

/// An OpenAPI document, as the answer of `GET /api/v1/openapi.json`
/// (its full schema is OpenAPI's own).
#[derive(Debug)]
pub struct OpenApiDocument;

impl JsonSchema for OpenApiDocument {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OpenApiDocument".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "required": ["openapi", "info", "paths"],
            "properties": { "openapi": { "type": "string", "pattern": "^3\\.1\\." } },
        })
    }
}

/// `GET /api/v1/openapi.json`: [`crate::openapi::document`].
pub async fn openapi() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        crate::openapi::document().to_string(),
    )
        .into_response()
}
