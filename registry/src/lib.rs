#![doc = include_str!("../README.md")]

mod backup;
mod config;
mod dates;
mod diff;
mod error;
mod follow;
mod key;
mod line_diff;
mod maintenance;
mod mirror;
mod pack;
mod proposal;
mod read;
mod store;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod tombstone;
mod verify;
mod walk;
mod withdraw;

pub use backup::{BackupError, BackupSummary, ConsistentCopy, NOT_BACKED_UP, restore};
pub use config::{CurationPolicy, DEFAULT_EMAIL_DOMAIN, Options, Pseudonym, RegistryConfig};
pub use dates::Datestamps;
pub use diff::{PathChange, RecordChange};
pub use error::{
    FollowError, InitError, MergeError, MirrorError, OpenError, ProposalError, ProposeError,
    ReadError, RejectError, StorageError, WithdrawError,
};
pub use follow::{FollowOutcome, Limits};
pub use gix::ObjectId;
pub use key::{Area, CONFIG_FILE, InvalidKey, RECORDS_DIR, RecordKey, WITHDRAWN_DIR};
pub use line_diff::{DiffLine, LineChange, line_diff};
pub use maintenance::{GcOptions, GcOutcome};
pub use mirror::{CatalogueFile, MIRRORS_PREFIX, MirrorEdit};
pub use proposal::{
    Proposal, ProposalId, ProposalStatus, ProposalView, RecordFile, Report, ReportEntry,
};
pub use read::{ChangeKind, HistoryEntry, InvalidFile, RecordState, Snapshot};
pub use store::{MAIN_REF, PROPOSALS_PREFIX, Registry};
pub use tombstone::{Tombstone, UnknownReason, WithdrawalReason, rfc3339};
pub use url::Url;
pub use withdraw::Withdrawal;

fn serialize_oid<S: serde::Serializer>(id: &ObjectId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&id.to_hex())
}

fn serialize_opt_oid<S: serde::Serializer>(id: &Option<ObjectId>, s: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => s.collect_str(&id.to_hex()),
        None => s.serialize_none(),
    }
}
