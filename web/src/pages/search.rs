//! `GET /search`: results with facets, snippets and pagination, every
//! filter a plain link.
//!
//! Results come before the facets in the page (keyboard and screen reader
//! users meet them first; on narrow screens they come first on screen),
//! and the facets fold into a `<details>`. The texts only this page says
//! are in `Texts`, beside it.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use cdl_indexer::{FacetDim, Relaxed, Snippet, Sort};
use cdl_licenses::{LicenceFamily, Verdict};
use cdl_records::Kind;

use super::{Ctx, Layout, Nav, render, render_with};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::search::{Params, run};
use crate::state::AppState;

/// What only the search page says, in one language.
struct Texts {
    skip_to_results: &'static str,
    sort_label: &'static str,
    relevance: &'static str,
    recent: &'static str,
    title: &'static str,
    /// "page" in the page's title, after the query.
    title_page: &'static str,
    /// No record has every word: before the list of words kept.
    relaxed_none: &'static str,
    /// Few records have every word: after their count.
    relaxed_few: &'static str,
    /// The link to the last page, before its number.
    last_page: &'static str,
    and: &'static str,
    without: &'static str,
}

const FR: Texts = Texts {
    skip_to_results: "Aller aux résultats",
    sort_label: "Trier par",
    relevance: "Pertinence",
    recent: "Les plus récentes",
    title: "Titre (A à Z)",
    title_page: "page",
    relaxed_none: "Aucun résultat avec tous les mots ; voici les fiches qui contiennent",
    relaxed_few: "avec tous les mots ; suivent les fiches qui contiennent",
    last_page: "Aller à la dernière page, la page",
    and: "et",
    without: "sans",
};

const EN: Texts = Texts {
    skip_to_results: "Skip to results",
    sort_label: "Sort by",
    relevance: "Relevance",
    recent: "Most recent",
    title: "Title (A to Z)",
    title_page: "page",
    relaxed_none: "No result with all the words; here are the records that contain",
    relaxed_few: "with all the words; then come the records that contain",
    last_page: "Go to the last page, page",
    and: "and",
    without: "without",
};

fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// "0 résultat", "1 résultat", "2 résultats"; "0 results", "1 result".
fn count_label(lang: Lang, n: usize) -> &'static str {
    let m = lang.messages();
    let singular = match lang {
        Lang::Fr => n <= 1,
        Lang::En => n == 1,
    };
    if singular { m.result } else { m.results }
}

/// Words quoted and joined: « a », « b » et « c ».
fn quoted_list(lang: Lang, words: &[String]) -> String {
    let m = lang.messages();
    let quoted: Vec<String> = words
        .iter()
        .map(|w| format!("{}{w}{}", m.quote_open, m.quote_close))
        .collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), texts(lang).and),
    }
}

/// The line that says which words were left out.
fn relaxed_line(lang: Lang, relaxed: &Relaxed) -> String {
    let t = texts(lang);
    let kept = quoted_list(lang, &relaxed.kept);
    let dropped = if relaxed.dropped.is_empty() {
        String::new()
    } else {
        format!(" ({} {})", t.without, quoted_list(lang, &relaxed.dropped))
    };
    if relaxed.complete == 0 {
        format!("{} {kept}{dropped}.", t.relaxed_none)
    } else {
        let n = relaxed.complete;
        let sep = match lang {
            Lang::Fr => "\u{a0}",
            Lang::En => " ",
        };
        format!(
            "{n} {}{sep}{} {kept}{dropped}.",
            count_label(lang, n),
            t.relaxed_few
        )
    }
}

/// One choice of the sort menu.
struct SortChoice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

struct FacetLink {
    label: String,
    /// The label's language when it differs from the page's (licence
    /// names of the SPDX list are in English).
    label_lang: Option<&'static str>,
    /// Smaller text after the label (a licence's id).
    detail: Option<String>,
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
    /// The snippet's text in parts, each with whether it is highlighted;
    /// the template escapes every part and marks the highlighted ones.
    snippet: Vec<(String, bool)>,
}

/// The parts of a snippet, for [`HitView::snippet`].
fn snippet_parts(snippet: &Snippet) -> Vec<(String, bool)> {
    snippet
        .parts()
        .into_iter()
        .map(|(text, marked)| (text.to_owned(), marked))
        .collect()
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
    t: &'static Texts,
    sorts: Vec<SortChoice>,
    relaxed: Option<String>,
    /// Past the last page: the last page's number and link.
    past_last: Option<(usize, String)>,
    /// "La page 9 n’existe pas : …".
    past_last_text: String,
}

/// The label of a facet value in `lang`, and a detail in smaller text:
/// kinds from the record vocabulary, licences by name (their id as
/// detail), the local registry by its name, families and verdicts from
/// the licence policy's labels; tags, languages and species are the
/// records' own words.
fn facet_value(
    state: &AppState,
    lang: Lang,
    dim: FacetDim,
    value: &str,
) -> (String, Option<String>) {
    match dim {
        FacetDim::License => match cdl_licenses::licence_name(value) {
            Some(name) if name != value => (name, Some(value.to_owned())),
            _ => (value.to_owned(), None),
        },
        FacetDim::Origin => (state.origin_name(value), None),
        FacetDim::Kind
        | FacetDim::Family
        | FacetDim::Verdict
        | FacetDim::Tag
        | FacetDim::Lang
        | FacetDim::Species => (value_label(lang, dim, value), None),
    }
}

