//! A seeded fuzz campaign against the real server: random query strings
//! and random bodies on every endpoint that reads them. No answer may be a
//! 500 (or no answer at all), and the server must still answer `/healthz`
//! afterwards.
//!
//! `cargo test` runs [`DEFAULT_CASES`] inputs; `CDL_FUZZ_CASES=20000` runs
//! more (`.ci/run` does), `CDL_FUZZ_SEED=n` replays another seed.

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::util::{Server, catalogue};

/// Inputs per `cargo test` run.
const DEFAULT_CASES: usize = 300;
/// The seed of the campaign, unless `CDL_FUZZ_SEED` says otherwise.
const DEFAULT_SEED: u64 = 0x00c0_ffee_2026;
/// Requests in flight at once.
const WORKERS: usize = 4;

/// One request to send.
#[derive(Debug, Clone)]
struct Input {
    method: &'static str,
    path: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// Parameter names: the real ones, the interface's, and junk.
const KEYS: &[&str] = &[
    "q", "q", "page", "page", "per_page", "kind", "license", "family", "verdict", "tag",
    "language", "lang", "species", "origin", "done", "x", "", "q[]", "%00", "page%00", "p%61ge",
    "é", "csrf",
];

/// Values that broke parsers before, or might.
const NASTY: &[&str] = &[
    "922337203685477581",
    "922337203685477580",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "340282366920938463463374607431768211456",
    "-1",
    "-0",
    "0",
    "00000000000000000001",
    "1e309",
    "NaN",
    "inf",
    "0x10",
    "%",
    "%%",
    "%zz",
    "%ff%fe",
    "%00",
    "%C3%28",
    "%E2%82",
    "+",
    "%2B",
    "\"",
    "\"unclosed",
    "(((((((((",
    ")",
    "a AND",
    "OR OR",
    "NOT",
    "-",
    "*",
    "?",
    "~2",
    "^9",
    "title:",
    "kind:\"\"",
    "lang:fr",
    "[a TO",
    "{}",
    "\\",
    "merged",
    "rejected",
    "software",
    "seed-lot",
    "MIT",
    "GPL-3.0-or-later OR",
];

/// Form fields of the proposal forms.
const FIELDS: &[&str] = &[
    "csrf",
    "action",
    "id",
    "title",
    "license",
    "summary",
    "tags",
    "languages",
    "links",
    "author",
    "message",
    "software.repository",
    "software.programming_languages",
    "software.used_by",
    "cultural-work.creators",
    "cultural-work.year",
    "method.steps",
    "dataset.publisher",
    "seed-lot.harvest_year",
    "seed-lot.quantity",
    "seed-lot.unit",
    "ferment-lot.quantity",
    "ferment-lot.state",
    "name",
    "password",
    "reason",
];

const KINDS: &[&str] = &[
    "software",
    "cultural-work",
    "method",
    "dataset",
    "seed-lot",
    "ferment-lot",
    "upload",
    "x",
    "",
    "..",
    "%2e%2e",
    "Software",
];

/// A value: nasty, a number of any size, any text, or something long.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(NASTY).prop_map(str::to_owned),
        2 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u128>().prop_map(|n| n.to_string()),
        3 => "\\PC{0,24}",
        1 => any::<String>(),
        1 => (prop::sample::select(NASTY), 1..3000usize).prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// Percent-encodes `s` for a query string, or (sometimes) keeps it raw
/// when it only holds characters a URL may carry as they are.
fn encode(s: &str, raw: bool) -> String {
    let safe = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"%+-_.~*()!$'\",:;@/?".contains(&b));
    if raw && safe {
        s.to_owned()
    } else {
        url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
    }
}

/// A query string: up to 10 pairs, keys repeated at will.
fn query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
    ];
    prop::collection::vec((key, value(), any::<bool>(), any::<bool>()), 0..10).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(k, v, raw, bare)| {
                if *bare {
                    encode(k, *raw)
                } else {
                    format!("{}={}", encode(k, *raw), encode(v, *raw))
                }
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// A path segment: a real kind or id, or junk.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(KINDS).prop_map(str::to_owned),
        2 => prop::sample::select(vec![
            "lutece", "nympheas", "xss-test", "lutece.toml", "lutece.json", "lutece.xml",
            "0123456789ab", "000000000000", "ffffffffffffffff", "a.b.c",
        ])
        .prop_map(str::to_owned),
        3 => value().prop_map(|v| encode(&v, false)),
    ]
}

