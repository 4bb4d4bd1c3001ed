//! `GET /alternatives?to=NAME` and `GET /api/v1/alternatives?to=NAME`: the
//! certified free software whose `replaces` names a proprietary product,
//! with the organisations using each, most used first (cities attesting
//! their use in their signed feeds before the unverified `used_by` names).
//!
//! Also `GET /records/software/{id}/publiccode.yml`: the record written as
//! a publiccode.yml file.

use std::collections::BTreeMap;

use askama::Template;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use cdl_interop::alternatives::same_product;
use cdl_records::details::Software;
use cdl_records::{Details, Kind, Record, RecordId};
use cdl_registry::{RecordKey, RecordState};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Ctx, Layout, Nav, blocking, render};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;

/// The longest product name accepted, in characters.
pub const MAX_NAME: usize = 200;

/// The most alternatives listed.
pub const MAX_ALTERNATIVES: usize = 100;

/// The query of `GET /api/v1/alternatives`.
#[derive(Debug, Deserialize, Serialize, JsonSchema)]
pub struct AlternativesQuery {
    /// The proprietary product, as people write it: "ms office",
    /// "Microsoft Office 365", "photoshop". Case, accents, vendor words
    /// and version numbers do not matter; small typos are forgiven.
    #[schemars(length(min = 1, max = MAX_NAME))]
    pub to: String,
}

/// An organisation using a piece of software.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct User {
    /// Its name.
    pub name: String,
    /// Its site (for attesting cities: their Conservatoire).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One free alternative.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Alternative {
    /// The record's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The path of its page on this site.
    pub url: String,
    /// Its summary, in French.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Its licence (certified free for software).
    pub license: String,
    /// The names in its `replaces` list that match the product asked for.
    pub replaces: Vec<String>,
    /// Cities that attest using it in their signed feeds (verified).
    pub attested_users: Vec<User>,
    /// Organisations the record names as users (`used_by`, not verified).
    pub users: Vec<User>,
}

/// The answer of `GET /api/v1/alternatives`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct AlternativesResponse {
    /// The product asked for, as given.
    pub to: String,
    /// The free alternatives, most used first: by attested users, then by
    /// named users, then by title.
    pub alternatives: Vec<Alternative>,
}

/// Reads `to` from a query string.
fn product(query: Option<&str>) -> Result<Option<String>, AppError> {
    let to = query.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "to")
            .map(|(_, v)| v.into_owned())
    });
    // The bounds apply to the name as given (as the API document states
    // them); a name of spaces only is valid and names nothing.
    match to {
        Some(t) if t.chars().count() > MAX_NAME => Err(AppError::BadQuery {
            fr: format!("Le nom du produit est trop long : {MAX_NAME} caractères au plus."),
            en: format!("The product name is too long: at most {MAX_NAME} characters."),
        }),
        Some(t) if t.is_empty() => Ok(None),
        Some(t) => Ok(Some(t.trim().to_owned())),
        None => Ok(None),
    }
}

/// The cities attesting each record of this registry, by record key.
fn attestations(state: &AppState) -> BTreeMap<String, Vec<User>> {
    use cdl_federation::{mirror, peers};
    let mut out: BTreeMap<String, Vec<User>> = BTreeMap::new();
    let (Ok(local), Ok(all)) = (
        peers::local_id(&state.registry),
        peers::Peers::load(&state.registry),
    ) else {
        return out;
    };
    let prefix = format!("{local}:");
    for p in all.peers {
        let Ok(uses) = mirror::attested_uses(&state.registry, &p.id) else {
            continue;
        };
        for u in uses {
            if let Some(key) = u.strip_prefix(&prefix) {
                out.entry(key.to_owned()).or_default().push(User {
                    name: p.name.clone(),
                    url: Some(p.url.clone()),
                });
            }
        }
    }
    out
}

