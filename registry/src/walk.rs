//! Walking the objects reachable from some ids.

use std::collections::HashSet;

use gix::ObjectId;

use crate::error::{GitContext, StorageError};

/// Visits, depth first and once each, the objects reachable from `roots`:
/// trees lead to their entries (submodules excepted), commits to their
/// tree and parents, tags to their target.
///
/// `visit` reads the object of an id and returns it to go on below it, or
/// returns `None` to stop there.
pub(crate) fn walk_reachable<'repo>(
    roots: impl IntoIterator<Item = ObjectId>,
    mut visit: impl FnMut(ObjectId) -> Result<Option<gix::Object<'repo>>, StorageError>,
) -> Result<(), StorageError> {
    let mut stack: Vec<ObjectId> = roots.into_iter().collect();
    let mut seen = HashSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(object) = visit(id)? else {
            continue;
        };
        match object.kind {
            gix::object::Kind::Commit => {
                let commit = object.into_commit();
                stack.push(commit.tree_id().git("reading a commit")?.detach());
                stack.extend(commit.parent_ids().map(|p| p.detach()));
            }
            gix::object::Kind::Tree => {
                let tree = object.into_tree();
                let decoded = tree.decode().git("decoding a tree")?;
                stack.extend(
                    decoded
                        .entries
                        .iter()
                        .filter(|e| !e.mode.is_commit())
                        .map(|e| e.oid.to_owned()),
                );
            }
            gix::object::Kind::Tag => {
                let tag = object.into_tag();
                stack.push(tag.target_id().git("reading a tag")?.detach());
            }
            gix::object::Kind::Blob => {}
        }
    }
    Ok(())
}
