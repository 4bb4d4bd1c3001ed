//! Strict checks of the Git objects a registry receives from outside
//! (`follow`, and later federation), on their raw bytes, before any is
//! written.
//!
//! gix decodes objects leniently: it reads a tree with two entries of the
//! same name, a zero-padded mode or unsorted entries, and a commit with a
//! malformed author line, without complaint. The stock `git fsck --strict`
//! refuses all of these. The checks here are at least as strict as
//! `git fsck --strict` for the objects a catalogue can hold (commits,
//! trees, blobs), and stricter where the catalogue is: no tags, no
//! executable files, symbolic links or submodules, only canonical modes.
//!
//! Every function returns the problem as a sentence naming what is wrong,
//! without the object id (the caller names the object).

use std::collections::HashSet;

use gix::ObjectId;

/// The kind of object an entry or header says it points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expect {
    /// A commit (a commit's parent).
    Commit,
    /// A tree (a commit's tree, a tree's `40000` entry).
    Tree,
    /// A blob (a tree's `100644` entry).
    Blob,
}

impl Expect {
    /// The object kind this expectation matches.
    pub(crate) fn kind(self) -> gix::object::Kind {
        match self {
            Expect::Commit => gix::object::Kind::Commit,
            Expect::Tree => gix::object::Kind::Tree,
            Expect::Blob => gix::object::Kind::Blob,
        }
    }
}

/// What a well-formed commit links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommitLinks {
    /// Its tree.
    pub tree: ObjectId,
    /// Its parents, in order.
    pub parents: Vec<ObjectId>,
}

/// One entry of a well-formed tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeEntry {
    /// The entry's name (one path component).
    pub name: String,
    /// What it points at: a tree or a blob.
    pub expect: Expect,
    /// The object's id.
    pub id: ObjectId,
}

/// Headers a commit may carry after `committer`, besides continuation
/// lines (which start with a space).
const EXTRA_COMMIT_HEADERS: &[&str] = &["encoding", "gpgsig", "gpgsig-sha256", "mergetag"];

/// Checks a commit's bytes: `tree`, then `parent`s, then exactly one
/// `author` and one `committer` with well-formed identities, then only
/// known extra headers, a blank line and a message; no NUL byte anywhere.
pub(crate) fn commit(data: &[u8]) -> Result<CommitLinks, String> {
    if let Some(at) = data.iter().position(|&b| b == 0) {
        return Err(format!(
            "holds a NUL byte at offset {at} (Git refuses it: nulInHeader or nulInCommit)"
        ));
    }
    let Some(end) = find(data, b"\n\n") else {
        return Err(
            "has no blank line between its headers and its message (unterminatedHeader)".to_owned(),
        );
    };
    let header = &data[..=end];
    let mut lines = header.split_inclusive(|&b| b == b'\n').peekable();
    let tree = match lines.next().and_then(|l| l.strip_prefix(b"tree ")) {
        Some(rest) => oid_line(rest).ok_or_else(|| {
            "has a `tree` line that is not 40 lowercase hexadecimal digits (badTreeSha1)".to_owned()
        })?,
        None => return Err("does not start with a `tree` line (missingTree)".to_owned()),
    };
    let mut parents = Vec::new();
    while let Some(rest) = lines.peek().and_then(|l| l.strip_prefix(b"parent ")) {
        parents.push(oid_line(rest).ok_or_else(|| {
            "has a `parent` line that is not 40 lowercase hexadecimal digits (badParentSha1)"
                .to_owned()
        })?);
        lines.next();
    }
    match lines.next().and_then(|l| l.strip_prefix(b"author ")) {
        Some(rest) => ident(rest).map_err(|p| format!("has an author line that {p}"))?,
        None => {
            return Err(
                "has no `author` line right after its tree and parents (missingAuthor)".to_owned(),
            );
        }
    }
    match lines.next().and_then(|l| l.strip_prefix(b"committer ")) {
        Some(rest) => ident(rest).map_err(|p| format!("has a committer line that {p}"))?,
        None => {
            return Err(
                "has no `committer` line right after its author (missingCommitter or multipleAuthors)"
                    .to_owned(),
            );
        }
    }
    let mut continuing = false;
    for line in lines {
        if line == b"\n" {
            break;
        }
        if line.starts_with(b" ") && continuing {
            continue;
        }
        let name = line
            .split(|&b| b == b' ' || b == b'\n')
            .next()
            .unwrap_or_default();
        if !EXTRA_COMMIT_HEADERS.iter().any(|h| h.as_bytes() == name) {
            return Err(format!(
                "has an unexpected header `{}` (after the committer, a commit may only have {})",
                String::from_utf8_lossy(name),
                EXTRA_COMMIT_HEADERS.join(", ")
            ));
        }
        continuing = true;
    }
    Ok(CommitLinks { tree, parents })
}

