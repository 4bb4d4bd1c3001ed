//! The server's logs as an operator gets them: `serve --log-format json`
//! with `RUST_LOG=trace`, every flow that carries a secret, then the whole
//! of standard output and standard error searched for each secret, and
//! for one request line per request, with the id the client got back.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::secrets::{self, BEARER_TOKEN, CONTRIBUTOR_EMAIL, FOREIGN_COOKIE, WRONG_PASSWORD};
use crate::serve::Child;
use crate::util::{run, stderr, stdout};

/// An answer, read whole.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A client that keeps its cookies and remembers, for each request, what
/// the request line in the log must say.
struct Client {
    addr: String,
    cookies: HashMap<String, String>,
    /// (method, route, status, request id) of every request sent.
    sent: Vec<(String, String, u16, String)>,
    /// Every cookie value the server handed out: secrets too.
    handed_out: Vec<String>,
}

impl Client {
    fn send(
        &mut self,
        method: &str,
        path: &str,
        route: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        let mut cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        cookie.push(format!("autre_site={FOREIGN_COOKIE}"));
        head.push_str(&format!("Cookie: {}\r\n", cookie.join("; ")));
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let answer = parse(&raw);
        for (k, v) in &answer.headers {
            if k.eq_ignore_ascii_case("set-cookie") {
                let pair = v.split(';').next().unwrap();
                let (name, value) = pair.split_once('=').unwrap();
                if value.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                    self.handed_out.push(value.to_owned());
                }
            }
        }
        let id = answer
            .header("x-request-id")
            .expect("every answer carries its request id")
            .to_owned();
        self.sent
            .push((method.to_owned(), route.to_owned(), answer.status, id));
        answer
    }

    fn get(&mut self, path: &str, route: &str) -> Answer {
        self.send("GET", path, route, &[], b"")
    }

    fn post_form(&mut self, path: &str, route: &str, fields: &[(&str, &str)]) -> Answer {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", form_encode(v)))
            .collect();
        self.send(
            "POST",
            path,
            route,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.join("&").as_bytes(),
        )
    }

    /// The CSRF token of the forms, which is a secret too.
    fn csrf(&mut self) -> String {
        let page = self.get("/propose", "/propose");
        let token = page
            .body
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a CSRF field")
            .to_owned();
        self.handed_out.push(token.clone());
        token
    }
}

fn form_encode(v: &str) -> String {
    secrets::spellings(v).pop().unwrap()
}

