//! `GET /records/{kind}/{id}`: every field, the certificate in plain
//! words, the history, downloads and JSON-LD; `.toml` and `.json` suffixes
//! download the record.

use askama::Template;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cdl_licenses::{Certificate, certify};
use cdl_records::{Kind, Record, RecordId};
use cdl_registry::{ChangeKind, HistoryEntry, RecordKey, RecordState};

use super::{Ctx, Layout, Nav, blocking, date, render, render_with};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::view::{Item, Row, json_ld, rows};

/// What a record page asks for.
enum Format {
    Html,
    Toml,
    Json,
}

/// Parses `{kind}` and `{id}` (with an optional `.toml` or `.json`).
fn key_of(kind: &str, id: &str) -> Result<(RecordKey, Format), AppError> {
    let (id, format) = if let Some(id) = id.strip_suffix(".toml") {
        (id, Format::Toml)
    } else if let Some(id) = id.strip_suffix(".json") {
        (id, Format::Json)
    } else {
        (id, Format::Html)
    };
    let kind: Kind = kind.parse().map_err(|_| AppError::NotFound)?;
    let id = RecordId::new(id).map_err(|_| AppError::NotFound)?;
    Ok((RecordKey::new(kind, id), format))
}

/// Reads a record: present, or 404 (410 for a withdrawn one).
///
/// # Errors
/// [`AppError::NotFound`]; internal errors.
pub async fn load(state: &AppState, key: RecordKey) -> Result<Result<Record, String>, AppError> {
    let state = state.clone();
    let found = blocking(move || state.registry.record(&key, None)).await?;
    match found.map_err(AppError::internal)? {
        RecordState::Present(record) => Ok(Ok(*record)),
        RecordState::Withdrawn(tombstone) => Ok(Err(tombstone.title.clone())),
        RecordState::Absent => Err(AppError::NotFound),
    }
}

struct Reason {
    text: String,
}

struct HistoryView {
    date: String,
    change: &'static str,
    author: String,
    message: String,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    l: Layout,
    content_lang: &'static str,
    kind_label: &'static str,
    title: String,
    summary: Option<String>,
    description: Vec<String>,
    license: String,
    verdict_class: &'static str,
    verdict: &'static str,
    verdict_explained: &'static str,
    reasons: Vec<Reason>,
    suggestions: Vec<String>,
    policy_version: String,
    spdx_version: String,
    rows: Vec<Row>,
    used_by: Vec<Item>,
    replaces: Vec<String>,
    history: Vec<HistoryView>,
    base: String,
    json_ld: String,
}

#[derive(Template)]
#[template(path = "withdrawn.html")]
struct WithdrawnPage {
    l: Layout,
    title: String,
}

/// The site's public address, for absolute links (feed, sitemap,
/// `robots.txt`, JSON-LD): `base_url` when configured, else the address
/// the server listens on. Never the request's `Host` header: any client
/// sets it, and a shared cache would hand its links to everyone.
#[derive(Debug, Clone)]
pub struct Site(String);

impl Site {
    /// The site of `state`, for a server listening on `listening`.
    pub fn new(state: &AppState, listening: Option<std::net::SocketAddr>) -> Site {
        let base = match &state.config.base_url {
            Some(base) => base.as_str().trim_end_matches('/').to_owned(),
            None => format!("http://{}", listening.unwrap_or(state.config.listen)),
        };
        Site(base)
    }

    /// The absolute address of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

impl FromRequestParts<AppState> for Site {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Site, Self::Rejection> {
        let listening = parts.extensions.get::<crate::Listening>().map(|l| l.0);
        Ok(Site::new(state, listening))
    }
}

fn change_label(lang: Lang, change: ChangeKind) -> &'static str {
    let m = lang.messages();
    match change {
        ChangeKind::Added => m.change_added,
        ChangeKind::Modified => m.change_modified,
        ChangeKind::Withdrawn => m.change_withdrawn,
        ChangeKind::Deleted => m.change_deleted,
    }
}

