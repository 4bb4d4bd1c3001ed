//! Error types: one per operation, all sharing [`StorageError`] for
//! failures of the repository underneath.

use std::path::PathBuf;

use crate::key::RecordKey;
use crate::proposal::{ProposalId, Report};

/// A failure of the Git repository or of the file system underneath an
/// operation. It never means that the input was wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// A Git operation failed.
    #[error("{context}: {reason}")]
    Git {
        /// What was being done.
        context: &'static str,
        /// Why, as one line of plain text (debug structures of gix left out).
        reason: String,
    },
    /// A file system operation failed.
    #[error("{context} {}: {source}", path.display())]
    Io {
        /// What was being done.
        context: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The error from the operating system.
        #[source]
        source: std::io::Error,
    },
    /// The repository holds something this program did not write and
    /// cannot read, e.g. `main` pointing at a tree.
    #[error("the registry's repository is inconsistent: {what}")]
    Inconsistent {
        /// What was found.
        what: String,
    },
    /// A reference stayed locked or kept moving for longer than the retry
    /// deadline allows.
    #[error("gave up updating {reference} after {attempts} attempts: other writers kept it busy")]
    Busy {
        /// The reference.
        reference: String,
        /// How many compare-and-swap attempts were made.
        attempts: u32,
    },
}

impl StorageError {
    pub(crate) fn git(
        context: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        StorageError::Git {
            context,
            reason: plain_reason(&source),
        }
    }

    pub(crate) fn io(
        context: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        StorageError::Io {
            context,
            path: path.into(),
            source,
        }
    }
}

/// An error of gix and its causes as one line of plain text.
///
/// Some gix errors print debug structures (`Message { message: ..,
/// class: NotFound }`) or a whole tree of causes; a person reads only the
/// plain sentences of the chain, each once, with the operating system's
/// own message for I/O errors.
pub(crate) fn plain_reason(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.to_string(),
            None => e.to_string(),
        };
        for line in text.lines() {
            let line = line.trim();
            let debug = line.contains(" { ") || line.contains("{ code:") || line.ends_with('}');
            let header = line.starts_with("Caused by")
                || line.chars().next().is_some_and(|c| c.is_ascii_digit()) && line.contains(": ");
            if line.is_empty() || debug || header {
                continue;
            }
            if !parts.iter().any(|p| p.contains(line)) {
                parts.push(line.to_owned());
            }
            break;
        }
        next = e.source();
    }
    if parts.is_empty() {
        "the Git library gave no explanation".to_owned()
    } else {
        parts.join(": ")
    }
}

/// Adds a context to gix results.
pub(crate) trait GitContext<T> {
    /// Turns the error into a [`StorageError::Git`] saying what was being done.
    fn git(self, context: &'static str) -> Result<T, StorageError>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> GitContext<T> for Result<T, E> {
    fn git(self, context: &'static str) -> Result<T, StorageError> {
        self.map_err(|e| StorageError::git(context, e))
    }
}

/// The error returned by [`Registry::init`](crate::Registry::init).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// The folder exists and is not empty.
    #[error("{} exists and is not empty; a registry is created in a new or empty folder", path.display())]
    NotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// The configuration is not valid.
    #[error("invalid registry configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// The repository could not be written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The error returned by [`Registry::open`](crate::Registry::open).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The folder is not a bare Git repository.
    #[error("{} is not a registry (no bare Git repository there): {reason}", path.display())]
    NotARepository {
        /// The folder.
        path: PathBuf,
        /// Why gix could not open it, as a sentence.
        reason: String,
    },
    /// The repository has a work tree; a registry is bare.
    #[error("{} has a work tree; a registry is a bare repository", path.display())]
    NotBare {
        /// The folder.
        path: PathBuf,
    },
    /// `main` has no `registry.toml`, or it does not parse.
    #[error("{} is not a registry: {reason}", path.display())]
    BadConfig {
        /// The folder.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The repository could not be read.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The error returned by read operations (records, history, diff, export).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The revision does not name a commit.
    #[error("unknown revision `{rev}`")]
    UnknownRevision {
        /// The revision as given.
        rev: String,
    },
    /// The repository could not be read.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// A mirror of another registry that cannot be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MirrorError {
    /// The peer's name cannot name a reference.
    #[error(
        "`{peer}` cannot name a mirror: lower-case letters, digits and inner hyphens, at most 40 characters"
    )]
    InvalidPeer {
        /// The name as given.
        peer: String,
    },
    /// A path outside the record layout.
    #[error(
        "`{path}` is not a path a mirror may hold (records/<kind>/<id>.toml, withdrawn/<kind>/<id>.toml or a top-level .json file); nothing was written"
    )]
    InvalidPath {
        /// The path as given.
        path: String,
    },
    /// Another writer moved the mirror since it was read.
    #[error(
        "the mirror of {peer} changed while it was being written (another sync?); nothing was written, run the sync again"
    )]
    Moved {
        /// The peer.
        peer: String,
    },
    /// The repository could not be read or written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<ReadError> for MirrorError {
    fn from(e: ReadError) -> MirrorError {
        match e {
            ReadError::Storage(s) => MirrorError::Storage(s),
            ReadError::UnknownRevision { rev } => {
                MirrorError::Storage(StorageError::Inconsistent {
                    what: format!("the revision {rev} is gone"),
                })
            }
        }
    }
}