/// Splits an HTTP/1.1 answer into status, headers and (de-chunked) body.
fn parse(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        let mut out = Vec::new();
        let mut rest = body.as_slice();
        loop {
            let end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = &rest[end + 2 + size + 2..];
        }
        body = out;
    }
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Waits for the line `serving on http://ADDR/` in the file `out`.
fn address(out: &Path, child: &mut Child) -> String {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(out).unwrap_or_default();
        if let Some(addr) = text.lines().find_map(|l| {
            l.strip_prefix("serving on http://")
                .map(|a| a.trim_end_matches('/').to_owned())
        }) {
            return addr;
        }
        assert!(
            child.0.try_wait().unwrap().is_none(),
            "the server stopped: {text}"
        );
        assert!(start.elapsed() < Duration::from_secs(60), "no address");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn record(id: &str) -> String {
    format!(
        "id = \"{id}\"\nkind = \"software\"\ntitle = \"Logiciel {id}\"\nlicense = \"GPL-3.0-or-later\"\nsummary = \"Proposé pour voir les journaux.\"\n"
    )
}

#[test]
fn trace_logs_hold_request_lines_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, &["init", "reg"]).status.success());
    let added = run(d, &["curators", "add", "--registry", "reg", "camille"]);
    assert!(added.status.success(), "{}", stderr(&added));
    let password = stdout(&added).trim().to_owned();
    assert_eq!(password.len(), 20);

    let (out_path, err_path) = (d.join("stdout.log"), d.join("stderr.log"));
    let child = Command::new(env!("CARGO_BIN_EXE_conservatoire"))
        .args([
            "--log-format",
            "json",
            "serve",
            "--registry",
            "reg",
            "--listen",
            "127.0.0.1:0",
        ])
        .current_dir(d)
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let mut child = Child(child);
    let addr = address(&out_path, &mut child);
    let mut c = Client {
        addr,
        cookies: HashMap::new(),
        sent: Vec::new(),
        handed_out: Vec::new(),
    };

    // A contributor proposes twice, with an e-mail address as author:
    // through the API (x-author header) and the upload form.
    let body = record("journal-api");
    let r = c.send(
        "POST",
        "/api/v1/proposals",
        "/api/v1/proposals",
        &[
            ("Content-Type", "application/toml"),
            ("X-Author", CONTRIBUTOR_EMAIL),
            ("Authorization", &format!("Bearer {BEARER_TOKEN}")),
        ],
        body.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let merged: String = serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csrf = c.csrf();
    let boundary = "----journaux7d1";
    let mut form = String::new();
    for (name, value) in [("csrf", csrf.as_str()), ("author", CONTRIBUTOR_EMAIL)] {
        form.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    form.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.toml\"\r\nContent-Type: application/toml\r\n\r\n{}\r\n--{boundary}--\r\n",
        record("journal-formulaire")
    ));
    let r = c.send(
        "POST",
        "/propose/upload",
        "/propose/upload",
        &[(
            "Content-Type",
            &format!("multipart/form-data; boundary={boundary}"),
        )],
        form.as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let rejected = r
        .header("location")
        .unwrap()
        .strip_prefix("/proposals/")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    // Wrong passwords, an unknown curator, then the right password.
    let csrf = c.csrf();
    for (name, pw) in [("camille", WRONG_PASSWORD), ("personne", password.as_str())] {
        let r = c.post_form(
            "/login",
            "/login",
            &[("csrf", &csrf), ("name", name), ("password", pw)],
        );
        assert_eq!(r.status, 401);
    }
    let r = c.post_form(
        "/login",
        "/login",
        &[
            ("csrf", &csrf),
            ("name", "camille"),
            ("password", &password),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        c.cookies.keys().any(|k| k.ends_with("cdl_session")),
        "a session: {:?}",
        c.cookies
    );

    // The session cookie on the queue, a proposal, merge, reject, logout.
    assert_eq!(c.get("/review", "/review").status, 200);
    let r = c.get(&format!("/review/{merged}"), "/review/{id}");
    assert_eq!(r.status, 200);
    let csrf = c.csrf();
    let r = c.post_form(
        &format!("/review/{merged}/merge"),
        "/review/{id}/merge",
        &[("csrf", &csrf)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = c.post_form(
        &format!("/review/{rejected}/reject"),
        "/review/{id}/reject",
        &[
            ("csrf", &csrf),
            ("reason", "Doublon d’une fiche existante."),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = c.post_form("/logout", "/logout", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);

    // Request ids: a short, safe one is kept; a long or odd one replaced.
    let r = c.send(
        "GET",
        "/healthz",
        "/healthz",
        &[("X-Request-Id", "essai-42")],
        b"",
    );
    assert_eq!(r.header("x-request-id"), Some("essai-42"));
    let long = "x".repeat(200);
    let r = c.send(
        "GET",
        "/healthz",
        "/healthz",
        &[("X-Request-Id", &long)],
        b"",
    );
    assert_ne!(r.header("x-request-id"), Some(long.as_str()));
    let r = c.send(
        "GET",
        "/healthz",
        "/healthz",
        &[("X-Request-Id", "a b")],
        b"",
    );
    assert_ne!(r.header("x-request-id"), Some("a b"));
    // An unknown path counts as one route, whatever its text.
    assert_eq!(c.get("/nulle-part/123", "unmatched").status, 404);
    // The metrics saw the requests: one scrape, which the log shows too.
    let m = c.get("/metrics", "/metrics");
    assert!(
        m.body.contains(
            "cdl_http_responses_total{method=\"POST\",route=\"/login\",status=\"401\"} 2"
        ),
        "{}",
        m.body
    );
    assert!(m.body.contains("cdl_proposals_open 0"), "{}", m.body);

    drop(child);
    let logs = format!(
        "{}{}",
        std::fs::read_to_string(&out_path).unwrap(),
        std::fs::read_to_string(&err_path).unwrap()
    );

    let mut all = secrets::fixed();
    all.push(password.clone());
    all.extend(c.handed_out.iter().cloned());
    assert!(
        c.handed_out.len() >= 3,
        "session, visitor, CSRF: {:?}",
        c.handed_out
    );
    for secret in &all {
        for spelling in secrets::spellings(secret) {
            assert!(
                !logs.contains(&spelling),
                "the logs hold the secret `{spelling}`:\n{logs}"
            );
        }
    }

    // Every line but the address is a JSON object; one request line per
    // request, with the id its answer carried.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&err_path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let requests: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["target"] == "cdl_web::request")
        .collect();
    for (method, route, status, id) in &c.sent {
        let found = requests.iter().find(|l| l["request_id"] == id.as_str());
        let line = found.unwrap_or_else(|| panic!("no request line for {id}:\n{logs}"));
        assert_eq!(line["message"], "request");
        assert_eq!(line["method"], method.as_str(), "{line}");
        assert_eq!(line["route"], route.as_str(), "{line}");
        assert_eq!(line["status"], *status, "{line}");
        assert!(line["latency_ms"].as_f64().unwrap() >= 0.0, "{line}");
    }
    assert_eq!(requests.len(), c.sent.len(), "one line per request");
    // The trace level was in force, so every event of every crate could
    // be written.
    assert!(
        lines
            .iter()
            .any(|l| l["message"] == "logging" && l["filter"] == "trace"),
        "{logs}"
    );
}