/// Checks one identity (`Name <email> 1700000000 +0100\n`), as
/// `git fsck` does, and returns what is wrong as the end of a sentence.
fn ident(line: &[u8]) -> Result<(), String> {
    let Some(line) = line.strip_suffix(b"\n") else {
        return Err("does not end the line".to_owned());
    };
    let Some(lt) = line.iter().position(|&b| b == b'<') else {
        return Err("has no e-mail address in <...> (missingEmail)".to_owned());
    };
    if lt == 0 {
        return Err("has no name before the e-mail address (missingNameBeforeEmail)".to_owned());
    }
    if line[..lt].contains(&b'>') {
        return Err("has a `>` in the name (badName)".to_owned());
    }
    if line[lt - 1] != b' ' {
        return Err("has no space before `<` (missingSpaceBeforeEmail)".to_owned());
    }
    let rest = &line[lt + 1..];
    let Some(gt) = rest.iter().position(|&b| b == b'>' || b == b'<') else {
        return Err("does not close the e-mail address with `>` (badEmail)".to_owned());
    };
    if rest[gt] != b'>' {
        return Err("has a `<` inside the e-mail address (badEmail)".to_owned());
    }
    let Some(rest) = rest[gt + 1..].strip_prefix(b" ") else {
        return Err("has no space before the date (missingSpaceBeforeDate)".to_owned());
    };
    let Some(space) = rest.iter().position(|&b| b == b' ') else {
        return Err("has no time zone after the date (badTimezone)".to_owned());
    };
    let (date, zone) = (&rest[..space], &rest[space + 1..]);
    if date.is_empty() || !date.iter().all(u8::is_ascii_digit) {
        return Err("has a date that is not a number of seconds (badDate)".to_owned());
    }
    if date.len() > 1 && date[0] == b'0' {
        return Err("has a zero-padded date (zeroPaddedDate)".to_owned());
    }
    let fits = std::str::from_utf8(date)
        .ok()
        .and_then(|d| d.parse::<i64>().ok())
        .is_some();
    if !fits {
        return Err("has a date too large for Git (badDateOverflow)".to_owned());
    }
    let zone_ok = zone.len() == 5
        && matches!(zone[0], b'+' | b'-')
        && zone[1..].iter().all(u8::is_ascii_digit);
    if !zone_ok {
        return Err("has a time zone that is not +HHMM or -HHMM (badTimezone)".to_owned());
    }
    Ok(())
}

/// 40 lowercase hexadecimal digits then a line end.
fn oid_line(rest: &[u8]) -> Option<ObjectId> {
    let hex = rest.strip_suffix(b"\n")?;
    if hex.len() != 40 || !hex.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    ObjectId::from_hex(hex).ok()
}