/// A GET with a random query string.
fn get() -> impl Strategy<Value = Input> {
    let path = prop_oneof![
        (Just("/search"), query()).prop_map(|(p, q)| format!("{p}?{q}")),
        (Just("/api/v1/search"), query()).prop_map(|(p, q)| format!("{p}?{q}")),
        (segment(), segment(), query()).prop_map(|(k, i, q)| format!("/records/{k}/{i}?{q}")),
        (segment(), segment(), query())
            .prop_map(|(k, i, q)| format!("/api/v1/records/{k}/{i}?{q}")),
        (segment(), query()).prop_map(|(i, q)| format!("/proposals/{i}?{q}")),
        (segment(), query()).prop_map(|(i, q)| format!("/api/v1/proposals/{i}?{q}")),
        (segment(), query()).prop_map(|(k, q)| format!("/propose/{k}?{q}")),
        (segment(), query()).prop_map(|(i, q)| format!("/review/{i}?{q}")),
    ];
    path.prop_map(|path| Input {
        method: "GET",
        path,
        content_type: None,
        body: Vec::new(),
    })
}

/// A record of the test catalogue, mutated: bytes inserted, removed,
/// numbers blown up, lines repeated.
fn toml_body() -> impl Strategy<Value = Vec<u8>> {
    let records: Vec<String> = catalogue().into_iter().map(|(_, text)| text).collect();
    (
        prop::sample::select(records),
        prop::collection::vec((any::<prop::sample::Index>(), 0u8..5, value()), 0..6),
    )
        .prop_map(|(text, edits)| {
            let mut bytes = text.into_bytes();
            for (at, op, v) in edits {
                let i = at.index(bytes.len().max(1)).min(bytes.len());
                match op {
                    0 => {
                        bytes.splice(i..i, v.bytes());
                    }
                    1 => {
                        let end = (i + v.len()).min(bytes.len());
                        bytes.drain(i..end);
                    }
                    2 => bytes.truncate(i),
                    3 => {
                        let line = format!("\nnew_{} = {v:?}\n", v.len());
                        bytes.extend_from_slice(line.as_bytes());
                    }
                    _ => {
                        let copy = bytes[i..].to_vec();
                        bytes.extend_from_slice(&copy);
                    }
                }
            }
            bytes
        })
}

/// A body: random bytes, random text, or a mutated record.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..512),
        1 => any::<String>().prop_map(String::into_bytes),
        3 => toml_body(),
    ]
}

/// A form: the page's CSRF token (usually, to get past the check), then
/// random fields.
fn form(token: String) -> impl Strategy<Value = Vec<u8>> {
    let field = prop_oneof![
        4 => prop::sample::select(FIELDS).prop_map(str::to_owned),
        1 => "\\PC{0,8}",
    ];
    let action = prop::sample::select(vec!["preview", "submit", "", "x"]);
    (
        any::<bool>(),
        action,
        prop::collection::vec((field, value(), any::<bool>()), 0..16),
    )
        .prop_map(move |(with_token, action, pairs)| {
            let mut out = url::form_urlencoded::Serializer::new(String::new());
            if with_token {
                out.append_pair("csrf", &token);
            }
            out.append_pair("action", action);
            let mut text = out.finish();
            for (k, v, raw) in pairs {
                text.push('&');
                text.push_str(&encode(&k, raw));
                text.push('=');
                text.push_str(&encode(&v, raw));
            }
            text.into_bytes()
        })
}

/// A multipart upload, well formed or not.
fn upload(token: String) -> impl Strategy<Value = (String, Vec<u8>)> {
    (
        any::<bool>(),
        body(),
        prop::sample::select(vec!["b0undary", "", "x\"y", "-"]),
        any::<bool>(),
    )
        .prop_map(move |(with_token, file, boundary, close)| {
            let b = boundary;
            let mut out = Vec::new();
            if with_token {
                out.extend_from_slice(
                    format!(
                        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
                    )
                    .as_bytes(),
                );
            }
            out.extend_from_slice(
                format!("--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.toml\"\r\nContent-Type: application/toml\r\n\r\n").as_bytes(),
            );
            out.extend_from_slice(&file);
            if close {
                out.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
            }
            (format!("multipart/form-data; boundary={b}"), out)
        })
}

