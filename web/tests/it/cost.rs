//! What one small request may cost: hostile records get short, capped
//! replies; every proposal attempt is rate limited before its record is
//! parsed; proposals come only as TOML and only from this site or from
//! programs; searches take a bounded number of filters.
//!
//! Time and CPU are measured by `web/bench/hostile.sh`, not here.

use cdl_records::{MAX_DIAGNOSTICS, MAX_RECORD_BYTES};
use cdl_web::WebConfig;
use cdl_web::search::{MAX_FILTERS, MAX_VALUES_PER_FILTER};

use crate::util::{Client, Resp, Result, Server};

/// The record of the outside review: just under the size limit, a `tags`
/// array of tens of thousands of empty strings.
fn empty_tags() -> String {
    let mut s = String::from(
        "id = \"flood\"\nkind = \"software\"\ntitle = \"T\"\nlicense = \"MIT\"\ntags = [",
    );
    while s.len() + 5 < MAX_RECORD_BYTES {
        s.push_str("\"\",");
    }
    s.push_str("]\n");
    s
}

const ONE_MB: usize = 1024 * 1024;

/// A multipart upload of `file` with the client's CSRF token.
async fn upload(c: &mut Client, file: &str) -> Resp {
    let csrf = c.csrf().await;
    let b = "----cdl-cost";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.toml\"\r\nContent-Type: application/toml\r\n\r\n{file}\r\n--{b}--\r\n"
    );
    c.post_body(
        "/propose/upload",
        &format!("multipart/form-data; boundary={b}"),
        body.into_bytes(),
    )
    .await
}

async fn records_checked(c: &mut Client) -> u64 {
    let metrics = c.get("/metrics").await.body;
    metrics
        .lines()
        .find_map(|l| l.strip_prefix("cdl_records_checked_total "))
        .expect("the counter is exported")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_hostile_record_gets_a_short_capped_reply_from_the_api() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let text = empty_tags();
    assert!(text.len() > 250_000);
    let r = c
        .post_body("/api/v1/proposals", "application/toml", text.into_bytes())
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.len() < ONE_MB, "{} bytes", r.body.len());
    assert!(r.body.len() < 64 * 1024, "{} bytes", r.body.len());
    let v = r.json();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), MAX_DIAGNOSTICS + 1);
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`tags` has ")
    );
    let last = errors.last().unwrap();
    assert_eq!(last["code"], "more-errors");
    let more = last["more"].as_u64().unwrap();
    assert!(more > 0);
    assert_eq!(
        v["detail"],
        format!("the record has {} error(s)", MAX_DIAGNOSTICS as u64 + more)
    );
    Ok(())
}

#[tokio::test]
async fn a_hostile_record_gets_a_short_capped_page_from_the_upload() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = upload(&mut c, &empty_tags()).await;
    assert_eq!(r.status, 422);
    assert!(r.body.len() < ONE_MB, "{} bytes", r.body.len());
    assert!(r.body.len() < 128 * 1024, "{} bytes", r.body.len());
    assert!(r.body.contains("« tags » a "), "{}", r.body);
    // The count of the rest, in the page's language (French by default).
    assert!(r.body.contains("autre(s) problème(s), non affiché(s)"));
    Ok(())
}

#[tokio::test]
async fn an_upload_over_the_record_size_is_refused_unread() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = upload(&mut c, &"#".repeat(MAX_RECORD_BYTES + 10)).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Le fichier dépasse les 262144 octets"));
    assert_eq!(records_checked(&mut c).await, 0, "nothing was parsed");
    Ok(())
}

