//! The search page and API of issue 9: words left out with a line that
//! says so, typos that do not bury exact matches, sorting, plurals, the
//! page number in the title, pages past the last, results before facets,
//! facet labels.

use crate::util::{Result, Server};

/// The ids of the hits of an API answer.
fn ids(answer: &serde_json::Value) -> Vec<String> {
    answer["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn words_left_out_are_said_on_the_page_and_in_the_api() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/search?q=arbres+paris+bruit").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("/records/dataset/arbres-remarquables"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(
            "Aucun résultat avec tous les mots ; voici les fiches qui contiennent «\u{a0}arbres\u{a0}» et «\u{a0}paris\u{a0}» (sans «\u{a0}bruit\u{a0}»)."
        ),
        "{}",
        r.body
    );
    let en = c.get("/search?q=arbres+paris+bruit&lang=en").await;
    assert!(
        en.body
            .contains("No result with all the words; here are the records that contain"),
        "{}",
        en.body
    );
    let api = c.get("/api/v1/search?q=arbres+paris+bruit").await.json();
    assert_eq!(ids(&api)[0], "arbres-remarquables");
    assert_eq!(api["relaxed"]["complete"], 0);
    assert_eq!(
        api["relaxed"]["kept"],
        serde_json::json!(["arbres", "paris"])
    );
    assert_eq!(api["relaxed"]["dropped"], serde_json::json!(["bruit"]));
    let plain = c.get("/api/v1/search?q=tomate").await.json();
    assert!(plain["relaxed"].is_null(), "{plain}");
    // A quoted phrase is never left out.
    let api = c
        .get("/api/v1/search?q=%22jardin+partag%C3%A9%22+paris+bruit")
        .await
        .json();
    assert_eq!(api["total"], 0, "{api}");
    Ok(())
}

#[tokio::test]
async fn the_demo_queries_of_the_issue_find_something() -> Result {
    let server = Server::demo().await;
    let mut c = server.client();
    // Both words are in Paris's records: every word is kept.
    let api = c.get("/api/v1/search?q=donn%C3%A9es+paris").await.json();
    assert!(api["total"].as_u64().unwrap() > 0, "{api}");
    assert!(api["relaxed"].is_null(), "{api}");
    // No record speaks of noise: the other words still find something,
    // and the page says which word was left out.
    let q = "donn%C3%A9es+bruit+paris";
    let api = c.get(&format!("/api/v1/search?q={q}")).await.json();
    assert!(api["total"].as_u64().unwrap() > 0, "{api}");
    assert_eq!(
        api["relaxed"]["dropped"],
        serde_json::json!(["bruit"]),
        "{api}"
    );
    let page = c.get(&format!("/search?q={q}")).await;
    assert!(
        page.body.contains("Aucun résultat avec tous les mots"),
        "{}",
        page.body
    );
    // `école`: no painting by Thomas Cole in the top three.
    let api = c.get("/api/v1/search?q=%C3%A9cole").await.json();
    let hits = api["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{api}");
    for h in hits.iter().take(3) {
        let title = h["title"].as_str().unwrap();
        assert!(
            !title.contains("View of") && h["kind"] != "cultural-work",
            "{title}: {api}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn sorting_in_the_page_and_the_api() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let api = c.get("/api/v1/search?q=&sort=title").await.json();
    assert_eq!(api["sort"], "title");
    let got = ids(&api);
    assert_eq!(got[0], "arbres-remarquables", "{got:?}");
    assert_eq!(got[1], "compost-collectif", "{got:?}");
    assert_eq!(got.last().unwrap(), "tomate-coeur-de-boeuf-2025", "{got:?}");
    let relevance = c.get("/api/v1/search?q=").await.json();
    assert_eq!(relevance["sort"], "relevance");
    assert_ne!(ids(&relevance), got, "the order changed");

    let page = c.get("/search?q=&sort=title").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<option value=\"title\" selected>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<select id=\"sort\" name=\"sort\">"));
    let first = page.body.find("Arbres remarquables").unwrap();
    let later = page.body.find("Tomate cœur de bœuf").unwrap();
    assert!(first < later);
    // Facet links keep the order.
    assert!(
        page.body.contains("sort=title"),
        "facet and pager links keep the order"
    );

    let bad = c.get("/search?q=tomate&sort=titre").await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body
            .contains("«\u{a0}titre\u{a0}» n’est pas un ordre de tri")
            || bad.body.contains("« titre » n’est pas un ordre de tri"),
        "{}",
        bad.body
    );
    let bad_en = server
        .client()
        .get("/search?q=tomate&sort=titre&lang=en")
        .await;
    assert_eq!(bad_en.status, 400);
    assert!(
        bad_en.body.contains("is not a sort order"),
        "{}",
        bad_en.body
    );
    let bad_api = c.get("/api/v1/search?sort=nope").await;
    assert_eq!(bad_api.status, 400);
    assert!(
        bad_api
            .header("content-type")
            .starts_with("application/problem+json")
    );
    assert_eq!(bad_api.json()["code"], "bad-query", "{}", bad_api.body);
    Ok(())
}

