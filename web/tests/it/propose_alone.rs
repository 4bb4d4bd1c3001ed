//! Proposing without help (issue 9): forms derived from the format, the id
//! suggested from the title, the licence chosen by name, every error at
//! once in the page's language, rules a curator expects, a change to an
//! existing record said before it is sent and in the review, every field
//! in the preview, line ends, the public message, the proposal's page.

use crate::util::{Client, Resp, Result, Server};

/// The `<title>` of a page.
fn title(body: &str) -> &str {
    body.split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or("")
}

/// Words of serde, the TOML parser or the registry that a French page
/// must never show.
const ENGLISH: &[&str] = &[
    "invalid type",
    "expected",
    "is not a language tag",
    "the id contains",
    "unknown field",
    "did you mean",
    "a rejection needs a reason",
    "--reason",
];

fn no_english(r: &Resp) {
    for word in ENGLISH {
        assert!(!r.body.contains(word), "English “{word}” in:\n{}", r.body);
    }
}

async fn post(c: &mut Client, kind: &str, fields: &[(&str, &str)]) -> Resp {
    let csrf = c.csrf().await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    c.post_form(&format!("/propose/{kind}"), &form).await
}

async fn login_curator(server: &Server, c: &mut Client) {
    let password = server.add_curator("claire");
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/login",
            &[("csrf", &csrf), ("name", "claire"), ("password", &password)],
        )
        .await;
    assert_eq!(r.status, 303);
}

/// The proposal id of a `/proposals/{id}?new=1` redirect.
fn proposal_id(r: &Resp) -> String {
    assert_eq!(r.status, 303, "{}", r.body);
    r.header("location")
        .trim_start_matches("/proposals/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn one_submission_shows_every_error_at_once_in_french() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = post(
        &mut c,
        "seed-lot",
        &[
            ("action", "preview"),
            ("id", "Mauvais Id"),
            ("title", ""),
            ("license", "other"),
            ("license_other", "MIT"),
            ("languages", "fr, français"),
            ("seed-lot.species", "Solanum lycopersicum"),
            ("seed-lot.harvest_year", "2099"),
            ("seed-lot.quantity", "0"),
            ("seed-lot.unit", "packets"),
        ],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(title(&r.body).starts_with("Erreur"), "{}", title(&r.body));
    // Focus goes to the summary, without JavaScript.
    assert!(
        r.body.contains(
            "class=\"error-summary\" id=\"erreurs\" role=\"alert\" aria-labelledby=\"error-summary-title\" tabindex=\"-1\" autofocus"
        ),
        "{}",
        r.body
    );
    assert!(r.body.contains("action=\"/propose/seed-lot#erreurs\""));
    // An empty title no longer hides the bad id, the bad licence, the
    // future harvest, the zero quantity and the bad language.
    for field in [
        "f-title",
        "f-id",
        "f-license",
        "f-languages",
        "f-seed-lot-harvest_year",
        "f-seed-lot-quantity",
    ] {
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "{field} in the summary"
        );
        assert!(
            r.body.contains(&format!("id=\"{field}-error-1\"")),
            "{field}: error next to it"
        );
    }
    assert!(
        r.body
            .contains("L’année de récolte 2099 est après l’année en cours")
    );
    assert!(
        r.body
            .contains("La quantité 0 doit être un nombre plus grand que 0")
    );
    assert!(r.body.contains("« français » n’est pas un code de langue"));
    assert!(r.body.contains("L’identifiant contient"));
    // The licence is refused on the form, with the accepted choices.
    assert!(r.body.contains("pas certifiée libre"), "{}", r.body);
    assert!(r.body.contains("Licences acceptées pour ce type"));
    assert!(r.body.contains("Engagement des semences libres OSSI"));
    no_english(&r);
    Ok(())
}

