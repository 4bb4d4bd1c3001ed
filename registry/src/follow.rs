//! Following a remote repository: fast-forward `main` to one of its
//! branches, after checking everything it would bring.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use gix::ObjectId;

use crate::diff::{Entries, PathChange, record_changes, walk_changes};
use crate::error::{FollowError, GitContext, StorageError, plain_reason};
use crate::key::{Area, CONFIG_FILE, RecordKey};
use crate::read::ChangeKind;
use crate::store::{
    Attempt, Cas, MAIN_REF, RefUpdate, Registry, commit_tree, read_ref, unique_name,
};
use crate::tombstone::Tombstone;

/// In a quarantine repository, the registry's `main` when the fetch began.
const QUARANTINE_BASE_REF: &str = "refs/cdl/registry-main";

/// Bounds on what a followed remote may bring. Anything beyond is refused
/// before it is read whole.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Limits {
    /// Largest blob, in bytes (a record's maximum size).
    pub max_blob_bytes: u64,
    /// Largest tree object, in bytes (about 60 bytes an entry).
    pub max_tree_bytes: u64,
    /// Most new commits in one follow.
    pub max_commits: usize,
    /// Most bytes one fetch over HTTP may download (the pack as received,
    /// before any check): the download is cut when it grows past this.
    /// A stalled server is cut by the HTTP client's 30 s timeout.
    pub max_download_bytes: u64,
    /// Accept plain `http://` URLs whose host is a loopback address
    /// (`127.0.0.0/8`, `::1`, `localhost`). Off by default: a registry
    /// follows remote repositories over `https://` only. Meant for tests,
    /// which serve a repository on loopback without a certificate.
    pub allow_plain_http_on_loopback: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_blob_bytes: cdl_records::MAX_RECORD_BYTES as u64,
            max_tree_bytes: 32 * 1024 * 1024,
            max_commits: 100_000,
            max_download_bytes: 4 * 1024 * 1024 * 1024,
            allow_plain_http_on_loopback: false,
        }
    }
}

/// What [`Registry::follow`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowOutcome {
    /// `main` before.
    pub old: ObjectId,
    /// `main` after (equal to `old` when already up to date).
    pub new: ObjectId,
    /// New commits brought in.
    pub commits: usize,
    /// Records added, changed or withdrawn.
    pub changes: usize,
}

impl Registry {
    /// Fast-forwards `main` to `branch` of the repository at `url`: a local
    /// path (read directly, no `git` command needed) or an `https://` URL
    /// (fetched with gix's HTTP transport, smart protocol only, into a
    /// quarantine repository that is deleted afterwards). Plain `http://`
    /// is refused unless [`Limits::allow_plain_http_on_loopback`] is set
    /// and the host is a loopback address. Nothing is written unless every
    /// check passes.
    ///
    /// The fetch blocks the calling thread: from async code, call it on a
    /// blocking thread (`spawn_blocking`).
    ///
    /// # Errors
    /// When the remote cannot be read, the branch does not contain `main`,
    /// or any new commit holds something a registry refuses (see
    /// [`FollowError`]).
    pub fn follow(&self, url: &str, branch: &str) -> Result<FollowOutcome, FollowError> {
        self.follow_with(url, branch, &Limits::default())
    }

    /// As [`Registry::follow`], with explicit limits.
    ///
    /// # Errors
    /// As [`Registry::follow`].
    pub fn follow_with(
        &self,
        url: &str,
        branch: &str,
        limits: &Limits,
    ) -> Result<FollowOutcome, FollowError> {
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if matches!(scheme.as_deref(), Some("https" | "http")) {
            if scheme.as_deref() == Some("http")
                && !(limits.allow_plain_http_on_loopback && is_loopback_url(url))
            {
                return Err(FollowError::PlainHttp {
                    url: url.to_owned(),
                });
            }
            let quarantine = self.tmp_dir().join(unique_name("quarantine"));
            let result = self
                .fetch_into(&quarantine, url, branch, limits.max_download_bytes)
                .and_then(|()| self.follow_local(&quarantine, url, branch, limits));
            let _ = std::fs::remove_dir_all(&quarantine);
            return result;
        }
        let path = url.strip_prefix("file://").unwrap_or(url);
        if path.contains("://") || path.starts_with("git@") {
            return Err(FollowError::UnsupportedUrl {
                url: url.to_owned(),
            });
        }
        self.follow_local(Path::new(path), url, branch, limits)
    }

