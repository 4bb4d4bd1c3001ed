//! Curators: login, the proposals queue, one proposal with its diff and
//! report, merge and reject.

use askama::Template;
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use cdl_registry::{MergeError, ProposalStatus, Pseudonym, RejectError};
use serde::Deserialize;

use super::proposal::{
    EntryView, OfferMark, change_note, load, offer_mark, offer_marks, report_view, status_words,
};
use super::{Ctx, Layout, Nav, blocking, date, render, render_with};
use crate::curators::Curators;
use crate::error::AppError;
use crate::extract::Curator;
use crate::i18n::Lang;
use crate::security::{ClientIp, SESSION_COOKIE, account_key, cookie_name, set_cookie};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Layout,
    failed: bool,
    name: String,
}

/// `GET /login`.
///
/// # Errors
/// When rendering fails.
pub async fn login_form(ctx: Ctx) -> Result<Response, AppError> {
    if ctx.curator.is_some() {
        return Ok(Redirect::to("/review").into_response());
    }
    render(&LoginPage {
        l: ctx.layout(ctx.m().login_title, Nav::Review),
        failed: false,
        name: String::new(),
    })
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// `POST /login`: checks the password (argon2, off the executor) and
/// opens a session. Failed attempts are limited per client address and
/// per account (a burst of 5, then `logins_per_hour`); successful ones
/// are not counted.
///
/// # Errors
/// 403 without a valid CSRF token; 429 after too many attempts.
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&form.csrf)?;
    // Failures count, per address and per account. Each attempt takes its
    // tokens first (so that a flood in parallel cannot outrun the check);
    // a success gives them back and clears the account's failures.
    let account = account_key(&form.name);
    let limited = |retry_after| {
        state.metrics.rate_limited();
        AppError::TooManyRequests { retry_after }
    };
    state.login_limiter.check(ip).map_err(limited)?;
    if let Err(retry_after) = state.account_limiter.check(account.clone()) {
        state.login_limiter.refund(&ip);
        return Err(limited(retry_after));
    }
    let file = state.curators_file.clone();
    let (name, password) = (form.name.clone(), form.password);
    let ok = blocking(move || {
        Curators::load(&file)
            .map(|c| c.verify(&name, &password))
            .unwrap_or(false)
    })
    .await?;
    if !ok {
        return render_with(
            StatusCode::UNAUTHORIZED,
            &LoginPage {
                l: ctx.layout(ctx.m().login_title, Nav::Review),
                failed: true,
                name: form.name,
            },
        );
    }
    state.login_limiter.refund(&ip);
    state.account_limiter.forget(&account);
    let token = state.sessions.open(&form.name);
    let secure = state.config.secure_cookies;
    // The CSRF token is derived from the session from now on: a new token
    // with the new privileges.
    let session = set_cookie(cookie_name(SESSION_COOKIE, secure), &token, secure, None);
    Ok((
        AppendHeaders([(header::SET_COOKIE, session)]),
        Redirect::to("/review"),
    )
        .into_response())
}

/// A form with only a CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`.
///
/// # Errors
/// 403 without a valid CSRF token.
pub async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&form.csrf)?;
    if let Some(token) = &ctx.session {
        state.sessions.close(token);
    }
    let secure = state.config.secure_cookies;
    let cookie = set_cookie(cookie_name(SESSION_COOKIE, secure), "", secure, Some(0));
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

struct Item {
    id: String,
    author: String,
    /// The partner city that offered it, if one did.
    offer: Option<OfferMark>,
    date: String,
    records: Vec<ItemRecord>,
    status_class: &'static str,
    status: &'static str,
}