/// A POST with a random body.
fn post(token: String) -> impl Strategy<Value = Input> {
    let content_type = prop::sample::select(vec![
        "application/toml",
        "application/toml; charset=utf-8",
        "text/plain",
        "text/x-toml",
        "application/json",
        "application/x-www-form-urlencoded",
        "",
        "multipart/form-data",
    ]);
    let form_path = prop_oneof![
        3 => segment().prop_map(|k| format!("/propose/{k}")),
        1 => Just("/login".to_owned()),
        1 => segment().prop_map(|i| format!("/review/{i}/reject")),
        1 => segment().prop_map(|i| format!("/review/{i}/merge")),
        1 => Just("/logout".to_owned()),
    ];
    prop_oneof![
        3 => (content_type, body()).prop_map(|(ct, body)| Input {
            method: "POST",
            path: "/api/v1/proposals".to_owned(),
            content_type: Some(ct.to_owned()),
            body,
        }),
        4 => (form_path, form(token.clone())).prop_map(|(path, body)| Input {
            method: "POST",
            path,
            content_type: Some("application/x-www-form-urlencoded".to_owned()),
            body,
        }),
        1 => upload(token).prop_map(|(ct, body)| Input {
            method: "POST",
            path: "/propose/upload".to_owned(),
            content_type: Some(ct),
            body,
        }),
    ]
}

fn input(token: String) -> impl Strategy<Value = Input> {
    prop_oneof![1 => get(), 1 => post(token)]
}

/// What the campaign saw.
#[derive(Debug, Default)]
struct Outcome {
    sent: usize,
    /// Answers per status class (1xx..5xx).
    classes: [usize; 6],
    /// Inputs answered 500 or not answered, with what went wrong.
    failures: Vec<String>,
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_queries_and_bodies_never_get_a_500() -> crate::util::Result {
    let cases = env_number("CDL_FUZZ_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let seed = env_number("CDL_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let server = Server::start().await;
    let mut client = server.client();
    let token = client.csrf().await;
    let cookie = client
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(120))
        .build()?;
    let base = server.url("");
    let outcome = Arc::new(std::sync::Mutex::new(Outcome::default()));
    let retried = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..WORKERS {
        let (http, base, cookie, token) =
            (http.clone(), base.clone(), cookie.clone(), token.clone());
        let outcome = Arc::clone(&outcome);
        let retried = Arc::clone(&retried);
        let share = cases / WORKERS + usize::from(w < cases % WORKERS);
        workers.spawn(async move {
            let mut seed_bytes = [0u8; 32];
            seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
            seed_bytes[8] = u8::try_from(w).unwrap_or(0);
            let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
            let mut runner = TestRunner::new_with_rng(Config::default(), rng);
            let strategy = input(token);
            for _ in 0..share {
                let case = strategy.new_tree(&mut runner).unwrap().current();
                let url = format!("{base}{}", case.path);
                let send = || {
                    let mut request = match case.method {
                        "GET" => http.get(&url),
                        _ => http.post(&url).body(case.body.clone()),
                    };
                    request = request.header("cookie", &cookie);
                    if let Some(ct) = &case.content_type
                        && !ct.is_empty()
                    {
                        request = request.header("content-type", ct);
                    }
                    request.send()
                };
                let mut answer = send().await;
                if answer.as_ref().is_err_and(|e| !e.is_builder()) {
                    // A pooled connection the server closed as idle just as
                    // it was reused (the keep-alive race every client
                    // meets): send again once, as browsers do.
                    retried.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    answer = send().await;
                }
                let mut seen = outcome.lock().unwrap();
                seen.sent += 1;
                match answer {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        seen.classes[usize::from(status / 100).min(5)] += 1;
                        if status == 500 {
                            seen.failures.push(format!("500: {case:?}"));
                        }
                    }
                    Err(e) if e.is_builder() => {
                        // reqwest refused the address itself: nothing sent.
                        seen.sent -= 1;
                    }
                    Err(e) => seen.failures.push(format!("no answer ({e:?}): {case:?}")),
                }
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done?;
    }
    let outcome = std::mem::take(&mut *outcome.lock().unwrap());
    eprintln!(
        "fuzz: seed {seed:#x}, {} inputs sent, answers 2xx {} 3xx {} 4xx {} 5xx {}, {} failures, {} sent again after a closed connection",
        outcome.sent,
        outcome.classes[2],
        outcome.classes[3],
        outcome.classes[4],
        outcome.classes[5],
        outcome.failures.len(),
        retried.load(std::sync::atomic::Ordering::Relaxed)
    );
    assert!(
        outcome.sent >= cases * 9 / 10,
        "{} of {cases} sent",
        outcome.sent
    );
    assert!(
        outcome.failures.is_empty(),
        "{} failures, first ones:\n{}",
        outcome.failures.len(),
        outcome
            .failures
            .iter()
            .take(5)
            .map(|f| f.chars().take(600).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let health = server.client().get("/healthz").await;
    assert_eq!(health.status, 200, "the server still answers");
    Ok(())
}
