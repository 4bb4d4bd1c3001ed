//! `GET /`: search box, counts per kind, latest additions.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Ctx, Layout, Nav, blocking, render};
use crate::error::AppError;
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
    kind: &'static str,
    summary: Option<String>,
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
            .map(|e| Entry {
                href: format!("/records/{}/{}", e.key.kind.as_str(), e.key.id.as_str()),
                title: e.title.clone(),
                kind: lang.kind(e.key.kind),
                summary: e.summary.clone(),
            })
            .collect(),
    };
    render(&page)
}
