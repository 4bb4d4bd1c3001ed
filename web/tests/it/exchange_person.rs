//! One person followed through everything a farmer can do on the web
//! front (book, cancel, give a lot with and without their name, export,
//! read their report, erase their account), and every public channel and
//! every object of the Git repository searched for their details
//! afterwards.

use std::process::Command;

use crate::util::{Client, Result, Server, form_token};

const TOMATO: &str = "seed-lot/tomate-coeur-de-boeuf-2025";
const LEVAIN: &str = "ferment-lot/levain-seigle-belleville";

/// A farmer registered in the server's store: their password.
async fn register(store: &cdl_exchange::Store, name: &str, email: &str, contract: &str) -> String {
    store
        .add_farmer(name, email, contract, "test")
        .await
        .unwrap()
        .1
}

async fn login(c: &mut Client, email: &str, password: &str) {
    let csrf = form_token(&c.get("/echange/connexion").await.body);
    let r = c
        .post_form(
            "/echange/connexion",
            &[("csrf", &csrf), ("email", email), ("password", password)],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
}

/// Gives a seed lot of the variety `variety` by the form; the proposal's id.
async fn give(c: &mut Client, variety: &str, show_name: bool) -> String {
    let page = c.get("/echange/donner/seed-lot").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = form_token(&page.body);
    let licence = cdl_licenses::choices(cdl_records::Kind::SeedLot)[0].id;
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("seed-lot.common_name", "Haricot"),
        ("seed-lot.species", "Phaseolus vulgaris"),
        ("seed-lot.variety", variety),
        ("seed-lot.harvest_year", "2025"),
        ("seed-lot.quantity", "40"),
        ("seed-lot.unit", "seeds"),
        ("seed-lot.parent_lot", ""),
        ("license", licence),
        ("description", "Récoltées au jardin."),
    ];
    if show_name {
        form.push(("show_name", "oui"));
    }
    let r = c.post_form("/echange/donner/seed-lot", &form).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("location");
    assert!(location.ends_with("?new=1"), "{location}");
    location
        .trim_start_matches("/proposals/")
        .trim_end_matches("?new=1")
        .to_owned()
}

