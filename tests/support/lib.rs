//! Shared helpers of the integration tests: running the stock `git`
//! command to check what the registry wrote, and serving repositories
//! over smart HTTP on loopback ([`smart_http::GitHttpServer`]).

pub mod smart_http;

use std::path::Path;
use std::process::Command;

/// Runs `git` with `args` in the Git directory `git_dir` and returns its
/// standard output; panics with its standard error when it fails.
///
/// # Panics
/// When git cannot be run or fails.
#[allow(clippy::expect_used, clippy::panic)]
pub fn git(git_dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(git_dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("the git command is installed");
    if !out.status.success() {
        panic!(
            "git {args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Checks the repository with `git fsck --strict --full`; panics with its
/// output when it finds an error.
pub fn fsck(git_dir: &Path) {
    git(git_dir, &["fsck", "--strict", "--full", "--no-progress"]);
}

/// Writes a record file named `<id>.toml` in `dir` and returns its path.
///
/// # Panics
/// When the file cannot be written.
#[allow(clippy::expect_used)]
pub fn write_record(dir: &Path, id: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(format!("{id}.toml"));
    std::fs::write(&path, text).expect("write record file");
    path
}