#[tokio::test]
async fn counts_in_french_plurals_and_page_numbers_in_titles() -> Result {
    let small = cdl_web::WebConfig {
        page_size: 2,
        ..cdl_web::WebConfig::default()
    };
    let server = Server::start_with(small).await;
    let mut c = server.client();
    let none = c.get("/search?q=zzzzzz").await;
    assert!(none.body.contains("0 résultat "), "{}", none.body);
    assert!(!none.body.contains("0 résultats"), "{}", none.body);
    let none_en = server.client().get("/search?q=zzzzzz&lang=en").await;
    assert!(none_en.body.contains("0 results"), "{}", none_en.body);
    let all = c.get("/search").await;
    assert!(all.body.contains("7 résultats"), "{}", all.body);

    let title = |html: &str| {
        html.split("<title>")
            .nth(1)
            .and_then(|t| t.split("</title>").next())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(!title(&all.body).contains("page"), "{}", title(&all.body));
    let second = c.get("/search?page=2").await;
    assert!(
        title(&second.body).contains("– page 2"),
        "{}",
        title(&second.body)
    );
    let second = c.get("/search?q=tomate&page=2").await;
    assert!(
        title(&second.body).contains("– page 2"),
        "{}",
        title(&second.body)
    );

    // Page 9 of 4.
    let past = c.get("/search?page=9").await;
    assert_eq!(past.status, 200);
    assert!(
        past.body
            .contains("La page 9 n’existe pas : les résultats s’arrêtent à la page 4."),
        "{}",
        past.body
    );
    assert!(
        past.body.contains("href=\"/search?page=4\""),
        "{}",
        past.body
    );
    assert!(!past.body.contains("Aucune ressource"), "{}", past.body);
    assert!(!past.body.contains("rel=\"next\""));
    let past_en = server.client().get("/search?page=9&lang=en").await;
    assert!(
        past_en.body.contains("Page 9 does not exist"),
        "{}",
        past_en.body
    );
    Ok(())
}

#[tokio::test]
async fn results_come_before_facets_which_show_names() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/search?q=").await;
    let body = &r.body;
    assert!(body.contains("<a class=\"skip\" href=\"#resultats\">Aller aux résultats</a>"));
    let results = body.find("id=\"resultats\"").unwrap();
    let facets = body.find("class=\"facets\"").unwrap();
    let first_hit = body.find("<ol class=\"hits\">").unwrap();
    assert!(results < facets && first_hit < facets, "results first");
    assert!(body[facets..].contains("<details"), "facets fold");
    // Licence names, ids in smaller text.
    assert!(
        body.contains("Creative Commons Zero v1.0 Universal</span> <small>CC0-1.0</small>"),
        "{body}"
    );
    assert!(
        body.contains("<span lang=\"en\">"),
        "SPDX names are English"
    );
    // The origin by its name, not its slug.
    assert!(body.contains(">Test registry</a>"), "{body}");
    assert!(!body.contains(">test-registry</a>"), "{body}");
    // Kinds from the vocabulary, in French.
    assert!(body.contains(">Jeu de données</a>"), "{body}");
    let en = c.get("/search?q=&lang=en").await;
    assert!(en.body.contains(">Dataset</a>"), "{}", en.body);
    assert!(
        en.body
            .contains("Creative Commons Zero v1.0 Universal <small>CC0-1.0</small>"),
        "{}",
        en.body
    );
    Ok(())
}

#[tokio::test]
async fn a_search_that_finds_nothing_offers_a_way_forward() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let page = c.get("/search?q=zzzqqq").await;
    assert!(
        page.body.contains("Aucune ressource ne correspond"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<a href=\"/search?q=\">Parcourir tout le catalogue</a>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<a href=\"/propose\">"), "{}", page.body);
    Ok(())
}