    /// Fetches `branch` of `url` into a new bare repository at `dir` that
    /// borrows this registry's objects (so only new objects come over).
    fn fetch_into(
        &self,
        dir: &Path,
        url: &str,
        branch: &str,
        max_bytes: u64,
    ) -> Result<(), FollowError> {
        let fail = |reason: String| FollowError::Fetch {
            url: url.to_owned(),
            reason,
        };
        gix::init_bare(dir).git("creating a quarantine repository")?;
        let alternates = dir.join("objects").join("info").join("alternates");
        let ours = self.git_dir().join("objects");
        std::fs::write(&alternates, format!("{}\n", ours.display()))
            .map_err(|e| StorageError::io("writing", &alternates, e))?;
        let repo = gix::open_opts(dir, gix::open::Options::isolated())
            .git("opening a quarantine repository")?;
        // The registry's main, as a reference of the quarantine (its objects
        // are there through the alternates): the negotiation then tells the
        // server what we have, and only the new objects come over.
        let main =
            read_ref(&self.local(), MAIN_REF)?.ok_or_else(|| StorageError::Inconsistent {
                what: "the branch main is gone".to_owned(),
            })?;
        repo.reference(
            QUARANTINE_BASE_REF,
            main,
            gix::refs::transaction::PreviousValue::MustNotExist,
            "the registry's main",
        )
        .git("writing a reference of the quarantine repository")?;
        let spec = format!("+refs/heads/{branch}:refs/heads/{branch}");
        let remote = repo
            .remote_at(url)
            .map_err(|e| fail(plain_reason(&e)))?
            .with_fetch_tags(gix::remote::fetch::Tags::None)
            .with_refspecs(Some(spec.as_str()), gix::remote::Direction::Fetch)
            .map_err(|e| fail(plain_reason(&e)))?;
        let connection = remote
            .connect(gix::remote::Direction::Fetch)
            .map_err(|e| fail(plain_reason(&e)))?;
        let prepare = connection
            .prepare_fetch(gix::progress::Discard, Default::default())
            .map_err(|e| fail(plain_reason(&e)))?;
        if prepare.ref_map().is_missing_required_mapping() {
            return Err(FollowError::NoBranch {
                url: url.to_owned(),
                branch: branch.to_owned(),
            });
        }
        // A watchdog cuts the download once the quarantine's object store
        // grows past `max_bytes` (gix checks the flag on every read of the
        // pack).
        let interrupt = AtomicBool::new(false);
        let done = AtomicBool::new(false);
        let objects = dir.join("objects");
        let too_big = || dir_bytes(&objects) > max_bytes;
        let received = std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    if too_big() {
                        interrupt.store(true, Ordering::Relaxed);
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            });
            let received = prepare.receive(gix::progress::Discard, &interrupt);
            done.store(true, Ordering::Relaxed);
            received
        });
        // Checked again after the fact: a fast link may finish between two
        // looks of the watchdog.
        if interrupt.load(Ordering::Relaxed) || too_big() {
            return Err(fail(format!(
                "the remote sent more than {max_bytes} bytes, the most one follow may download; nothing was written"
            )));
        }
        received.map_err(|e| fail(plain_reason(&e)))?;
        Ok(())
    }

    fn follow_local(
        &self,
        source_dir: &Path,
        url: &str,
        branch: &str,
        limits: &Limits,
    ) -> Result<FollowOutcome, FollowError> {
        let source = gix::open_opts(source_dir, gix::open::Options::isolated()).map_err(|e| {
            FollowError::Fetch {
                url: url.to_owned(),
                reason: plain_reason(&e),
            }
        })?;
        let tip = read_ref(&source, &format!("refs/heads/{branch}"))?.ok_or_else(|| {
            FollowError::NoBranch {
                url: url.to_owned(),
                branch: branch.to_owned(),
            }
        })?;
        self.retrying(MAIN_REF, |_| -> Result<Attempt<FollowOutcome>, FollowError> {
            let mut repo = self.local();
            let main = read_ref(&repo, MAIN_REF)?.ok_or_else(|| StorageError::Inconsistent {
                what: "the branch main is gone".to_owned(),
            })?;
            if tip == main {
                return Ok(Attempt::Done(FollowOutcome {
                    old: main,
                    new: main,
                    commits: 0,
                    changes: 0,
                }));
            }
            let not_ff = || FollowError::NotFastForward {
                url: url.to_owned(),
                branch: branch.to_owned(),
                main: main.to_string(),
            };
            // Every object the registry does not have yet, checked on its
            // raw bytes (at least as strictly as `git fsck --strict`)
            // before anything else reads it.
            let new_objects = receive(&source, &repo, tip, limits)?;
            let new_commits = &new_objects.commits;
            match source.merge_base(main, tip) {
                Ok(Some(base)) if base.detach() == main => {}
                _ => return Err(not_ff()),
            }
            // Every new commit: only record files, of bounded size.
            let checker = Checker {
                source: &source,
                limits,
            };
            for id in new_commits {
                let commit = source.find_commit(*id).git("reading a remote commit")?;
                let tree = commit.tree_id().git("reading a remote commit")?.detach();
                let parents: Vec<ObjectId> = commit.parent_ids().map(|p| p.detach()).collect();
                let bases: Vec<Option<ObjectId>> = if parents.is_empty() {
                    vec![None]
                } else {
                    parents
                        .iter()
                        .map(|p| commit_tree(&source, *p).map(Some))
                        .collect::<Result<_, _>>()?
                };
                for base in bases {
                    let mut changes = Vec::new();
                    checker.changes(*id, base, Some(tree), &mut changes)?;
                    for c in &changes {
                        checker.path(*id, c)?;
                    }
                }
            }
            // The net change: every record valid and certified; no record
            // leaves without a tombstone.
            let main_tree = commit_tree(&repo, main)?;
            let tip_tree = commit_tree(&source, tip)?;
            let mut net = Vec::new();
            checker.changes(tip, Some(main_tree), Some(tip_tree), &mut net)?;
            let records = record_changes(&net);
            for c in &records {
                let path = c.key.path();
                match (c.change, c.new) {
                    (ChangeKind::Added | ChangeKind::Modified, Some(blob)) => {
                        let data = source.find_blob(blob).git("reading a remote record")?;
                        let text = std::str::from_utf8(&data.data).map_err(|_| FollowError::Hostile {
                            commit: tip.to_string(),
                            problem: format!("has {path}, which is not UTF-8 text"),
                        })?;
                        let record = cdl_records::parse(text, Some(Path::new(&path))).map_err(|error| {
                            FollowError::InvalidRecord {
                                commit: tip.to_string(),
                                path: path.clone(),
                                error,
                            }
                        })?;
                        if !cdl_licenses::certify(record.kind(), &record.license).is_certified() {
                            return Err(FollowError::NotCertified {
                                path,
                                license: record.license,
                            });
                        }
                    }
                    (ChangeKind::Withdrawn, _) => {}
                    _ => {
                        return Err(FollowError::Hostile {
                            commit: tip.to_string(),
                            problem: format!("deletes {path} without a tombstone (records are withdrawn, never deleted)"),
                        });
                    }
                }
            }
            for c in &net {
                if let Some((Area::Tombstone, _)) = RecordKey::from_path(&c.path)
                    && let Some((_, blob)) = c.new
                {
                    let data = source.find_blob(blob).git("reading a remote tombstone")?;
                    let text = String::from_utf8_lossy(&data.data);
                    Tombstone::parse(&text).map_err(|e| FollowError::Hostile {
                        commit: tip.to_string(),
                        problem: format!("has {}, which is not a tombstone: {}", c.path, e.message()),
                    })?;
                }
            }
            // Copy the new objects, then move main.
            copy_objects(&source, &repo, &new_objects.all)?;
            self.persist_objects(&mut repo)?;
            let update = RefUpdate {
                name: MAIN_REF.to_owned(),
                expected: Some(main),
                new: tip,
            };
            match self.try_cas(&repo, &[update], "follow")? {
                Cas::Done => Ok(Attempt::Done(FollowOutcome {
                    old: main,
                    new: tip,
                    commits: new_commits.len(),
                    changes: records.len(),
                })),
                Cas::Lost => Ok(Attempt::Retry),
            }
        })
        .inspect(|_| self.after_write())
    }
}

