//! Extractors shared by the handlers: the record address of a path, the
//! kind of a path, and the logged-in curator.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use cdl_records::{Kind, RecordId};
use cdl_registry::RecordKey;

use crate::error::AppError;
use crate::pages::Ctx;
use crate::state::AppState;

/// What a record address asks for: the page, or a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `/records/{kind}/{id}`.
    Html,
    /// `/records/{kind}/{id}.toml`.
    Toml,
    /// `/records/{kind}/{id}.json`.
    Json,
}

/// The `{kind}/{id}` of a path (with an optional `.toml` or `.json`
/// suffix): anything else is 404, before the handler runs.
#[derive(Debug, Clone)]
pub struct RecordPath {
    /// The record.
    pub key: RecordKey,
    /// What is asked of it.
    pub format: Format,
}

impl RecordPath {
    /// Parses a path's kind and id (with its optional suffix).
    ///
    /// # Errors
    /// [`AppError::NotFound`] for an unknown kind or a malformed id.
    pub fn parse(kind: &str, id: &str) -> Result<RecordPath, AppError> {
        let (id, format) = if let Some(id) = id.strip_suffix(".toml") {
            (id, Format::Toml)
        } else if let Some(id) = id.strip_suffix(".json") {
            (id, Format::Json)
        } else {
            (id, Format::Html)
        };
        let kind: Kind = kind.parse().map_err(|_| AppError::NotFound)?;
        let id = RecordId::new(id).map_err(|_| AppError::NotFound)?;
        Ok(RecordPath {
            key: RecordKey::new(kind, id),
            format,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RecordPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path((kind, id)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        RecordPath::parse(&kind, &id)
    }
}

/// The `{kind}` of a path: an unknown kind is 404.
#[derive(Debug, Clone, Copy)]
pub struct KindPath(pub Kind);

impl<S: Send + Sync> FromRequestParts<S> for KindPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(kind) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        kind.parse().map(KindPath).map_err(|_| AppError::NotFound)
    }
}

/// A logged-in curator, with the request's context. Visitors without a
/// curator session are sent to the login page before the handler runs.
#[derive(Debug)]
pub struct Curator {
    /// The curator's name.
    pub name: String,
    /// The request's context (language, CSRF token, session).
    pub ctx: Ctx,
}

impl FromRequestParts<AppState> for Curator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match ctx.curator.clone() {
            Some(name) => Ok(Curator { name, ctx }),
            None => Err(Redirect::to("/login").into_response()),
        }
    }
}