/// A record whose text is hostile HTML with multi-byte letters.
fn hostile_catalogue() -> Vec<(&'static str, String)> {
    let mut records = crate::util::catalogue();
    records.push((
        "software",
        r#"id = "hostile"
kind = "software"
title = "Zèbre <b>gras</b>"
license = "MIT"
summary = "zèbre <script>alert('x')</script> & \"zèbres\" <img src=x onerror=alert(1)> 😀zèbre"
tags = ["<i>penché</i>"]
"#
        .to_owned(),
    ));
    records
}

#[tokio::test]
async fn snippets_are_escaped_by_the_page_and_marked() -> Result {
    let server =
        Server::start_with_catalogue(cdl_web::WebConfig::default(), hostile_catalogue()).await;
    let mut c = server.client();
    let r = c.get("/search?q=z%C3%A8bre").await;
    assert_eq!(r.status, 200);
    let hits = &r.body[r.body.find("class=\"hits\"").unwrap()..];
    let snippet = &hits[hits.find("<p data-own>").unwrap()..];
    let snippet = &snippet[..snippet.find("</p>").unwrap() + 4];
    assert_eq!(
        snippet,
        "<p data-own><mark>zèbre</mark> &#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; &#34;<mark>zèbres</mark>&#34; &#60;img src=x onerror=alert(1)&#62; 😀<mark>zèbre</mark></p>",
        "text escaped, matches at both ends marked"
    );
    assert!(!r.body.contains("<script>alert"), "{}", r.body);
    assert!(!r.body.contains("<img src=x"), "{}", r.body);
    assert!(!r.body.contains("<b>gras"), "titles escaped too");
    // The API gives the text and the ranges, for the client to render.
    let api = c.get("/api/v1/search?q=z%C3%A8bre").await.json();
    let s = &api["hits"][0]["snippet"];
    let text = s["text"].as_str().unwrap();
    assert!(text.starts_with("zèbre <script>"), "{s}");
    let marked: Vec<&str> = s["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &text[m[0].as_u64().unwrap() as usize..m[1].as_u64().unwrap() as usize])
        .collect();
    assert_eq!(marked, ["zèbre", "zèbres", "zèbre"], "{s}");
    Ok(())
}

#[tokio::test]
async fn filters_go_by_their_parameter_names_as_typed_values() -> Result {
    let server =
        Server::start_with_catalogue(cdl_web::WebConfig::default(), hostile_catalogue()).await;
    let mut c = server.client();
    // A value with quotes and a colon is a value, not query text.
    let r = c
        .get("/api/v1/search?tag=%3Ci%3Epench%C3%A9%3C%2Fi%3E")
        .await
        .json();
    assert_eq!(ids(&r), ["hostile"], "{r}");
    let r = c.get("/api/v1/search?q=&kind=seed-lot").await.json();
    let kinds = &r["facets"]["kind"];
    assert_eq!(kinds.as_array().unwrap().len(), 1, "{r}");
    assert_eq!(r["total"], kinds[0]["count"]);
    // Each facet link of the page finds as many records as it counts.
    let page = c.get("/search?q=").await;
    let all = c.get("/api/v1/search?q=").await.json();
    for (dim, values) in all["facets"].as_object().unwrap() {
        let param = if dim == "lang" {
            "language"
        } else {
            dim.as_str()
        };
        for v in values.as_array().unwrap() {
            let value = v["value"].as_str().unwrap();
            let query: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair(param, value)
                .finish();
            assert!(
                page.body
                    .contains(&format!("href=\"/search?{}\"", query.replace('&', "&#38;"))),
                "a link for {dim}={value}"
            );
            let r = c.get(&format!("/api/v1/search?{query}")).await.json();
            if dim == "tag" {
                // Tags also match as analyzed words (`jardins` finds
                // `jardin`), as `tag:` in a query does.
                assert!(
                    r["total"].as_u64() >= v["count"].as_u64(),
                    "{dim}={value}: {r}"
                );
            } else {
                assert_eq!(r["total"], v["count"], "{dim}={value}: {r}");
            }
        }
    }
    // A bad value is the query language's error, in both languages.
    let bad = c.get("/search?kind=voiture").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("voiture"), "{}", bad.body);
    Ok(())
}
