//! `GET /records/{kind}/{id}`: every field, the certificate in plain
//! words, the history, downloads and JSON-LD; `.toml` and `.json` suffixes
//! download the record.

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cdl_licenses::{Certificate, certify};
use cdl_records::Record;
use cdl_registry::{ChangeKind, HistoryEntry, RecordKey, RecordState};

use super::{Ctx, Layout, Nav, blocking, date, render, render_with};
use crate::error::AppError;
use crate::extract::{Format, RecordPath};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::view::{Section, json_ld, licence_name, names_lang, sections, title_lang};

/// Reads a record: present, or 404 (410 for a withdrawn one).
///
/// # Errors
/// [`AppError::NotFound`]; internal errors.
pub async fn load(state: &AppState, key: RecordKey) -> Result<Result<Record, String>, AppError> {
    load_at(state, key, None).await
}

/// As [`load`], at `rev` (a peer's mirror) when given.
async fn load_at(
    state: &AppState,
    key: RecordKey,
    rev: Option<String>,
) -> Result<Result<Record, String>, AppError> {
    let state = state.clone();
    let found = blocking(move || state.registry.record(&key, rev.as_deref())).await?;
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
    /// `2026-11-23`, for `<time datetime>`.
    datetime: String,
    /// In words.
    date: String,
    change: &'static str,
    author: String,
    message: String,
}

/// One licence of the expression, by name, with its id and text.
struct LicenceView {
    name: String,
    id: String,
    url: Option<String>,
}

/// The ready-made credit line.
struct Credit {
    title: String,
    title_lang: String,
    authors: String,
    licence: String,
    url: String,
}

const YOU_MAY: cdl_records::vocabulary::Label = cdl_records::vocabulary::Label {
    fr: "Ce que vous pouvez faire",
    en: "What you may do",
};
const YOU_MUST: cdl_records::vocabulary::Label = cdl_records::vocabulary::Label {
    fr: "Ce que vous devez faire",
    en: "What you must do",
};
const HOW_TO_CREDIT: cdl_records::vocabulary::Label = cdl_records::vocabulary::Label {
    fr: "Comment créditer",
    en: "How to credit",
};
const LICENCE_TEXT: cdl_records::vocabulary::Label = cdl_records::vocabulary::Label {
    fr: "texte de la licence",
    en: "licence text",
};
const IN_ENGLISH: &str = "Read this record in English";

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    l: Layout,
    kind_label: &'static str,
    title: String,
    /// The title's `lang` when it differs from the page's (else empty).
    title_lang: String,
    summary: Option<String>,
    /// The `lang` of the summary when it differs from the page's (else
    /// empty).
    text_lang: String,
    /// The same for the description.
    description_lang: String,
    /// Paragraphs, each a list of lines.
    description: Vec<Vec<String>>,
    /// On a French page, the address of the English page when the record
    /// has an English translation.
    english: Option<String>,
    in_english: &'static str,
    license: String,
    licences: Vec<LicenceView>,
    licence_text: &'static str,
    /// The `lang` of licence names (English) when the page is French.
    names_lang: &'static str,
    verdict_class: &'static str,
    verdict: &'static str,
    verdict_explained: &'static str,
    you_may: &'static str,
    you_must: &'static str,
    /// What the licence lets people do and asks, when certified.
    terms: Option<(&'static str, &'static str)>,
    how_to_credit: &'static str,
    credit: Credit,
    reasons: Vec<Reason>,
    suggestions: Vec<String>,
    policy_version: String,
    spdx_version: String,
    sections: Vec<Section>,
    history: Vec<HistoryView>,
    base: String,
    json_ld: String,
    /// The peer cities whose signed checkpoints attest using this record.
    attested: Vec<AttestedBy>,
    attested_heading: &'static str,
    attested_explained: &'static str,
    /// For a peer's record: where it comes from.
    provenance: Option<Provenance>,
    /// For software: the products it replaces, each with the address of
    /// its free alternatives; and the strings of that section.
    replaces: Vec<(String, String)>,
    software: bool,
    replaces_heading: &'static str,
    replaces_explained: &'static str,
    publiccode_label: &'static str,
    /// For this registry's own seed and ferment lots: what is left at the
    /// exchange and the next sessions (no personal data).
    exchange: Option<ExchangeView>,
}

/// The exchange section of a lot's page.
struct ExchangeView {
    heading: &'static str,
    available: String,
    sessions_heading: &'static str,
    /// One line per coming session: place, start, places left.
    sessions: Vec<String>,
    none: &'static str,
}