/// The entries of a well-formed tree: each `<mode> <name>\0<20 bytes>`
/// with a canonical mode (`40000` or `100644`, the only ones a catalogue
/// holds), a name that is one plain path component, no null id, sorted as
/// Git sorts them and with no name twice.
pub(crate) fn tree(data: &[u8]) -> Result<Vec<TreeEntry>, String> {
    let mut entries = Vec::new();
    let mut names = HashSet::new();
    let mut previous: Option<Vec<u8>> = None;
    let mut rest = data;
    while !rest.is_empty() {
        let Some(space) = rest.iter().position(|&b| b == b' ') else {
            return Err(format!(
                "has a truncated entry after {} entries",
                entries.len()
            ));
        };
        let mode = &rest[..space];
        rest = &rest[space + 1..];
        let Some(nul) = rest.iter().position(|&b| b == 0) else {
            return Err(format!(
                "has a truncated entry after {} entries",
                entries.len()
            ));
        };
        let name = &rest[..nul];
        rest = &rest[nul + 1..];
        if rest.len() < 20 {
            return Err(format!(
                "has a truncated entry after {} entries",
                entries.len()
            ));
        }
        let (raw_id, tail) = rest.split_at(20);
        rest = tail;
        let shown = String::from_utf8_lossy(name).into_owned();
        let expect = match mode {
            b"40000" => Expect::Tree,
            b"100644" => Expect::Blob,
            _ => return Err(mode_problem(mode, &shown)),
        };
        if let Some(problem) = name_problem(name) {
            return Err(format!("has an entry {problem}"));
        }
        let Ok(name) = String::from_utf8(name.to_vec()) else {
            return Err(format!(
                "has an entry named `{shown}` that is not UTF-8 text"
            ));
        };
        let id =
            ObjectId::try_from(raw_id).map_err(|_| "has an unreadable object id".to_owned())?;
        if id.is_null() {
            return Err(format!(
                "has an entry `{name}` with the null object id (nullSha1)"
            ));
        }
        if !names.insert(name.clone()) {
            return Err(format!(
                "has two entries named `{name}` (duplicateEntries): Git refuses such trees, and \
                 programs would disagree on which one is the file"
            ));
        }
        // Git sorts entries by name, a tree's name as if it ended with `/`.
        let mut key = name.as_bytes().to_vec();
        if expect == Expect::Tree {
            key.push(b'/');
        }
        if previous.as_ref().is_some_and(|p| *p >= key) {
            return Err(format!(
                "has its entries out of order at `{name}` (treeNotSorted)"
            ));
        }
        previous = Some(key);
        entries.push(TreeEntry { name, expect, id });
    }
    Ok(entries)
}

/// Why a mode other than `40000` and `100644` is refused.
fn mode_problem(mode: &[u8], name: &str) -> String {
    let mode_text = String::from_utf8_lossy(mode);
    let what = match mode {
        b"100755" => "an executable file: records are plain files (mode 100644)".to_owned(),
        b"120000" => "a symbolic link: the catalogue holds only plain files".to_owned(),
        b"160000" => "a submodule: the catalogue holds only plain files".to_owned(),
        b"100664" => "a non-canonical file mode (badFilemode): Git writes 100644".to_owned(),
        _ if mode.first() == Some(&b'0') => {
            "a zero-padded mode (zeroPaddedFilemode): Git writes 40000 or 100644".to_owned()
        }
        _ => "a mode Git does not write (badFilemode)".to_owned(),
    };
    format!("has an entry `{name}` with mode {mode_text}, {what}")
}