#[tokio::test]
async fn type_errors_of_a_form_read_in_french() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = post(
        &mut c,
        "cultural-work",
        &[
            ("action", "preview"),
            ("title", "Une œuvre"),
            ("license", "CC0-1.0"),
            ("cultural-work.year", "mille huit cents"),
            ("homepage", "pas une adresse"),
        ],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"f-cultural-work-year-error-1\""));
    assert!(r.body.contains("n’est pas un nombre entier"), "{}", r.body);
    assert!(r.body.contains("id=\"f-homepage-error-1\""));
    assert!(r.body.contains("n’est pas une adresse web valide"));
    no_english(&r);
    Ok(())
}

#[tokio::test]
async fn a_germination_test_in_the_future_is_refused() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = post(
        &mut c,
        "seed-lot",
        &[
            ("action", "preview"),
            ("title", "Haricot"),
            ("license", "LicenseRef-OSSI-Pledge"),
            ("seed-lot.species", "Phaseolus vulgaris"),
            ("seed-lot.harvest_year", "2024"),
            ("seed-lot.quantity", "3"),
            ("seed-lot.unit", "packets"),
            ("seed-lot.germination_tested", "2099-01-01"),
        ],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("id=\"f-seed-lot-germination_tested-error-1\"")
    );
    assert!(r.body.contains("dans le futur"));
    Ok(())
}

#[tokio::test]
async fn forms_offer_french_options_and_licences_by_name() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/propose/seed-lot").await;
    assert_eq!(r.status, 200);
    // Enumerated values with their French labels, from the vocabulary.
    assert!(
        r.body
            .contains("<option value=\"packets\">sachets</option>"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("<option value=\"self-pollinated\">Autogame</option>")
    );
    assert!(!r.body.contains(">self-pollinated<") && !r.body.contains(">packets<"));
    // Licences by name, id in smaller text, and "Autre".
    assert!(r.body.contains(
        "value=\"LicenseRef-OSSI-Pledge\"> <label for=\"f-license\">Engagement des semences libres OSSI (Open Source Seed Initiative) <small>LicenseRef-OSSI-Pledge</small></label>"
    ), "{}", r.body);
    assert!(r.body.contains("Autre (expression SPDX)"));
    assert!(r.body.contains("name=\"license_other\""));
    assert!(
        !r.body.contains("value=\"MIT\""),
        "MIT is not offered for seeds"
    );
    let r = c.get("/propose/dataset").await;
    assert!(r.body.contains("Licence Ouverte 2.0 (Etalab)"));
    assert!(
        r.body
            .contains("<option value=\"continuous\">En continu</option>")
    );
    // A seed lot under a software licence is refused by the form.
    let r = post(
        &mut c,
        "seed-lot",
        &[
            ("action", "preview"),
            ("title", "Courge"),
            ("license", "other"),
            ("license_other", "GPL-3.0-or-later"),
            ("seed-lot.species", "Cucurbita maxima"),
            ("seed-lot.harvest_year", "2024"),
            ("seed-lot.quantity", "3"),
            ("seed-lot.unit", "packets"),
        ],
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("id=\"f-license-error-1\""));
    assert!(r.body.contains("Licences acceptées pour ce type"));
    // The typed expression is kept, with "Autre" chosen.
    assert!(r.body.contains("value=\"GPL-3.0-or-later\""));
    assert!(r.body.contains("value=\"other\" checked"));
    Ok(())
}

#[tokio::test]
async fn the_id_is_suggested_from_the_title() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let fields = [
        ("title", "Radis rond rose à bout blanc"),
        ("license", "LicenseRef-OSSI-Pledge"),
        ("seed-lot.species", "Raphanus sativus"),
        ("seed-lot.harvest_year", "2025"),
        ("seed-lot.quantity", "12,5"),
        ("seed-lot.unit", "grams"),
    ];
    let mut preview = fields.to_vec();
    preview.push(("action", "preview"));
    let r = post(&mut c, "seed-lot", &preview).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body
            .contains("id=\"f-id\" name=\"id\" value=\"radis-rond-rose-a-bout-blanc\""),
        "{}",
        r.body
    );
    let mut submit = fields.to_vec();
    submit.push(("action", "submit"));
    let id = proposal_id(&post(&mut c, "seed-lot", &submit).await);
    let api = c.get(&format!("/api/v1/proposals/{id}")).await.json();
    assert_eq!(api["records"][0], "seed-lot/radis-rond-rose-a-bout-blanc");
    Ok(())
}