/// How many coming sessions a lot's page lists.
const NEXT_SESSIONS: usize = 5;

/// What is left of the lot `key` and the next sessions, in `lang`; `None`
/// when the bookings database cannot be read (logged: the page stays).
async fn exchange_view(state: &AppState, lang: Lang, key: &RecordKey) -> Option<ExchangeView> {
    let lot = format!("{}/{}", key.kind.as_str(), key.id.as_str());
    let read = async {
        let store = crate::exchange::store(state).await?;
        let lots = store.lots().await.map_err(AppError::internal)?;
        let sessions = store.sessions().await.map_err(AppError::internal)?;
        Ok::<_, AppError>((lots, sessions))
    };
    let (lots, sessions) = match read.await {
        Ok(x) => x,
        Err(e) => {
            tracing::error!(error = %e, "the exchange could not be read for a lot's page");
            return None;
        }
    };
    let l = lots.into_iter().find(|l| l.lot == lot)?;
    let now = cdl_exchange::now();
    let sessions = sessions
        .into_iter()
        .filter(|s| cdl_exchange::parse_rfc3339(&s.starts).is_ok_and(|t| t > now))
        .take(NEXT_SESSIONS)
        .map(|s| {
            let when = s.starts.replacen('T', " ", 1).replace('Z', " UTC");
            match lang {
                Lang::Fr => format!(
                    "{}, le {when} : {} place(s) libre(s)",
                    s.place.name, s.remaining
                ),
                Lang::En => format!("{}, {when}: {} place(s) left", s.place.name, s.remaining),
            }
        })
        .collect();
    Some(match lang {
        Lang::Fr => ExchangeView {
            heading: "À l’échange",
            available: format!(
                "Disponible à l’échange : {} sur {} (dans l’unité du lot).",
                l.available, l.offered
            ),
            sessions_heading: "Prochaines séances d’ouverture",
            sessions,
            none: "Aucune séance d’ouverture n’est prévue pour l’instant.",
        },
        Lang::En => ExchangeView {
            heading: "At the exchange",
            available: format!(
                "Available at the exchange: {} of {} (in the lot's unit).",
                l.available, l.offered
            ),
            sessions_heading: "Next opening sessions",
            sessions,
            none: "No opening session is planned yet.",
        },
    })
}

/// Where a mirrored record comes from: the peer city, the record's page
/// there, and when its catalogue was last verified here.
struct Provenance {
    text: String,
    through: Option<Through>,
    name: String,
    original: Option<String>,
    original_label: &'static str,
    checked: Option<(String, String)>,
    checked_label: &'static str,
}

/// The registry a record was received through, and the words around it
/// (« Fiche de Ville de Paris, reçue par Ville de Lyon »).
struct Through {
    before: &'static str,
    name: String,
    middle: &'static str,
    after: &'static str,
}

/// A peer mirrored here, for a record page at `/mirrors/{peer}/...`.
pub struct Origin {
    peer: cdl_federation::peers::Peer,
    /// The name of the peer it was received through, for a mirror that
    /// peer re-publishes (the origin is then not a peer here).
    through: Option<String>,
}

impl Origin {
    /// The mirror's reference.
    fn rev(&self) -> String {
        format!("{}{}", cdl_registry::MIRRORS_PREFIX, self.peer.id)
    }
}

/// The page's address of a record of `origin` (this registry's own id for
/// its own records): `/records/{kind}/{id}` here, and
/// `/mirrors/{origin}/records/{kind}/{id}` for a peer's, so that an id used
/// by two cities never collides.
pub fn href(local: &str, origin: &str, kind: &str, id: &str) -> String {
    if origin == local || origin.is_empty() {
        format!("/records/{kind}/{id}")
    } else {
        format!("/mirrors/{origin}/records/{kind}/{id}")
    }
}

/// A peer city that attests, in its signed feed, using a record.
struct AttestedBy {
    name: String,
    url: String,
}

