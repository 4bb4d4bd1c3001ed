//! Making proposals, shared by the form, the upload and the API: check a
//! record's text, then commit it as a proposal under a rate limit.

use std::net::IpAddr;
use std::sync::Arc;

use cdl_licenses::{Certificate, certify};
use cdl_records::values::Date;
use cdl_records::{Code, Context, Diagnostic, MAX_DIAGNOSTICS, Record};
use cdl_registry::{
    ProposalId, ProposeError, Pseudonym, RecordFile, RecordKey, RecordState, Report,
};

use crate::error::AppError;
use crate::form::normalise_line_ends;
use crate::i18n::Lang;
use crate::state::AppState;

/// The pseudonym used when a contributor gives none.
pub const ANONYMOUS: &str = "anonyme";

/// The longest pseudonym kept, in characters.
pub const MAX_AUTHOR: usize = 60;
/// The longest message kept, in characters.
pub const MAX_MESSAGE: usize = 2_000;

/// A record's text, checked.
#[derive(Debug)]
pub enum Checked {
    /// A valid record and its certificate (which may not be certified).
    Valid(Box<Record>, Certificate),
    /// The problems found.
    Invalid(Vec<Diagnostic>),
}

/// Parses and validates a record's text, then certifies its licence, off
/// the async workers: on the blocking pool, at most one record per core at
/// once ([`crate::state::App::parse_slots`]), so that hostile records
/// neither stall other requests nor pile up in memory. Call it only after
/// [`rate_limit`].
///
/// # Errors
/// [`AppError::Internal`] when the blocking task fails.
pub async fn check(state: &AppState, text: String) -> Result<Checked, AppError> {
    let today = today();
    off_thread(state, move || check_now(&text, today)).await
}

/// Runs the checking work `f` on the blocking pool, at most one per core
/// at once ([`crate::state::App::parse_slots`]), counted as one record
/// checked. Call it only after [`rate_limit`].
///
/// # Errors
/// [`AppError::Internal`] when the blocking task fails.
pub async fn off_thread<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = Arc::clone(&state.parse_slots)
        .acquire_owned()
        .await
        .map_err(AppError::internal)?;
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        // Held until the work ends, even if the client has gone.
        let _permit = permit;
        st.metrics.record_checked();
        f()
    })
    .await
    .map_err(AppError::internal)
}

/// Today's date in UTC, from the system clock, for the rules of the
/// format that need it; `None` (those rules skipped) if the clock is
/// before 1970.
pub fn today() -> Option<Date> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Date::from_unix_days(i64::try_from(seconds / 86_400).ok()?)
}

/// [`check`] on the calling thread: for tests and blocking callers.
pub fn check_now(text: &str, today: Option<Date>) -> Checked {
    match cdl_records::parse_checked(text, None, &Context { today }) {
        Ok(record) => {
            let certificate = certify(record.kind(), &record.license);
            Checked::Valid(Box::new(record), certificate)
        }
        Err(e) => Checked::Invalid(e.diagnostics),
    }
}

/// How many problems an invalid record has: those listed, plus those past
/// the cap counted by the final [`Code::MoreErrors`] entry.
pub fn count(diagnostics: &[Diagnostic]) -> usize {
    diagnostics
        .iter()
        .map(|d| {
            if d.code == Code::MoreErrors {
                d.more.unwrap_or(0)
            } else {
                1
            }
        })
        .sum()
}

/// The final entry of a cut list of problems ([`Code::MoreErrors`]) in
/// French or English, for pages.
pub fn more_errors(d: &Diagnostic, lang: Lang) -> Option<String> {
    let n = d.more.filter(|_| d.code == Code::MoreErrors)?;
    Some(match lang {
        Lang::Fr => format!(
            "… et {n} autre(s) problème(s), non affiché(s) : seuls les {MAX_DIAGNOSTICS} premiers le sont. Corrigez-les, puis vérifiez à nouveau."
        ),
        Lang::En => format!(
            "… and {n} more problem(s), not shown: only the first {MAX_DIAGNOSTICS} are. Fix them, then check again."
        ),
    })
}

/// Why a proposal was not made.
#[derive(Debug)]
pub enum Refused {
    /// The id was withdrawn: it cannot come back.
    Withdrawn,
    /// The record is already in the catalogue exactly as given.
    NoChange,
    /// Anything else: an HTTP error.
    Error(AppError),
}

impl From<AppError> for Refused {
    fn from(e: AppError) -> Self {
        Refused::Error(e)
    }
}

/// Takes one proposal token for `ip`. Every attempt takes one, valid or
/// not, preview or not, before its record is parsed: refusing costs
/// nothing, so floods of invalid records are limited like the others.
///
/// # Errors
/// [`AppError::TooManyRequests`] when the client made too many.
pub fn rate_limit(state: &AppState, ip: IpAddr) -> Result<(), AppError> {
    state.proposal_limiter.check(ip).map_err(|retry_after| {
        state.metrics.rate_limited();
        AppError::TooManyRequests { retry_after }
    })
}

/// Commits `record` as a proposal by `author` (blocking work off the
/// executor).
///
/// # Errors
/// [`Refused`] when the registry refuses it or fails.
pub async fn create(
    state: &AppState,
    record: &Record,
    author: &str,
    message: &str,
) -> Result<(ProposalId, Report), Refused> {
    let file = RecordFile {
        name: record.path(),
        text: cdl_records::to_toml(record),
    };
    let author: String = author.trim().chars().take(MAX_AUTHOR).collect();
    let author = if author.is_empty() {
        ANONYMOUS.to_owned()
    } else {
        author
    };
    let message: String = normalise_line_ends(message.trim())
        .chars()
        .take(MAX_MESSAGE)
        .collect();
    // The message becomes the record's public history: without one, a
    // plain French sentence rather than the registry's "Propose kind/id".
    let message = if message.is_empty() {
        default_message(state, record).await?
    } else {
        message
    };
    let st = state.clone();
    let result = tokio::task::spawn_blocking(move || {
        let pseudonym = Pseudonym::new(&author);
        st.registry.propose(&[file], &pseudonym, Some(&message))
    })
    .await
    .map_err(AppError::internal)?;
    match result {
        Ok(done) => {
            state.metrics.proposal();
            Ok(done)
        }
        Err(ProposeError::Withdrawn { .. }) => Err(Refused::Withdrawn),
        Err(ProposeError::NoChange) => Err(Refused::NoChange),
        Err(other) => Err(Refused::Error(AppError::internal(other))),
    }
}

/// The message of a proposal whose contributor wrote none, in French (the
/// catalogue's language): "Nouvelle fiche …" or "Modification de la fiche …".
async fn default_message(state: &AppState, record: &Record) -> Result<String, AppError> {
    let key = RecordKey {
        kind: record.kind(),
        id: record.id.clone(),
    };
    let st = state.clone();
    let exists = tokio::task::spawn_blocking(move || {
        matches!(st.registry.record(&key, None), Ok(RecordState::Present(_)))
    })
    .await
    .map_err(AppError::internal)?;
    Ok(default_message_for(record, exists))
}

/// The message of a proposal whose contributor wrote none, once known
/// whether the record exists.
pub fn default_message_for(record: &Record, exists: bool) -> String {
    let kind = record.kind().label_fr().to_lowercase();
    let title = record.title.trim();
    if exists {
        format!("Modification de la fiche « {title} » ({kind})")
    } else {
        format!("Nouvelle fiche « {title} » ({kind})")
    }
}
