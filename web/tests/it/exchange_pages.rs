//! The exchange's pages over HTTP: the farmers' login, booking through the
//! form (and its refusals), cancelling, API tokens made and revoked on the
//! account page, and the curators' pages (a new session, a booking on
//! behalf, the pick list); no farmer's details on any public page.

use crate::util::{Client, Result, Server, form_token};

const TOMATO: &str = "seed-lot/tomate-coeur-de-boeuf-2025";
const LEVAIN: &str = "ferment-lot/levain-seigle-belleville";

/// The server's store, opened beside it on the same SQLite file.
async fn store(server: &Server) -> cdl_exchange::Store {
    cdl_exchange::Store::open(None, &server.git_dir.join(cdl_exchange::DEFAULT_FILE))
        .await
        .unwrap()
}

/// A server with one farmer and one session in a day; returns the
/// farmer's password and the session's id.
async fn setup() -> (Server, cdl_exchange::Store, String, i64) {
    let server = Server::start().await;
    let store = store(&server).await;
    let (_, password) = store
        .add_farmer(
            "Jeanne Martin",
            "jeanne.martin@example.org",
            "CT-2026-0042",
            "test",
        )
        .await
        .unwrap();
    let session = store
        .add_session("Halle Pajol", cdl_exchange::now() + 86_400, 3)
        .await
        .unwrap();
    store
        .set_place_details(
            "Halle Pajol",
            Some("20 esplanade Nathalie-Sarraute, 75018 Paris"),
            Some("De plain-pied, toilettes adaptées"),
            Some("Samedi 9 h – 13 h"),
        )
        .await
        .unwrap();
    (server, store, password, session)
}

/// Logs a farmer in with `c`; the status of the answer.
async fn farmer_login(c: &mut Client, email: &str, password: &str) -> crate::util::Resp {
    let page = c.get("/echange/connexion").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = form_token(&page.body);
    c.post_form(
        "/echange/connexion",
        &[("csrf", &csrf), ("email", email), ("password", password)],
    )
    .await
}

async fn curator_login(server: &Server, c: &mut Client) -> String {
    let password = server.add_curator("ann");
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/login",
            &[("csrf", &csrf), ("name", "ann"), ("password", &password)],
        )
        .await;
    assert_eq!(r.status, 303);
    password
}