#[tokio::test]
async fn reusing_an_existing_id_says_it_changes_that_record() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let fields = [
        ("id", "tomate-coeur-de-boeuf-2025"),
        ("title", "Tomate cœur de bœuf, récolte 2025"),
        ("license", "LicenseRef-OSSI-Pledge"),
        ("seed-lot.species", "Solanum lycopersicum"),
        ("seed-lot.harvest_year", "2025"),
        ("seed-lot.quantity", "8"),
        ("seed-lot.unit", "packets"),
    ];
    let mut submit = fields.to_vec();
    submit.push(("action", "submit"));
    // Sent straight away: not a silent replacement, the diff first.
    let r = post(&mut c, "seed-lot", &submit).await;
    assert_eq!(r.status, 200, "not sent: {}", r.body);
    assert!(!r.body.contains("Merci"));
    assert!(
        r.body
            .contains("Cette proposition modifie la fiche existante <a href=\"/records/seed-lot/tomate-coeur-de-boeuf-2025\">")
    );
    assert!(r.body.contains("<li class=\"del\">"), "{}", r.body);
    assert!(r.body.contains("quantity = 30"));
    assert!(r.body.contains("quantity = 8"));
    assert!(
        r.body
            .contains("name=\"confirm_change\" value=\"seed-lot/tomate-coeur-de-boeuf-2025\"")
    );
    // Sent again from that page: confirmed.
    submit.push(("confirm_change", "seed-lot/tomate-coeur-de-boeuf-2025"));
    let id = proposal_id(&post(&mut c, "seed-lot", &submit).await);
    // The curator is told too, in the queue and on the review page.
    login_curator(&server, &mut c).await;
    let r = c.get("/review").await;
    assert!(
        r.body.contains(
            "seed-lot/tomate-coeur-de-boeuf-2025 <strong class=\"change\">(modifie la fiche existante)</strong>"
        ),
        "{}",
        r.body
    );
    let r = c.get(&format!("/review/{id}")).await;
    assert!(
        r.body
            .contains("Cette proposition modifie la fiche existante :")
    );
    // The default message says it too, in French.
    assert!(
        r.body.contains(
            "Modification de la fiche « Tomate cœur de bœuf, récolte 2025 » (lot de semences)"
        ),
        "{}",
        r.body
    );
    Ok(())
}