/// The certified free software replacing `to`, ranked. Blocking.
fn find(state: &AppState, to: &str) -> Result<Vec<Alternative>, AppError> {
    let snapshot = state.registry.snapshot(None).map_err(AppError::internal)?;
    let attested = attestations(state);
    let mut found: Vec<Alternative> = snapshot
        .records
        .iter()
        .filter_map(|record| {
            let Details::Software(Software {
                replaces, used_by, ..
            }) = &record.details
            else {
                return None;
            };
            let matched: Vec<String> = replaces
                .iter()
                .filter(|r| same_product(to, r))
                .cloned()
                .collect();
            if matched.is_empty()
                || !cdl_licenses::certify(Kind::Software, &record.license).is_certified()
            {
                return None;
            }
            let key = format!("software/{}", record.id.as_str());
            Some(Alternative {
                id: record.id.as_str().to_owned(),
                title: record.title.clone(),
                url: format!("/records/{key}"),
                summary: record.summary.clone(),
                license: record.license.clone(),
                replaces: matched,
                attested_users: attested.get(&key).cloned().unwrap_or_default(),
                users: used_by
                    .iter()
                    .map(|o| User {
                        name: o.name.clone(),
                        url: o.url.as_ref().map(|u| u.as_str().to_owned()),
                    })
                    .collect(),
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.attested_users
            .len()
            .cmp(&a.attested_users.len())
            .then(b.users.len().cmp(&a.users.len()))
            .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
    });
    found.truncate(MAX_ALTERNATIVES);
    Ok(found)
}

/// `GET /api/v1/alternatives?to=NAME`.
///
/// # Errors
/// 400 without `to`, or with one too long.
pub async fn api(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let Some(to) = product(query.as_deref())? else {
        return Err(AppError::BadQuery {
            fr: "Donnez le produit à remplacer : ?to=NOM, par exemple ?to=Microsoft%20Office."
                .to_owned(),
            en: "Name the product to replace: ?to=NAME, for example ?to=Microsoft%20Office."
                .to_owned(),
        });
    };
    let name = to.clone();
    let alternatives = blocking(move || find(&state, &name)).await??;
    Ok(Json(AlternativesResponse { to, alternatives }).into_response())
}

struct Text {
    title: &'static str,
    intro: &'static str,
    label: &'static str,
    hint: &'static str,
    button: &'static str,
    replaces: &'static str,
    attested: &'static str,
    users: &'static str,
    nobody: &'static str,
    none: &'static str,
    results: &'static str,
}

const FR: Text = Text {
    title: "Des logiciels libres à la place",
    intro: "Avant d’acheter un logiciel, cherchez s’il existe un logiciel libre certifié qui fait le même travail. Les logiciels les plus utilisés viennent en premier : d’abord par les villes qui attestent leur usage dans leur flux signé, puis par les organisations que la fiche nomme.",
    label: "Logiciel à remplacer",
    hint: "Son nom, tel que vous l’écrivez : « ms office », « Photoshop »…",
    button: "Chercher",
    replaces: "Remplace",
    attested: "Villes qui l’utilisent (attesté)",
    users: "Utilisé par (déclaré, non vérifié)",
    nobody: "Aucun utilisateur connu.",
    none: "Aucun logiciel libre certifié du catalogue ne dit remplacer ce produit. Essayez un autre nom, ou proposez une fiche.",
    results: "Logiciels libres qui le remplacent",
};

const EN: Text = Text {
    title: "Free software instead",
    intro: "Before buying software, look for certified free software that does the same job. The most used come first: first by the cities attesting their use in their signed feeds, then by the organisations the record names.",
    label: "Software to replace",
    hint: "Its name, as you write it: “ms office”, “Photoshop”…",
    button: "Search",
    replaces: "Replaces",
    attested: "Cities using it (attested)",
    users: "Used by (declared, not verified)",
    nobody: "No known user.",
    none: "No certified free software of the catalogue says it replaces this product. Try another name, or propose a record.",
    results: "Free software replacing it",
};

#[derive(Template)]
#[template(path = "alternatives.html")]
struct Page {
    l: Layout,
    t: &'static Text,
    to: String,
    asked: bool,
    alternatives: Vec<Alternative>,
}

/// The page `GET /alternatives?to=NAME`.
///
/// # Errors
/// 400 for a name too long; when the registry cannot be read.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let to = product(query.as_deref())?;
    let alternatives = match &to {
        Some(name) => {
            let name = name.clone();
            blocking(move || find(&state, &name)).await??
        }
        None => Vec::new(),
    };
    let t = match ctx.lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    };
    let title = match &to {
        Some(name) => match ctx.lang {
            Lang::Fr => format!("Des logiciels libres à la place de « {name} »"),
            Lang::En => format!("Free software instead of “{name}”"),
        },
        None => t.title.to_owned(),
    };
    let page = Page {
        l: ctx.layout(title, Nav::None),
        t,
        asked: to.is_some(),
        to: to.unwrap_or_default(),
        alternatives,
    };
    render(&page)
}

/// `GET /records/software/{id}/publiccode.yml`: the record as a
/// publiccode.yml file (version 0.4).
///
/// # Errors
/// 404 for an unknown or malformed id, 410 for a withdrawn record.
pub async fn publiccode(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = RecordId::new(id).map_err(|_| AppError::NotFound)?;
    let key = RecordKey::new(Kind::Software, id);
    let record: Record = match blocking(move || state.registry.record(&key, None))
        .await?
        .map_err(AppError::internal)?
    {
        RecordState::Present(r) => *r,
        RecordState::Withdrawn(_) => return Err(AppError::Gone),
        RecordState::Absent => return Err(AppError::NotFound),
    };
    let body = cdl_interop::publiccode::export(&record).ok_or(AppError::NotFound)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}