async fn available(c: &mut Client, lot: &str) -> i64 {
    let lots = c.get("/api/v1/exchange/lots").await.json();
    lots["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lot"] == lot)
        .unwrap()["available"]
        .as_i64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn farmers_log_in_book_cancel_and_manage_tokens() -> Result {
    let (server, _store, password, session) = setup().await;
    let mut c = server.client();
    // Logged out: the sessions and lots, no form, a way to log in.
    let page = c.get("/echange").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Halle Pajol") && page.body.contains("De plain-pied"));
    assert!(page.body.contains("Tomate cœur de bœuf, récolte 2025"));
    assert!(page.body.contains("href=\"/echange/connexion\""));
    assert!(!page.body.contains("action=\"/echange/reserver\""));
    // The farmers' pages send visitors to the login page.
    for path in ["/echange/reservations", "/echange/compte"] {
        let r = c.get(path).await;
        assert_eq!(r.status, 303, "{path}");
        assert_eq!(r.header("location"), "/echange/connexion");
    }
    // A wrong password and an unknown address get the same answer.
    let wrong = farmer_login(&mut c, "jeanne.martin@example.org", "nope").await;
    let unknown = farmer_login(&mut c, "personne@example.org", "nope").await;
    assert_eq!((wrong.status, unknown.status), (401, 401));
    let message = "Adresse e-mail ou mot de passe incorrect.";
    assert!(wrong.body.contains(message) && unknown.body.contains(message));
    assert!(
        wrong.header("set-cookie").is_empty() || !wrong.header("set-cookie").contains("cdl_farmer")
    );
    // The right one opens a session: an HttpOnly, SameSite cookie.
    let ok = farmer_login(&mut c, "  jeanne.martin@example.org ", &password).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(ok.header("location"), "/echange");
    let cookie = ok
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.contains("cdl_farmer="))
        .expect("a farmer cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    // Logged in: the booking form.
    let page = c.get("/echange").await;
    assert!(
        page.body.contains("action=\"/echange/reserver\""),
        "{}",
        page.body
    );
    let csrf = form_token(&page.body);
    let session_field = session.to_string();
    let lot_tomato = format!("lot:{TOMATO}");
    let lot_levain = format!("lot:{LEVAIN}");
    // A POST without the CSRF token is refused.
    let r = c
        .post_form(
            "/echange/reserver",
            &[("session", &session_field), (&lot_tomato, "2")],
        )
        .await;
    assert_eq!(r.status, 403);
    // More than there is: refused on the page, the form kept.
    let r = c
        .post_form(
            "/echange/reserver",
            &[
                ("csrf", &csrf),
                ("session", &session_field),
                (&lot_tomato, "31"),
                (&lot_levain, "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body.contains("Quantité insuffisante pour « Tomate cœur de bœuf, récolte 2025 » : il en reste 30, vous en demandez 31."),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"31\"") && r.body.contains("checked"));
    assert!(r.body.contains("<title>Erreur"));
    // No session chosen, a quantity that is not a number: 400.
    let r = c
        .post_form(
            "/echange/reserver",
            &[("csrf", &csrf), (&lot_tomato, "deux")],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Choisissez une séance.") && r.body.contains("nombre entier"));
    assert_eq!(available(&mut c, TOMATO).await, 30);
    // Two lots at once: booked, then shown on "my bookings".
    let r = c
        .post_form(
            "/echange/reserver",
            &[
                ("csrf", &csrf),
                ("session", &session_field),
                (&lot_tomato, "4"),
                (&lot_levain, "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("location").to_owned();
    assert!(
        location.starts_with("/echange/reservations?reservee="),
        "{location}"
    );
    let booking = location.rsplit('=').next().unwrap().to_owned();
    assert_eq!(available(&mut c, TOMATO).await, 26);
    let page = c.get(&location).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!(
        "Votre réservation est enregistrée : n° {booking}."
    )));
    assert!(
        page.body.contains("Halle Pajol") && page.body.contains("Levain de seigle de Belleville")
    );
    // Cancelling gives the quantity back; twice is refused on the page.
    let csrf = form_token(&page.body);
    let cancel = format!("/echange/reservations/{booking}/annuler");
    let r = c.post_form(&cancel, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(available(&mut c, TOMATO).await, 30);
    let r = c.post_form(&cancel, &[("csrf", &csrf)]).await;
    assert_eq!(r.status, 409);
    assert!(r.body.contains("déjà annulée"));
    // The account page: details for the farmer, a token shown once.
    let page = c.get("/echange/compte").await;
    assert_eq!(page.status, 200);
    for detail in ["Jeanne Martin", "jeanne.martin@example.org", "CT-2026-0042"] {
        assert!(page.body.contains(detail), "{detail}");
    }
    assert!(page.body.contains("Vos données"));
    let csrf = form_token(&page.body);
    let r = c
        .post_form("/echange/compte/jetons", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), "no-store");
    let token = r
        .body
        .split("<code class=\"token\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap()
        .to_owned();
    assert!(token.starts_with("cdlx_"));
    let page = c.get("/echange/compte").await;
    assert!(!page.body.contains(&token), "shown once only");
    assert!(page.body.contains("Révoquer le jeton n°"));
    let auth = format!("Bearer {token}");
    let headers = [("authorization", auth.as_str())];
    let api = c
        .send(
            reqwest::Method::GET,
            "/api/v1/exchange/bookings",
            &headers,
            None,
        )
        .await;
    assert_eq!(api.status, 200);
    let id = page
        .body
        .split("/echange/compte/jetons/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let r = c
        .post_form(
            &format!("/echange/compte/jetons/{id}/revoquer"),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("révoqué le"));
    let api = c
        .send(
            reqwest::Method::GET,
            "/api/v1/exchange/bookings",
            &headers,
            None,
        )
        .await;
    assert_eq!(api.status, 401);
    // Logging out ends the session in the database: the old cookie no
    // longer works.
    let old = c.cookies.clone();
    let r = c
        .post_form("/echange/deconnexion", &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(c.get("/echange/compte").await.status, 303);
    c.cookies = old;
    assert_eq!(c.get("/echange/compte").await.status, 303);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn farmer_logins_are_rate_limited() -> Result {
    let (server, _store, password, _) = setup().await;
    let mut c = server.client();
    for i in 1..=5 {
        let r = farmer_login(&mut c, "jeanne.martin@example.org", "wrong").await;
        assert_eq!(r.status, 401, "{i}");
    }
    let r = farmer_login(&mut c, "jeanne.martin@example.org", &password).await;
    assert_eq!(r.status, 429);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_farmer_session_is_shared_by_every_server_of_the_database() -> Result {
    // Two servers on the same registry and database: a login on one is a
    // login on the other, and its forms are accepted there.
    let (server, _store, password, session) = setup().await;
    let mut c = server.client();
    assert_eq!(
        farmer_login(&mut c, "jeanne.martin@example.org", &password)
            .await
            .status,
        303
    );
    let other = server.second().await;
    let mut d = other.client();
    d.cookies = c.cookies.clone();
    let page = d.get("/echange").await;
    assert!(page.body.contains("action=\"/echange/reserver\""));
    let csrf = form_token(&page.body);
    let r = d
        .post_form(
            "/echange/reserver",
            &[
                ("csrf", &csrf),
                ("session", &session.to_string()),
                (&format!("lot:{TOMATO}"), "1"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curators_create_sessions_book_on_behalf_and_print_pick_lists() -> Result {
    let (server, store, password, _) = setup().await;
    // Anonymous and farmers are sent to the curators' login.
    let mut visitor = server.client();
    for path in [
        "/echange/gestion",
        "/echange/pour",
        "/echange/sessions/nouvelle",
        "/echange/sessions/1/liste",
    ] {
        let r = visitor.get(path).await;
        assert_eq!((r.status, r.header("location")), (303, "/login"), "{path}");
    }
    let mut farmer = server.client();
    farmer_login(&mut farmer, "jeanne.martin@example.org", &password).await;
    let r = farmer.get("/echange/sessions/1/liste").await;
    assert_eq!((r.status, r.header("location")), (303, "/login"));
    // A curator creates a session (Paris time) with its place's details.
    let mut c = server.client();
    curator_login(&server, &mut c).await;
    let page = c.get("/echange/sessions/nouvelle").await;
    assert_eq!(page.status, 200);
    let csrf = form_token(&page.body);
    let r = c
        .post_form(
            "/echange/sessions/nouvelle",
            &[
                ("csrf", &csrf),
                ("place", ""),
                ("date", "hier"),
                ("time", "9h"),
                ("capacity", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    for e in [
        "Indiquez le nom du lieu",
        "date valide",
        "heure valide",
        "nombre entier de personnes",
    ] {
        assert!(r.body.contains(e), "{e}");
    }
    let r = c
        .post_form(
            "/echange/sessions/nouvelle",
            &[
                ("csrf", &csrf),
                ("place", "Maison des semences"),
                ("address", "3 rue des Jardins, 75020 Paris"),
                ("accessibility", "Rampe d’accès"),
                ("hours", "Mercredi 14 h – 18 h"),
                ("date", "2099-06-13"),
                ("time", "09:30"),
                ("capacity", "12"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let id: i64 = r.header("location").rsplit('=').next().unwrap().parse()?;
    let s = store
        .sessions()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .unwrap();
    assert_eq!(s.starts, "2099-06-13T07:30:00Z");
    assert_eq!(
        (s.capacity, s.place.address.as_str()),
        (12, "3 rue des Jardins, 75020 Paris")
    );
    let page = c.get(r.header("location")).await;
    assert!(page.body.contains(&format!("Séance créée : n° {id}.")));
    assert!(page.body.contains("samedi 13 juin 2099 à 9 h 30"));
    // Booking on behalf: an unknown address and no reason are refused.
    let page = c.get("/echange/pour").await;
    let csrf = form_token(&page.body);
    let session = id.to_string();
    let lot = format!("lot:{TOMATO}");
    let r = c
        .post_form(
            "/echange/pour",
            &[
                ("csrf", &csrf),
                ("email", "x@example.org"),
                ("session", &session),
                (&lot, "2"),
            ],
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Aucune personne inscrite") && r.body.contains("Indiquez le motif"));
    let r = c
        .post_form(
            "/echange/pour",
            &[
                ("csrf", &csrf),
                ("email", "jeanne.martin@example.org"),
                ("reason", "venue en personne"),
                ("session", &session),
                (&lot, "5"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    // The farmer sees it, made on their behalf by the curator.
    let farmer_id = store.farmer_id("jeanne.martin@example.org").await?;
    let bookings = store.bookings_of(farmer_id).await?;
    assert_eq!(bookings[0].made_by.as_deref(), Some("ann"));
    let page = farmer.get("/echange/reservations").await;
    assert!(
        page.body.contains("Faite pour vous par ann."),
        "{}",
        page.body
    );
    // The pick list: who booked what, the totals, a print style sheet.
    let list = c.get(&format!("/echange/sessions/{id}/liste")).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.header("cache-control"), "no-store");
    assert!(list.body.contains("Jeanne Martin") && list.body.contains("Maison des semences"));
    assert!(list.body.contains("Totaux par lot") && list.body.contains("<strong>5</strong>"));
    assert!(cdl_web::CSS.contains("@media print"));
    assert_eq!(c.get("/echange/sessions/9999/liste").await.status, 404);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_farmer_detail_reaches_a_public_page() -> Result {
    let (server, store, password, session) = setup().await;
    // The farmer books (by the form), and a curator on their behalf.
    let mut f = server.client();
    farmer_login(&mut f, "jeanne.martin@example.org", &password).await;
    let csrf = form_token(&f.get("/echange").await.body);
    let r = f
        .post_form(
            "/echange/reserver",
            &[
                ("csrf", &csrf),
                ("session", &session.to_string()),
                (&format!("lot:{LEVAIN}"), "2"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let farmer = store.farmer_id("jeanne.martin@example.org").await?;
    store
        .book(
            farmer,
            session,
            &[cdl_exchange::BookingItem {
                lot: TOMATO.into(),
                quantity: 3,
            }],
            Some("ann"),
        )
        .await?;
    let mut visitor = server.client();
    for path in [
        "/",
        "/search?q=",
        "/search?q=tomate",
        &format!("/records/{TOMATO}"),
        &format!("/records/{LEVAIN}"),
        "/echange",
        "/feed.atom",
        "/sitemap.xml",
        "/api/v1/exchange/sessions",
        "/api/v1/exchange/lots",
    ] {
        let r = visitor.get(path).await;
        assert!(r.status < 400, "{path}: {}", r.status);
        for detail in ["Jeanne", "Martin", "jeanne.martin", "CT-2026-0042"] {
            assert!(!r.body.contains(detail), "{detail} on {path}");
        }
    }
    Ok(())
}