/// The peers whose last accepted checkpoint lists `key` of this registry
/// among the shared applications they use. Blocking: one small read per
/// peer. A peer whose stored checkpoint cannot be read attests nothing.
fn attestations(state: &AppState, key: &RecordKey) -> Vec<AttestedBy> {
    use cdl_federation::{mirror, peers};
    let (Ok(local), Ok(all)) = (
        peers::local_id(&state.registry),
        peers::Peers::load(&state.registry),
    ) else {
        return Vec::new();
    };
    let wanted = format!("{local}:{key}");
    all.peers
        .into_iter()
        .filter(|p| {
            mirror::attested_uses(&state.registry, &p.id).is_ok_and(|uses| uses.contains(&wanted))
        })
        .map(|p| AttestedBy {
            name: p.name,
            url: p.url,
        })
        .collect()
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

    /// The site at the public address `base` (`https://example.org/`).
    pub fn from_base(base: &str) -> Site {
        Site(base.trim_end_matches('/').to_owned())
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
    RecordPath { key, format }: RecordPath,
) -> Result<Response, AppError> {
    record_at(state, ctx, site, key, format, None).await
}

/// `GET /mirrors/{peer}/records/{kind}/{id}`: a record of a peer city's
/// catalogue as mirrored here, saying where it comes from.
///
/// # Errors
/// 404 for a peer not mirrored here, an unknown kind or id.
pub async fn mirrored(
    State(state): State<AppState>,
    ctx: Ctx,
    site: Site,
    axum::extract::Path((peer, kind, id)): axum::extract::Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let RecordPath { key, format } = RecordPath::parse(&kind, &id)?;
    let id: cdl_federation::RegistryId = peer.parse().map_err(|_| AppError::NotFound)?;
    let st = state.clone();
    let origin = blocking(move || mirror_origin(&st, &id)).await?;
    let origin = origin
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)?;
    record_at(state, ctx, site, key, format, Some(origin)).await
}

/// Where the mirror of `id` comes from: a peer of the peers file, or a
/// registry a peer re-publishes (its name and address from the mirror's
/// `via.json`, its last check the peer's). Blocking.
fn mirror_origin(
    state: &AppState,
    id: &cdl_federation::RegistryId,
) -> Result<Option<Origin>, cdl_federation::PeersError> {
    let peers = cdl_federation::peers::Peers::load(&state.registry)?;
    if let Some(peer) = peers.get(id) {
        return Ok(Some(Origin {
            peer: peer.clone(),
            through: None,
        }));
    }
    let Ok(Some(via)) = cdl_federation::mirror::via(&state.registry, id) else {
        return Ok(None);
    };
    let through = via.through().and_then(|t| peers.get(t));
    Ok(Some(Origin {
        peer: cdl_federation::peers::Peer {
            id: via.registry.clone(),
            name: via.name.clone(),
            url: via.base_url.clone(),
            keys: Vec::new(),
            etag: None,
            last_sync: through.and_then(|p| p.last_sync),
            last_error: None,
            discovered: None,
        },
        through: Some(through.map_or_else(
            || via.through().map(ToString::to_string).unwrap_or_default(),
            |p| p.name.clone(),
        )),
    }))
}

