//! `/metrics`: the exposition parses as OpenMetrics text, and the counters,
//! histograms and gauges move with what the server does.

use std::collections::BTreeMap;

use cdl_registry::{Pseudonym, RecordFile, Registry};

use crate::util::{Result, Server};

/// One sample: its name, labels and value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// Parses an OpenMetrics text exposition strictly enough to fail on what
/// Prometheus would refuse: every sample belongs to a family declared by
/// a `# TYPE` line with a suffix its type allows, labels are quoted and
/// escaped, values are numbers, histogram buckets are cumulative and end
/// at `+Inf` with the count, and the text ends with `# EOF`.
fn parse(text: &str) -> std::result::Result<Vec<Sample>, String> {
    let mut types: BTreeMap<String, String> = BTreeMap::new();
    let mut samples = Vec::new();
    let mut eof = false;
    for line in text.lines() {
        if eof {
            return Err(format!("text after # EOF: {line}"));
        }
        if line == "# EOF" {
            eof = true;
            continue;
        }
        if let Some(rest) = line.strip_prefix("# ") {
            let mut parts = rest.splitn(3, ' ');
            let (kind, name) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            match kind {
                "TYPE" => {
                    let t = parts.next().unwrap_or("");
                    if !["counter", "gauge", "histogram"].contains(&t) {
                        return Err(format!("unknown type: {line}"));
                    }
                    if types.insert(name.to_owned(), t.to_owned()).is_some() {
                        return Err(format!("family declared twice: {name}"));
                    }
                }
                "HELP" | "UNIT" => {}
                _ => return Err(format!("unknown comment: {line}")),
            }
            continue;
        }
        let (name_labels, value) = line
            .rsplit_once(' ')
            .ok_or_else(|| format!("no value: {line}"))?;
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v.parse().map_err(|_| format!("bad value: {line}"))?,
        };
        let (name, labels) = match name_labels.split_once('{') {
            None => (name_labels, BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest
                    .strip_suffix('}')
                    .ok_or_else(|| format!("unclosed labels: {line}"))?;
                (
                    name,
                    parse_labels(body).map_err(|e| format!("{e}: {line}"))?,
                )
            }
        };
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        {
            return Err(format!("bad metric name: {line}"));
        }
        let family = types
            .iter()
            .find(|(family, t)| {
                let suffixes: &[&str] = match t.as_str() {
                    "counter" => &["_total", "_created"],
                    "gauge" => &[""],
                    _ => &["_bucket", "_sum", "_count", "_created"],
                };
                suffixes
                    .iter()
                    .any(|s| name.strip_suffix(s) == Some(family.as_str()))
            })
            .map(|(f, _)| f.clone());
        if family.is_none() {
            return Err(format!("sample of no declared family: {line}"));
        }
        samples.push(Sample {
            name: name.to_owned(),
            labels,
            value,
        });
    }
    if !eof {
        return Err("no # EOF".to_owned());
    }
    check_histograms(&samples)?;
    Ok(samples)
}

fn parse_labels(body: &str) -> std::result::Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let mut chars = body.chars().peekable();
    while chars.peek().is_some() {
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("bad label name `{key}`"));
        }
        if chars.next() != Some('"') {
            return Err("unquoted label value".to_owned());
        }
        let mut value = String::new();
        loop {
            match chars.next() {
                Some('\\') => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some(c @ ('\\' | '"')) => value.push(c),
                    _ => return Err("bad escape".to_owned()),
                },
                Some('"') => break,
                Some(c) => value.push(c),
                None => return Err("unterminated label value".to_owned()),
            }
        }
        out.insert(key, value);
        match chars.next() {
            Some(',') | None => {}
            Some(c) => return Err(format!("`{c}` after a label")),
        }
    }
    Ok(out)
}

/// Buckets of each series are cumulative and `+Inf` equals `_count`.
fn check_histograms(samples: &[Sample]) -> std::result::Result<(), String> {
    let mut series: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut counts: BTreeMap<String, f64> = BTreeMap::new();
    for s in samples {
        let mut labels = s.labels.clone();
        if let Some(base) = s.name.strip_suffix("_bucket") {
            let le = labels.remove("le").ok_or("a bucket without le")?;
            let le: f64 = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().map_err(|_| format!("bad le {le}"))?
            };
            series
                .entry(format!("{base}{labels:?}"))
                .or_default()
                .push((le, s.value));
        } else if let Some(base) = s.name.strip_suffix("_count") {
            counts.insert(format!("{base}{labels:?}"), s.value);
        }
    }
    for (key, buckets) in &series {
        for pair in buckets.windows(2) {
            if pair[1].0 <= pair[0].0 || pair[1].1 < pair[0].1 {
                return Err(format!("buckets not cumulative in {key}: {buckets:?}"));
            }
        }
        let last = buckets.last().ok_or("no bucket")?;
        if last.0 != f64::INFINITY || Some(&last.1) != counts.get(key) {
            return Err(format!("+Inf bucket is not the count in {key}"));
        }
    }
    Ok(())
}

fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == name)
        .find(|s| {
            labels
                .iter()
                .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map_or(0.0, |s| s.value)
}

#[test]
fn the_parser_refuses_what_prometheus_would() {
    let good = "# TYPE a counter\na_total{x=\"1\"} 2\n# EOF\n";
    assert!(parse(good).is_ok());
    for bad in [
        "# TYPE a counter\na_total 2\n",
        "# TYPE a counter\na 2\n# EOF\n",
        "b_total 2\n# EOF\n",
        "# TYPE a counter\na_total{x=1} 2\n# EOF\n",
        "# TYPE a counter\na_total two\n# EOF\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n# EOF\n",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn metrics_move_with_requests_searches_proposals_and_index_lag() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let before = parse(&c.get("/metrics").await.body).unwrap();
    assert_eq!(value(&before, "cdl_index_lag_commits", &[]), 0.0);
    assert_eq!(value(&before, "cdl_proposals_open", &[]), 0.0);
    let searches = value(&before, "cdl_search_duration_seconds_count", &[]);

    c.get("/api/v1/search?q=tomate").await;
    assert_eq!(c.get("/records/software/absent").await.status, 404);
    assert_eq!(c.get("/records/software/absent").await.status, 404);
    let text = "id = \"mesure\"\nkind = \"software\"\ntitle = \"Mesure\"\nlicense = \"GPL-3.0-or-later\"\nsummary = \"Pour les compteurs.\"\n";
    let r = c
        .post_body("/api/v1/proposals", "application/toml", text.into())
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Another process moves main: the index is behind until a request
    // catches it up.
    let other = Registry::open(&server.git_dir).unwrap();
    let file = RecordFile {
        name: "records/software/ailleurs.toml".to_owned(),
        text: text.replace("mesure", "ailleurs"),
    };
    let author = Pseudonym::new("ailleurs");
    let (id, _) = other.propose(&[file], &author, None).unwrap();
    other.merge(id.as_str(), &author).unwrap();

    let r = c.get("/metrics").await;
    assert!(
        r.header("content-type")
            .starts_with("application/openmetrics-text")
    );
    let after = parse(&r.body).unwrap_or_else(|e| panic!("{e}\n{}", r.body));
    let not_found = [
        ("method", "GET"),
        ("route", "/records/{kind}/{id}"),
        ("status", "404"),
    ];
    assert_eq!(value(&after, "cdl_http_responses_total", &not_found), 2.0);
    assert_eq!(
        value(
            &after,
            "cdl_http_request_duration_seconds_count",
            &not_found
        ),
        2.0
    );
    let created = [
        ("method", "POST"),
        ("route", "/api/v1/proposals"),
        ("status", "201"),
    ];
    assert_eq!(value(&after, "cdl_http_responses_total", &created), 1.0);
    assert_eq!(
        value(&after, "cdl_search_duration_seconds_count", &[]),
        searches + 1.0
    );
    assert_eq!(value(&after, "cdl_proposals_total", &[]), 1.0);
    assert_eq!(value(&after, "cdl_proposals_open", &[]), 1.0);
    assert_eq!(value(&after, "cdl_index_lag_commits", &[]), 1.0);
    // The scrape before counted itself after answering.
    let scrapes = [("method", "GET"), ("route", "/metrics"), ("status", "200")];
    assert_eq!(value(&after, "cdl_http_responses_total", &scrapes), 1.0);

    c.get("/api/v1/search?q=ailleurs").await;
    let caught_up = parse(&c.get("/metrics").await.body).unwrap();
    assert_eq!(value(&caught_up, "cdl_index_lag_commits", &[]), 0.0);
    Ok(())
}

#[tokio::test]
async fn unknown_paths_and_methods_share_one_label() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    for path in ["/a", "/b/c", "/api/v1/nothing", "/api/v1/x/y/z"] {
        assert_eq!(c.get(path).await.status, 404, "{path}");
    }
    let samples = parse(&c.get("/metrics").await.body).unwrap();
    let routes: Vec<&str> = samples
        .iter()
        .filter(|s| s.name == "cdl_http_responses_total")
        .filter_map(|s| s.labels.get("route").map(String::as_str))
        .collect();
    assert_eq!(routes, ["unmatched"], "{samples:?}");
    assert_eq!(
        value(
            &samples,
            "cdl_http_responses_total",
            &[("route", "unmatched")]
        ),
        4.0
    );
    let r = c.get_with("/healthz", &[("x-request-id", "essai-1")]).await;
    assert_eq!(r.header("x-request-id"), "essai-1");
    let r = c.get("/healthz").await;
    assert_eq!(r.header("x-request-id").len(), 36, "a fresh UUID");
    Ok(())
}
