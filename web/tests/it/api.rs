//! The JSON API, health and metrics.

use crate::util::{Result, Server};

#[tokio::test]
async fn search_returns_total_hits_and_facets() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/api/v1/search?q=tomate&kind=seed-lot&page=1").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("application/json"));
    let v = r.json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["hits"][0]["id"], "tomate-coeur-de-boeuf-2025");
    assert_eq!(v["hits"][0]["kind"], "seed-lot");
    let snippet = &v["hits"][0]["snippet"];
    let text = snippet["text"].as_str().unwrap();
    let marks = snippet["highlights"].as_array().unwrap();
    assert!(!marks.is_empty() && !text.contains("<mark>"), "{snippet}");
    for m in marks {
        let (a, b) = (
            m[0].as_u64().unwrap() as usize,
            m[1].as_u64().unwrap() as usize,
        );
        assert_eq!(text[a..b].to_lowercase(), "tomate", "{snippet}");
    }
    assert!(v["facets"]["kind"].is_array());
    let all = c.get("/api/v1/search?q=").await.json();
    assert_eq!(all["total"], 7);
    let first = c.get("/api/v1/search?q=&per_page=2&page=1").await.json();
    let page = c.get("/api/v1/search?q=&per_page=2&page=2").await.json();
    assert_eq!(page["hits"].as_array().unwrap().len(), 2);
    assert_ne!(page["hits"], first["hits"]);
    assert_eq!(
        page["facets"], first["facets"],
        "later pages reuse the first page's counts"
    );
    assert_eq!(page["facets"]["kind"].as_array().unwrap().len(), 6);
    let cold = c.get("/api/v1/search?q=&per_page=3&page=2").await.json();
    assert_eq!(
        cold["facets"], first["facets"],
        "counted when the first page is not cached"
    );
    Ok(())
}

#[tokio::test]
async fn unparsable_queries_are_400_problems_never_500() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    for q in [
        "%22unclosed",
        "-",
        "OR",
        "a%20OR%20OR%20b",
        "kind:nothing",
        "kind:",
    ] {
        let r = c.get(&format!("/api/v1/search?q={q}")).await;
        assert_eq!(r.status, 400, "{q}: {}", r.body);
        assert_eq!(r.header("content-type"), "application/problem+json");
        let v = r.json();
        assert_eq!(v["status"], 400);
        assert_eq!(v["code"], "bad-query");
        assert!(!v["detail"].as_str().unwrap().is_empty());
        let page = c.get(&format!("/search?q={q}")).await;
        assert_eq!(page.status, 400, "{q}");
        assert!(page.body.contains("La recherche n’a pas pu être comprise"));
    }
    let long = "a ".repeat(2000);
    let r = c
        .get(&format!("/api/v1/search?q={}", long.replace(' ', "+")))
        .await;
    assert_eq!(r.status, 400);
    // Whatever the bytes, never a 500.
    for q in [
        "%00",
        "%FF%FE",
        "((((",
        "))",
        ":::",
        "kind:::",
        "-%22",
        "%22%22",
        "*",
        "?",
        "~1",
        "title:x",
        "%E2%80%AE",
        "a%0Ab",
        "OR%20OR",
        "-a%20-b",
        "tag:%22%22",
        "%5C",
        "%27",
        "x%20OR",
        "AND",
        "ET%20OU",
        "license:(MIT",
        "a:b:c",
        "%F0%9F%8C%B1",
    ] {
        for path in ["/api/v1/search?q=", "/search?q="] {
            let r = c.get(&format!("{path}{q}")).await;
            assert!(
                r.status == 200 || r.status == 400,
                "{path}{q}: {}",
                r.status
            );
        }
    }
    assert_eq!(c.get("/api/v1/search?page=0").await.status, 400);
    assert_eq!(c.get("/api/v1/search?page=999999").await.status, 400);
    Ok(())
}

#[tokio::test]
async fn records_with_their_certificate() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/api/v1/records/dataset/arbres-remarquables").await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["record"]["id"], "arbres-remarquables");
    assert_eq!(v["certificate"]["verdict"], "certified");
    assert_eq!(v["certificate"]["kind"], "dataset");
    let r = c.get("/api/v1/records/dataset/absent").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert_eq!(r.json()["code"], "not-found");
    assert_eq!(r.json()["instance"], "/api/v1/records/dataset/absent");
    assert_eq!(c.get("/api/v1/nothing").await.json()["status"], 404);
    // The same extractor as the pages: a bad kind or id is 404 before any
    // read, and the API has no download suffixes.
    for path in [
        "/api/v1/records/painting/arbres-remarquables",
        "/api/v1/records/dataset/Arbres%20remarquables",
        "/api/v1/records/dataset/arbres-remarquables.toml",
        "/api/v1/records/dataset/arbres-remarquables.json",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.json()["code"], "not-found", "{path}");
    }
    // ... while the page keeps them.
    let r = c.get("/records/dataset/arbres-remarquables.toml").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("id = \"arbres-remarquables\""),
        "{}",
        r.body
    );
    assert_eq!(
        c.get("/records/painting/arbres-remarquables").await.status,
        404
    );
    assert_eq!(c.get("/propose/painting").await.status, 404);
    Ok(())
}

#[tokio::test]
async fn openapi_health_and_metrics() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["openapi"], "3.1.0");
    for path in [
        "/search",
        "/records/{kind}/{id}",
        "/proposals",
        "/proposals/{id}",
    ] {
        assert!(v["paths"][path].is_object(), "{path}");
    }
    let r = c.get("/healthz").await;
    assert_eq!((r.status, r.body.as_str()), (200, "ok\n"));
    c.get("/api/v1/search?q=tomate").await;
    let r = c.get("/metrics").await;
    assert!(
        r.header("content-type")
            .starts_with("application/openmetrics-text; version=1.0.0")
    );
    assert!(r.body.contains("# TYPE cdl_http_responses counter"));
    assert!(
        r.body.contains("cdl_search_duration_seconds_count 1"),
        "{}",
        r.body
    );
    assert!(r.body.contains("cdl_indexed_records 7"));
    let gauge = |name: &str| -> u64 {
        r.body
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {}", r.body))
    };
    assert!(gauge("cdl_index_segments") >= 1);
    assert!(
        gauge("cdl_search_cache_bytes") > 0,
        "the search kept facet tables"
    );
    Ok(())
}