#[tokio::test]
async fn every_proposal_attempt_is_counted_before_parsing() -> Result {
    let burst = 3;
    let config = WebConfig {
        proposals_burst: burst,
        proposals_per_hour: 1,
        ..WebConfig::default()
    };
    let server = Server::start_with(config).await;
    let mut c = server.client();
    let hostile = empty_tags();
    for _ in 0..burst {
        let r = c
            .post_body(
                "/api/v1/proposals",
                "application/toml",
                hostile.clone().into_bytes(),
            )
            .await;
        assert_eq!(r.status, 422);
    }
    assert_eq!(records_checked(&mut c).await, u64::from(burst));
    let r = c
        .post_body(
            "/api/v1/proposals",
            "application/toml",
            hostile.into_bytes(),
        )
        .await;
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.json()["code"], "rate-limited");
    // The upload and the form (a preview too) share the bucket, and are
    // refused before parsing as well.
    let r = upload(&mut c, "id = \"x\"\n").await;
    assert_eq!(r.status, 429);
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/propose/software",
            &[
                ("csrf", &csrf),
                ("action", "preview"),
                ("id", "x"),
                ("title", "T"),
                ("license", "MIT"),
            ],
        )
        .await;
    assert_eq!(r.status, 429);
    assert_eq!(
        records_checked(&mut c).await,
        u64::from(burst),
        "refused attempts were not parsed"
    );
    Ok(())
}

const VALID: &str = "id = \"toml-only\"\nkind = \"software\"\ntitle = \"T\"\nlicense = \"MIT\"\n";

#[tokio::test]
async fn proposals_are_taken_as_toml_only() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    for ct in [
        "text/plain",
        "text/x-toml",
        "application/x-www-form-urlencoded",
        "",
        "application/toml; charset=latin1",
    ] {
        let r = c
            .post_body("/api/v1/proposals", ct, VALID.as_bytes().to_vec())
            .await;
        assert_eq!(r.status, 415, "{ct:?}");
        assert_eq!(r.header("content-type"), "application/problem+json");
        let v = r.json();
        assert_eq!(v["code"], "unsupported-media-type");
        assert!(
            v["detail"]
                .as_str()
                .unwrap()
                .contains("Content-Type: application/toml"),
            "{v}"
        );
        assert!(v["detail_fr"].as_str().unwrap().contains("Envoyez"), "{v}");
    }
    assert_eq!(records_checked(&mut c).await, 0);
    let r = c
        .post_body(
            "/api/v1/proposals",
            "Application/TOML; charset=\"UTF-8\"",
            VALID.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    Ok(())
}

async fn propose_with(server: &Server, id: &str, headers: &[(&str, &str)]) -> Resp {
    let text = format!("id = \"{id}\"\nkind = \"software\"\ntitle = \"T\"\nlicense = \"MIT\"\n");
    let mut r = server
        .client()
        .http
        .post(server.url("/api/v1/proposals"))
        .header("content-type", "application/toml")
        .body(text);
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Resp {
        status,
        headers,
        body: response.text().await.unwrap(),
    }
}

