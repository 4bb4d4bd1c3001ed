//! Proposals: the pull requests of the registry.
//!
//! A proposal is a ref `refs/proposals/<id>` naming a commit whose parent
//! is the `main` it was made on, and whose tree is that `main` with some
//! records added or changed. Each decision is one compare-and-swap:
//!
//! - **reject**: the ref moves from the proposal commit to a commit on top
//!   of it (same tree) whose message holds the reason and the trailer
//!   `Proposal-Status: rejected`;
//! - **merge**: `main` moves to a merge commit (parents: `main`, the
//!   proposal) and, in the same ref transaction, the proposal ref moves to
//!   a commit with the trailer `Proposal-Status: merged`. A crash between
//!   the two renames leaves `main` moved and the proposal ref unmoved:
//!   the status reads the proposal as merged because `main` contains it.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::Path;

use cdl_licenses::Certificate;
use gix::ObjectId;
use serde::Serialize;

use crate::config::Pseudonym;
use crate::diff::{PathChange, RecordChange, record_changes, tree_changes};
use crate::error::{
    GitContext, MergeError, ProposalError, ProposeError, RejectError, StorageError,
};
use crate::key::{Area, RecordKey};
use crate::read::{ChangeKind, RecordState, record_in_tree};
use crate::store::{
    Attempt, Cas, MAIN_REF, PROPOSALS_PREFIX, RefUpdate, Registry, commit_tree, read_ref,
};

const STATUS_TRAILER: &str = "Proposal-Status:";
const PROPOSAL_TRAILER: &str = "Proposal:";

/// A proposal's id: the first 12 hexadecimal digits of its commit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ProposalId(String);

impl ProposalId {
    /// The length of an id.
    pub const LEN: usize = 12;

    fn of(commit: ObjectId) -> Self {
        let hex = commit.to_hex().to_string();
        ProposalId(hex[..Self::LEN].to_owned())
    }

    /// Reads an id: exactly 12 lowercase hexadecimal digits.
    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == Self::LEN
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| ProposalId(s.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn ref_name(&self) -> String {
        format!("{PROPOSALS_PREFIX}{}", self.0)
    }
}

/// The schema of an id: a string of [`ProposalId::LEN`] lowercase
/// hexadecimal digits, as [`ProposalId::parse`] reads it.
impl schemars::JsonSchema for ProposalId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ProposalId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let pattern = format!("^[0-9a-f]{{{}}}$", ProposalId::LEN);
        schemars::json_schema!({ "type": "string", "pattern": pattern })
    }
}

impl fmt::Display for ProposalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a proposal stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum ProposalStatus {
    /// Waiting for a curator.
    Open,
    /// Merged into `main`.
    Merged,
    /// Rejected, with the curator's reason.
    Rejected {
        /// The reason given.
        reason: String,
        /// The curator's pseudonym.
        curator: String,
    },
}

impl ProposalStatus {
    /// `open`, `merged` or `rejected`.
    pub fn as_str(&self) -> &'static str {
        match self {
            ProposalStatus::Open => "open",
            ProposalStatus::Merged => "merged",
            ProposalStatus::Rejected { .. } => "rejected",
        }
    }
}

/// A proposal, as listed and shown.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// Its id.
    pub id: ProposalId,
    /// The proposal commit.
    #[serde(serialize_with = "crate::serialize_oid")]
    pub commit: ObjectId,
    /// The `main` commit it was made on.
    #[serde(serialize_with = "crate::serialize_oid")]
    pub base: ObjectId,
    /// The contributor's pseudonym.
    pub author: String,
    /// When it was made, seconds since the Unix epoch.
    pub time: i64,
    /// The contributor's message.
    pub message: String,
    /// Where it stands.
    pub status: ProposalStatus,
    /// When it was merged or rejected, seconds since the Unix epoch: the
    /// time of the commit that recorded the decision. `None` while open,
    /// and for a merge whose marker was never written (a crash between
    /// the two renames).
    pub decided_at: Option<i64>,
    /// The records it changes, compared with its base.
    pub changes: Vec<RecordChange>,
}

/// The validation and certification report of a proposal: one entry per
/// changed record.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// One entry per changed record, by key.
    pub entries: Vec<ReportEntry>,
}

