//! When each record last changed on `main`: the datestamps harvesters
//! (OAI-PMH) and dumps need, computed from the first-parent history.

use std::collections::HashMap;

use gix::ObjectId;

use crate::diff::tree_changes;
use crate::error::{GitContext, ReadError};
use crate::key::RecordKey;
use crate::read::resolve_in;
use crate::store::{MAIN_REF, Registry, commit_tree};

/// The records changed by the commits of a branch newer than some commit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Datestamps {
    /// The commit walked from.
    pub commit: Option<ObjectId>,
    /// For each record (its file or its tombstone), the committer time of
    /// the newest first-parent commit that changed it, in seconds since the
    /// Unix epoch.
    pub changed: HashMap<RecordKey, i64>,
    /// The committer time of the oldest commit walked (the root when the
    /// walk went to the end): the earliest datestamp there can be.
    pub earliest: Option<i64>,
}

impl Registry {
    /// Walks the first parents of `rev` (`None`: `main`) back to `since`
    /// (excluded; the whole history when `None` or when `since` is not a
    /// first parent of `rev`) and returns, for each record whose file or
    /// tombstone changed, when it last did. The time is the committer time
    /// of the commit on the branch (a merge's, not the proposal's author
    /// time): the moment the change became visible.
    ///
    /// Combining the result with an earlier one (newer entries win) brings
    /// that one up to date at the cost of the new commits only.
    ///
    /// # Errors
    /// When `rev` is unknown or the repository cannot be read.
    pub fn datestamps(
        &self,
        rev: Option<&str>,
        since: Option<ObjectId>,
    ) -> Result<Datestamps, ReadError> {
        let repo = self.reader();
        let head = resolve_in(&repo, rev.unwrap_or(MAIN_REF))?;
        let mut out = Datestamps {
            commit: Some(head),
            ..Datestamps::default()
        };
        let mut id = head;
        loop {
            if Some(id) == since {
                break;
            }
            let commit = repo.find_commit(id).git("reading a commit")?;
            let time = commit
                .committer()
                .git("reading a commit committer")?
                .seconds();
            out.earliest = Some(time);
            let tree = commit.tree_id().git("reading a commit")?.detach();
            let parent = commit.parent_ids().next().map(|p| p.detach());
            let before = match parent {
                Some(p) => Some(commit_tree(&repo, p)?),
                None => None,
            };
            let mut paths = Vec::new();
            tree_changes(&repo, before, Some(tree), "", &mut paths)?;
            for p in paths {
                if let Some((_, key)) = RecordKey::from_path(&p.path) {
                    out.changed.entry(key).or_insert(time);
                }
            }
            match parent {
                Some(p) => id = p,
                None => break,
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::testing::{TempRegistry, merge_software};
    use crate::{Pseudonym, Withdrawal, WithdrawalReason};
    use cdl_records::Kind;

    fn key(id: &str) -> RecordKey {
        RecordKey {
            kind: Kind::Software,
            id: id.parse().unwrap(),
        }
    }

    #[test]
    fn newest_change_wins_and_since_limits_the_walk() {
        let t = TempRegistry::new();
        let r = &t.registry;
        merge_software(r, "a", "A");
        let first = r.main().unwrap();
        merge_software(r, "b", "B");
        let all = r.datestamps(None, None).unwrap();
        assert_eq!(all.commit, Some(r.main().unwrap()));
        assert_eq!(all.changed.len(), 2);
        assert!(all.changed[&key("a")] <= all.changed[&key("b")]);
        assert!(all.earliest.unwrap() <= all.changed[&key("a")]);

        // Only what came after `first`.
        let newer = r.datestamps(None, Some(first)).unwrap();
        assert_eq!(newer.changed.keys().collect::<Vec<_>>(), vec![&key("b")]);

        // A withdrawal is a change of the record too.
        let w = Withdrawal {
            reason: WithdrawalReason::Other,
            explanation: "test".into(),
            replaced_by: None,
            curator: Pseudonym::new("c"),
        };
        let before = r.main().unwrap();
        r.withdraw(&key("a"), &w).unwrap();
        let after = r.datestamps(None, Some(before)).unwrap();
        assert_eq!(after.changed.keys().collect::<Vec<_>>(), vec![&key("a")]);
        assert!(after.changed[&key("a")] >= all.changed[&key("b")]);

        // An unknown revision is an error, not a panic.
        assert!(r.datestamps(Some("nope"), None).is_err());
    }
}