/// The certificate's reasons and suggestions in `lang`.
pub fn reasons(lang: Lang, certificate: &Certificate) -> Vec<String> {
    certificate
        .reasons
        .iter()
        .map(|r| match lang {
            Lang::Fr => r.message_fr.clone(),
            Lang::En => r.message_en.clone(),
        })
        .collect()
}

/// The record page, or its TOML or JSON download.
///
/// # Errors
/// 404 for an unknown or malformed kind or id.
pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    site: Site,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (key, format) = key_of(&kind, &id)?;
    let record = match load(&state, key.clone()).await? {
        Ok(record) => record,
        Err(title) => {
            let page = WithdrawnPage {
                l: ctx.layout(title.clone(), Nav::None),
                title,
            };
            return render_with(StatusCode::GONE, &page);
        }
    };
    let file = record.id.as_str().to_owned();
    match format {
        Format::Toml => {
            return Ok(download(
                "application/toml; charset=utf-8",
                &format!("{file}.toml"),
                cdl_records::to_toml(&record),
            ));
        }
        Format::Json => {
            let body = serde_json::to_string_pretty(&record).map_err(AppError::internal)?;
            return Ok(download("application/json", &format!("{file}.json"), body));
        }
        Format::Html => {}
    }
    let history_key = key.clone();
    let st = state.clone();
    let history: Vec<HistoryEntry> = blocking(move || st.registry.history(&history_key, None))
        .await?
        .map_err(AppError::internal)?;
    let lang = ctx.lang;
    let m = ctx.m();
    let certificate = certify(record.kind(), &record.license);
    let base = format!("/records/{}/{}", key.kind.as_str(), key.id.as_str());
    let url = site.url(&base);
    let en = (lang == Lang::En)
        .then(|| {
            record
                .translations
                .iter()
                .find(|(tag, _)| tag.as_str() == "en" || tag.as_str().starts_with("en-"))
                .map(|(_, t)| t)
        })
        .flatten();
    let title = en
        .and_then(|t| t.title.clone())
        .unwrap_or_else(|| record.title.clone());
    let content_lang = if en.and_then(|t| t.title.as_ref()).is_some() {
        "en"
    } else {
        "fr"
    };
    let summary = if content_lang == "en" {
        en.and_then(|t| t.summary.clone())
            .or_else(|| record.summary.clone())
    } else {
        record.summary.clone()
    };
    let description = if content_lang == "en" {
        en.and_then(|t| t.description.clone())
    } else {
        None
    }
    .or_else(|| record.description.clone())
    .map(|d| {
        d.split("\n\n")
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect()
    })
    .unwrap_or_default();
    let (used_by, replaces) = match &record.details {
        cdl_records::Details::Software(s) => (
            s.used_by
                .iter()
                .map(|o| Item {
                    text: o.name.clone(),
                    href: o.url.as_ref().map(|u| u.as_str().to_owned()),
                })
                .collect(),
            s.replaces.clone(),
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let all_rows = rows(&record, lang)
        .into_iter()
        .filter(|r| r.key != "software.used_by" && r.key != "software.replaces")
        .collect();
    let page = RecordPage {
        l: ctx.layout(title.clone(), Nav::None),
        content_lang,
        kind_label: lang.kind(record.kind()),
        summary,
        description,
        license: record.license.clone(),
        verdict_class: certificate.verdict.as_str(),
        verdict: lang.verdict(certificate.verdict),
        verdict_explained: lang.verdict_explained(certificate.verdict),
        reasons: reasons(lang, &certificate)
            .into_iter()
            .map(|text| Reason { text })
            .collect(),
        suggestions: certificate.suggestions.clone(),
        policy_version: certificate.policy_version.clone(),
        spdx_version: certificate.spdx_list_version.clone(),
        rows: all_rows,
        used_by,
        replaces,
        history: history
            .iter()
            .map(|h| HistoryView {
                date: date(h.time),
                change: change_label(lang, h.change),
                author: h.author.clone(),
                message: h.message.lines().next().unwrap_or_default().to_owned(),
            })
            .collect(),
        json_ld: json_ld(&record, &url),
        base,
        title,
    };
    let _ = m;
    render(&page)
}

/// A download response.
fn download(content_type: &'static str, file: &str, body: String) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}