/// The label of a facet value in `lang`.
pub fn value_label(lang: Lang, dim: FacetDim, value: &str) -> String {
    match dim {
        FacetDim::Kind => cdl_records::vocabulary::value("kind", value).map_or_else(
            || value.to_owned(),
            |l| l.get(lang.format_lang()).to_owned(),
        ),
        FacetDim::Family => LicenceFamily::ALL
            .iter()
            .find(|f| f.as_str() == value)
            .map_or_else(
                || value.to_owned(),
                |f| match lang {
                    Lang::Fr => f.label_fr().to_owned(),
                    Lang::En => f.label_en().to_owned(),
                },
            ),
        FacetDim::Verdict => [Verdict::Certified, Verdict::Rejected, Verdict::Unknown]
            .iter()
            .find(|v| v.as_str() == value)
            .map_or_else(|| value.to_owned(), |v| lang.verdict(*v).to_owned()),
        FacetDim::License
        | FacetDim::Tag
        | FacetDim::Lang
        | FacetDim::Species
        | FacetDim::Origin => value.to_owned(),
    }
}

fn facet_title(lang: Lang, dim: FacetDim) -> &'static str {
    let m = lang.messages();
    match dim {
        FacetDim::Kind => m.facet_kind,
        FacetDim::License => m.facet_license,
        FacetDim::Family => m.facet_family,
        FacetDim::Verdict => m.facet_verdict,
        FacetDim::Tag => m.facet_tag,
        FacetDim::Lang => m.facet_lang,
        FacetDim::Species => m.facet_species,
        FacetDim::Origin => m.facet_origin,
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
    let t = texts(lang);
    let mut title = if params.q.is_empty() {
        m.search_title.to_owned()
    } else {
        format!(
            "{} {}{}{}",
            m.search_title, m.quote_open, params.q, m.quote_close
        )
    };
    if params.page > 1 {
        title.push_str(&format!(" – {} {}", t.title_page, params.page));
    }
    let mut page = SearchPage {
        l: ctx.layout(title, Nav::Search),
        q: params.q.clone(),
        hidden: params
            .filters
            .iter()
            .map(|f| (crate::search::param_name(f.dim).to_owned(), f.value.clone()))
            .collect(),
        error: None,
        total: 0,
        total_label: count_label(lang, 0),
        hits: Vec::new(),
        groups: Vec::new(),
        active: params
            .filters
            .iter()
            .map(|f| Active {
                label: format!(
                    "{}{} {}",
                    facet_title(lang, f.dim),
                    lang.messages().colon,
                    facet_value(&state, lang, f.dim, &f.value).0
                ),
                href: params.href(1, None, Some((f.dim, &f.value))),
            })
            .collect(),
        page: params.page,
        pages: 0,
        prev: None,
        next: None,
        t,
        sorts: Sort::ALL
            .iter()
            .map(|s| SortChoice {
                value: s.as_str(),
                label: match s {
                    Sort::Relevance => t.relevance,
                    Sort::Recent => t.recent,
                    Sort::Title => t.title,
                },
                selected: *s == params.sort,
            })
            .collect(),
        relaxed: None,
        past_last: None,
        past_last_text: String::new(),
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
    page.total_label = count_label(lang, results.total);
    page.relaxed = results.relaxed.as_ref().map(|r| relaxed_line(lang, r));
    page.pages = results
        .total
        .div_ceil(per_page)
        .min(cdl_indexer::MAX_WINDOW / per_page);
    if params.page > page.pages && page.pages > 0 {
        let last = page.pages;
        page.past_last = Some((last, params.href(last, None, None)));
        page.past_last_text = match lang {
            Lang::Fr => format!(
                "La page {} n’existe pas : les résultats s’arrêtent à la page {last}.",
                params.page
            ),
            Lang::En => format!(
                "Page {} does not exist: the results end at page {last}.",
                params.page
            ),
        };
    }
    if params.page > 1 && params.page <= page.pages {
        page.prev = Some(params.href(params.page - 1, None, None));
    }
    if params.page < page.pages && page.past_last.is_none() {
        page.next = Some(params.href(params.page + 1, None, None));
    }
    page.hits = results
        .hits
        .iter()
        .map(|h| HitView {
            href: super::record::href(&state.registry.config().id, &h.origin, &h.kind, &h.id),
            kind: h.kind.parse::<Kind>().map_or("", |k| lang.kind(k)),
            title: h.title.clone(),
            license: h.license.clone(),
            snippet: snippet_parts(&h.snippet),
        })
        .collect();
    for dim in FacetDim::ALL {
        let Some(values) = results.facets.get(&dim) else {
            continue;
        };
        let links: Vec<FacetLink> = values
            .iter()
            .filter(|c| !params.has(dim, &c.value))
            .map(|c| {
                let (label, detail) = facet_value(&state, lang, dim, &c.value);
                let spdx_name = dim == FacetDim::License
                    && detail.is_some()
                    && !c.value.starts_with("LicenseRef-");
                FacetLink {
                    label,
                    label_lang: (spdx_name && lang != Lang::En).then_some("en"),
                    detail,
                    count: c.count,
                    href: params.href(1, Some((dim, &c.value)), None),
                }
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