/// Every object of the repository (blobs, trees, commits, tags of every
/// ref, proposals and mirrors included), as stock git prints them.
fn git_objects(server: &Server) -> String {
    let out = Command::new("git")
        .arg("--git-dir")
        .arg(&server.git_dir)
        .args(["cat-file", "--batch-all-objects", "--batch"])
        .output()
        .expect("git runs");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every public channel's answer, joined (the gzip dumps decompressed).
async fn public_channels(server: &Server, records: &[String], proposals: &[String]) -> String {
    let mut visitor = server.client();
    let mut paths: Vec<String> = [
        "/",
        "/search?q=",
        "/search?q=haricot",
        "/echange",
        "/feed.atom",
        "/sitemap.xml",
        "/api/v1/exchange/sessions",
        "/api/v1/exchange/lots",
        "/api/v1/search?q=haricot",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/catalog.ttl",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    paths.push(format!("/records/{TOMATO}"));
    paths.push(format!("/records/{LEVAIN}"));
    for p in proposals {
        paths.push(format!("/proposals/{p}"));
        paths.push(format!("/api/v1/proposals/{p}"));
    }
    for r in records {
        paths.push(format!("/records/{r}"));
        paths.push(format!("/api/v1/records/{r}"));
    }
    let mut all = String::new();
    for path in &paths {
        let r = visitor.get(path).await;
        assert!(r.status < 400, "{path}: {}", r.status);
        all.push_str(&r.body);
    }
    for dump in ["/dumps/catalogue.json.gz", "/dumps/catalogue.csv.gz"] {
        let bytes = visitor
            .http
            .get(server.url(dump))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
            .unwrap();
        all.push_str(&text);
    }
    all
}

/// Merges proposal `id` as a curator; the record's `kind/id`.
async fn merge(c: &mut Client, id: &str) -> String {
    let page = c.get(&format!("/review/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = form_token(&page.body);
    let r = c
        .post_form(&format!("/review/{id}/merge"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let proposal = c.get(&format!("/api/v1/proposals/{id}")).await.json();
    assert_eq!(proposal["status"], "merged", "{proposal}");
    proposal["records"][0].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_farmer_leaves_no_detail_in_git_or_on_a_public_channel() -> Result {
    let server = Server::start().await;
    let store =
        cdl_exchange::Store::open(None, &server.git_dir.join(cdl_exchange::DEFAULT_FILE)).await?;
    let password = register(
        &store,
        "Jeanne Martin",
        "jeanne.martin@example.org",
        "CT-2026-0042",
    )
    .await;
    let shown = register(
        &store,
        "Paul Durand",
        "paul.durand@example.org",
        "CT-2026-0077",
    )
    .await;
    let session = store
        .add_session("Halle Pajol", cdl_exchange::now() + 86_400, 10)
        .await?;
    let mut f = server.client();
    login(&mut f, "jeanne.martin@example.org", &password).await;

    // Book two lots, cancel one.
    let csrf = form_token(&f.get("/echange").await.body);
    for lot in [TOMATO, LEVAIN] {
        let r = f
            .post_form(
                "/echange/reserver",
                &[
                    ("csrf", &csrf),
                    ("session", &session.to_string()),
                    (&format!("lot:{lot}"), "2"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "{}", r.body);
    }
    let farmer = store.farmer_id("jeanne.martin@example.org").await?;
    let first = store.bookings_of(farmer).await?[0].id;
    let csrf = form_token(&f.get("/echange/reservations").await.body);
    let r = f
        .post_form(
            &format!("/echange/reservations/{first}/annuler"),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(r.status < 400, "{}", r.body);

    // Give a lot: the name is not shown unless the box is ticked.
    let page = f.get("/echange/donner/seed-lot").await;
    assert!(page.body.contains("name=\"show_name\" value=\"oui\""));
    assert!(
        !page
            .body
            .contains("value=\"oui\" aria-describedby=\"f-show-name-hint\" checked")
    );
    assert!(
        !page.body.contains("name=\"license_other\""),
        "licences from the list only"
    );
    let hidden = give(&mut f, "Coco de Paimpol", false).await;
    let proposal = f.get(&format!("/proposals/{hidden}")).await;
    assert_eq!(proposal.status, 200);
    assert!(!proposal.body.contains("Jeanne") && !proposal.body.contains("Martin"));

    // A second farmer gives one under their name.
    let mut p = server.client();
    login(&mut p, "paul.durand@example.org", &shown).await;
    let named = give(&mut p, "Lingot du Nord", true).await;

    // A curator merges both.
    let mut c = server.client();
    let curator = server.add_curator("ann");
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/login",
            &[("csrf", &csrf), ("name", "ann"), ("password", &curator)],
        )
        .await;
    assert_eq!(r.status, 303);
    let hidden_record = merge(&mut c, &hidden).await;
    let named_record = merge(&mut c, &named).await;
    assert_eq!(
        hidden_record,
        "seed-lot/haricot-coco-de-paimpol-recolte-2025"
    );
    let record = c
        .get(&format!("/api/v1/records/{named_record}"))
        .await
        .json();
    let text = record.to_string();
    assert!(
        text.contains("Paul Durand") && text.contains("grower"),
        "{text}"
    );

    // Jeanne exports her data, reads her report, then erases her account.
    let csrf = form_token(&f.get("/echange/compte").await.body);
    let export = f
        .post_form("/echange/compte/donnees", &[("csrf", &csrf)])
        .await;
    assert_eq!(export.status, 200);
    assert_eq!(export.header("cache-control"), "no-store");
    assert!(
        export
            .header("content-disposition")
            .starts_with("attachment")
    );
    let data = export.json();
    assert_eq!(
        data["farmer"]["email"], "jeanne.martin@example.org",
        "{data}"
    );
    let report = f
        .post_form(
            "/echange/compte/rapport",
            &[("csrf", &csrf), ("year", "1999")],
        )
        .await;
    assert_eq!(report.status, 400);
    assert!(report.body.contains("entre 2000 et l’année en cours"));
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs()
        / 86_400;
    let year = cdl_records::values::Date::from_unix_days(i64::try_from(days)?)
        .unwrap()
        .year()
        .to_string();
    let report = f
        .post_form(
            "/echange/compte/rapport",
            &[("csrf", &csrf), ("year", &year)],
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert!(report.header("content-type").starts_with("text/plain"));
    assert!(report.body.contains("Jeanne Martin") && report.body.contains("vous-même"));
    // The export and the report are in the audit log, as hers.
    let audit = store.export(farmer, "test", "test").await?.audit;
    assert!(
        audit
            .iter()
            .filter(|a| a.actor == cdl_exchange::FARMER_ACTOR)
            .count()
            >= 2
    );
    let r = f
        .post_form("/echange/compte/effacer", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 400, "the box must be ticked");
    assert!(store.farmer_id("jeanne.martin@example.org").await.is_ok());
    let r = f
        .post_form(
            "/echange/compte/effacer",
            &[("csrf", &csrf), ("confirm", "oui")],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("sont effacés"));
    assert!(store.farmer_id("jeanne.martin@example.org").await.is_err());
    // Her session ended with her; her bookings stay counted.
    assert_eq!(f.get("/echange/compte").await.status, 303);
    let lots = f.get("/api/v1/exchange/lots").await.json().to_string();
    assert!(!lots.contains("Jeanne"));

    // Nowhere: not in Git, not on any public channel.
    let git = git_objects(&server);
    let public = public_channels(
        &server,
        &[hidden_record, named_record.clone()],
        &[hidden, named],
    )
    .await;
    for (what, text) in [("git", &git), ("public", &public)] {
        for detail in [
            "Jeanne",
            "Martin",
            "jeanne.martin",
            "CT-2026-0042",
            "paul.durand",
            "CT-2026-0077",
        ] {
            assert!(!text.contains(detail), "{detail} in {what}");
        }
    }
    // Paul's name, chosen, is on his lot only.
    assert!(git.contains("Paul Durand") && public.contains("Paul Durand"));
    let other = c.get(&format!("/records/{TOMATO}")).await.body;
    assert!(!other.contains("Paul Durand"));
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gift_is_checked_like_a_proposal_and_never_replaces_a_record() -> Result {
    let server = Server::start().await;
    let store =
        cdl_exchange::Store::open(None, &server.git_dir.join(cdl_exchange::DEFAULT_FILE)).await?;
    let password = register(&store, "Jeanne Martin", "jeanne.martin@example.org", "CT-1").await;
    let mut visitor = server.client();
    let r = visitor.get("/echange/donner/seed-lot").await;
    assert_eq!(r.status, 303, "farmers only");
    assert_eq!(r.header("location"), "/echange/connexion");
    let mut f = server.client();
    login(&mut f, "jeanne.martin@example.org", &password).await;
    let choose = f.get("/echange/donner").await;
    assert!(choose.body.contains("href=\"/echange/donner/seed-lot\""));
    assert!(choose.body.contains("href=\"/echange/donner/ferment-lot\""));
    assert_eq!(f.get("/echange/donner/software").await.status, 404);
    // The parent lot is chosen among the catalogue's lots of the kind.
    let page = f.get("/echange/donner/seed-lot").await;
    assert!(
        page.body
            .contains("<option value=\"tomate-coeur-de-boeuf-2025\">"),
        "{}",
        page.body
    );
    assert!(
        !page
            .body
            .contains("<option value=\"levain-seigle-belleville\">")
    );
    // Every problem at once, in French: no species, a harvest to come, a
    // licence that is not one of the seed commons ones (sent by hand).
    let csrf = form_token(&page.body);
    let r = f
        .post_form(
            "/echange/donner/seed-lot",
            &[
                ("csrf", &csrf),
                ("seed-lot.common_name", "Tomate"),
                ("seed-lot.harvest_year", "2099"),
                ("seed-lot.quantity", "10"),
                ("seed-lot.unit", "seeds"),
                ("license", "MIT"),
                ("license_other", "CC0-1.0"),
            ],
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("<title>Erreur : 3 problèmes"), "{}", r.body);
    assert!(r.body.contains("href=\"#f-seed-lot-species\""));
    assert!(r.body.contains("href=\"#f-seed-lot-harvest_year\""));
    assert!(r.body.contains("href=\"#f-license\""));
    assert!(r.body.contains("value=\"Tomate\""), "the form is kept");
    // The title of an existing lot makes a new id, never a replacement.
    let licence = cdl_licenses::choices(cdl_records::Kind::SeedLot)[0].id;
    let lot = |title: &'static str| {
        vec![
            ("seed-lot.species", "Solanum lycopersicum"),
            ("seed-lot.harvest_year", "2025"),
            ("seed-lot.quantity", "10"),
            ("seed-lot.unit", "seeds"),
            ("seed-lot.parent_lot", "tomate-coeur-de-boeuf-2025"),
            ("license", licence),
            ("title", title),
        ]
    };
    let mut ids = Vec::new();
    for title in [
        "Tomate cœur de bœuf, récolte 2025",
        "Tomate cœur de bœuf, récolte 2025",
        "Tomate cœur de bœuf 2025",
    ] {
        let csrf = form_token(&f.get("/echange/donner/seed-lot").await.body);
        let mut form = lot(title);
        form.push(("csrf", &csrf));
        let r = f.post_form("/echange/donner/seed-lot", &form).await;
        assert_eq!(r.status, 303, "{}", r.body);
        let id = r
            .header("location")
            .trim_start_matches("/proposals/")
            .trim_end_matches("?new=1")
            .to_owned();
        let proposal = f.get(&format!("/api/v1/proposals/{id}")).await.json();
        let entry = &proposal["report"]["entries"][0];
        assert_eq!(entry["change"], "added", "{proposal}");
        ids.push(entry["key"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        ids,
        [
            "tomate-coeur-de-boeuf-recolte-2025",
            "tomate-coeur-de-boeuf-recolte-2025-2",
            "tomate-coeur-de-boeuf-2025-2",
        ],
        "a gift takes neither an open proposal's id nor a record's"
    );
    Ok(())
}
