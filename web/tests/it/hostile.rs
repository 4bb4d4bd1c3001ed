//! Hostile input: markup in records and queries, forged forms, floods,
//! oversized bodies.

use crate::util::{Result, Server};

#[tokio::test]
async fn markup_in_a_record_renders_as_text() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/records/software/xss-test").await;
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("<script>alert(1)</script>"));
    assert!(
        r.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("<img src=x"));
    // In JSON-LD the text stays data: no `<` can close the element.
    let ld = r
        .body
        .split("application/ld+json\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    assert!(!ld.contains('<'), "{ld}");
    assert!(ld.contains("\\u003cscript\\u003e"));
    let ld: serde_json::Value = serde_json::from_str(ld)?;
    assert_eq!(
        ld["name"], "<script>alert(1)</script>",
        "the data is intact"
    );
    assert_eq!(ld["@type"], "SoftwareSourceCode");
    let s = c.get("/search?q=alert").await;
    assert!(!s.body.contains("<script>alert"), "{}", s.body);
    let s = c.get("/search?q=%3Cscript%3Ealert(3)%3C%2Fscript%3E").await;
    assert!(!s.body.contains("<script>alert(3)"));
    let home = c.get("/").await;
    assert!(!home.body.contains("<script>"));
    Ok(())
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    // No cookie, no field.
    let r = c
        .post_form(
            "/propose/software",
            &[("id", "x"), ("title", "x"), ("license", "MIT")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert!(r.body.contains("Erreur 403"));
    // A cookie but a wrong field.
    c.get("/propose").await;
    let r = c
        .post_form(
            "/propose/software",
            &[("csrf", "0123456789abcdef0123456789abcdef"), ("id", "x")],
        )
        .await;
    assert_eq!(r.status, 403);
    for path in ["/login", "/logout"] {
        let r = c
            .post_form(path, &[("name", "a"), ("password", "b"), ("reason", "r")])
            .await;
        assert_eq!(r.status, 403, "{path}");
    }
    // A curator's actions: a visitor is sent to log in; a logged-in
    // curator without the token (a forged cross-site form) gets 403.
    let decisions = ["/review/0123456789ab/merge", "/review/0123456789ab/reject"];
    for path in decisions {
        let r = c.post_form(path, &[("reason", "r")]).await;
        assert_eq!((r.status, r.header("location")), (303, "/login"), "{path}");
    }
    let password = server.add_curator("alice");
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/login",
            &[("csrf", &csrf), ("name", "alice"), ("password", &password)],
        )
        .await;
    assert_eq!(r.status, 303);
    for path in decisions {
        let r = c.post_form(path, &[("reason", "r")]).await;
        assert_eq!(r.status, 403, "{path}");
        let r = c.post_form(path, &[("csrf", &csrf), ("reason", "r")]).await;
        assert_eq!(
            r.status, 403,
            "{path}: the visitor's token, not the session's"
        );
    }
    Ok(())
}

#[tokio::test]
async fn oversized_bodies_are_413() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let big = vec![b'a'; 2 * 1024 * 1024];
    let r = c
        .post_body("/api/v1/proposals", "application/toml", big.clone())
        .await;
    assert_eq!(r.status, 413);
    assert_eq!(r.header("content-type"), "application/problem+json");
    let r = c
        .post_body(
            "/propose/software",
            "application/x-www-form-urlencoded",
            big,
        )
        .await;
    assert_eq!(r.status, 413);
    assert!(r.header("content-type").starts_with("text/html"));
    Ok(())
}

