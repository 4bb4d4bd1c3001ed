//! `conservatoire serve` and `conservatoire curators add`, as a user runs
//! them: the real binary, a real registry, HTTP on loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use crate::util::{run, stderr, stdout};

/// Kills the server when the test ends, however it ends.
/// A child process killed when dropped.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `GET path` on a fresh connection; the whole answer, head included.
pub fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serve_help_documents_every_setting() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["serve", "--help"]);
    assert!(out.status.success());
    let help = stdout(&out);
    for text in [
        "--registry",
        "--demo",
        "--listen",
        "--config",
        "CONSERVATOIRE_LISTEN",
        "secure_cookies",
        "request_timeout_secs",
        "curators_file",
    ] {
        assert!(help.contains(text), "{text} in:\n{help}");
    }
    let out = run(dir.path(), &["serve"]);
    assert_eq!(out.status.code(), Some(2), "a registry or --demo is needed");
}

#[test]
fn curators_add_then_serve_a_registry() {
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("reg");
    let reg = registry.to_str().unwrap();
    assert!(run(dir.path(), &["init", reg]).status.success());
    let out = run(dir.path(), &["curators", "add", "--registry", reg, "alice"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let password = stdout(&out);
    assert_eq!(password.trim().len(), 20, "{password}");
    assert!(stderr(&out).contains("only once"));
    let again = run(dir.path(), &["curators", "add", "--registry", reg, "alice"]);
    assert!(!again.status.success());
    let hashes = std::fs::read_to_string(registry.join("cdl-curators.toml")).unwrap();
    assert!(hashes.contains("$argon2id$") && !hashes.contains(password.trim()));

    let (_child, addr) = serve(dir.path(), reg);
    assert!(http_get(&addr, "/healthz").starts_with("HTTP/1.1 200"));
    let home = http_get(&addr, "/");
    assert!(home.starts_with("HTTP/1.1 200") && home.contains("<html lang=\"fr\">"));
    let api = http_get(&addr, "/api/v1/search?q=");
    assert!(api.contains("\"total\":0"), "{api}");
}

/// Starts `serve` on a loopback port for `registry`: the child (killed on
/// drop) and the address it listens on.
pub fn serve(dir: &std::path::Path, registry: &str) -> (Child, String) {
    serve_with(dir, registry, &[])
}

/// As [`serve`], with more arguments.
pub fn serve_with(dir: &std::path::Path, registry: &str, more: &[&str]) -> (Child, String) {
    serve_bin(
        std::path::Path::new(env!("CARGO_BIN_EXE_conservatoire")),
        dir,
        registry,
        more,
    )
}

/// As [`serve_with`], with another build of the binary (a benchmark's
/// release build).
pub fn serve_bin(
    bin: &std::path::Path,
    dir: &std::path::Path,
    registry: &str,
    more: &[&str],
) -> (Child, String) {
    let child = Command::new(bin)
        .args(["serve", "--registry", registry, "--listen", "127.0.0.1:0"])
        .args(more)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Child(child);
    let mut lines = BufReader::new(child.0.stdout.take().unwrap()).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("serving on http://")
                .map(|a| a.trim_end_matches('/').to_owned())
        })
        .expect("the server says where it listens");
    // Keep reading the server's standard output so that it never blocks.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}
