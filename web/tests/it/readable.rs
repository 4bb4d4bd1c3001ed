//! Pages a person reads (issue 9): record pages in plain French, the
//! certificate per licence family, `lang` on text in another language, the
//! legal pages, and the vocabulary the pages take their labels from.

use crate::util::{Result, Server, catalogue};

/// A demo sample's text, by its file name (`software/asqatasun.toml`).
fn sample(name: &str) -> String {
    cdl_web::demo::SAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| (*text).to_owned())
        .unwrap_or_else(|| panic!("no sample {name}"))
}

const PAINTING: &str = "cultural-work/cleveland-1335-1917-view-of-schroon-mountain-essex-county-new-york-after-a-storm.toml";
const PAINTING_PAGE: &str = "/records/cultural-work/cleveland-1335-1917-view-of-schroon-mountain-essex-county-new-york-after-a-storm";

/// A work whose title is in English, marked with `title_lang`.
const ENGLISH_TITLE: &str = r#"id = "summer"
kind = "cultural-work"
title = "Summer"
title_lang = "en"
license = "CC0-1.0"
summary = "Peinture de Frederic Leighton."
description = """
Premier paragraphe,
sur deux lignes.

Second paragraphe."""

[translations.en]
summary = "A painting by Frederic Leighton."

[cultural-work]
form = "painting"
"#;

/// The test catalogue plus real demo samples and an English title.
async fn server() -> Server {
    let mut records = catalogue();
    records.push(("software", sample("software/asqatasun.toml")));
    records.push(("cultural-work", sample(PAINTING)));
    records.push(("seed-lot", sample("seed-lot/semences-ail-2025.toml")));
    records.push(("cultural-work", ENGLISH_TITLE.to_owned()));
    Server::start_with_catalogue(cdl_web::WebConfig::default(), records).await
}

/// The visible text of a page's main part: tags removed, entities of
/// quotes decoded.
fn text(html: &str) -> String {
    let html = html.split("<main").nth(1).unwrap_or(html);
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#x27;", "'").replace("&#39;", "'")
}

/// Whether `word` appears in `text` as a whole word.
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|w| w == word)
}

#[tokio::test]
async fn french_record_pages_show_values_in_french() -> Result {
    let server = server().await;
    let mut c = server.client();
    let seeds = text(
        &c.get("/records/seed-lot/tomate-coeur-de-boeuf-2025")
            .await
            .body,
    );
    assert!(seeds.contains("30 sachets"), "{seeds}");
    assert!(seeds.contains("Autogame"));
    for english in ["self-pollinated", "packets"] {
        assert!(!has_word(&seeds, english), "{english} on {seeds}");
    }
    let ferment = text(
        &c.get("/records/ferment-lot/levain-seigle-belleville")
            .await
            .body,
    );
    assert!(ferment.contains("10 portions") && ferment.contains("Vivant (à nourrir)"));
    assert!(!has_word(&ferment, "active"), "{ferment}");
    let painting = text(&c.get(PAINTING_PAGE).await.body);
    for english in [
        "painting",
        "waived",
        "oil on canvas",
        "born",
        "died",
        "role",
        "media_type",
        "license",
        "rel",
    ] {
        assert!(!has_word(&painting, english), "{english} on {painting}");
    }
    for french in [
        "peinture",
        "Droits abandonnés",
        "huile sur toile",
        "Rôle",
        "artiste",
        "Année de naissance",
        "1801",
        "Année de décès",
        "image JPEG",
    ] {
        assert!(
            painting.contains(french),
            "{french} missing from {painting}"
        );
    }
    let lutece = c.get("/records/software/lutece").await.body;
    assert!(
        lutece.contains("Site officiel (lutece.paris.fr)"),
        "a link says what it is, not (rel : homepage): {lutece}"
    );
    Ok(())
}