#[tokio::test]
async fn proposals_are_rate_limited_per_client() -> Result {
    let config = cdl_web::WebConfig {
        proposals_burst: 2,
        proposals_per_hour: 1,
        ..cdl_web::WebConfig::default()
    };
    let server = Server::start_with(config).await;
    let mut c = server.client();
    for i in 0..2 {
        let text = format!(
            "id = \"flood-{i}\"\nkind = \"software\"\ntitle = \"Flood {i}\"\nlicense = \"MIT\"\n"
        );
        let r = c
            .post_body("/api/v1/proposals", "application/toml", text.into_bytes())
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let r = c
        .post_body(
            "/api/v1/proposals",
            "application/toml",
            b"id = \"flood-9\"\nkind = \"software\"\ntitle = \"F\"\nlicense = \"MIT\"\n".to_vec(),
        )
        .await;
    assert_eq!(r.status, 429);
    assert!(r.header("retry-after").parse::<u64>()? > 0);
    assert_eq!(r.json()["code"], "rate-limited");
    // The form is limited by the same bucket.
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/propose/software",
            &[
                ("csrf", &csrf),
                ("action", "submit"),
                ("id", "flood-form"),
                ("title", "F"),
                ("license", "MIT"),
            ],
        )
        .await;
    assert_eq!(r.status, 429);
    Ok(())
}

#[tokio::test]
async fn hostile_proposals_are_422_with_located_errors() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    for body in [
        &b"\xff\xfe not utf-8"[..],
        b"id = ",
        b"id = \"x\"\nkind = \"software\"\ntitle = \"<b>\"\nlicense = \"MIT\"\nunknown = 1\n",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    ] {
        let r = c
            .post_body("/api/v1/proposals", "application/toml", body.to_vec())
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.header("content-type"), "application/problem+json");
        assert!(r.json()["errors"].as_array().is_some_and(|e| !e.is_empty()));
    }
    let r = c
        .post_body("/api/v1/proposals", "application/json", b"{}".to_vec())
        .await;
    assert_eq!(r.status, 415);
    Ok(())
}

#[tokio::test]
async fn slow_headers_are_cut_off() -> Result {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let config = cdl_web::WebConfig {
        header_read_timeout_secs: 1,
        ..cdl_web::WebConfig::default()
    };
    let server = Server::start_with(config).await;
    let mut stream = tokio::net::TcpStream::connect(server.addr).await?;
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await?;
    let mut buf = Vec::new();
    let start = std::time::Instant::now();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        stream.read_to_end(&mut buf),
    )
    .await;
    assert!(read.is_ok(), "the server closed the connection");
    assert!(
        start.elapsed() >= std::time::Duration::from_millis(900),
        "after the timeout, not before"
    );
    assert!(!String::from_utf8_lossy(&buf).contains("200 OK"));
    // Others are served as usual.
    assert_eq!(server.client().get("/healthz").await.status, 200);
    Ok(())
}

/// Previews a proposal form with `token`; the status.
async fn preview(c: &mut crate::util::Client, token: &str) -> u16 {
    c.post_form(
        "/propose/software",
        &[
            ("csrf", token),
            ("action", "preview"),
            ("id", "x"),
            ("title", "x"),
            ("license", "MIT"),
        ],
    )
    .await
    .status
}

