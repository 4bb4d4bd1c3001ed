//! `GET /proposals/{id}`: where a contributor follows a proposal.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use cdl_registry::{ChangeKind, ProposalError, ProposalId, ProposalStatus, ProposalView, Report};

use super::{Ctx, Layout, Nav, blocking, date, render};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pages::record::reasons;
use crate::state::AppState;

/// One record of a report, for people.
pub struct EntryView {
    /// `kind/id`.
    pub key: String,
    /// Link to the record once merged.
    pub href: String,
    /// What the proposal does to a published record ("modifie la fiche
    /// existante"), nothing for a new one.
    pub change: Option<&'static str>,
    /// Valid and certified.
    pub ok: bool,
    /// Format problems.
    pub diagnostics: Vec<String>,
    /// Licence verdict in words.
    pub verdict: Option<(&'static str, &'static str)>,
    /// Licence reasons.
    pub reasons: Vec<String>,
}

/// A report as the pages show it.
pub fn report_view(lang: Lang, report: &Report) -> Vec<EntryView> {
    report
        .entries
        .iter()
        .map(|e| EntryView {
            key: e.key.to_string(),
            href: format!("/records/{}/{}", e.key.kind.as_str(), e.key.id.as_str()),
            change: change_note(lang, e.change),
            ok: e.is_acceptable(),
            diagnostics: e.diagnostics.clone(),
            verdict: e
                .certificate
                .as_ref()
                .map(|c| (c.verdict.as_str(), lang.verdict(c.verdict))),
            reasons: e
                .certificate
                .as_ref()
                .map(|c| reasons(lang, c))
                .unwrap_or_default(),
        })
        .collect()
}

/// What a change to a record means, in `lang`: nothing for a new record.
pub fn change_note(lang: Lang, change: ChangeKind) -> Option<&'static str> {
    match (change, lang) {
        (ChangeKind::Added, _) => None,
        (ChangeKind::Modified, Lang::Fr) => Some("modifie la fiche existante"),
        (ChangeKind::Modified, Lang::En) => Some("changes the existing record"),
        (ChangeKind::Withdrawn | ChangeKind::Deleted, Lang::Fr) => Some("retire la fiche"),
        (ChangeKind::Withdrawn | ChangeKind::Deleted, Lang::En) => Some("removes the record"),
    }
}

/// A status in words, with its CSS class.
pub fn status_words(lang: Lang, status: &ProposalStatus) -> (&'static str, &'static str) {
    let m = lang.messages();
    match status {
        ProposalStatus::Open => ("unknown", m.status_open),
        ProposalStatus::Merged => ("certified", m.status_merged),
        ProposalStatus::Rejected { .. } => ("rejected", m.status_rejected),
    }
}

/// A proposal that a partner city offered through the federation inbox:
/// who (verified by its signature) and whether it was based on an old
/// version of the record.
#[derive(Debug, Clone)]
pub struct OfferMark {
    /// The city's name for people.
    pub name: String,
    /// Its registry id.
    pub registry: String,
    /// Based on another version than the current one.
    pub stale: bool,
}

impl OfferMark {
    fn of(r: &cdl_federation::offers::Received) -> OfferMark {
        OfferMark {
            name: r.from_name.clone(),
            registry: r.from.to_string(),
            stale: r.stale,
        }
    }
}

/// The mark of proposal `id`, if a partner city offered it. An inbox that
/// cannot be read marks nothing (and says so in the logs).
pub async fn offer_mark(state: &AppState, id: &str) -> Result<Option<OfferMark>, AppError> {
    let st = state.clone();
    let id = id.to_owned();
    let found =
        blocking(move || cdl_federation::offers::received_for_proposal(&st.registry, &id)).await?;
    Ok(match found {
        Ok(r) => r.as_ref().map(OfferMark::of),
        Err(e) => {
            tracing::warn!(error = %e, "the federation inbox cannot be read");
            None
        }
    })
}

