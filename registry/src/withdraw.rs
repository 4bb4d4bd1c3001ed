//! Withdrawal: a curator removes a record from `main` and leaves a
//! tombstone saying when and why, in one commit.

use gix::ObjectId;

use crate::config::Pseudonym;
use crate::error::{GitContext, StorageError, WithdrawError};
use crate::key::RecordKey;
use crate::read::{RecordState, record_in_tree};
use crate::store::{Attempt, Cas, MAIN_REF, RefUpdate, Registry, commit_tree, read_ref};
use crate::tombstone::{Tombstone, WithdrawalReason, rfc3339};

/// What a curator gives to withdraw a record.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    /// The reason code.
    pub reason: WithdrawalReason,
    /// The reason in words, kept in the tombstone and the commit message.
    pub explanation: String,
    /// For a duplicate, the record to see instead.
    pub replaced_by: Option<RecordKey>,
    /// The curator's pseudonym.
    pub curator: Pseudonym,
}

impl Registry {
    /// Withdraws `key` from `main`: one commit removes
    /// `records/<kind>/<id>.toml` and adds `withdrawn/<kind>/<id>.toml`.
    /// Returns the commit.
    ///
    /// # Errors
    /// When the record is not in `main`, is already withdrawn, or the
    /// explanation is empty.
    pub fn withdraw(
        &self,
        key: &RecordKey,
        withdrawal: &Withdrawal,
    ) -> Result<ObjectId, WithdrawError> {
        let explanation = withdrawal.explanation.trim();
        if explanation.is_empty() {
            return Err(WithdrawError::NoReason);
        }
        let done = self.retrying(MAIN_REF, |_| -> Result<Attempt<ObjectId>, WithdrawError> {
            let mut repo = self.local();
            let main = read_ref(&repo, MAIN_REF)?.ok_or_else(|| StorageError::Inconsistent {
                what: "the branch main is gone".to_owned(),
            })?;
            let tree = commit_tree(&repo, main)?;
            let record = match record_in_tree(&repo, tree, key)? {
                RecordState::Present(r) => r,
                RecordState::Withdrawn(_) => {
                    return Err(WithdrawError::AlreadyWithdrawn { key: key.clone() });
                }
                RecordState::Absent => return Err(WithdrawError::NotFound { key: key.clone() }),
            };
            let now = gix::date::Time::now_utc().seconds;
            let tombstone = Tombstone {
                id: key.id.clone(),
                kind: key.kind,
                title: record.title.clone(),
                withdrawn: rfc3339(now),
                reason: withdrawal.reason,
                explanation: explanation.to_owned(),
                curator: withdrawal.curator.name().to_owned(),
                replaced_by: withdrawal.replaced_by.as_ref().map(ToString::to_string),
            };
            let blob = repo
                .write_blob(tombstone.to_toml().as_bytes())
                .git("writing a tombstone")?
                .detach();
            let mut editor = repo.edit_tree(tree).git("editing a tree")?;
            editor.remove(key.path()).git("editing a tree")?;
            editor
                .upsert(
                    key.tombstone_path(),
                    gix::object::tree::EntryKind::Blob,
                    blob,
                )
                .git("editing a tree")?;
            let new_tree = editor.write().git("writing a tree")?.detach();
            let message = format!(
                "Withdraw {key} ({})\n\n{explanation}\n\nWithdrawn: {key}\nWithdrawal-Reason: {}\n",
                withdrawal.reason, withdrawal.reason
            );
            let commit = self.commit(&repo, &withdrawal.curator, &message, new_tree, &[main])?;
            self.persist_objects(&mut repo)?;
            let update = RefUpdate {
                name: MAIN_REF.to_owned(),
                expected: Some(main),
                new: commit,
            };
            match self.try_cas(&repo, &[update], "withdraw")? {
                Cas::Done => Ok(Attempt::Done(commit)),
                Cas::Lost => Ok(Attempt::Retry),
            }
        })?;
        self.after_write();
        Ok(done)
    }
}
