//! `GET /`: search box, counts per kind, latest additions.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Ctx, Layout, Nav, blocking, render};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// A kind with its count.
struct Count {
    kind: &'static str,
    label: &'static str,
    count: u64,
}

/// A latest addition.
struct Entry {
    href: String,
    title: String,
    /// The title's `lang` when it differs from the page's (else empty).
    title_lang: String,
    kind: &'static str,
    summary: Option<String>,
    /// The summary's `lang` when it differs from the page's (else empty).
    summary_lang: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    l: Layout,
    counts: Vec<Count>,
    latest: Vec<Entry>,
}

/// The home page.
///
/// # Errors
/// When the registry or the index cannot be read.
pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let data = blocking(move || state.home_data())
        .await?
        .map_err(AppError::Internal)?;
    let lang = ctx.lang;
    let page = Home {
        l: ctx.layout(ctx.m().home_title, Nav::Home),
        counts: data
            .counts
            .iter()
            .map(|(kind, count)| Count {
                kind: kind.as_str(),
                label: lang.kind_plural(*kind),
                count: *count,
            })
            .collect(),
        latest: data
            .latest
            .iter()
            .take(10)
            .map(|e| {
                let en = if lang == Lang::En {
                    e.english.as_ref()
                } else {
                    None
                };
                let own = e.title_lang.clone().unwrap_or_else(|| "fr".to_owned());
                let (title, title_lang) = match en.and_then(|t| t.title.clone()) {
                    Some(t) => (t, String::new()),
                    None => (e.title.clone(), own),
                };
                let (summary, summary_lang) = match en.and_then(|t| t.summary.clone()) {
                    Some(s) => (Some(s), String::new()),
                    None => (e.summary.clone(), "fr".to_owned()),
                };
                let differs = |tag: String| {
                    if tag == lang.tag() {
                        String::new()
                    } else {
                        tag
                    }
                };
                Entry {
                    href: format!("/records/{}/{}", e.key.kind.as_str(), e.key.id.as_str()),
                    title,
                    title_lang: differs(title_lang),
                    kind: lang.kind(e.key.kind),
                    summary,
                    summary_lang: differs(summary_lang),
                }
            })
            .collect(),
    };
    render(&page)
}
