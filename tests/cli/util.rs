//! Running the binary.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `conservatoire ARGS` in `dir`, with messages in English
/// whatever the machine's locale.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_in(dir, args, "C")
}

/// Runs `conservatoire ARGS` in `dir` with the locale `LANG`.
pub fn run_in(dir: &Path, args: &[&str], lang: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_conservatoire"))
        .args(args)
        .current_dir(dir)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang)
        .output()
        .expect("the binary runs")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes `text` at `dir/rel`, creating folders.
pub fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs `conservatoire ARGS` in `dir`, fails the test with both outputs
/// unless it succeeds, and returns its standard output.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    ok_in(dir, args, "C")
}

/// As [`ok`], with the locale `LANG`.
pub fn ok_in(dir: &Path, args: &[&str], lang: &str) -> String {
    let o = run_in(dir, args, lang);
    assert!(
        o.status.success(),
        "{args:?} failed:\n{}\n{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}
