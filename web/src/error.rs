//! The one error type of the handlers, and the middleware that turns every
//! error response (ours or the framework's) into an HTML page or an RFC
//! 9457 `application/problem+json` document.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::i18n::Lang;

/// What went wrong in a handler. Clients get a generic message and a
/// stable code; internal details are logged, never sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// No such page or record.
    #[error("not found")]
    NotFound,
    /// The record was withdrawn from the catalogue.
    #[error("gone")]
    Gone,
    /// The request is malformed; the message is safe to show.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A search query that cannot be parsed: messages in French and English.
    #[error("bad query: {en}")]
    BadQuery {
        /// The message in French.
        fr: String,
        /// The message in English.
        en: String,
    },
    /// A form without a valid CSRF token.
    #[error("forbidden: missing or wrong CSRF token")]
    Csrf,
    /// Too many requests from this client.
    #[error("too many requests; retry after {retry_after} s")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// A record that does not validate (API): the diagnostics.
    #[error("unprocessable record")]
    Unprocessable {
        /// The errors, as JSON.
        errors: serde_json::Value,
        /// A one-line summary.
        detail: String,
    },
    /// The request conflicts with the current state (already decided...).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The search index is not available.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A request body of a type the route does not take: messages in
    /// French and English saying which type to send.
    #[error("unsupported media type: {en}")]
    UnsupportedMediaType {
        /// The message in French.
        fr: String,
        /// The message in English.
        en: String,
    },
    /// A state-changing request sent from another site's page.
    #[error("forbidden: cross-site request")]
    CrossSite,
    /// Anything else: logged, answered with a generic 500.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    /// Wraps any error (or message) as an internal one, keeping its
    /// chain of sources for the log (see [`chain`]).
    pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> AppError {
        AppError::Internal(chain(e.into().as_ref()))
    }

    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Gone => StatusCode::GONE,
            AppError::BadRequest(_) | AppError::BadQuery { .. } => StatusCode::BAD_REQUEST,
            AppError::Csrf | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error and its sources as one line, `outer: cause: root cause`;
/// a source whose text the message already holds (`#[error("...: {0}")]`
/// over `#[source]`) is not repeated.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = e.source();
    }
    out
}

/// The description of an error response, carried in the response's
/// extensions until `render_page_errors` or `render_api_errors` writes
/// its body.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// A stable machine code, e.g. `not-found`.
    pub code: &'static str,
    /// A message safe to show, in French and English, if more specific than
    /// the status's generic one.
    pub detail: Option<(String, String)>,
    /// Extra members of the problem document (validation errors).
    pub errors: Option<serde_json::Value>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (code, detail, errors) = match &self {
            AppError::NotFound => ("not-found", None, None),
            AppError::Gone => (
                "withdrawn",
                Some((
                    "Cette ressource a été retirée du catalogue.".to_owned(),
                    "This resource was withdrawn from the catalogue.".to_owned(),
                )),
                None,
            ),
            AppError::BadRequest(m) => ("bad-request", Some((m.clone(), m.clone())), None),
            AppError::BadQuery { fr, en } => ("bad-query", Some((fr.clone(), en.clone())), None),
            AppError::Csrf => ("csrf", None, None),
            AppError::CrossSite => (
                "cross-site",
                Some((
                    "Requête refusée : elle vient de la page d’un autre site.".to_owned(),
                    "Request refused: it comes from another site's page.".to_owned(),
                )),
                None,
            ),
            AppError::UnsupportedMediaType { fr, en } => (
                "unsupported-media-type",
                Some((fr.clone(), en.clone())),
                None,
            ),
            AppError::TooManyRequests { .. } => ("rate-limited", None, None),
            AppError::Unprocessable { errors, detail } => (
                "invalid-record",
                Some((detail.clone(), detail.clone())),
                Some(errors.clone()),
            ),
            AppError::Conflict(m) => ("conflict", Some((m.clone(), m.clone())), None),
            AppError::Unavailable(_) => ("unavailable", None, None),
            AppError::Internal(_) => ("internal", None, None),
        };
        if matches!(self, AppError::Internal(_) | AppError::Unavailable(_)) {
            // The only place internal details go: the server's log, inside
            // the request's span (so with its request id).
            tracing::error!(status = status.as_u16(), code, error = %self, "request failed");
        }
        let mut response = status.into_response();
        if let AppError::TooManyRequests { retry_after } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response.extensions_mut().insert(ErrorInfo {
            code,
            detail,
            errors,
        });
        response
    }
}