/// The report on one changed record.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReportEntry {
    /// The record.
    pub key: RecordKey,
    /// Its path in the tree.
    pub path: String,
    /// What the proposal does to it.
    pub change: ChangeKind,
    /// Problems found by the record format's checks (empty: valid).
    pub diagnostics: Vec<String>,
    /// The licence certificate, for added and modified records that parse.
    pub certificate: Option<Certificate>,
}

impl ReportEntry {
    /// True when this change may be merged: a valid record with a
    /// certified licence, or a removal.
    pub fn is_acceptable(&self) -> bool {
        match self.change {
            ChangeKind::Added | ChangeKind::Modified => {
                self.diagnostics.is_empty()
                    && self
                        .certificate
                        .as_ref()
                        .is_some_and(Certificate::is_certified)
            }
            ChangeKind::Withdrawn | ChangeKind::Deleted => false,
        }
    }
}

impl Report {
    /// True when every change may be merged.
    pub fn is_mergeable(&self) -> bool {
        !self.entries.is_empty() && self.entries.iter().all(ReportEntry::is_acceptable)
    }

    /// One line: what blocks the merge, or that nothing does.
    pub fn summary(&self) -> String {
        let bad: Vec<String> = self
            .entries
            .iter()
            .filter(|e| !e.is_acceptable())
            .map(|e| {
                let why = if !e.diagnostics.is_empty() {
                    "invalid record".to_owned()
                } else if let Some(c) = &e.certificate {
                    format!("licence `{}` not certified ({:?})", c.expression, c.verdict)
                } else {
                    "removal of a record (use withdraw)".to_owned()
                };
                format!("{}: {why}", e.key)
            })
            .collect();
        if self.entries.is_empty() {
            "the proposal changes no record".to_owned()
        } else if bad.is_empty() {
            format!("{} record(s), all valid and certified", self.entries.len())
        } else {
            bad.join("; ")
        }
    }
}

/// A record file given to [`Registry::propose`].
#[derive(Debug, Clone)]
pub struct RecordFile {
    /// The file's name or path as the contributor gave it; its stem must be
    /// the record's id, and a folder named after a kind must be its kind.
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// What [`Registry::show`] returns: the proposal, its report, and the
/// text of each changed record before and after.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    /// The proposal.
    pub proposal: Proposal,
    /// Its report.
    pub report: Report,
    /// For each changed record: key, text in the base (if any), text in
    /// the proposal (if any).
    pub texts: Vec<(RecordKey, Option<String>, Option<String>)>,
}

impl Registry {
    /// Creates a proposal: a commit on top of the current `main` that adds
    /// or replaces the records in `files` (each checked, then written in
    /// canonical form), by `author`, under `refs/proposals/<id>`.
    ///
    /// # Errors
    /// When a file is not a valid record, names a withdrawn record, or
    /// nothing changes; when writing fails.
    pub fn propose(
        &self,
        files: &[RecordFile],
        author: &Pseudonym,
        message: Option<&str>,
    ) -> Result<(ProposalId, Report), ProposeError> {
        let mut records = Vec::with_capacity(files.len());
        let mut seen = HashSet::new();
        for file in files {
            let record =
                cdl_records::parse(&file.text, Some(Path::new(&file.name))).map_err(|error| {
                    ProposeError::InvalidRecord {
                        path: file.name.clone(),
                        error,
                    }
                })?;
            let key = RecordKey::new(record.kind(), record.id.clone());
            if !seen.insert(key.clone()) {
                return Err(ProposeError::Duplicate { key });
            }
            records.push((key, record));
        }
        if records.is_empty() {
            return Err(ProposeError::NoChange);
        }
        let mut repo = self.local();
        let main = read_ref(&repo, MAIN_REF)?.ok_or_else(|| StorageError::Inconsistent {
            what: "the branch main is gone".to_owned(),
        })?;
        let main_tree = commit_tree(&repo, main)?;
        let mut editor = repo.edit_tree(main_tree).git("editing a tree")?;
        for (key, record) in &records {
            if let RecordState::Withdrawn(_) = record_in_tree(&repo, main_tree, key)? {
                return Err(ProposeError::Withdrawn { key: key.clone() });
            }
            let blob = repo
                .write_blob(cdl_records::to_toml(record).as_bytes())
                .git("writing a record")?
                .detach();
            editor
                .upsert(key.path(), gix::object::tree::EntryKind::Blob, blob)
                .git("editing a tree")?;
        }
        let tree = editor.write().git("writing a tree")?.detach();
        if tree == main_tree {
            return Err(ProposeError::NoChange);
        }
        let keys: Vec<String> = records.iter().map(|(k, _)| k.to_string()).collect();
        let message = clean_message(
            message.unwrap_or(""),
            &format!("Propose {}", keys.join(", ")),
        )?;
        let commit = self.commit(&repo, author, &message, tree, &[main])?;
        let report = self.report_for(&repo, main_tree, tree)?;
        self.persist_objects(&mut repo)?;
        let id = ProposalId::of(commit);
        let update = RefUpdate {
            name: id.ref_name(),
            expected: None,
            new: commit,
        };
        match self.try_cas(&repo, &[update], "propose")? {
            Cas::Done => {}
            Cas::Lost => {
                return Err(ProposeError::Invalid {
                    reason: format!("proposal {id} exists already"),
                });
            }
        }
        self.after_write();
        Ok((id, report))
    }