/// Whether `url` parses and names a loopback host.
fn is_loopback_url(url: &str) -> bool {
    match url::Url::parse(url).ok().as_ref().and_then(url::Url::host) {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Checks remote content against [`Limits`] before reading it whole.
struct Checker<'a> {
    source: &'a gix::Repository,
    limits: &'a Limits,
}

impl Checker<'_> {
    fn hostile(&self, commit: ObjectId, problem: String) -> FollowError {
        FollowError::Hostile {
            commit: commit.to_string(),
            problem,
        }
    }

    fn entries(&self, commit: ObjectId, id: ObjectId) -> Result<Entries, FollowError> {
        let header = self.source.find_header(id).git("reading a remote tree")?;
        if header.size() > self.limits.max_tree_bytes {
            return Err(self.hostile(
                commit,
                format!(
                    "has a tree of {} bytes, more than the {} allowed",
                    header.size(),
                    self.limits.max_tree_bytes
                ),
            ));
        }
        let tree = self.source.find_tree(id).git("reading a remote tree")?;
        let decoded = tree.decode().git("decoding a remote tree")?;
        Ok(decoded
            .entries
            .iter()
            .map(|e| (e.filename.to_string(), e.mode, e.oid.to_owned()))
            .collect())
    }

    /// As [`crate::diff::tree_changes`], with size checks.
    fn changes(
        &self,
        commit: ObjectId,
        a: Option<ObjectId>,
        b: Option<ObjectId>,
        out: &mut Vec<PathChange>,
    ) -> Result<(), FollowError> {
        walk_changes(&|id| self.entries(commit, id), a, b, "", out)
    }

    /// One changed path of a new commit: a record or tombstone file, a
    /// plain file, of bounded size.
    fn path(&self, commit: ObjectId, c: &PathChange) -> Result<(), FollowError> {
        if c.path == CONFIG_FILE {
            return Err(self.hostile(
                commit,
                "changes registry.toml, which only the registry itself changes".to_owned(),
            ));
        }
        if RecordKey::from_path(&c.path).is_none() {
            return Err(self.hostile(
                commit,
                format!(
                    "has {}, outside records/<kind>/<id>.toml and withdrawn/<kind>/<id>.toml",
                    c.path
                ),
            ));
        }
        let Some((mode, id)) = c.new else {
            return Ok(());
        };
        if mode.is_link() {
            return Err(self.hostile(commit, format!("has {} as a symbolic link", c.path)));
        }
        if mode.is_commit() {
            return Err(self.hostile(commit, format!("has {} as a submodule", c.path)));
        }
        if !mode.is_blob() {
            return Err(self.hostile(
                commit,
                format!("has {} as an executable or unknown file type", c.path),
            ));
        }
        let header = self.source.find_header(id).git("reading a remote blob")?;
        if header.size() > self.limits.max_blob_bytes {
            return Err(self.hostile(
                commit,
                format!(
                    "has {} of {} bytes, more than the {} a record may have",
                    c.path,
                    header.size(),
                    self.limits.max_blob_bytes
                ),
            ));
        }
        Ok(())
    }
}

