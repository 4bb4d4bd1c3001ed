//! Every page renders, in French by default and in English on request,
//! with landmarks, headers, downloads and a small weight.

use crate::util::{Result, Server};

const KINDS: [(&str, &str); 6] = [
    ("software", "lutece"),
    ("cultural-work", "nympheas"),
    ("method", "compost-collectif"),
    ("dataset", "arbres-remarquables"),
    ("seed-lot", "tomate-coeur-de-boeuf-2025"),
    ("ferment-lot", "levain-seigle-belleville"),
];

#[tokio::test]
async fn home_shows_counts_latest_and_search_in_french() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("text/html"));
    assert!(r.body.contains("<html lang=\"fr\">"));
    assert!(r.body.contains("href=\"#contenu\""), "skip link");
    for landmark in ["<header", "<nav", "<main", "<footer", "role=\"search\""] {
        assert!(r.body.contains(landmark), "{landmark}");
    }
    assert!(
        r.body.contains("<strong>2</strong> Logiciels"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<strong>1</strong> Lots de semences"));
    assert!(r.body.contains("Dernières entrées"));
    assert!(
        r.body
            .contains("/records/seed-lot/tomate-coeur-de-boeuf-2025")
    );
    assert!(!r.body.contains("<script"), "no script on pages");
    Ok(())
}

#[tokio::test]
async fn english_by_accept_language_or_switch() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c
        .get_with("/", &[("accept-language", "en-GB,en;q=0.9,fr;q=0.5")])
        .await;
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(r.body.contains("Latest additions"));
    let r = c.get("/policy?lang=en").await;
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(
        c.cookies.get("cdl_lang").is_some_and(|v| v == "en"),
        "the choice is remembered"
    );
    let r = c.get("/").await;
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(
        r.body.contains("href=\"/?lang=fr\" lang=\"fr\""),
        "switch back"
    );
    Ok(())
}

#[tokio::test]
async fn a_record_of_each_kind_shows_certificate_history_and_json_ld() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    for (kind, id) in KINDS {
        let r = c.get(&format!("/records/{kind}/{id}")).await;
        assert_eq!(r.status, 200, "{kind}/{id}");
        assert!(r.body.contains("Licence et certification"));
        assert!(r.body.contains("Certifiée libre"), "{kind}: {}", r.body);
        assert!(r.body.contains("Historique"));
        assert!(
            r.body.contains("Ajout par test"),
            "history from Git: {}",
            r.body
        );
        assert!(
            r.body.contains(
                "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\""
            )
        );
        assert!(
            r.body
                .contains(&format!("href=\"/records/{kind}/{id}.toml\""))
        );
        let toml = c.get(&format!("/records/{kind}/{id}.toml")).await;
        assert_eq!(toml.status, 200);
        assert!(toml.header("content-type").starts_with("application/toml"));
        assert!(
            toml.header("content-disposition")
                .contains(&format!("{id}.toml"))
        );
        assert!(cdl_records::parse(&toml.body, None).is_ok());
        let json = c.get(&format!("/records/{kind}/{id}.json")).await;
        assert_eq!(json.status, 200);
        assert_eq!(json.json()["id"], id);
    }
    let r = c.get("/records/software/lutece").await;
    assert!(r.body.contains("Utilisé par"));
    assert!(
        r.body
            .contains("<a href=\"https://www.paris.fr/\">Ville de Paris</a>")
    );
    assert!(r.body.contains("Microsoft SharePoint"));
    assert!(r.body.contains("Dépôt du code source"));
    let r = c.get("/records/seed-lot/tomate-coeur-de-boeuf-2025").await;
    assert!(r.body.contains("Solanum lycopersicum"));
    assert!(r.body.contains("Année de récolte"));
    Ok(())
}