/// The code of an error response that carries no [`ErrorInfo`] (made by
/// the framework: unknown route, body too large, timeout...).
pub(crate) fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::URI_TOO_LONG => "uri-too-long",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "headers-too-large",
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too-large",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::TOO_MANY_REQUESTS => "rate-limited",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_server_error() => "internal",
        _ => "bad-request",
    }
}

/// Whether a response is an error whose body we must (re)write: any 4xx
/// or 5xx that is not already a rendered page or problem document.
fn needs_body(response: &Response) -> bool {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return false;
    }
    if response.extensions().get::<ErrorInfo>().is_some() {
        return true;
    }
    let ct = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !(ct.starts_with("text/html") || ct.starts_with("application/problem+json"))
}

/// Middleware around everything: errors of paths under `/api/` become
/// `application/problem+json`, all others HTML pages. It sits outside the
/// body limit and timeout layers, so their refusals get the same shape.
pub async fn render_errors(request: Request, next: Next) -> Response {
    if request.uri().path().starts_with("/api/") {
        render_api_errors(request, next).await
    } else {
        render_page_errors(request, next).await
    }
}

/// The body of every error of the API: an RFC 9457 problem document.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// `/api/v1/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The reason phrase of the status.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// Stable machine code: not-found, bad-query, invalid-record,
    /// rate-limited, too-large, unsupported-media-type, cross-site...
    pub code: &'static str,
    /// What is wrong, in English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// What is wrong, in French.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail_fr: Option<String>,
    /// The path of the request.
    pub instance: String,
    /// The problems of an invalid record (422 `invalid-record`): at most
    /// [`cdl_records::MAX_DIAGNOSTICS`], then a final `more-errors` entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Vec<cdl_records::Diagnostic>>")]
    #[schemars(length(max = cdl_records::MAX_DIAGNOSTICS + 1))]
    pub errors: Option<serde_json::Value>,
}

/// Errors as `application/problem+json`.
async fn render_api_errors(request: Request, next: Next) -> Response {
    let instance = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(
            || request.uri().path().to_owned(),
            |u| u.0.path().to_owned(),
        );
    let response = next.run(request).await;
    if !needs_body(&response) {
        return response;
    }
    let status = response.status();
    let info = response.extensions().get::<ErrorInfo>().cloned();
    let code = info.as_ref().map_or_else(|| code_of(status), |i| i.code);
    let detail = info.as_ref().and_then(|i| i.detail.clone());
    let body = Problem {
        kind: format!("/api/v1/problems/{code}"),
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        code,
        detail_fr: detail.as_ref().map(|(fr, _)| fr.clone()),
        detail: detail.map(|(_, en)| en),
        instance,
        errors: info.and_then(|i| i.errors),
    };
    let body = serde_json::to_string(&body).unwrap_or_default();
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The generic message of an error status in `lang`.
pub(crate) fn generic_message(lang: Lang, status: StatusCode) -> &'static str {
    let m = lang.messages();
    match status {
        StatusCode::NOT_FOUND => m.error_not_found,
        StatusCode::FORBIDDEN => m.error_forbidden,
        StatusCode::PAYLOAD_TOO_LARGE => m.error_too_large,
        StatusCode::TOO_MANY_REQUESTS => m.error_too_many,
        StatusCode::REQUEST_TIMEOUT => m.error_timeout,
        StatusCode::METHOD_NOT_ALLOWED => m.error_method,
        StatusCode::SERVICE_UNAVAILABLE => m.error_unavailable,
        StatusCode::URI_TOO_LONG => m.error_uri_too_long,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => m.error_headers_too_large,
        s if s.is_server_error() => m.error_internal,
        _ => m.error_bad_request,
    }
}

/// Errors as an HTML page in the visitor's language, with no internal
/// detail.
async fn render_page_errors(request: Request, next: Next) -> Response {
    let lang = Lang::detect(request.uri().query(), request.headers());
    let response = next.run(request).await;
    if !needs_body(&response) {
        return response;
    }
    let status = response.status();
    let info = response.extensions().get::<ErrorInfo>().cloned();
    let generic = generic_message(lang, status);
    let detail = info.and_then(|i| i.detail).map(|(fr, en)| match lang {
        Lang::Fr => fr,
        Lang::En => en,
    });
    let html = crate::pages::error_page(lang, status, generic, detail.as_deref());
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(html))
}