async fn record_at(
    state: AppState,
    ctx: Ctx,
    site: Site,
    key: RecordKey,
    format: Format,
    origin: Option<Origin>,
) -> Result<Response, AppError> {
    let rev = origin.as_ref().map(Origin::rev);
    let record = match load_at(&state, key.clone(), rev.clone()).await? {
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
    let mirrored = origin.is_some();
    let (history, attested) = blocking(move || {
        let history: Result<Vec<HistoryEntry>, _> =
            st.registry.history(&history_key, rev.as_deref());
        // Attestations are about this registry's own records.
        let attested = if mirrored {
            Vec::new()
        } else {
            attestations(&st, &history_key)
        };
        (history, attested)
    })
    .await?;
    let history = history.map_err(AppError::internal)?;
    let lang = ctx.lang;
    let vl: cdl_records::vocabulary::Lang = lang.into();
    let certificate = certify(record.kind(), &record.license);
    let base = match &origin {
        Some(o) => format!(
            "/mirrors/{}/records/{}/{}",
            o.peer.id,
            key.kind.as_str(),
            key.id.as_str()
        ),
        None => format!("/records/{}/{}", key.kind.as_str(), key.id.as_str()),
    };
    let url = site.url(&base);
    let provenance = origin.map(|o| provenance(lang, &o, &key));
    let en = record
        .translations
        .iter()
        .find(|(tag, _)| tag.as_str() == "en" || tag.as_str().starts_with("en-"))
        .map(|(_, t)| t);
    let shown_en = if lang == Lang::En { en } else { None };
    let own_title_lang = title_lang(&record).to_owned();
    let (title, title_lang) = match shown_en.and_then(|t| t.title.clone()) {
        Some(t) => (t, String::new()),
        None => (
            record.title.clone(),
            if own_title_lang == lang.tag() {
                String::new()
            } else {
                own_title_lang.clone()
            },
        ),
    };
    let french = if lang == Lang::Fr { "" } else { "fr" };
    let (summary, summary_from_en) = match shown_en.and_then(|t| t.summary.clone()) {
        Some(s) => (Some(s), true),
        None => (record.summary.clone(), false),
    };
    let (description, description_from_en) = match shown_en.and_then(|t| t.description.clone()) {
        Some(d) => (Some(d), true),
        None => (record.description.clone(), false),
    };
    let text_lang = if summary_from_en { "" } else { french }.to_owned();
    let description_lang = if description_from_en { "" } else { french }.to_owned();
    let description = description.map(|d| paragraphs(&d)).unwrap_or_default();
    let english = (lang == Lang::Fr && en.is_some()).then(|| format!("{base}?lang=en"));
    let licences = cdl_licenses::licence_terms(&record.license)
        .into_iter()
        .map(|t| LicenceView {
            name: t.name,
            id: t.id,
            url: t.url,
        })
        .collect();
    let terms = certificate.is_certified().then(|| {
        let t = cdl_licenses::licence_family(&record.license).terms(record.kind());
        (t.may.get(vl), t.must.get(vl))
    });
    let credit = Credit {
        title: record.title.clone(),
        title_lang: if own_title_lang == lang.tag() {
            String::new()
        } else {
            own_title_lang
        },
        authors: authors(&record),
        licence: licence_name(&record.license),
        url: url.clone(),
    };
    let (attested_heading, attested_explained) = match lang {
        Lang::Fr => (
            "Villes qui l’utilisent (attesté)",
            "Chacune de ces villes déclare l’utiliser dans son flux signé, vérifié par le Conservatoire.",
        ),
        Lang::En => (
            "Cities using it (attested)",
            "Each of these cities states that it uses it in its signed feed, verified by the Conservatoire.",
        ),
    };
    let (replaces_heading, replaces_explained, publiccode_label) = match lang {
        Lang::Fr => (
            "Ce qu’il remplace",
            "Les logiciels libres qui remplacent chacun de ces produits :",
            "Fiche publiccode.yml",
        ),
        Lang::En => (
            "What it replaces",
            "The free software replacing each of these products:",
            "publiccode.yml file",
        ),
    };
    let (software, replaces) = match &record.details {
        cdl_records::Details::Software(s) => (
            true,
            s.replaces
                .iter()
                .map(|r| {
                    let to: String = url::form_urlencoded::byte_serialize(r.as_bytes()).collect();
                    (r.clone(), format!("/alternatives?to={to}"))
                })
                .collect(),
        ),
        _ => (false, Vec::new()),
    };
    let lot = matches!(
        record.details,
        cdl_records::Details::SeedLot(_) | cdl_records::Details::FermentLot(_)
    );
    let exchange = if lot && !mirrored {
        exchange_view(&state, lang, &key).await
    } else {
        None
    };
    let page = RecordPage {
        exchange,
        l: ctx.layout(title.clone(), Nav::None),
        provenance,
        replaces,
        // The publiccode.yml export is of this registry's own records.
        software: software && !mirrored,
        replaces_heading,
        replaces_explained,
        publiccode_label,
        attested,
        attested_heading,
        attested_explained,
        kind_label: lang.kind(record.kind()),
        title_lang,
        summary,
        text_lang,
        description_lang,
        description,
        english,
        in_english: IN_ENGLISH,
        license: record.license.clone(),
        licences,
        licence_text: LICENCE_TEXT.get(vl),
        names_lang: names_lang(lang),
        verdict_class: certificate.verdict.as_str(),
        verdict: lang.verdict(certificate.verdict),
        verdict_explained: lang.verdict_explained(certificate.verdict),
        you_may: YOU_MAY.get(vl),
        you_must: YOU_MUST.get(vl),
        terms,
        how_to_credit: HOW_TO_CREDIT.get(vl),
        credit,
        reasons: reasons(lang, &certificate)
            .into_iter()
            .map(|text| Reason { text })
            .collect(),
        suggestions: certificate.suggestions.clone(),
        policy_version: certificate.policy_version.clone(),
        spdx_version: certificate.spdx_list_version.clone(),
        sections: sections(&record, lang),
        history: history
            .iter()
            .map(|h| {
                let datetime = date(h.time);
                HistoryView {
                    date: words(lang, &datetime),
                    datetime,
                    change: change_label(lang, h.change),
                    author: h.author.clone(),
                    message: h.message.lines().next().unwrap_or_default().to_owned(),
                }
            })
            .collect(),
        json_ld: json_ld(&record, &url),
        base,
        title,
    };
    render(&page)
}

/// The provenance block of a record mirrored from `origin`.
fn provenance(lang: Lang, origin: &Origin, key: &RecordKey) -> Provenance {
    let peer = &origin.peer;
    // Only a web address is linked: a re-published address comes from a
    // peer's signed checkpoint, not from this city's operator.
    let address = peer.address();
    let original = cdl_federation::peers::is_web_address(address).then(|| {
        format!(
            "{}/records/{}/{}",
            address.trim_end_matches('/'),
            key.kind.as_str(),
            key.id.as_str()
        )
    });
    let checked = peer.last_sync.map(|t| {
        let datetime = date(t.as_second());
        (words(lang, &datetime), datetime)
    });
    let (text, original_label, checked_label) = match lang {
        Lang::Fr => (
            "Cette fiche vient du catalogue d’une autre ville, reproduit ici après vérification de sa signature :",
            "voir la fiche d’origine",
            "Catalogue vérifié le",
        ),
        Lang::En => (
            "This record comes from another city’s catalogue, mirrored here after its signature was verified:",
            "see the original record",
            "Catalogue verified on",
        ),
    };
    // Received through a peer that re-publishes it: say through whom.
    let through = origin.through.as_ref().map(|t| {
        let (before, middle, after) = match lang {
            Lang::Fr => (
                "Fiche de",
                ", reçue par",
                ", reproduite ici après vérification de la signature de la ville d’origine",
            ),
            Lang::En => (
                "Record of",
                ", received through",
                ", mirrored here after the origin city’s signature was verified",
            ),
        };
        Through {
            before,
            name: t.clone(),
            middle,
            after,
        }
    });
    Provenance {
        text: text.to_owned(),
        through,
        name: peer.name.clone(),
        original,
        original_label,
        checked,
        checked_label,
    }
}

/// A description as paragraphs (split at blank lines), each a list of its
/// lines (single line breaks are kept).
fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.trim_end().to_owned());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Who to credit: the creators of a work, else the contributors, else the
/// publisher or the holding institution.
fn authors(record: &Record) -> String {
    use cdl_records::Details;
    let names: Vec<&str> = match &record.details {
        Details::CulturalWork(c) if !c.creators.is_empty() => {
            c.creators.iter().map(|x| x.name.as_str()).collect()
        }
        _ => record
            .contributors
            .iter()
            .map(|c| c.name.as_str())
            .collect(),
    };
    if !names.is_empty() {
        return names.join(", ");
    }
    match &record.details {
        Details::Dataset(d) => d.publisher.as_ref().map(|p| p.name.clone()),
        Details::CulturalWork(c) => c.holding_institution.as_ref().map(|p| p.name.clone()),
        _ => None,
    }
    .unwrap_or_default()
}