#[tokio::test]
async fn the_preview_shows_every_field_and_line_ends_are_stored_as_lf() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let fields = [
        ("title", "Levain de blé"),
        ("license", "LicenseRef-OpenMTA"),
        ("summary", "Un levain vif et doux."),
        (
            "description",
            "Premier paragraphe.\r\n\r\nSecond\rparagraphe.",
        ),
        ("ferment-lot.organism", "levain de blé"),
        ("ferment-lot.quantity", "4"),
        ("ferment-lot.unit", "portions"),
        ("ferment-lot.care", "Nourrir le lundi.\r\nGarder au frais."),
    ];
    let mut preview = fields.to_vec();
    preview.push(("action", "preview"));
    let r = post(&mut c, "ferment-lot", &preview).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Un levain vif et doux."), "summary shown");
    assert!(
        r.body.contains("<dd><code>levain-de-ble</code></dd>"),
        "id shown"
    );
    assert!(
        r.body.contains(
            "OpenMTA, accord ouvert de transfert de matériel <small>LicenseRef-OpenMTA</small>"
        ),
        "licence shown by name"
    );
    assert!(
        r.body
            .contains("<p class=\"pre-line\">Premier paragraphe.</p>")
    );
    assert!(r.body.contains("Second\nparagraphe."), "{}", r.body);
    assert!(!r.body.contains('\r'));
    // The message for curators is public, and says so.
    assert!(
        r.body
            .contains("Public : ce message figurera dans l’historique")
    );
    let mut submit = fields.to_vec();
    submit.push(("action", "submit"));
    let id = proposal_id(&post(&mut c, "ferment-lot", &submit).await);
    let r = c.get(&format!("/proposals/{id}")).await;
    assert!(
        r.body
            .contains("Nouvelle fiche « Levain de blé » (lot de ferments)"),
        "{}",
        r.body
    );
    login_curator(&server, &mut c).await;
    let csrf = c.csrf().await;
    let r = c
        .post_form(&format!("/review/{id}/merge"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let record = c
        .get("/api/v1/records/ferment-lot/levain-de-ble")
        .await
        .json();
    let record = if record.get("record").is_some() {
        record["record"].clone()
    } else {
        record
    };
    assert_eq!(
        record["description"], "Premier paragraphe.\n\nSecond\nparagraphe.",
        "{record}"
    );
    assert_eq!(
        record["ferment-lot"]["care"],
        "Nourrir le lundi.\nGarder au frais."
    );
    // Once merged, the proposal's page links to the record.
    let r = server.client().get(&format!("/proposals/{id}")).await;
    assert!(
        r.body.contains(
            "<a href=\"/records/ferment-lot/levain-de-ble\">ferment-lot/levain-de-ble</a>"
        ),
        "{}",
        r.body
    );
    assert!(r.body.contains("la fiche est publiée"));
    Ok(())
}

#[tokio::test]
async fn a_rejected_proposal_says_refusee_with_the_reason() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let id = proposal_id(
        &post(
            &mut c,
            "method",
            &[
                ("action", "submit"),
                ("title", "Méthode à refuser"),
                ("license", "CC-BY-4.0"),
            ],
        )
        .await,
    );
    login_curator(&server, &mut c).await;
    let csrf = c.csrf().await;
    // Without a reason: said in French, next to the field.
    let r = c
        .post_form(
            &format!("/review/{id}/reject"),
            &[("csrf", &csrf), ("reason", "   ")],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(title(&r.body).starts_with("Erreur"), "{}", title(&r.body));
    assert!(r.body.contains("id=\"f-reason-error-1\""));
    assert!(r.body.contains("Un refus a besoin d’une raison"));
    no_english(&r);
    let r = c
        .post_form(
            &format!("/review/{id}/reject"),
            &[
                ("csrf", &csrf),
                ("reason", "Elle existe déjà sous un autre nom."),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let r = server.client().get(&format!("/proposals/{id}")).await;
    assert!(r.body.contains("Refusée"));
    assert!(r.body.contains("Elle existe déjà sous un autre nom."));
    assert!(r.body.contains("Elle a été refusée par un curateur"));
    assert!(!r.body.contains("En attente d’examen"));
    assert!(!r.body.contains("Un curateur va l’examiner"));
    Ok(())
}

#[tokio::test]
async fn an_uploaded_record_with_a_misspelt_field_is_explained_in_french() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let csrf = c.csrf().await;
    let b = "----cdl-boundary";
    let file = "id = \"essai\"\nkind = \"method\"\ntitle = \"Essai\"\nlicense = \"CC-BY-4.0\"\nsummry = \"x\"\n";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.toml\"\r\nContent-Type: application/toml\r\n\r\n{file}\r\n--{b}--\r\n"
    );
    let r = c
        .post_body(
            "/propose/upload",
            &format!("multipart/form-data; boundary={b}"),
            body.into_bytes(),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(title(&r.body).starts_with("Erreur"), "{}", title(&r.body));
    assert!(r.body.contains("champ inconnu « summry »"), "{}", r.body);
    assert!(r.body.contains("vouliez-vous dire « summary »"));
    no_english(&r);
    Ok(())
}

/// A multipart body of the upload form.
fn upload_body(csrf: &str, file: &str, confirm: bool) -> (String, Vec<u8>) {
    let b = "----cdl-boundary";
    let confirm = if confirm {
        format!("--{b}\r\nContent-Disposition: form-data; name=\"confirm_change\"\r\n\r\noui\r\n")
    } else {
        String::new()
    };
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n{confirm}--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.toml\"\r\nContent-Type: application/toml\r\n\r\n{file}\r\n--{b}--\r\n"
    );
    (
        format!("multipart/form-data; boundary={b}"),
        body.into_bytes(),
    )
}

#[tokio::test]
async fn an_upload_that_changes_a_record_or_is_not_free_says_so() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let csrf = c.csrf().await;
    // A seed lot under a software licence: refused at once.
    let mit = "id = \"lot-mit\"\nkind = \"seed-lot\"\ntitle = \"Lot\"\nlicense = \"MIT\"\n\n[seed-lot]\nspecies = \"Solanum lycopersicum\"\nharvest_year = 2024\nquantity = 3\nunit = \"packets\"\n";
    let (ct, body) = upload_body(&csrf, mit, false);
    let r = c.post_body("/propose/upload", &ct, body).await;
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("Licences acceptées pour ce type"),
        "{}",
        r.body
    );
    // The id of a published record: the diff, and nothing sent.
    let changed = "id = \"lutece\"\nkind = \"software\"\ntitle = \"Lutèce\"\nlicense = \"BSD-3-Clause\"\nsummary = \"Un autre résumé.\"\n";
    let (ct, body) = upload_body(&csrf, changed, false);
    let r = c.post_body("/propose/upload", &ct, body).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body
            .contains("Cette proposition modifie la fiche existante")
    );
    assert!(r.body.contains("Un autre résumé."), "{}", r.body);
    assert!(r.body.contains("<li class=\"add\">"));
    // Confirmed: sent, and its page says what it does.
    let (ct, body) = upload_body(&csrf, changed, true);
    let id = proposal_id(&c.post_body("/propose/upload", &ct, body).await);
    let r = c.get(&format!("/proposals/{id}")).await;
    assert!(
        r.body
            .contains("software/lutece <span class=\"change\">(modifie la fiche existante)</span>"),
        "{}",
        r.body
    );
    Ok(())
}