/// The marks of every proposal offered by a partner city, by proposal id.
pub async fn offer_marks(
    state: &AppState,
) -> Result<std::collections::HashMap<String, OfferMark>, AppError> {
    let st = state.clone();
    let found =
        blocking(move || cdl_federation::offers::received_by_proposal(&st.registry)).await?;
    Ok(match found {
        Ok(all) => all
            .into_iter()
            .map(|(id, r)| (id, OfferMark::of(&r)))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "the federation inbox cannot be read");
            Default::default()
        }
    })
}

/// Loads a proposal with its report, 404 when unknown.
///
/// # Errors
/// [`AppError::NotFound`] for a malformed or unknown id.
pub async fn load(state: &AppState, id: &str) -> Result<ProposalView, AppError> {
    let id = ProposalId::parse(id).ok_or(AppError::NotFound)?;
    let state = state.clone();
    match blocking(move || state.registry.show(id.as_str())).await? {
        Ok(view) => Ok(view),
        Err(ProposalError::Unknown { .. }) => Err(AppError::NotFound),
        Err(e) => Err(AppError::internal(e)),
    }
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    l: Layout,
    id: String,
    new: bool,
    status_class: &'static str,
    status: &'static str,
    reason: Option<String>,
    author: String,
    /// The partner city that offered it, if one did.
    offer: Option<OfferMark>,
    date: String,
    message: String,
    /// Once merged: the records published, with their pages.
    published: Vec<(String, String)>,
    /// What the status means for the contributor.
    explanation: &'static str,
    entries: Vec<EntryView>,
}

/// The proposal's page.
///
/// # Errors
/// 404 for an unknown proposal.
pub async fn proposal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let view = load(&state, &id).await?;
    let offer = offer_mark(&state, view.proposal.id.as_str()).await?;
    let lang = ctx.lang;
    let (status_class, status) = status_words(lang, &view.proposal.status);
    let reason = match &view.proposal.status {
        ProposalStatus::Rejected { reason, .. } => Some(reason.clone()),
        _ => None,
    };
    let page = ProposalPage {
        l: ctx.layout(
            format!("{} {}", ctx.m().proposal_title, view.proposal.id),
            Nav::None,
        ),
        id: view.proposal.id.to_string(),
        new: query
            .as_deref()
            .is_some_and(|q| q.split('&').any(|p| p == "new=1")),
        status_class,
        status,
        reason,
        author: view.proposal.author.clone(),
        offer,
        date: date(view.proposal.time),
        message: view.proposal.message.clone(),
        published: match view.proposal.status {
            ProposalStatus::Merged => view
                .report
                .entries
                .iter()
                .map(|e| {
                    (
                        e.key.to_string(),
                        format!("/records/{}/{}", e.key.kind.as_str(), e.key.id.as_str()),
                    )
                })
                .collect(),
            _ => Vec::new(),
        },
        explanation: match (&view.proposal.status, lang) {
            (ProposalStatus::Open, Lang::Fr) => {
                "Un curateur va l’examiner. Revenez à cette adresse pour connaître sa décision."
            }
            (ProposalStatus::Open, Lang::En) => {
                "A curator will review it. Come back to this address for the decision."
            }
            (ProposalStatus::Merged, Lang::Fr) => "Elle a été acceptée : la fiche est publiée.",
            (ProposalStatus::Merged, Lang::En) => "It was accepted: the record is published.",
            (ProposalStatus::Rejected { .. }, Lang::Fr) => {
                "Elle a été refusée par un curateur, pour la raison ci-dessous. Vous pouvez en faire une nouvelle qui en tienne compte."
            }
            (ProposalStatus::Rejected { .. }, Lang::En) => {
                "A curator rejected it, for the reason below. You may make a new one that takes it into account."
            }
        },
        entries: report_view(lang, &view.report),
    };
    render(&page)
}
