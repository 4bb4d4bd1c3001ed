//! `GET /search`: results with facets, snippets and pagination, every
//! filter a plain link.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use cdl_licenses::{LicenceFamily, Verdict};
use cdl_records::Kind;

use super::{Ctx, Layout, Nav, render, render_with};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::search::{FILTERS, Params, run};
use crate::state::AppState;

struct FacetLink {
    label: String,
    count: u64,
    href: String,
}

struct FacetGroup {
    title: &'static str,
    links: Vec<FacetLink>,
}

struct Active {
    label: String,
    href: String,
}

struct HitView {
    href: String,
    title: String,
    kind: &'static str,
    license: String,
    snippet_html: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    l: Layout,
    q: String,
    hidden: Vec<(String, String)>,
    error: Option<String>,
    total: usize,
    total_label: &'static str,
    hits: Vec<HitView>,
    groups: Vec<FacetGroup>,
    active: Vec<Active>,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
}

/// The label of a facet value in `lang`.
pub fn value_label(lang: Lang, dim: &str, value: &str) -> String {
    match dim {
        "kind" => value
            .parse::<Kind>()
            .map_or_else(|_| value.to_owned(), |k| lang.kind(k).to_owned()),
        "family" => LicenceFamily::ALL
            .iter()
            .find(|f| f.as_str() == value)
            .map_or_else(
                || value.to_owned(),
                |f| match lang {
                    Lang::Fr => f.label_fr().to_owned(),
                    Lang::En => f.label_en().to_owned(),
                },
            ),
        "verdict" => [Verdict::Certified, Verdict::Rejected, Verdict::Unknown]
            .iter()
            .find(|v| v.as_str() == value)
            .map_or_else(|| value.to_owned(), |v| lang.verdict(*v).to_owned()),
        _ => value.to_owned(),
    }
}

fn facet_title(lang: Lang, dim: &str) -> &'static str {
    let m = lang.messages();
    match dim {
        "kind" => m.facet_kind,
        "license" => m.facet_license,
        "family" => m.facet_family,
        "verdict" => m.facet_verdict,
        "tag" => m.facet_tag,
        "lang" => m.facet_lang,
        "species" => m.facet_species,
        _ => m.facet_origin,
    }
}

/// The search page. A query that cannot be parsed is answered 400 with
/// the parser's message on the page.
///
/// # Errors
/// 400 for bad parameters; 500 when the index fails.
pub async fn search(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let params = Params::parse(query.as_deref())?;
    let lang = ctx.lang;
    let m = ctx.m();
    let per_page = state.config.page_size;
    let title = if params.q.is_empty() {
        m.search_title.to_owned()
    } else {
        format!(
            "{} {}{}{}",
            m.search_title, m.quote_open, params.q, m.quote_close
        )
    };
    let mut page = SearchPage {
        l: ctx.layout(title, Nav::Search),
        q: params.q.clone(),
        hidden: params
            .filters
            .iter()
            .map(|(k, v)| (crate::search::param_name(k).to_owned(), v.clone()))
            .collect(),
        error: None,
        total: 0,
        total_label: m.results,
        hits: Vec::new(),
        groups: Vec::new(),
        active: params
            .filters
            .iter()
            .map(|(k, v)| Active {
                label: format!(
                    "{}{} {}",
                    facet_title(lang, k),
                    lang.messages().colon,
                    value_label(lang, k, v)
                ),
                href: params.href(1, None, Some((k, v))),
            })
            .collect(),
        page: params.page,
        pages: 0,
        prev: None,
        next: None,
    };
    let results = match run(&state, &params, per_page).await {
        Ok(results) => results,
        Err(AppError::BadQuery { fr, en }) => {
            page.error = Some(match lang {
                Lang::Fr => fr,
                Lang::En => en,
            });
            return render_with(StatusCode::BAD_REQUEST, &page);
        }
        Err(e) => return Err(e),
    };
    page.total = results.total;
    page.total_label = if results.total == 1 {
        m.result
    } else {
        m.results
    };
    page.pages = results
        .total
        .div_ceil(per_page)
        .min(cdl_indexer::MAX_WINDOW / per_page);
    if params.page > 1 {
        page.prev = Some(params.href(params.page - 1, None, None));
    }
    if params.page < page.pages {
        page.next = Some(params.href(params.page + 1, None, None));
    }
    page.hits = results
        .hits
        .iter()
        .map(|h| HitView {
            href: format!("/records/{}/{}", h.kind, h.id),
            kind: h.kind.parse::<Kind>().map_or("", |k| lang.kind(k)),
            title: h.title.clone(),
            license: h.license.clone(),
            snippet_html: h.snippet.html.clone(),
        })
        .collect();
    for dim in FILTERS {
        let Some(values) = results.facets.get(dim) else {
            continue;
        };
        let links: Vec<FacetLink> = values
            .iter()
            .filter(|c| !params.has(dim, &c.value))
            .map(|c| FacetLink {
                label: value_label(lang, dim, &c.value),
                count: c.count,
                href: params.href(1, Some((dim, &c.value)), None),
            })
            .collect();
        if !links.is_empty() {
            page.groups.push(FacetGroup {
                title: facet_title(lang, dim),
                links,
            });
        }
    }
    render(&page)
}
