//! `/alternatives` and `/api/v1/alternatives`: the free software replacing
//! a proprietary product, found whatever way its name is written, ranked
//! by users; the record page's links to it; the publiccode.yml export.

use crate::util::Server;

fn software(
    id: &str,
    title: &str,
    license: &str,
    replaces: &[&str],
    users: &[&str],
) -> (&'static str, String) {
    let replaces: Vec<String> = replaces.iter().map(|r| format!("{r:?}")).collect();
    let users: Vec<String> = users
        .iter()
        .map(|u| format!("{{ name = {u:?} }}"))
        .collect();
    (
        "software",
        format!(
            "id = \"{id}\"\nkind = \"software\"\ntitle = \"{title}\"\nlicense = \"{license}\"\nsummary = \"La suite {title}.\"\n\n[software]\nrepository = \"https://example.org/{id}\"\nplatforms = [\"linux\"]\nreplaces = [{}]\nused_by = [{}]\n",
            replaces.join(", "),
            users.join(", ")
        ),
    )
}

async fn server() -> Server {
    Server::start_with_catalogue(
        cdl_web::WebConfig::default(),
        vec![
            software(
                "collabora",
                "Collabora Online",
                "MPL-2.0",
                &["MS Office"],
                &[],
            ),
            software(
                "libreoffice",
                "LibreOffice",
                "MPL-2.0",
                &["Microsoft Office", "Microsoft Visio"],
                &["Ville de Paris", "Ville de Lyon", "Gendarmerie nationale"],
            ),
            software(
                "onlyoffice",
                "ONLYOFFICE",
                "AGPL-3.0-only",
                &["Microsoft Office 365"],
                &["Ville de Nantes"],
            ),
            software(
                "gimp",
                "GIMP",
                "GPL-3.0-or-later",
                &["Adobe Photoshop"],
                &["Ville de Paris"],
            ),
        ],
    )
    .await
}

#[tokio::test]
async fn every_spelling_of_office_finds_the_office_suites_most_used_first() {
    let s = server().await;
    let mut c = s.client();
    for name in [
        "ms%20office",
        "Microsoft%20Office%20365",
        "office%20365",
        "MICROSOFT%20OFFICE",
        "Ofice",
    ] {
        let r = c.get(&format!("/api/v1/alternatives?to={name}")).await;
        assert_eq!(r.status, 200, "{name}: {}", r.body);
        let v = r.json();
        let ids: Vec<&str> = v["alternatives"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["libreoffice", "onlyoffice", "collabora"], "{name}");
        assert_eq!(v["alternatives"][0]["users"].as_array().unwrap().len(), 3);
        assert_eq!(
            v["alternatives"][0]["replaces"],
            serde_json::json!(["Microsoft Office"])
        );
        assert_eq!(v["alternatives"][0]["url"], "/records/software/libreoffice");
    }
    let r = c.get("/api/v1/alternatives?to=photoshop").await;
    let ids: Vec<String> = r.json()["alternatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["gimp"]);
    let r = c.get("/api/v1/alternatives?to=Autocad").await;
    assert_eq!(r.json()["alternatives"], serde_json::json!([]));
}

#[tokio::test]
async fn a_missing_or_overlong_name_is_a_problem() {
    let s = server().await;
    let mut c = s.client();
    let r = c.get("/api/v1/alternatives").await;
    assert_eq!(r.status, 400);
    assert!(
        r.header("content-type")
            .starts_with("application/problem+json"),
        "{}",
        r.header("content-type")
    );
    let r = c.get("/api/v1/alternatives?to=").await;
    assert_eq!(r.status, 400);
    // Spaces only: a valid name that names nothing.
    let r = c.get("/api/v1/alternatives?to=%20%20").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["alternatives"], serde_json::json!([]));
    let long = "é".repeat(200);
    assert_eq!(
        c.get(&format!("/api/v1/alternatives?to={long}"))
            .await
            .status,
        200
    );
    let long = "a".repeat(201);
    let r = c.get(&format!("/api/v1/alternatives?to={long}")).await;
    assert_eq!(r.status, 400);
    let r = c.get(&format!("/alternatives?to={long}")).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn the_page_lists_them_in_french_and_the_record_page_links_to_it() {
    let s = server().await;
    let mut c = s.client();
    let home = c.get("/").await;
    assert!(
        home.body
            .contains("<a href=\"/alternatives\">Avant d’acheter un logiciel"),
        "{}",
        home.body
    );
    let r = c.get("/alternatives").await;
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("<label for=\"to\">Logiciel à remplacer</label>"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("<ol class=\"hits\">"));
    let r = c.get("/alternatives?to=ms+office").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("<html lang=\"fr\""), "{}", r.body);
    assert!(
        r.body
            .contains("Des logiciels libres à la place de « ms office »")
    );
    let libre = r.body.find("/records/software/libreoffice").unwrap();
    let only = r.body.find("/records/software/onlyoffice").unwrap();
    assert!(libre < only);
    assert!(
        r.body.contains("Utilisé par (déclaré, non vérifié) (3)"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Aucun utilisateur connu."));
    let en = s.client().get("/alternatives?to=ms+office&lang=en").await;
    assert!(
        en.body.contains("Free software instead of “ms office”"),
        "{}",
        en.body
    );
    let none = c.get("/alternatives?to=Autocad").await;
    assert!(
        none.body
            .contains("Aucun logiciel libre certifié du catalogue")
    );

    let record = c.get("/records/software/libreoffice").await;
    assert!(record.body.contains("Ce qu’il remplace"), "{}", record.body);
    assert!(
        record
            .body
            .contains("<a href=\"/alternatives?to=Microsoft+Office\">Microsoft Office</a>"),
        "{}",
        record.body
    );
    assert!(
        record
            .body
            .contains("/records/software/libreoffice/publiccode.yml")
    );
}

#[tokio::test]
async fn the_publiccode_export_imports_back_to_the_same_record() {
    let s = server().await;
    let mut c = s.client();
    let r = c.get("/records/software/libreoffice/publiccode.yml").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("application/yaml"));
    let (code, _) = cdl_interop::publiccode::parse(r.body.as_bytes(), None)
        .unwrap_or_else(|e| panic!("{e}\n{}", r.body));
    assert_eq!(code.name, "LibreOffice");
    assert_eq!(code.license, "MPL-2.0");
    assert_eq!(
        code.used_by,
        ["Ville de Paris", "Ville de Lyon", "Gendarmerie nationale"]
    );
    assert_eq!(code.url, "https://example.org/libreoffice");
    assert_eq!(
        c.get("/records/software/nope/publiccode.yml").await.status,
        404
    );
    assert_eq!(
        c.get("/records/software/NOT%20AN%20ID/publiccode.yml")
            .await
            .status,
        404
    );
}