#[tokio::test]
async fn csrf_tokens_are_bound_to_the_session() -> Result {
    let server = Server::start().await;
    let password = server.add_curator("alice");
    let mut c = server.client();
    let r = c
        .post_body(
            "/api/v1/proposals",
            "application/toml",
            b"id = \"csrf-target\"\nkind = \"software\"\ntitle = \"Cible\"\nlicense = \"MIT\"\n"
                .to_vec(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    // Visitors: a pair the client chose (the same value as visitor id and
    // as token) is refused, the page's token passes.
    let forged = "0".repeat(32);
    let mut v = server.client();
    v.cookies
        .insert("__Host-cdl_visitor".into(), forged.clone());
    assert_eq!(preview(&mut v, &forged).await, 403);
    let token = v.csrf().await;
    assert_ne!(token, forged);
    assert_eq!(preview(&mut v, &token).await, 200);
    // Another visitor's token is worthless here.
    let other = server.client().csrf().await;
    assert_eq!(preview(&mut v, &other).await, 403);
    // Curators: the forged pair cannot reject a proposal; the session's
    // token can.
    let before_login = c.csrf().await;
    let r = c
        .post_form(
            "/login",
            &[
                ("csrf", &before_login),
                ("name", "alice"),
                ("password", &password),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    c.cookies
        .insert("__Host-cdl_visitor".into(), forged.clone());
    let reject = format!("/review/{id}/reject");
    for token in [forged.as_str(), before_login.as_str()] {
        let r = c
            .post_form(&reject, &[("csrf", token), ("reason", "Doublon")])
            .await;
        assert_eq!(r.status, 403, "{token}");
    }
    let token = c.csrf().await;
    let r = c
        .post_form(&reject, &[("csrf", &token), ("reason", "Doublon")])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    Ok(())
}

#[tokio::test]
async fn cookies_carry_the_host_prefix() -> Result {
    let server = Server::start().await;
    let password = server.add_curator("alice");
    let mut c = server.client();
    let r = c.get("/").await;
    let cookie = r.header("set-cookie").to_owned();
    assert!(cookie.starts_with("__Host-cdl_visitor="), "{cookie}");
    for part in ["Secure", "Path=/", "HttpOnly", "SameSite=Strict"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/login",
            &[("csrf", &csrf), ("name", "alice"), ("password", &password)],
        )
        .await;
    assert_eq!(r.status, 303);
    let cookie = r.header("set-cookie");
    assert!(cookie.starts_with("__Host-cdl_session="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Domain"), "{cookie}");
    Ok(())
}

#[tokio::test]
async fn huge_page_numbers_are_refused_not_wrapped() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    for page in [
        "922337203685477581",
        "922337203685477580",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999999",
        "-1",
        "0",
        "1e3",
    ] {
        let r = c.get(&format!("/search?q=logiciel&page={page}")).await;
        assert_eq!(r.status, 400, "page={page}: {}", r.body);
        assert!(r.header("content-type").starts_with("text/html"));
        assert!(!r.body.contains("aria-current=\"page\">Page"), "{page}");
        let r = c
            .get(&format!("/api/v1/search?q=logiciel&page={page}"))
            .await;
        assert_eq!(r.status, 400, "api page={page}: {}", r.body);
        assert_eq!(r.header("content-type"), "application/problem+json");
        let r = c
            .get(&format!("/api/v1/search?page={page}&per_page=100"))
            .await;
        assert_eq!(r.status, 400, "api page={page}, per_page=100");
    }
    for per_page in ["18446744073709551615", "-5", "0", "101"] {
        let r = c.get(&format!("/api/v1/search?per_page={per_page}")).await;
        assert_eq!(r.status, 400, "per_page={per_page}");
    }
    Ok(())
}

#[tokio::test]
async fn absolute_links_never_come_from_the_host_header() -> Result {
    let evil = [("host", "evil.example")];
    let server = Server::start().await;
    let own = format!("http://{}/", server.addr);
    let mut c = server.client();
    for path in [
        "/feed.atom",
        "/sitemap.xml",
        "/robots.txt",
        "/records/software/lutece",
    ] {
        let r = c.get_with(path, &evil).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(!r.body.contains("evil.example"), "{path}: {}", r.body);
        assert!(r.body.contains(&own), "{path} links to {own}: {}", r.body);
    }
    // With base_url, links use it.
    let server = Server::start_with(cdl_web::WebConfig {
        base_url: Some("https://catalogue.example.org/".parse()?),
        ..cdl_web::WebConfig::default()
    })
    .await;
    let mut c = server.client();
    for path in [
        "/feed.atom",
        "/sitemap.xml",
        "/robots.txt",
        "/records/software/lutece",
    ] {
        let r = c.get_with(path, &evil).await;
        assert!(!r.body.contains("evil.example"), "{path}");
        assert!(r.body.contains("https://catalogue.example.org/"), "{path}");
    }
    let robots = c.get("/robots.txt").await;
    assert!(
        robots
            .body
            .contains("Sitemap: https://catalogue.example.org/sitemap.xml"),
        "{}",
        robots.body
    );
    Ok(())
}