#[tokio::test]
async fn policy_feed_sitemap_robots() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/policy").await;
    assert_eq!(r.status, 200);
    for label in [
        "Logiciels",
        "Œuvres culturelles",
        "Lots de semences",
        "LicenseRef-OSSI-Pledge",
    ] {
        assert!(r.body.contains(label), "{label}");
    }
    let r = c.get("/feed.atom").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("application/atom+xml"));
    assert!(
        r.body
            .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
    );
    assert!(r.body.contains("/records/dataset/arbres-remarquables"));
    assert!(
        r.body.contains("&#60;script&#62;"),
        "titles are escaped in XML"
    );
    assert!(!r.body.contains("<script>"));
    let r = c.get("/sitemap.xml").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.matches("<url>").count(), 4 + 7);
    let r = c.get("/robots.txt").await;
    assert!(r.body.contains("Disallow: /review"));
    Ok(())
}

#[tokio::test]
async fn headers_cache_and_compression() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/").await;
    let csp = r.header("content-security-policy");
    assert!(csp.contains("default-src 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert!(
        !csp.contains("script-src"),
        "no script source at all: {csp}"
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(r.header("x-frame-options"), "DENY");
    assert!(r.header("vary").contains("Accept-Language"));
    let cookie = r.headers.get("set-cookie").unwrap().to_str()?;
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Secure")
    );
    let css = r
        .body
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let s = c.get(&css).await;
    assert_eq!(s.status, 200);
    assert!(s.header("content-type").starts_with("text/css"));
    assert_eq!(
        s.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(c.get("/static/style-0000.css").await.status, 404);
    let gz = c.get_with("/policy", &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    let br = c
        .get_with("/api/v1/search?q=", &[("accept-encoding", "br")])
        .await;
    assert_eq!(br.header("content-encoding"), "br");
    Ok(())
}

#[tokio::test]
async fn every_page_weighs_under_50_kb_with_its_css() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let css = cdl_web::CSS.len();
    let mut paths: Vec<String> = vec![
        "/".into(),
        "/search?q=".into(),
        "/search?q=tomate".into(),
        "/policy".into(),
        "/propose".into(),
        "/login".into(),
    ];
    for (kind, id) in KINDS {
        paths.push(format!("/records/{kind}/{id}"));
        paths.push(format!("/propose/{kind}"));
    }
    for path in paths {
        let r = c.get(&path).await;
        assert_eq!(r.status, 200, "{path}");
        let weight = r.body.len() + css;
        assert!(weight < 50 * 1024, "{path}: {weight} bytes");
    }
    Ok(())
}

#[tokio::test]
async fn search_page_facets_snippets_pagination() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/search?q=tomate").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("/records/seed-lot/tomate-coeur-de-boeuf-2025")
    );
    assert!(r.body.contains("<mark>"), "highlighted snippet: {}", r.body);
    let r = c.get("/search?q=").await;
    assert!(r.body.contains("7 résultats"), "{}", r.body);
    assert!(
        r.body.contains("href=\"/search?kind=seed-lot\""),
        "facet links are plain links"
    );
    let r = c.get("/search?kind=seed-lot").await;
    assert!(r.body.contains("1 résultat"), "{}", r.body);
    assert!(r.body.contains("Retirer le filtre"));
    assert!(r.body.contains("href=\"/search?\""), "removing the filter");
    // Pagination with a page size of 2.
    let small = cdl_web::WebConfig {
        page_size: 2,
        ..cdl_web::WebConfig::default()
    };
    let server = Server::start_with(small).await;
    let mut c = server.client();
    let r = c.get("/search?q=").await;
    assert!(r.body.contains("Page 1 sur 4"), "{}", r.body);
    assert!(r.body.contains("href=\"/search?page=2\" rel=\"next\""));
    let r = c.get("/search?page=4").await;
    assert!(r.body.contains("rel=\"prev\""));
    assert!(!r.body.contains("rel=\"next\""));
    Ok(())
}

