//! Proposing: the form per kind with errors next to fields, preview,
//! upload, the status page, and the API.

use crate::util::{Result, Server};

#[tokio::test]
async fn an_empty_form_shows_every_error_with_a_summary() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/propose/seed-lot",
            &[("csrf", &csrf), ("action", "preview")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("class=\"error-summary\" id=\"erreurs\" role=\"alert\"")
    );
    for field in [
        "f-id",
        "f-title",
        "f-license",
        "f-seed-lot-species",
        "f-seed-lot-harvest_year",
        "f-seed-lot-quantity",
        "f-seed-lot-unit",
    ] {
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "summary links to {field}"
        );
        assert!(
            r.body.contains(&format!("id=\"{field}-error-1\"")),
            "error next to {field}"
        );
        assert!(
            r.body
                .contains(&format!("aria-describedby=\"{field}-error-1\""))
                || r.body.contains(&format!("{field}-hint {field}-error-1")),
            "{field} described by its error"
        );
    }
    assert!(r.body.contains("aria-invalid=\"true\""));
    Ok(())
}

#[tokio::test]
async fn format_and_licence_errors_land_on_their_fields() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/propose/cultural-work",
            &[
                ("csrf", &csrf),
                ("action", "preview"),
                ("id", "Mauvais Id"),
                ("title", "Une œuvre"),
                ("license", "CC0-1.0"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"f-id-error-1\""), "{}", r.body);
    assert!(r.body.contains("value=\"Mauvais Id\""), "values are kept");
    let r = c
        .post_form(
            "/propose/cultural-work",
            &[
                ("csrf", &csrf),
                ("action", "preview"),
                ("id", "une-oeuvre"),
                ("title", "Une œuvre"),
                ("license", "CC-BY-NC-4.0"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"f-license-error-1\""), "{}", r.body);
    assert!(r.body.contains("pas certifiée libre"));
    Ok(())
}

#[tokio::test]
async fn preview_then_submit_then_follow_the_proposal() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let csrf = c.csrf().await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("id", "radis-rond-2025"),
        ("title", "Radis rond rose à bout blanc"),
        ("license", "LicenseRef-OSSI-Pledge"),
        ("summary", "Des radis du jardin."),
        ("tags", "radis, potager"),
        ("seed-lot.species", "Raphanus sativus"),
        ("seed-lot.harvest_year", "2025"),
        ("seed-lot.quantity", "12,5"),
        ("seed-lot.unit", "grams"),
        ("author", "Jardinière du 20e"),
        ("message", "Récolte de juillet."),
    ];
    let mut preview = fields.to_vec();
    preview.push(("action", "preview"));
    let r = c.post_form("/propose/seed-lot", &preview).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Aperçu de la fiche"));
    assert!(r.body.contains("Certifiée libre"));
    let mut submit = fields.to_vec();
    submit.push(("action", "submit"));
    let r = c.post_form("/propose/seed-lot", &submit).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("location").to_owned();
    assert!(location.starts_with("/proposals/"), "{location}");
    let r = c.get(&location).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Merci"));
    assert!(r.body.contains("En attente d’examen"));
    assert!(r.body.contains("Jardinière du 20e"));
    assert!(r.body.contains("Fiche valide, licence certifiée libre."));
    let id = location
        .trim_start_matches("/proposals/")
        .split('?')
        .next()
        .unwrap();
    let api = c.get(&format!("/api/v1/proposals/{id}")).await.json();
    assert_eq!(api["status"], "open");
    assert_eq!(api["records"][0], "seed-lot/radis-rond-2025");
    Ok(())
}

#[tokio::test]
async fn upload_a_toml_record() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let csrf = c.csrf().await;
    let multipart = |file: &str| {
        let b = "----cdl-boundary";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"author\"\r\n\r\nalice\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.toml\"\r\nContent-Type: application/toml\r\n\r\n{file}\r\n--{b}--\r\n"
        );
        (
            format!("multipart/form-data; boundary={b}"),
            body.into_bytes(),
        )
    };
    let (ct, body) = multipart(
        "id = \"uploaded\"\nkind = \"method\"\ntitle = \"Méthode envoyée\"\nlicense = \"CC-BY-4.0\"\n",
    );
    let r = c.post_body("/propose/upload", &ct, body).await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (ct, body) = multipart("id = \"broken\"\nkind = \"method\"\ntitle = 3\n");
    let r = c.post_body("/propose/upload", &ct, body).await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("error-summary"));
    assert!(
        r.body.contains("ligne 3, colonne"),
        "errors are located: {}",
        r.body
    );
    // In the page's language: French here, no serde English.
    assert!(
        r.body.contains("il faut un texte entre guillemets"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("invalid type"), "{}", r.body);
    Ok(())
}

#[tokio::test]
async fn api_proposals_201_then_status() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let text = "id = \"api-record\"\nkind = \"dataset\"\ntitle = \"Jeu proposé par l'API\"\nlicense = \"etalab-2.0\"\n";
    let r = c
        .post_body(
            "/api/v1/proposals",
            "application/toml",
            text.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json();
    let id = v["id"].as_str().unwrap().to_owned();
    assert_eq!(v["status"], "open");
    assert!(v["report"]["entries"].is_array());
    assert_eq!(r.header("location"), format!("/api/v1/proposals/{id}"));
    let s = c.get(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(s.status, 200);
    assert_eq!(s.json()["status"], "open");
    let bad = "id = \"api-record\"\nkind = \"dataset\"\ntitle = \"x\"\nlicense = \"MIT\"\nsumary = \"typo\"\n";
    let r = c
        .post_body(
            "/api/v1/proposals",
            "application/toml",
            bad.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, 422);
    let errors = r.json()["errors"].clone();
    assert_eq!(errors[0]["code"], "unknown-field");
    assert_eq!(errors[0]["line"], 5);
    assert_eq!(c.get("/api/v1/proposals/0123456789ab").await.status, 404);
    Ok(())
}