/// Why a tree entry's name is not one plain path component, if it is not.
fn name_problem(name: &[u8]) -> Option<String> {
    let shown = String::from_utf8_lossy(name);
    if name.is_empty() {
        return Some("with an empty name (emptyName)".to_owned());
    }
    if name.contains(&b'/') || name.contains(&b'\\') {
        return Some(format!(
            "named `{shown}`, which holds a path separator (fullPathname)"
        ));
    }
    if name == b"." || name == b".." {
        return Some(format!("named `{shown}` (hasDot or hasDotdot)"));
    }
    if name.eq_ignore_ascii_case(b".git") {
        return Some(format!("named `{shown}`, which Git reserves (hasDotgit)"));
    }
    if name.starts_with(b".") {
        return Some(format!(
            "named `{shown}`: the catalogue holds no hidden files or folders"
        ));
    }
    if name.iter().any(|b| b.is_ascii_control()) {
        return Some(format!(
            "named `{}`, which holds a control character",
            shown.escape_debug()
        ));
    }
    None
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Checks that `data` hashes to `id` as an object of `kind` (badObjectSha1).
pub(crate) fn hash_matches(id: ObjectId, kind: gix::object::Kind, data: &[u8]) -> bool {
    gix::objs::compute_hash(id.kind(), kind, data).is_ok_and(|computed| computed == id)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const TREE: &str = "1111111111111111111111111111111111111111";

    fn commit_text(author: &str) -> Vec<u8> {
        format!("tree {TREE}\nauthor {author}\ncommitter A <a@b> 1700000000 +0100\n\nmsg\n")
            .into_bytes()
    }

    #[test]
    fn well_formed_commits_pass() {
        let links = commit(&commit_text("Ada L <ada@example.org> 1700000000 +0100")).unwrap();
        assert_eq!(links.tree.to_string(), TREE);
        assert!(links.parents.is_empty());
        let signed = format!(
            "tree {TREE}\nparent {TREE}\nparent {TREE}\nauthor A <a@b> 0 +0000\ncommitter A <a@b> 0 -0130\n\
             gpgsig -----BEGIN-----\n line\n -----END-----\n\nmsg"
        );
        assert_eq!(commit(signed.as_bytes()).unwrap().parents.len(), 2);
    }

    #[test]
    fn malformed_identities_are_refused_with_git_names() {
        for (author, code) in [
            (
                "Ada<ada@example.org> 1700000000 +0100",
                "missingSpaceBeforeEmail",
            ),
            (
                "<ada@example.org> 1700000000 +0100",
                "missingNameBeforeEmail",
            ),
            ("Ada ada@example.org 1700000000 +0100", "missingEmail"),
            ("Ada <ada@example.org 1700000000 +0100", "badEmail"),
            (
                "Ada <ada@example.org>1700000000 +0100",
                "missingSpaceBeforeDate",
            ),
            ("Ada <a@b> 01700000000 +0100", "zeroPaddedDate"),
            ("Ada <a@b> 99999999999999999999 +0100", "badDateOverflow"),
            ("Ada <a@b> 1700000000 +99999", "badTimezone"),
            ("Ada <a@b> 1700000000", "badTimezone"),
            ("Ada <a@b> x +0100", "badDate"),
        ] {
            let problem = commit(&commit_text(author)).unwrap_err();
            assert!(problem.contains(code), "{author}: {problem}");
        }
    }

    #[test]
    fn missing_committer_and_nul_are_named() {
        let text = format!("tree {TREE}\nauthor A <a@b> 0 +0000\n\nmsg\n");
        assert!(
            commit(text.as_bytes())
                .unwrap_err()
                .contains("missingCommitter")
        );
        let mut nul = commit_text("A <a@b> 0 +0000");
        nul.insert(10, 0);
        assert!(commit(&nul).unwrap_err().contains("NUL"));
    }

    fn entry(mode: &str, name: &str) -> Vec<u8> {
        let mut e = format!("{mode} {name}\0").into_bytes();
        e.extend_from_slice(&[7u8; 20]);
        e
    }

    #[test]
    fn trees_must_be_sorted_unique_and_canonical() {
        let ok = [
            entry("100644", "a.toml"),
            entry("40000", "b"),
            entry("100644", "c"),
        ]
        .concat();
        assert_eq!(tree(&ok).unwrap().len(), 3);
        let dup = [entry("100644", "a.toml"), entry("100644", "a.toml")].concat();
        assert!(tree(&dup).unwrap_err().contains("duplicateEntries"));
        let dup_kinds = [entry("100644", "a"), entry("40000", "a")].concat();
        assert!(tree(&dup_kinds).unwrap_err().contains("duplicateEntries"));
        let unsorted = [entry("100644", "b"), entry("100644", "a")].concat();
        assert!(tree(&unsorted).unwrap_err().contains("treeNotSorted"));
        // "a-" sorts before the tree "a" (read as "a/") but after a file "a".
        let git_order = [entry("100644", "a-"), entry("40000", "a")].concat();
        assert!(tree(&git_order).is_ok());
        for (mode, code) in [
            ("0100644", "zeroPaddedFilemode"),
            ("100664", "badFilemode"),
            ("100755", "executable"),
            ("120000", "symbolic link"),
            ("160000", "submodule"),
            ("040000", "zeroPaddedFilemode"),
        ] {
            let problem = tree(&entry(mode, "x")).unwrap_err();
            assert!(problem.contains(code), "{mode}: {problem}");
        }
        for name in ["", ".", "..", ".git", ".GIT", "a/b"] {
            assert!(tree(&entry("100644", name)).is_err(), "{name:?}");
        }
        let mut truncated = entry("100644", "a");
        truncated.pop();
        assert!(tree(&truncated).unwrap_err().contains("truncated"));
    }
}