#[tokio::test]
async fn unknown_pages_are_404_pages_without_internals() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    for path in [
        "/nowhere",
        "/records/software/absent",
        "/records/bogus-kind/lutece",
        "/records/software/Not%20An%20Id",
        "/records/software/..%2F..%2Fetc%2Fpasswd",
        "/proposals/zzz",
        "/proposals/0123456789ab",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(r.header("content-type").starts_with("text/html"), "{path}");
        assert!(r.body.contains("<h1>Erreur 404</h1>"), "{path}");
        for leak in ["registry", "gix", "panicked", "/tmp", "src/"] {
            assert!(!r.body.contains(leak), "{path} leaks {leak}");
        }
    }
    let r = c.post_form("/", &[]).await;
    assert_eq!(r.status, 405);
    assert!(r.header("content-type").starts_with("text/html"));
    Ok(())
}

#[tokio::test]
async fn a_withdrawn_record_is_410_and_leaves_search() -> Result {
    use cdl_registry::{Pseudonym, RecordKey, Registry, Withdrawal, WithdrawalReason};
    let server = Server::start().await;
    let mut c = server.client();
    assert_eq!(c.get("/api/v1/search?q=levain").await.json()["total"], 1);
    // Another process (a curator's command line) withdraws the record.
    let registry = Registry::open(&server.git_dir)?;
    let key = RecordKey::new(
        "ferment-lot".parse()?,
        cdl_records::RecordId::new("levain-seigle-belleville")?,
    );
    registry.withdraw(
        &key,
        &Withdrawal {
            reason: WithdrawalReason::Takedown,
            explanation: "Demande du jardin.".to_owned(),
            replaced_by: None,
            curator: Pseudonym::new("test"),
        },
    )?;
    let r = c.get("/records/ferment-lot/levain-seigle-belleville").await;
    assert_eq!(r.status, 410);
    assert!(r.body.contains("retirée du catalogue"));
    let r = c
        .get("/api/v1/records/ferment-lot/levain-seigle-belleville")
        .await;
    assert_eq!(r.status, 410);
    assert_eq!(r.json()["code"], "withdrawn");
    assert_eq!(
        c.get("/api/v1/search?q=levain").await.json()["total"],
        0,
        "the index caught up"
    );
    Ok(())
}

/// The result count on a search page.
fn count(html: &str) -> u64 {
    html.split("<h2 id=\"count\">")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {html}"))
}

/// The language switch link of a page.
fn switch_link(html: &str) -> String {
    let before = html
        .split("\" lang=\"")
        .find(|part| part.contains("<li><a href=\""))
        .and_then(|part| part.rsplit("<li><a href=\"").next())
        .unwrap_or_else(|| panic!("no switch link in {html}"));
    before.replace("&#38;", "&").replace("&amp;", "&")
}

#[tokio::test]
async fn the_interface_language_is_not_a_filter() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let all = c.get("/search").await;
    let total = count(&all.body);
    assert!(total > 1, "{total}");
    // `lang` switches the interface, the results stay.
    let en = c.get("/search?lang=en").await;
    assert!(en.body.contains("<html lang=\"en\">"));
    assert_eq!(count(&en.body), total);
    let link = switch_link(&all.body);
    assert!(link.contains("lang=en"), "{link}");
    let switched = c.get(&link).await;
    assert!(switched.body.contains("<html lang=\"en\">"), "{link}");
    assert_eq!(count(&switched.body), total, "{link}");
    // `language` filters on the resource's language (only Lutèce has one).
    let fr = c.get("/search?language=fr").await;
    assert_eq!(count(&fr.body), 1);
    assert!(fr.body.contains("Lutèce"));
    assert_eq!(count(&c.get("/search?language=en").await.body), 0);
    let back = c.get(&switch_link(&fr.body)).await;
    assert_eq!(count(&back.body), 1, "the switch keeps the filter");
    // The facet links use `language=`.
    assert!(all.body.contains("language=fr"), "{}", all.body);
    // The API the same way.
    let api = c.get("/api/v1/search?lang=fr").await.json();
    assert_eq!(api["total"], total);
    let api = c.get("/api/v1/search?language=fr").await.json();
    assert_eq!(api["total"], 1);
    Ok(())
}