#[tokio::test]
async fn a_seed_lot_reads_species_variety_quantity_year_reproduction_in_order() -> Result {
    let server = server().await;
    let mut c = server.client();
    let page = c
        .get("/records/seed-lot/tomate-coeur-de-boeuf-2025")
        .await
        .body;
    let at = |label: &str| {
        page.find(&format!("<dt>{label}</dt>"))
            .unwrap_or_else(|| panic!("no {label} in {page}"))
    };
    let order = [
        at("Espèce"),
        at("Variété"),
        at("Quantité"),
        at("Année de récolte"),
        at("Reproduction"),
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(page.contains("<h2 id=\"plante\">La plante</h2>"));
    assert!(
        page.contains("<span lang=\"la\">Solanum lycopersicum</span>"),
        "a scientific name is Latin"
    );
    let garlic = text(&c.get("/records/seed-lot/semences-ail-2025").await.body);
    let (exchange, lineage) = (
        garlic.find("Point d’échange").unwrap(),
        garlic.find("Origine").unwrap(),
    );
    assert!(garlic.find("Taux de germination").unwrap() < exchange && exchange < lineage);
    Ok(())
}

#[tokio::test]
async fn dates_in_words_and_description_paragraphs() -> Result {
    let server = server().await;
    let mut c = server.client();
    let garlic = c.get("/records/seed-lot/semences-ail-2025").await.body;
    assert!(garlic.contains("24 février 2026"), "{garlic}");
    assert!(!garlic.contains("2026-02-24</"), "no ISO date as text");
    assert!(garlic.contains("86\u{a0}%"));
    let en = c
        .get("/records/seed-lot/semences-ail-2025?lang=en")
        .await
        .body;
    assert!(en.contains("24 February 2026"));
    let summer = c.get("/records/cultural-work/summer").await.body;
    assert!(
        summer
            .contains("<p>Premier paragraphe,<br>sur deux lignes.</p>\n<p>Second paragraphe.</p>"),
        "{summer}"
    );
    let asqatasun = c.get("/records/software/asqatasun").await.body;
    assert!(
        asqatasun.contains(
            "Services publics en ligne qui l&#x27;utilisent (SILL, 2022) :<br>- Asqatasun"
        ) || asqatasun.contains(
            "Services publics en ligne qui l&#39;utilisent (SILL, 2022) :<br>- Asqatasun"
        ),
        "single line breaks kept: {asqatasun}"
    );
    Ok(())
}

#[tokio::test]
async fn wikidata_and_software_users_are_shown_as_links() -> Result {
    let server = server().await;
    let mut c = server.client();
    let page = c.get("/records/software/asqatasun").await.body;
    assert!(
        page.contains("href=\"https://www.wikidata.org/wiki/Q24026504\""),
        "{page}"
    );
    assert!(page.contains("<dt>Utilisé par</dt>"), "{page}");
    assert!(page.contains("<a href=\"https://adullact.org\">ADULLACT</a>"));
    assert!(page.contains("Université de Lorraine"));
    Ok(())
}

#[tokio::test]
async fn a_work_links_to_its_image_instead_of_printing_its_address() -> Result {
    let server = server().await;
    let mut c = server.client();
    let page = c.get(PAINTING_PAGE).await.body;
    let image = "https://openaccess-cdn.clevelandart.org/1335.1917/1335.1917_web.jpg";
    assert!(
        page.contains(&format!(
            "<a href=\"{image}\">Voir l’image (Cleveland Museum of Art)</a>"
        )),
        "{page}"
    );
    assert!(
        !text(&page).contains(image),
        "the address is not shown as text"
    );
    assert!(
        !page.contains("<img"),
        "the page loads no image from elsewhere"
    );
    Ok(())
}

#[tokio::test]
async fn translations_are_shown_on_the_english_page_never_as_a_row() -> Result {
    let server = server().await;
    let mut c = server.client();
    let fr = c.get(PAINTING_PAGE).await.body;
    assert!(
        !fr.contains("<dt>Traductions") && !fr.contains("en : summary"),
        "{fr}"
    );
    assert!(fr.contains("lang=\"en\" hreflang=\"en\">Read this record in English</a>"));
    let en = c.get(&format!("{PAINTING_PAGE}?lang=en")).await.body;
    assert!(!en.contains("Translations"), "{en}");
    assert!(en.contains(
        "<strong>View of Schroon Mountain, Essex County, New York, After a Storm, 1838. Thomas Cole"
    ));
    let summer = c.get("/records/cultural-work/summer?lang=en").await.body;
    assert!(summer.contains("<strong>A painting by Frederic Leighton.</strong>"));
    assert!(
        summer.contains("<div class=\"description\" data-own lang=\"fr\">"),
        "a description not translated stays marked French: {summer}"
    );
    Ok(())
}

#[tokio::test]
async fn titles_in_another_language_carry_their_lang() -> Result {
    let server = server().await;
    let mut c = server.client();
    let fr = c.get("/records/cultural-work/summer").await.body;
    assert!(fr.contains("<h1 lang=\"en\">Summer</h1>"), "{fr}");
    assert!(
        fr.contains("<span lang=\"en\">Summer</span>"),
        "the credit line too"
    );
    let en = c.get("/records/cultural-work/summer?lang=en").await.body;
    assert!(en.contains("<h1>Summer</h1>"), "{en}");
    assert!(
        en.contains("<p class=\"summary\" data-own><strong>A painting"),
        "the English summary is the page's language"
    );
    let painting = c.get(&format!("{PAINTING_PAGE}?lang=fr")).await.body;
    assert!(
        painting.contains("<h1 lang=\"en\">View of Schroon Mountain"),
        "a title equal to its English translation is English"
    );
    let french_title = c.get("/records/software/lutece?lang=en").await.body;
    assert!(
        french_title.contains("<h1 lang=\"fr\">Lutèce</h1>"),
        "{french_title}"
    );
    let home = c.get("/?lang=fr").await.body;
    assert!(
        home.contains("href=\"/records/cultural-work/summer\" lang=\"en\">Summer</a>"),
        "{home}"
    );
    Ok(())
}

/// The "what you must do" of a record's certificate.
async fn must(c: &mut crate::util::Client, path: &str) -> String {
    let page = c.get(path).await.body;
    let start = page
        .find("<dl class=\"terms\">")
        .unwrap_or_else(|| panic!("no terms on {path}: {page}"));
    let end = start + page[start..].find("</dl>").unwrap();
    assert!(page.contains("<h3>Comment créditer</h3>"), "{path}");
    page[start..end].to_owned()
}

#[tokio::test]
async fn the_certificate_says_what_each_licence_family_asks() -> Result {
    let server = server().await;
    let mut c = server.client();
    let cc0 = must(&mut c, "/records/cultural-work/nympheas").await;
    let by_sa = must(&mut c, "/records/method/compost-collectif").await;
    let agpl = must(&mut c, "/records/software/asqatasun").await;
    let seeds = must(&mut c, "/records/seed-lot/tomate-coeur-de-boeuf-2025").await;
    let all = [&cc0, &by_sa, &agpl, &seeds];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert!(cc0.contains("Rien"), "{cc0}");
    assert!(
        by_sa.contains("même licence") && by_sa.contains("Créditer"),
        "{by_sa}"
    );
    assert!(
        agpl.contains("code source") && agpl.contains("même licence"),
        "{agpl}"
    );
    assert!(
        seeds.contains("brevet") && seeds.contains("descendants"),
        "{seeds}"
    );
    let page = c.get("/records/method/compost-collectif").await.body;
    assert!(
        page.contains("<strong lang=\"en\">Creative Commons Attribution Share Alike 4.0 International</strong> <small class=\"id\">CC-BY-SA-4.0</small> (<a href=\"https://spdx.org/licenses/CC-BY-SA-4.0.html\">texte de la licence</a>)"),
        "{page}"
    );
    assert!(page.contains(&format!(
        "<p class=\"credit\">«\u{a0}<span>Compostage collectif en pied d&#x27;immeuble</span>\u{a0}», <span lang=\"en\">Creative Commons Attribution Share Alike 4.0 International</span>, {}",
        server.url("/records/method/compost-collectif")
    )) || page.contains("<p class=\"credit\">«\u{a0}<span>Compostage collectif en pied d&#39;immeuble</span>"), "{page}");
    let seed_page = c
        .get("/records/seed-lot/tomate-coeur-de-boeuf-2025")
        .await
        .body;
    assert!(seed_page.contains("href=\"https://osseeds.org/pledge-a-variety-to-ossi/\""));
    Ok(())
}

#[tokio::test]
async fn reasons_use_plain_words_not_internal_codes() -> Result {
    let server = server().await;
    let mut c = server.client();
    for path in [
        "/records/cultural-work/nympheas",
        "/records/method/compost-collectif",
        "/records/dataset/arbres-remarquables",
        "/records/cultural-work/nympheas?lang=en",
    ] {
        let page = c.get(path).await.body;
        for code in [
            "(public-domain)",
            "(creative-commons-by-sa)",
            "(open-data-share-alike)",
        ] {
            assert!(!page.contains(code), "{code} on {path}");
        }
        assert!(page.contains("<h3>Pourquoi</h3>") || page.contains("<h3>Why</h3>"));
    }
    Ok(())
}

#[tokio::test]
async fn legal_pages_exist_and_every_footer_links_them() -> Result {
    let config = cdl_web::WebConfig {
        operator: cdl_web::config::Operator {
            publisher: "Mairie du test".to_owned(),
            contact: "accessibilite@test.example".to_owned(),
            ..cdl_web::config::Operator::default()
        },
        ..cdl_web::WebConfig::default()
    };
    let server = Server::start_with(config).await;
    let mut c = server.client();
    let pages = [
        (
            "/accessibilite",
            "Déclaration d’accessibilité",
            "Accessibility statement",
        ),
        ("/mentions-legales", "Mentions légales", "Legal notice"),
        (
            "/donnees-personnelles",
            "Données personnelles",
            "Personal data",
        ),
    ];
    for (path, fr, en) in pages {
        let r = c.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.body.contains(&format!("<h1>{fr}</h1>")),
            "{path}: {}",
            r.body
        );
        assert!(r.body.contains("<html lang=\"fr\">"));
        let r = c.get(&format!("{path}?lang=en")).await;
        assert!(r.body.contains(&format!("<h1>{en}</h1>")), "{path}");
        c.get("/?lang=fr").await;
    }
    let a11y = c.get("/accessibilite").await.body;
    for needed in [
        "non conforme",
        "Pages testées",
        "Défenseur des droits",
        "Libre réponse 71120",
        "Mairie du test",
        "href=\"mailto:accessibilite@test.example\"",
    ] {
        assert!(a11y.contains(needed), "{needed}");
    }
    let data = c.get("/donnees-personnelles").await.body;
    for needed in [
        "cookie",
        "CSRF",
        "adresse IP",
        "120 minutes",
        "CNIL",
        "pseudonyme",
    ] {
        assert!(data.contains(needed), "{needed}");
    }
    for path in [
        "/",
        "/records/software/lutece",
        "/search?q=tomate",
        "/nowhere",
        "/policy",
    ] {
        let page = c.get(path).await.body;
        for (href, _, _) in pages {
            assert!(
                page.contains(&format!("<a href=\"{href}\">")),
                "{path} footer links {href}"
            );
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_vocabulary_is_served_as_json_and_described() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/api/v1/vocabulary").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("application/json"));
    let v = r.json();
    let fields = v["fields"].as_array().unwrap();
    assert_eq!(fields.len(), cdl_records::vocabulary::FIELDS.len());
    let year = fields
        .iter()
        .find(|f| f["path"] == "seed-lot.harvest_year")
        .unwrap();
    assert_eq!(year["fr"], "Année de récolte");
    assert_eq!(year["en"], "Harvest year");
    assert!(fields.iter().any(|f| f["help"]["fr"].is_string()));
    let values = v["values"].as_array().unwrap();
    assert_eq!(values.len(), cdl_records::vocabulary::VALUES.len());
    assert!(values.iter().any(|x| x["field"] == "seed-lot.reproduction"
        && x["value"] == "self-pollinated"
        && x["fr"] == "Autogame"
        && x["en"] == "Self-pollinated"));
    let openapi = c.get("/api/v1/openapi.json").await.json();
    assert!(openapi["paths"]["/vocabulary"]["get"].is_object());
    Ok(())
}