    /// Every proposal, oldest first.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn proposals(&self) -> Result<Vec<Proposal>, ProposalError> {
        let repo = self.reader();
        let main = read_ref(&repo, MAIN_REF)?;
        let mut out = Vec::new();
        let platform = repo.references().git("listing references")?;
        let refs = platform
            .prefixed(PROPOSALS_PREFIX)
            .git("listing proposals")?;
        let mut tips = Vec::new();
        for r in refs {
            let r = r.git("listing proposals")?;
            let name = r.name().as_bstr().to_string();
            let Some(id) = name
                .strip_prefix(PROPOSALS_PREFIX)
                .and_then(ProposalId::parse)
            else {
                continue;
            };
            if let Some(tip) = r.try_id() {
                tips.push((id, tip.detach()));
            }
        }
        for (id, tip) in tips {
            out.push(load(&repo, id, tip, main)?);
        }
        out.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.id.cmp(&b.id)));
        Ok(out)
    }

    /// How many proposals are open, without reading their changes: one
    /// commit read per proposal (and a merge-base per open one), for
    /// gauges scraped often.
    ///
    /// # Errors
    /// When the repository cannot be read.
    pub fn open_proposals(&self) -> Result<usize, ProposalError> {
        let repo = self.reader();
        let main = read_ref(&repo, MAIN_REF)?;
        let platform = repo.references().git("listing references")?;
        let refs = platform
            .prefixed(PROPOSALS_PREFIX)
            .git("listing proposals")?;
        let mut open = 0;
        for r in refs {
            let r = r.git("listing proposals")?;
            let name = r.name().as_bstr().to_string();
            let Some(id) = name
                .strip_prefix(PROPOSALS_PREFIX)
                .and_then(ProposalId::parse)
            else {
                continue;
            };
            if let Some(tip) = r.try_id()
                && status_of(&repo, &id, tip.detach(), main)?.1 == ProposalStatus::Open
            {
                open += 1;
            }
        }
        Ok(open)
    }

    /// One proposal.
    ///
    /// # Errors
    /// [`ProposalError::Unknown`] when there is no such proposal.
    pub fn proposal(&self, id: &str) -> Result<Proposal, ProposalError> {
        let repo = self.reader();
        let (id, tip) = find(&repo, id)?;
        let main = read_ref(&repo, MAIN_REF)?;
        load(&repo, id, tip, main)
    }

    /// A proposal with its report and the texts of the changed records.
    ///
    /// # Errors
    /// [`ProposalError::Unknown`] when there is no such proposal.
    pub fn show(&self, id: &str) -> Result<ProposalView, ProposalError> {
        let repo = self.reader();
        let (id, tip) = find(&repo, id)?;
        let main = read_ref(&repo, MAIN_REF)?;
        let proposal = load(&repo, id, tip, main)?;
        let base_tree = commit_tree(&repo, proposal.base)?;
        let tree = commit_tree(&repo, proposal.commit)?;
        let report = self.report_for(&repo, base_tree, tree)?;
        let text = |id: Option<ObjectId>| -> Result<Option<String>, StorageError> {
            match id {
                Some(id) => {
                    let blob = repo.find_blob(id).git("reading a blob")?;
                    Ok(Some(String::from_utf8_lossy(&blob.data).into_owned()))
                }
                None => Ok(None),
            }
        };
        let mut texts = Vec::new();
        for c in &proposal.changes {
            texts.push((c.key.clone(), text(c.old)?, text(c.new)?));
        }
        Ok(ProposalView {
            proposal,
            report,
            texts,
        })
    }

    /// Merges a proposal into `main` as `curator`. When `main` moved since
    /// the proposal was made, its changes are applied on top of the new
    /// `main` if `main` did not touch the same records since; otherwise
    /// [`MergeError::Conflict`] names them. Concurrent writers are retried.
    ///
    /// Returns the merge commit.
    ///
    /// # Errors
    /// When the proposal is unknown, already decided, has a record that is
    /// invalid or not certified, or conflicts with `main`.
    pub fn merge(&self, id: &str, curator: &Pseudonym) -> Result<ObjectId, MergeError> {
        let merged = self.retrying(MAIN_REF, |_| -> Result<Attempt<ObjectId>, MergeError> {
            let mut repo = self.local();
            let (id, tip) = find(&repo, id)?;
            let main = read_ref(&repo, MAIN_REF)?.ok_or_else(|| StorageError::Inconsistent {
                what: "the branch main is gone".to_owned(),
            })?;
            let (proposal, status) = status_of(&repo, &id, tip, Some(main))?;
            match status {
                ProposalStatus::Open => {}
                ProposalStatus::Merged => return Err(MergeError::AlreadyMerged { id }),
                ProposalStatus::Rejected { .. } => return Err(MergeError::Rejected { id }),
            }
            let (base, subject) = {
                let commit = repo.find_commit(proposal).git("reading a proposal")?;
                let base = first_parent(&commit, &id)?;
                let subject = commit
                    .message()
                    .git("reading a proposal")?
                    .summary()
                    .to_string();
                (base, subject)
            };
            let base_tree = commit_tree(&repo, base)?;
            let prop_tree = commit_tree(&repo, proposal)?;
            let main_tree = commit_tree(&repo, main)?;

            let mut changes = Vec::new();
            tree_changes(&repo, Some(base_tree), Some(prop_tree), "", &mut changes)?;
            for c in &changes {
                if !matches!(RecordKey::from_path(&c.path), Some((Area::Record, _))) {
                    return Err(ProposalError::Malformed {
                        id,
                        reason: format!("it changes {}, which is not a record", c.path),
                    }
                    .into());
                }
            }
            let report = self.report_for(&repo, base_tree, prop_tree)?;
            if !report.is_mergeable() {
                return Err(MergeError::NotCertified {
                    id,
                    report: Box::new(report),
                });
            }
            let new_tree = if main == base {
                prop_tree
            } else {
                let mut main_changes = Vec::new();
                tree_changes(&repo, Some(base_tree), Some(main_tree), "", &mut main_changes)?;
                let touched: BTreeSet<RecordKey> = main_changes
                    .iter()
                    .filter_map(|c| RecordKey::from_path(&c.path).map(|(_, k)| k))
                    .collect();
                let conflicts: Vec<RecordKey> = changes
                    .iter()
                    .filter_map(|c| RecordKey::from_path(&c.path).map(|(_, k)| k))
                    .filter(|k| touched.contains(k))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                if !conflicts.is_empty() {
                    return Err(MergeError::Conflict {
                        id,
                        records: conflicts,
                    });
                }
                apply(&repo, main_tree, &changes)?
            };
            let message = format!("Merge proposal {id}: {subject}\n\n{PROPOSAL_TRAILER} {id}\n");
            let merge = self.commit(&repo, curator, &message, new_tree, &[main, proposal])?;
            let marker_message = format!(
                "Proposal {id} merged\n\n{PROPOSAL_TRAILER} {id}\n{STATUS_TRAILER} merged\nMerged-As: {merge}\n"
            );
            let marker = self.commit(&repo, curator, &marker_message, prop_tree, &[proposal])?;
            self.persist_objects(&mut repo)?;
            let updates = [
                RefUpdate {
                    name: MAIN_REF.to_owned(),
                    expected: Some(main),
                    new: merge,
                },
                RefUpdate {
                    name: id.ref_name(),
                    expected: Some(tip),
                    new: marker,
                },
            ];
            match self.try_cas(&repo, &updates, "merge proposal")? {
                Cas::Done => Ok(Attempt::Done(merge)),
                Cas::Lost => Ok(Attempt::Retry),
            }
        })?;
        self.after_write();
        Ok(merged)
    }

    /// Rejects a proposal as `curator`, with a reason kept in history.
    ///
    /// # Errors
    /// When the proposal is unknown or already decided, or the reason is
    /// empty.
    pub fn reject(&self, id: &str, curator: &Pseudonym, reason: &str) -> Result<(), RejectError> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RejectError::NoReason);
        }
        self.retrying("a proposal", |_| -> Result<Attempt<()>, RejectError> {
            let mut repo = self.local();
            let (id, tip) = find(&repo, id)?;
            let main = read_ref(&repo, MAIN_REF)?;
            let (proposal, status) = status_of(&repo, &id, tip, main)?;
            match status {
                ProposalStatus::Open => {}
                ProposalStatus::Merged => return Err(RejectError::AlreadyMerged { id }),
                ProposalStatus::Rejected { .. } => return Err(RejectError::AlreadyRejected { id }),
            }
            let tree = commit_tree(&repo, proposal)?;
            let reason = strip_trailers(reason);
            let message = format!(
                "Reject proposal {id}\n\n{reason}\n\n{PROPOSAL_TRAILER} {id}\n{STATUS_TRAILER} rejected\n"
            );
            let commit = self.commit(&repo, curator, &message, tree, &[proposal])?;
            self.persist_objects(&mut repo)?;
            let update = RefUpdate {
                name: id.ref_name(),
                expected: Some(tip),
                new: commit,
            };
            match self.try_cas(&repo, &[update], "reject proposal")? {
                Cas::Done => Ok(Attempt::Done(())),
                Cas::Lost => Ok(Attempt::Retry),
            }
        })?;
        self.after_write();
        Ok(())
    }

    /// The report on what `tree` changes compared with `base`.
    pub(crate) fn report_for(
        &self,
        repo: &gix::Repository,
        base: ObjectId,
        tree: ObjectId,
    ) -> Result<Report, StorageError> {
        let mut paths = Vec::new();
        tree_changes(repo, Some(base), Some(tree), "", &mut paths)?;
        let mut entries = Vec::new();
        for change in record_changes(&paths) {
            let path = change.key.path();
            let mut entry = ReportEntry {
                key: change.key.clone(),
                path: path.clone(),
                change: change.change,
                diagnostics: Vec::new(),
                certificate: None,
            };
            if let Some(new) = change.new {
                let blob = repo.find_blob(new).git("reading a record")?;
                match std::str::from_utf8(&blob.data) {
                    Err(_) => entry
                        .diagnostics
                        .push("the file is not UTF-8 text".to_owned()),
                    Ok(text) => match cdl_records::parse(text, Some(Path::new(&path))) {
                        Ok(record) => {
                            entry.certificate =
                                Some(cdl_licenses::certify(record.kind(), &record.license));
                        }
                        Err(e) => {
                            entry.diagnostics =
                                e.diagnostics.iter().map(ToString::to_string).collect();
                        }
                    },
                }
            }
            entries.push(entry);
        }
        Ok(Report { entries })
    }
}