/// A record a proposal touches, and whether it changes one of the
/// catalogue.
struct ItemRecord {
    key: String,
    /// "modifie la fiche existante", for a record already published.
    note: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct QueuePage {
    l: Layout,
    open: Vec<Item>,
    decided: Vec<Item>,
}

/// `GET /review`: the proposals waiting, then the last decided.
///
/// # Errors
/// When the registry cannot be read.
pub async fn queue(
    State(state): State<AppState>,
    Curator { ctx, .. }: Curator,
) -> Result<Response, AppError> {
    let st = state.clone();
    let proposals = blocking(move || st.registry.proposals())
        .await?
        .map_err(AppError::internal)?;
    let marks = offer_marks(&state).await?;
    let lang = ctx.lang;
    let item = |p: &cdl_registry::Proposal| {
        let (status_class, status) = status_words(lang, &p.status);
        Item {
            id: p.id.to_string(),
            author: p.author.clone(),
            offer: marks.get(p.id.as_str()).cloned(),
            date: date(p.time),
            records: p
                .changes
                .iter()
                .map(|c| ItemRecord {
                    key: c.key.to_string(),
                    note: change_note(lang, c.change),
                })
                .collect(),
            status_class,
            status,
        }
    };
    let open = proposals
        .iter()
        .filter(|p| p.status == ProposalStatus::Open)
        .map(item)
        .collect();
    let decided = proposals
        .iter()
        .rev()
        .filter(|p| p.status != ProposalStatus::Open)
        .take(20)
        .map(item)
        .collect();
    render(&QueuePage {
        l: ctx.layout(ctx.m().review_title, Nav::Review),
        open,
        decided,
    })
}

/// One line of a diff.
struct Line {
    sign: &'static str,
    class: &'static str,
    text: String,
}

struct FileDiff {
    key: String,
    /// The published record's page, when the proposal changes one.
    existing: Option<String>,
    lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "review_show.html")]
struct ShowPage {
    l: Layout,
    id: String,
    author: String,
    /// The partner city that offered it, if one did.
    offer: Option<OfferMark>,
    date: String,
    message: String,
    status_class: &'static str,
    status: &'static str,
    open: bool,
    mergeable: bool,
    notice: Option<String>,
    /// After a merge: the lots whose bookings now exceed the merged
    /// quantity, one sentence each (the bookings stay; the curator sees to
    /// them).
    excess: Vec<String>,
    /// The heading of that list.
    excess_heading: &'static str,
    reason_error: Option<String>,
    /// Said above the diff of a record already published.
    changes_existing: &'static str,
    files: Vec<FileDiff>,
    entries: Vec<EntryView>,
}

/// A line diff of two texts, on the registry's diff (imara-diff), marked
/// for the page.
fn diff_lines(old: &str, new: &str) -> Vec<Line> {
    use cdl_registry::LineChange;
    cdl_registry::line_diff(old, new)
        .into_iter()
        .map(|l| {
            let (sign, class) = match l.change {
                LineChange::Same => (" ", "same"),
                LineChange::Removed => ("-", "del"),
                LineChange::Added => ("+", "add"),
            };
            Line {
                sign,
                class,
                text: l.text,
            }
        })
        .collect()
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    show_page_with(state, ctx, id, notice, None, Vec::new(), status).await
}

/// The review page, with an error next to the rejection's reason field.
async fn show_page_with(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    notice: Option<String>,
    reason_error: Option<String>,
    excess: Vec<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let view = load(state, id).await?;
    let offer = offer_mark(state, view.proposal.id.as_str()).await?;
    let lang = ctx.lang;
    let (status_class, status_text) = status_words(lang, &view.proposal.status);
    let files = view
        .texts
        .iter()
        .map(|(key, old, new)| FileDiff {
            key: key.to_string(),
            existing: old
                .is_some()
                .then(|| format!("/records/{}/{}", key.kind.as_str(), key.id.as_str())),
            lines: diff_lines(old.as_deref().unwrap_or(""), new.as_deref().unwrap_or("")),
        })
        .collect();
    let page = ShowPage {
        l: ctx.layout(
            if reason_error.is_some() {
                format!(
                    "{} {} {}",
                    match lang {
                        Lang::Fr => "Erreur :",
                        Lang::En => "Error:",
                    },
                    ctx.m().proposal_title,
                    view.proposal.id
                )
            } else {
                format!("{} {}", ctx.m().proposal_title, view.proposal.id)
            },
            Nav::Review,
        ),
        id: view.proposal.id.to_string(),
        author: view.proposal.author.clone(),
        offer,
        date: date(view.proposal.time),
        message: view.proposal.message.clone(),
        status_class,
        status: status_text,
        open: view.proposal.status == ProposalStatus::Open,
        mergeable: view.report.is_mergeable(),
        notice,
        excess,
        excess_heading: match lang {
            Lang::Fr => "Réservations au-delà de la nouvelle quantité",
            Lang::En => "Bookings beyond the new quantity",
        },
        reason_error,
        changes_existing: match lang {
            Lang::Fr => "Cette proposition modifie la fiche existante :",
            Lang::En => "This proposal changes the existing record:",
        },
        files,
        entries: report_view(lang, &view.report),
    };
    render_with(status, &page)
}