#[tokio::test]
async fn the_api_refuses_a_harvest_after_this_year() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let lot = |year: u32| {
        format!(
            "id = \"lot-futur\"\nkind = \"seed-lot\"\ntitle = \"Lot\"\nlicense = \"LicenseRef-OSSI-Pledge\"\n\n[seed-lot]\nspecies = \"Solanum lycopersicum\"\nharvest_year = {year}\nquantity = 5\nunit = \"packets\"\n"
        )
    };
    let r = c
        .post_body(
            "/api/v1/proposals",
            "application/toml",
            lot(2099).into_bytes(),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let errors = r.json()["errors"].clone();
    assert_eq!(errors[0]["line"], 8, "{errors}");
    assert!(
        errors[0]["message_fr"]
            .as_str()
            .unwrap()
            .contains("après l’année en cours"),
        "{errors}"
    );
    let r = c
        .post_body(
            "/api/v1/proposals",
            "application/toml",
            lot(2024).into_bytes(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    Ok(())
}

#[tokio::test]
async fn the_english_forms_speak_english() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/propose/seed-lot?lang=en").await;
    assert!(
        r.body
            .contains("<option value=\"packets\">packets</option>")
    );
    assert!(
        r.body
            .contains("OSSI Pledge (Open Source Seed Initiative) <small>")
    );
    assert!(r.body.contains("Other (SPDX expression)"));
    let csrf = crate::util::form_token(&r.body);
    let r = c
        .post_form(
            "/propose/seed-lot?lang=en",
            &[
                ("csrf", &csrf),
                ("action", "preview"),
                ("languages", "français"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(title(&r.body).starts_with("Error"), "{}", title(&r.body));
    assert!(
        r.body.contains("<span lang=\"en\">Enter: Title.</span>"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("`français` is not a language tag"),
        "{}",
        r.body
    );
    Ok(())
}