/// Finds a proposal ref by id.
fn find(repo: &gix::Repository, id: &str) -> Result<(ProposalId, ObjectId), ProposalError> {
    let unknown = || ProposalError::Unknown { id: id.to_owned() };
    let pid = ProposalId::parse(id).ok_or_else(unknown)?;
    let tip = read_ref(repo, &pid.ref_name())?.ok_or_else(unknown)?;
    Ok((pid, tip))
}

fn first_parent(commit: &gix::Commit<'_>, id: &ProposalId) -> Result<ObjectId, ProposalError> {
    commit
        .parent_ids()
        .next()
        .map(|p| p.detach())
        .ok_or_else(|| ProposalError::Malformed {
            id: id.clone(),
            reason: "its commit has no parent".to_owned(),
        })
}

/// The proposal commit and the status, from the ref's tip.
fn status_of(
    repo: &gix::Repository,
    id: &ProposalId,
    tip: ObjectId,
    main: Option<ObjectId>,
) -> Result<(ObjectId, ProposalStatus), ProposalError> {
    let commit = repo.find_commit(tip).git("reading a proposal")?;
    let message = commit.message_raw().git("reading a proposal")?.to_string();
    let status = message
        .lines()
        .find_map(|l| l.strip_prefix(STATUS_TRAILER))
        .map(str::trim);
    match status {
        Some(status) => {
            let proposal = first_parent(&commit, id)?;
            let status = match status {
                "merged" => ProposalStatus::Merged,
                "rejected" => {
                    let body = message.split_once("\n\n").map(|(_, b)| b).unwrap_or("");
                    let reason = body
                        .lines()
                        .filter(|l| {
                            !l.starts_with(PROPOSAL_TRAILER) && !l.starts_with(STATUS_TRAILER)
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                        .trim()
                        .to_owned();
                    let curator = commit
                        .author()
                        .map(|a| a.name.to_string())
                        .unwrap_or_default();
                    ProposalStatus::Rejected { reason, curator }
                }
                other => {
                    return Err(ProposalError::Malformed {
                        id: id.clone(),
                        reason: format!("unknown status `{other}`"),
                    });
                }
            };
            Ok((proposal, status))
        }
        None => {
            // The ref still names the proposal itself: open, unless a merge
            // reached main and the process died before moving this ref.
            let merged = match main {
                Some(main) => is_ancestor(repo, tip, main)?,
                None => false,
            };
            Ok((
                tip,
                if merged {
                    ProposalStatus::Merged
                } else {
                    ProposalStatus::Open
                },
            ))
        }
    }
}

fn is_ancestor(
    repo: &gix::Repository,
    ancestor: ObjectId,
    of: ObjectId,
) -> Result<bool, StorageError> {
    if ancestor == of {
        return Ok(true);
    }
    let base = repo.merge_base(ancestor, of).git("finding a merge base")?;
    Ok(base.map(|b| b.detach()) == Some(ancestor))
}

fn load(
    repo: &gix::Repository,
    id: ProposalId,
    tip: ObjectId,
    main: Option<ObjectId>,
) -> Result<Proposal, ProposalError> {
    let (proposal, status) = status_of(repo, &id, tip, main)?;
    let commit = repo.find_commit(proposal).git("reading a proposal")?;
    let base = first_parent(&commit, &id)?;
    let author = commit.author().git("reading a proposal")?;
    let (author_name, time) = (author.name.to_string(), author.seconds());
    let message = commit.message_raw().git("reading a proposal")?.to_string();
    let decided_at = if tip == proposal {
        None
    } else {
        let marker = repo.find_commit(tip).git("reading a proposal")?;
        let committer = marker.committer().git("reading a proposal")?;
        Some(committer.seconds())
    };
    let mut paths = Vec::new();
    tree_changes(
        repo,
        Some(commit_tree(repo, base)?),
        Some(commit_tree(repo, proposal)?),
        "",
        &mut paths,
    )?;
    Ok(Proposal {
        id,
        commit: proposal,
        base,
        author: author_name,
        time,
        message,
        status,
        decided_at,
        changes: record_changes(&paths),
    })
}

/// Applies blob-level changes onto `tree`.
pub(crate) fn apply(
    repo: &gix::Repository,
    tree: ObjectId,
    changes: &[PathChange],
) -> Result<ObjectId, StorageError> {
    let mut editor = repo.edit_tree(tree).git("editing a tree")?;
    for c in changes {
        match c.new {
            Some((_, id)) => {
                editor
                    .upsert(c.path.as_str(), gix::object::tree::EntryKind::Blob, id)
                    .git("editing a tree")?;
            }
            None => {
                editor.remove(c.path.as_str()).git("editing a tree")?;
            }
        }
    }
    Ok(editor.write().git("writing a tree")?.detach())
}

/// A commit message: the contributor's text without our trailers, or
/// `default` when empty.
fn clean_message(message: &str, default: &str) -> Result<String, ProposeError> {
    let cleaned = strip_trailers(message.trim());
    let cleaned = cleaned.trim();
    if cleaned.len() > 64 * 1024 {
        return Err(ProposeError::Invalid {
            reason: "the message is longer than 64 KiB".to_owned(),
        });
    }
    Ok(if cleaned.is_empty() {
        format!("{default}\n")
    } else {
        format!("{cleaned}\n")
    })
}

/// Removes lines that could pass for the registry's own trailers.
fn strip_trailers(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let l = l.trim_start();
            !l.starts_with(STATUS_TRAILER)
                && !l.starts_with(PROPOSAL_TRAILER)
                && !l.starts_with("Merged-As:")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