/// `GET /review/{id}`: the diff, the report and the decision forms.
///
/// # Errors
/// 404 for an unknown proposal.
pub async fn show(
    State(state): State<AppState>,
    Curator { ctx, .. }: Curator,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let m = ctx.m();
    let notice = match query.as_deref() {
        Some("done=merged") => Some(m.review_merged.to_owned()),
        Some("done=rejected") => Some(m.review_rejected.to_owned()),
        _ => None,
    };
    let excess = if query.as_deref() == Some("done=merged") {
        over_booked(&state, ctx.lang, &id).await?
    } else {
        Vec::new()
    };
    show_page_with(&state, &ctx, &id, notice, None, excess, StatusCode::OK).await
}

/// The lots of proposal `id` whose active bookings exceed the quantity
/// now on `main`, one sentence each in `lang`. Nothing when the registry
/// has no bookings store yet (so no bookings).
async fn over_booked(state: &AppState, lang: Lang, id: &str) -> Result<Vec<String>, AppError> {
    if !crate::exchange::has_store(&state.config, state.registry.git_dir()) {
        return Ok(Vec::new());
    }
    let view = load(state, id).await?;
    let keys: Vec<String> = view
        .texts
        .iter()
        .map(|(key, _, _)| format!("{}/{}", key.kind.as_str(), key.id.as_str()))
        .collect();
    let excess = match crate::exchange::excess_of(state, &keys).await {
        Ok(e) => e,
        Err(e) => {
            tracing::error!(error = %e, "the bookings could not be checked after a merge");
            return Ok(vec![match lang {
                Lang::Fr => "Les réservations n’ont pas pu être vérifiées (base des réservations injoignable) : vérifiez-les avant la prochaine séance.".to_owned(),
                Lang::En => "The bookings could not be checked (bookings database unreachable): check them before the next session.".to_owned(),
            }]);
        }
    };
    Ok(excess
        .iter()
        .map(|e| {
            let ids = e
                .bookings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            match lang {
                Lang::Fr => format!(
                    "{} : {} unité(s) proposée(s), {} réservée(s). Réservations concernées, conservées : n° {ids}.",
                    e.lot, e.offered, e.booked
                ),
                Lang::En => format!(
                    "{}: {} unit(s) offered, {} booked. Bookings concerned, kept: {ids}.",
                    e.lot, e.offered, e.booked
                ),
            }
        })
        .collect())
}

/// `POST /review/{id}/merge`.
///
/// # Errors
/// 403 without a valid CSRF token; 404 for an unknown proposal.
pub async fn merge(
    State(state): State<AppState>,
    Curator { name, ctx }: Curator,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&form.csrf)?;
    let view = load(&state, &id).await?;
    let pid = view.proposal.id.to_string();
    let st = state.clone();
    let result = blocking(move || {
        let r = st.registry.merge(&pid, &Pseudonym::new(&name));
        if r.is_ok() {
            st.sync_index();
        }
        r
    })
    .await?;
    match result {
        Ok(_) => {
            state.metrics.merge();
            // The lots follow `main` at once; the page after the redirect
            // names the bookings a lowered quantity leaves beyond it.
            if crate::exchange::has_store(&state.config, state.registry.git_dir())
                && let Err(e) = crate::exchange::store(&state).await
            {
                tracing::error!(error = %e, "the exchange's lots could not follow the merge");
            }
            Ok(Redirect::to(&format!("/review/{id}?done=merged")).into_response())
        }
        Err(
            e @ (MergeError::AlreadyMerged { .. }
            | MergeError::Rejected { .. }
            | MergeError::NotCertified { .. }
            | MergeError::Conflict { .. }),
        ) => {
            let notice = merge_refusal(ctx.lang, &e);
            show_page(&state, &ctx, &id, Some(notice), StatusCode::CONFLICT).await
        }
        Err(e) => Err(AppError::internal(e)),
    }
}

