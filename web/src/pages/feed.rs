//! `/feed.atom` (new records), `/sitemap.xml` and `/robots.txt`.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::blocking;
use super::record::Site;
use crate::error::AppError;
use crate::state::AppState;

struct FeedEntry {
    url: String,
    title: String,
    summary: Option<String>,
    updated: String,
}

#[derive(Template)]
#[template(path = "feed.xml")]
struct Feed {
    self_url: String,
    home_url: String,
    updated: String,
    entries: Vec<FeedEntry>,
}

/// The Atom feed of the latest additions.
///
/// # Errors
/// When the registry or the index cannot be read.
pub async fn atom(State(state): State<AppState>, site: Site) -> Result<Response, AppError> {
    let st = state.clone();
    let data = blocking(move || st.home_data())
        .await?
        .map_err(AppError::Internal)?;
    let entries: Vec<FeedEntry> = data
        .latest
        .iter()
        .map(|e| FeedEntry {
            url: site.url(&format!(
                "/records/{}/{}",
                e.key.kind.as_str(),
                e.key.id.as_str()
            )),
            title: e.title.clone(),
            summary: e.summary.clone(),
            updated: cdl_registry::rfc3339(e.time),
        })
        .collect();
    let feed = Feed {
        self_url: site.url("/feed.atom"),
        home_url: site.url("/"),
        updated: entries
            .first()
            .map_or_else(|| cdl_registry::rfc3339(0), |e| e.updated.clone()),
        entries,
    };
    let body = feed.render().map_err(AppError::internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/atom+xml; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}

/// The most addresses in one sitemap file (the protocol's limit).
const SITEMAP_MAX: usize = 50_000;

/// The sitemap: the fixed pages and every record (at most 50,000), built
/// once per `main` commit.
///
/// # Errors
/// When the registry cannot be read.
pub async fn sitemap(State(state): State<AppState>, site: Site) -> Result<Response, AppError> {
    let st = state.clone();
    let base = site.url("");
    let xml = blocking(move || -> Result<Arc<String>, String> {
        let main = st.registry.main().map_err(|e| e.to_string())?.to_hex().to_string();
        if let Ok(guard) = st.sitemap.lock()
            && let Some((key, xml)) = guard.as_ref()
            && *key == format!("{main} {base}")
        {
            return Ok(Arc::clone(xml));
        }
        let snapshot = st.registry.snapshot(Some(&main)).map_err(|e| e.to_string())?;
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        let mut push = |path: &str| {
            out.push_str("<url><loc>");
            out.push_str(&xml_escape(&format!("{base}{path}")));
            out.push_str("</loc></url>\n");
        };
        for path in ["/", "/search", "/policy", "/propose"] {
            push(path);
        }
        for record in snapshot.records.iter().take(SITEMAP_MAX - 4) {
            push(&format!("/records/{}/{}", record.kind().as_str(), record.id.as_str()));
        }
        out.push_str("</urlset>\n");
        let xml = Arc::new(out);
        if let Ok(mut guard) = st.sitemap.lock() {
            *guard = Some((format!("{main} {base}"), Arc::clone(&xml)));
        }
        Ok(xml)
    })
    .await?
    .map_err(AppError::Internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml; charset=utf-8"),
        )],
        xml.as_ref().clone(),
    )
        .into_response())
}

/// `robots.txt`: everything public may be crawled but the curators' pages;
/// the sitemap's address is absolute, as the protocol asks.
pub async fn robots(site: Site) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        format!(
            "User-agent: *\nDisallow: /review\nDisallow: /login\nSitemap: {}\n",
            site.url("/sitemap.xml")
        ),
    )
        .into_response()
}

/// Escapes text for XML.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