/// `2026-02-18` in words in `lang`.
pub(crate) fn words(lang: Lang, iso: &str) -> String {
    let mut parts = iso.split('-').map(|p| p.parse::<u16>().ok());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Some(y)), Some(Some(m)), Some(Some(d))) => crate::i18n::long_date(
            lang,
            y,
            u8::try_from(m).unwrap_or(1),
            u8::try_from(d).unwrap_or(1),
        ),
        _ => iso.to_owned(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(url: &str) -> Origin {
        Origin {
            peer: cdl_federation::peers::Peer {
                id: "nantes".parse().expect("an id"),
                name: "Nantes".to_owned(),
                url: url.to_owned(),
                keys: Vec::new(),
                etag: None,
                last_sync: None,
                last_error: None,
                discovered: None,
            },
            through: Some("Lyon".to_owned()),
        }
    }

    /// A re-published address comes from a peer: only a web address is
    /// linked as the original record.
    #[test]
    fn the_original_is_linked_only_at_a_web_address() {
        let key = RecordKey {
            kind: cdl_records::Kind::Software,
            id: "outil".parse().expect("an id"),
        };
        let linked = provenance(Lang::Fr, &origin("https://nantes.fr/"), &key);
        assert_eq!(
            linked.original.as_deref(),
            Some("https://nantes.fr/records/software/outil")
        );
        for bad in ["javascript:alert(1)//", "data:text/html,x", ""] {
            let page = provenance(Lang::Fr, &origin(bad), &key);
            assert_eq!(page.original, None, "{bad}");
        }
    }
}