/// Why a merge was refused, in `lang` (the registry's messages are for the
/// command line, in English).
fn merge_refusal(lang: Lang, e: &MergeError) -> String {
    match (e, lang) {
        (MergeError::AlreadyMerged { .. }, Lang::Fr) => {
            "Cette proposition est déjà acceptée et publiée.".to_owned()
        }
        (MergeError::Rejected { .. }, Lang::Fr) => {
            "Cette proposition a été refusée : elle ne peut plus être acceptée.".to_owned()
        }
        (MergeError::NotCertified { .. }, Lang::Fr) => {
            "Cette proposition ne peut pas être acceptée : une fiche n’est pas valide ou sa licence n’est pas certifiée libre (voir le rapport).".to_owned()
        }
        (MergeError::Conflict { records, .. }, Lang::Fr) => format!(
            "Conflit : {} a changé au catalogue depuis cette proposition. Il faut la refaire sur la version publiée.",
            records
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (e, _) => e.to_string(),
    }
}

/// Why a rejection was refused, in `lang`.
fn reject_refusal(lang: Lang, e: &RejectError) -> String {
    match (e, lang) {
        (RejectError::NoReason, Lang::Fr) => {
            "Un refus a besoin d’une raison : écrivez-la dans le champ « Raison du refus ». Elle sera publique.".to_owned()
        }
        (RejectError::NoReason, Lang::En) => {
            "A rejection needs a reason: write it in the “Reason” field. It will be public.".to_owned()
        }
        (RejectError::AlreadyMerged { .. }, Lang::Fr) => {
            "Cette proposition est déjà acceptée et publiée : elle ne peut plus être refusée.".to_owned()
        }
        (RejectError::AlreadyRejected { .. }, Lang::Fr) => {
            "Cette proposition est déjà refusée.".to_owned()
        }
        (e, _) => e.to_string(),
    }
}

/// The rejection form.
#[derive(Debug, Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /review/{id}/reject`.
///
/// # Errors
/// 403 without a valid CSRF token; 404 for an unknown proposal.
pub async fn reject(
    State(state): State<AppState>,
    Curator { name, ctx }: Curator,
    Path(id): Path<String>,
    Form(form): Form<RejectForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&form.csrf)?;
    let view = load(&state, &id).await?;
    let pid = view.proposal.id.to_string();
    let reason = form.reason.trim().chars().take(2000).collect::<String>();
    let st = state.clone();
    let result =
        blocking(move || st.registry.reject(&pid, &Pseudonym::new(&name), &reason)).await?;
    match result {
        Ok(()) => {
            state.metrics.rejection();
            Ok(Redirect::to(&format!("/review/{id}?done=rejected")).into_response())
        }
        Err(
            e @ (RejectError::AlreadyMerged { .. }
            | RejectError::AlreadyRejected { .. }
            | RejectError::NoReason),
        ) => {
            let status = if matches!(e, RejectError::NoReason) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CONFLICT
            };
            let notice = reject_refusal(ctx.lang, &e);
            let reason_error = matches!(e, RejectError::NoReason).then(|| notice.clone());
            show_page_with(
                &state,
                &ctx,
                &id,
                Some(notice),
                reason_error,
                Vec::new(),
                status,
            )
            .await
        }
        Err(e) => Err(AppError::internal(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_changed_lines() {
        let lines = diff_lines("a\nb\nc\n", "a\nx\nc\n");
        let signs: String = lines.iter().map(|l| l.sign).collect();
        // Removed lines come before the lines that replace them, as in a
        // unified diff.
        assert_eq!(signs, " -+ ");
        assert_eq!(lines.len(), 4);
        assert_eq!((lines[1].class, lines[1].text.as_str()), ("del", "b"));
    }
}