#[tokio::test]
async fn cross_site_proposals_are_refused() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let own = format!("http://{}", server.addr);
    for headers in [
        &[("origin", "https://evil.example")][..],
        &[("origin", "null")],
        &[("origin", "http://127.0.0.1.evil.example")],
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "cross-site"), ("origin", own.as_str())],
    ] {
        let r = propose_with(&server, "cross", headers).await;
        assert_eq!(r.status, 403, "{headers:?}");
        assert_eq!(r.header("content-type"), "application/problem+json");
        assert_eq!(r.json()["code"], "cross-site");
    }
    // The review's request: a text/plain body from another site's page.
    let r = c
        .http
        .post(server.url("/api/v1/proposals"))
        .header("content-type", "text/plain")
        .header("origin", "https://evil.example")
        .body(VALID)
        .send()
        .await?;
    assert_eq!(r.status(), 403);
    assert_eq!(records_checked(&mut c).await, 0);
    // Programs (no Origin, no Sec-Fetch-Site) and this site's own pages pass.
    assert_eq!(propose_with(&server, "program", &[]).await.status, 201);
    let r = propose_with(
        &server,
        "same-origin",
        &[("origin", own.as_str()), ("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Reading stays open to every site.
    let r = c
        .get_with("/api/v1/search?q=", &[("origin", "https://evil.example")])
        .await;
    assert_eq!(r.status, 200);
    Ok(())
}

#[tokio::test]
async fn with_a_base_url_the_origin_must_be_its_own() -> Result {
    let config = WebConfig {
        base_url: Some("https://catalogue.example.org/".parse()?),
        ..WebConfig::default()
    };
    let server = Server::start_with(config).await;
    let host = format!("http://{}", server.addr);
    let r = propose_with(&server, "by-host", &[("origin", host.as_str())]).await;
    assert_eq!(r.status, 403, "the Host header does not make an origin");
    let r = propose_with(
        &server,
        "by-base",
        &[("origin", "https://catalogue.example.org")],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    Ok(())
}

/// `tag=0&tag=1…` with `n` distinct values, written in base 36 to keep the
/// address under the 64 KiB a URI may have.
fn tags(n: usize) -> String {
    let base36 = |mut i: usize| {
        let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let mut s = Vec::new();
        loop {
            s.push(digits[i % 36]);
            i /= 36;
            if i == 0 {
                break;
            }
        }
        String::from_utf8(s).unwrap()
    };
    (0..n)
        .map(|i| format!("tag={}", base36(i)))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn searches_take_a_bounded_number_of_filters() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    // The review's 60 KB address: past the 8 KiB a request target may have,
    // refused before any parsing, with a short error body.
    let huge = tags(8_000);
    assert!((60_000..65_000).contains(&huge.len()), "{}", huge.len());
    let r = c.get(&format!("/api/v1/search?{huge}")).await;
    assert_eq!(r.status, 414);
    assert!(
        r.body.len() < 4096 && r.body.contains("uri-too-long"),
        "{}",
        r.body
    );
    let r = c.get(&format!("/search?{huge}")).await;
    assert_eq!(r.status, 414);
    assert!(r.body.len() < 64 * 1024, "{} bytes", r.body.len());
    // Within the address limit, the filter bounds answer.
    let query = tags(1_000);
    assert!(query.len() < 8_000, "{}", query.len());
    let r = c.get(&format!("/api/v1/search?{query}")).await;
    assert_eq!(r.status, 400);
    let v = r.json();
    assert_eq!(v["code"], "bad-query");
    assert_eq!(
        v["detail"],
        format!("Too many values of the filter `tag`: at most {MAX_VALUES_PER_FILTER}.")
    );
    let r = c.get(&format!("/search?{query}")).await;
    assert_eq!(r.status, 400);
    assert!(r.body.len() < 64 * 1024, "{} bytes", r.body.len());
    assert!(r.body.contains("Trop de valeurs pour le filtre « tag »"));
    let r = c
        .get_with(&format!("/search?{query}"), &[("accept-language", "en")])
        .await;
    assert!(r.body.contains("Too many values of the filter `tag`"));
    // At the bound, the search runs; repeated values count once.
    let r = c
        .get(&format!(
            "/search?{}&{}",
            tags(MAX_VALUES_PER_FILTER),
            "tag=0&".repeat(1_000)
        ))
        .await;
    assert_eq!(r.status, 200);
    let all: Vec<String> = (0..=MAX_FILTERS)
        .map(|i| format!("{}=v{i}", ["tag", "license", "origin"][i % 3]))
        .collect();
    let r = c.get(&format!("/api/v1/search?{}", all.join("&"))).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["detail"],
        format!("Too many filters: at most {MAX_FILTERS} in a search.")
    );
    Ok(())
}

#[tokio::test]
async fn a_form_larger_than_a_record_is_not_echoed_back() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let csrf = c.csrf().await;
    let tags = "<b>,".repeat(80_000);
    let r = c
        .post_form(
            "/propose/software",
            &[
                ("csrf", &csrf),
                ("id", "big-form"),
                ("title", "Titre gardé"),
                ("license", "MIT"),
                ("tags", &tags),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.len() < 64 * 1024, "{} bytes", r.body.len());
    assert!(r.body.contains("Le formulaire dépasse les 262144 octets"));
    assert!(r.body.contains("Titre gardé"), "short values are kept");
    assert_eq!(records_checked(&mut c).await, 0);
    Ok(())
}
