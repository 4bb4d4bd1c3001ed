//! Making proposals, shared by the form, the upload and the API: check a
//! record's text, then commit it as a proposal under a rate limit.

use std::net::IpAddr;

use cdl_licenses::{Certificate, certify};
use cdl_records::{Diagnostic, Record};
use cdl_registry::{ProposalId, ProposeError, Pseudonym, RecordFile, Report};

use crate::error::AppError;
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

/// Parses and validates a record's text, then certifies its licence.
pub fn check(text: &str) -> Checked {
    match cdl_records::parse(text, None) {
        Ok(record) => {
            let certificate = certify(record.kind(), &record.license);
            Checked::Valid(Box::new(record), certificate)
        }
        Err(e) => Checked::Invalid(e.diagnostics),
    }
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

/// Takes one proposal token for `ip`.
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
    let message: String = message.trim().chars().take(MAX_MESSAGE).collect();
    let st = state.clone();
    let result = tokio::task::spawn_blocking(move || {
        let pseudonym = Pseudonym::new(&author);
        let message = (!message.is_empty()).then_some(message);
        st.registry.propose(&[file], &pseudonym, message.as_deref())
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