/// The objects one follow brings: all of them checked.
struct NewObjects {
    /// The new commits, newest first.
    commits: Vec<ObjectId>,
    /// Every new object (commits, trees, blobs), each once.
    all: Vec<ObjectId>,
}

/// Most bytes of a commit object (headers and message).
const MAX_COMMIT_BYTES: u64 = 1024 * 1024;

/// Walks the objects reachable from `tip` that `to` lacks, checking each
/// on its raw bytes before reading what it points to: the kind its
/// referrer says, its size, its hash, and its form ([`crate::verify`]).
/// What `to` has, it has whole and checked, so the walk stops there.
fn receive(
    from: &gix::Repository,
    to: &gix::Repository,
    tip: ObjectId,
    limits: &Limits,
) -> Result<NewObjects, FollowError> {
    use crate::verify::{self, Expect};
    let mut out = NewObjects {
        commits: Vec::new(),
        all: Vec::new(),
    };
    // (object, what its referrer says it is, the new commit it is reached from)
    let mut stack = vec![(tip, Expect::Commit, tip)];
    let mut seen = HashMap::new();
    while let Some((id, expect, commit)) = stack.pop() {
        let hostile = |problem: String| FollowError::Hostile {
            commit: commit.to_string(),
            problem,
        };
        let what = match expect {
            Expect::Commit if id == commit => "is a commit that".to_owned(),
            Expect::Commit => format!("has parent {id}, which"),
            Expect::Tree => format!("reaches tree {id}, which"),
            Expect::Blob => format!("reaches file {id}, which"),
        };
        match seen.insert(id, expect) {
            None => {}
            Some(before) if before == expect => continue,
            Some(before) => {
                return Err(hostile(format!(
                    "{what} is reached both as a {} and as a {} (badType)",
                    before.kind(),
                    expect.kind()
                )));
            }
        }
        if to.has_object(id) {
            // Known and checked already; only its kind may be wrong here.
            let kind = to.find_header(id).git("reading an object")?.kind();
            if kind != expect.kind() {
                return Err(hostile(format!(
                    "{what} is a {kind} where a {} is expected (badType)",
                    expect.kind()
                )));
            }
            continue;
        }
        let Ok(header) = from.find_header(id) else {
            return Err(hostile(format!(
                "{what} the remote does not have (missingObject)"
            )));
        };
        if header.kind() != expect.kind() {
            return Err(hostile(format!(
                "{what} is a {} where a {} is expected (badType)",
                header.kind(),
                expect.kind()
            )));
        }
        let max = match expect {
            Expect::Commit => MAX_COMMIT_BYTES,
            Expect::Tree => limits.max_tree_bytes,
            Expect::Blob => limits.max_blob_bytes,
        };
        if header.size() > max {
            return Err(hostile(format!(
                "{what} has {} bytes, more than the {max} allowed",
                header.size()
            )));
        }
        let object = from.find_object(id).git("reading a remote object")?;
        if !verify::hash_matches(id, object.kind, &object.data) {
            return Err(hostile(format!(
                "{what} does not hash to its id (badObjectSha1)"
            )));
        }
        match expect {
            Expect::Commit => {
                if out.commits.len() >= limits.max_commits {
                    return Err(FollowError::Hostile {
                        commit: tip.to_string(),
                        problem: format!("brings more than {} commits", limits.max_commits),
                    });
                }
                let links =
                    verify::commit(&object.data).map_err(|p| hostile(format!("{what} {p}")))?;
                out.commits.push(id);
                stack.extend(links.parents.into_iter().map(|p| (p, Expect::Commit, p)));
                stack.push((links.tree, Expect::Tree, id));
            }
            Expect::Tree => {
                let entries =
                    verify::tree(&object.data).map_err(|p| hostile(format!("{what} {p}")))?;
                stack.extend(entries.into_iter().map(|e| (e.id, e.expect, commit)));
            }
            Expect::Blob => {}
        }
        out.all.push(id);
    }
    Ok(out)
}

/// Copies the checked new objects.
fn copy_objects(
    from: &gix::Repository,
    to: &gix::Repository,
    objects: &[ObjectId],
) -> Result<(), StorageError> {
    for &id in objects {
        let object = from.find_object(id).git("reading a remote object")?;
        gix::objs::Write::write_buf(&to.objects, object.kind, &object.data)
            .git("copying an object")?;
    }
    Ok(())
}

/// The bytes of the files under `dir`, links not followed.
fn dir_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}