/// A record file given to [`Registry::propose`](crate::Registry::propose)
/// that cannot be proposed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProposeError {
    /// The file does not parse or breaks a rule of the format.
    #[error("{path}: the record is not valid:\n{error}")]
    InvalidRecord {
        /// The file as given.
        path: String,
        /// Every problem found.
        error: cdl_records::ParseError,
    },
    /// Two files of one proposal are the same record.
    #[error("the proposal names {key} twice")]
    Duplicate {
        /// The record.
        key: RecordKey,
    },
    /// The record is withdrawn; it cannot come back through a proposal.
    #[error("{key} was withdrawn; a withdrawn record cannot be proposed again under the same id")]
    Withdrawn {
        /// The record.
        key: RecordKey,
    },
    /// The proposal changes nothing in `main`.
    #[error("nothing to propose: every record given is already in main as it is")]
    NoChange,
    /// The message or author is empty or unusable.
    #[error("invalid proposal: {reason}")]
    Invalid {
        /// What is wrong.
        reason: String,
    },
    /// A read failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The repository could not be written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The error returned when looking up a proposal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProposalError {
    /// No proposal has this id.
    #[error("no proposal `{id}`")]
    Unknown {
        /// The id as given.
        id: String,
    },
    /// The proposal ref does not point to a proposal this program made.
    #[error("proposal {id} is malformed: {reason}")]
    Malformed {
        /// The proposal.
        id: ProposalId,
        /// What is wrong.
        reason: String,
    },
    /// A read failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The repository could not be read.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The error returned by [`Registry::merge`](crate::Registry::merge).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// The proposal could not be found or read.
    #[error(transparent)]
    Proposal(#[from] ProposalError),
    /// The proposal was merged already.
    #[error("proposal {id} is already merged")]
    AlreadyMerged {
        /// The proposal.
        id: ProposalId,
    },
    /// The proposal was rejected.
    #[error("proposal {id} was rejected; it cannot be merged")]
    Rejected {
        /// The proposal.
        id: ProposalId,
    },
    /// A record of the proposal is invalid or its licence is not certified.
    #[error("proposal {id} cannot be merged: {}", report.summary())]
    NotCertified {
        /// The proposal.
        id: ProposalId,
        /// The report naming the records at fault.
        report: Box<Report>,
    },
    /// `main` changed the same records since the proposal was made.
    #[error(
        "conflict: main changed {} since proposal {id} was made; propose again on top of main",
        list_keys(records)
    )]
    Conflict {
        /// The proposal.
        id: ProposalId,
        /// The records changed on both sides.
        records: Vec<RecordKey>,
    },
    /// A read failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The repository could not be written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The error returned by [`Registry::reject`](crate::Registry::reject).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RejectError {
    /// The proposal could not be found or read.
    #[error(transparent)]
    Proposal(#[from] ProposalError),
    /// The proposal was merged already.
    #[error("proposal {id} is already merged; it cannot be rejected")]
    AlreadyMerged {
        /// The proposal.
        id: ProposalId,
    },
    /// The proposal was rejected already.
    #[error("proposal {id} is already rejected")]
    AlreadyRejected {
        /// The proposal.
        id: ProposalId,
    },
    /// A rejection needs a reason.
    #[error("a rejection needs a reason (--reason)")]
    NoReason,
    /// The repository could not be written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The error returned by [`Registry::withdraw`](crate::Registry::withdraw).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WithdrawError {
    /// `main` has no such record.
    #[error("{key} is not in main")]
    NotFound {
        /// The record.
        key: RecordKey,
    },
    /// The record is withdrawn already.
    #[error("{key} is already withdrawn")]
    AlreadyWithdrawn {
        /// The record.
        key: RecordKey,
    },
    /// A withdrawal needs a reason.
    #[error("a withdrawal needs a reason (--reason)")]
    NoReason,
    /// A read failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The repository could not be written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// The error returned by [`Registry::follow`](crate::Registry::follow).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FollowError {
    /// The address is neither a folder nor an `https://` URL.
    #[error("cannot follow `{url}`: give a path to a Git repository or an https:// URL")]
    UnsupportedUrl {
        /// The address as given.
        url: String,
    },
    /// A plain `http://` URL, refused: a man in the middle could feed the
    /// registry anything it likes (it would still be checked, but the
    /// contributor's commits could be swapped or withheld). Only
    /// [`Limits::allow_plain_http_on_loopback`](crate::Limits) lets a
    /// loopback address through, for tests.
    #[error("refusing to follow {url} over plain http: use an https:// URL")]
    PlainHttp {
        /// The address as given.
        url: String,
    },
    /// The remote could not be reached or read.
    #[error("could not fetch {url}: {reason}")]
    Fetch {
        /// The address.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The remote has no such branch.
    #[error("{url} has no branch `{branch}`")]
    NoBranch {
        /// The address.
        url: String,
        /// The branch.
        branch: String,
    },
    /// The remote branch does not contain `main`: following it would
    /// drop accepted changes.
    #[error(
        "not a fast-forward: {branch} of {url} does not contain main ({main}); main is left unchanged"
    )]
    NotFastForward {
        /// The address.
        url: String,
        /// The branch.
        branch: String,
        /// The current `main`.
        main: String,
    },
    /// The remote holds something a registry never accepts.
    #[error("refused: commit {commit} of the remote {problem}; nothing was written")]
    Hostile {
        /// The remote commit at fault.
        commit: String,
        /// What is wrong.
        problem: String,
    },
    /// A changed record does not parse or breaks a rule.
    #[error(
        "refused: {path} in commit {commit} is not a valid record; nothing was written:\n{error}"
    )]
    InvalidRecord {
        /// The remote commit.
        commit: String,
        /// The record's path.
        path: String,
        /// Every problem found.
        error: cdl_records::ParseError,
    },
    /// A changed record's licence is not certified.
    #[error(
        "refused: {path} has licence `{license}`, which is not certified for its kind; nothing was written"
    )]
    NotCertified {
        /// The record's path.
        path: String,
        /// The licence expression.
        license: String,
    },
    /// A read failed.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The repository could not be written.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn list_keys(keys: &[RecordKey]) -> String {
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
