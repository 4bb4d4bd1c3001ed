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

/// A peer city whose catalogue is mirrored here.
struct PeerView {
    name: String,
    /// The search of its records here.
    href: String,
    /// When it was last synced, in words and as `<time datetime>`.
    synced: Option<(String, String)>,
    /// Its checkpoint has expired: what is shown may be out of date.
    stale: bool,
    /// The last sync was refused.
    refused: bool,
}

/// The words of the peers section.
struct PeerWords {
    colon: &'static str,
    heading: &'static str,
    intro: &'static str,
    synced: &'static str,
    never: &'static str,
    stale: &'static str,
    refused: &'static str,
}

const PEER_WORDS_FR: PeerWords = PeerWords {
    colon: "\u{a0}:",
    heading: "Catalogues des villes partenaires",
    intro: "Leurs fiches sont reproduites ici après vérification de leur signature, et se trouvent dans la recherche.",
    synced: "vérifié le",
    never: "pas encore synchronisé",
    stale: "périmé : sa dernière signature a expiré, les fiches peuvent ne plus être à jour",
    refused: "la dernière synchronisation a été refusée, l’état précédent est conservé",
};

const PEER_WORDS_EN: PeerWords = PeerWords {
    colon: ":",
    heading: "Partner cities’ catalogues",
    intro: "Their records are mirrored here after their signature is verified, and can be found by search.",
    synced: "verified on",
    never: "not synced yet",
    stale: "stale: its last signature has expired, records may be out of date",
    refused: "the last sync was refused; the previous state is kept",
};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    l: Layout,
    counts: Vec<Count>,
    latest: Vec<Entry>,
    peers: Vec<PeerView>,
    pw: &'static PeerWords,
}

/// The peers of the peers file, with their last sync and whether their
/// mirrored checkpoint has expired. Blocking: the peers file and one small
/// read per peer. An unreadable peers file shows no peers.
fn peers(state: &AppState, lang: Lang) -> Vec<PeerView> {
    let Ok(all) = cdl_federation::peers::Peers::load(&state.registry) else {
        return Vec::new();
    };
    let now = jiff::Timestamp::now();
    let param = crate::search::param_name(cdl_indexer::FacetDim::Origin);
    all.peers
        .into_iter()
        .map(|p| {
            let expires = cdl_federation::mirror::read_state(&state.registry, &p.id)
                .ok()
                .and_then(|m| m.checkpoint)
                .map(|c| c.expires_at);
            PeerView {
                href: format!("/search?q=&{param}={}", p.id),
                synced: p.last_sync.map(|t| {
                    let datetime = super::date(t.as_second());
                    (super::record::words(lang, &datetime), datetime)
                }),
                stale: expires.is_some_and(|e| e < now),
                refused: p.last_error.is_some(),
                name: p.name,
            }
        })
        .collect()
}

/// The home page.
///
/// # Errors
/// When the registry or the index cannot be read.
pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let lang = ctx.lang;
    let (data, peers) = blocking(move || (state.home_data(), peers(&state, lang))).await?;
    let data = data.map_err(AppError::Internal)?;
    let page = Home {
        l: ctx.layout(ctx.m().home_title, Nav::Home),
        peers,
        pw: match lang {
            Lang::Fr => &PEER_WORDS_FR,
            Lang::En => &PEER_WORDS_EN,
        },
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
