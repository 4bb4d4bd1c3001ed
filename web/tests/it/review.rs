//! Curators: login, queue, diff, merge and reject.

use crate::util::{Client, Result, Server};

async fn propose(c: &mut Client, id: &str, title: &str) -> String {
    let text = format!(
        "id = \"{id}\"\nkind = \"software\"\ntitle = \"{title}\"\nlicense = \"GPL-3.0-or-later\"\nsummary = \"Proposé pour la revue.\"\n"
    );
    let r = c
        .post_body("/api/v1/proposals", "application/toml", text.into_bytes())
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_owned()
}

async fn login(c: &mut Client, name: &str, password: &str) -> u16 {
    let csrf = c.csrf().await;
    c.post_form(
        "/login",
        &[("csrf", &csrf), ("name", name), ("password", password)],
    )
    .await
    .status
}

#[tokio::test]
async fn review_needs_a_curator() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let r = c.get("/review").await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), "/login");
    // Every curator's page and action, read or write, sends a visitor to
    // the login page before anything is read or changed.
    let id = propose(&mut c, "logiciel-garde", "Logiciel gardé").await;
    let csrf = c.csrf().await;
    for path in [format!("/review/{id}")] {
        let r = c.get(&path).await;
        assert_eq!((r.status, r.header("location")), (303, "/login"), "{path}");
    }
    for path in [
        format!("/review/{id}/merge"),
        format!("/review/{id}/reject"),
    ] {
        let r = c
            .post_form(&path, &[("csrf", &csrf), ("reason", "non")])
            .await;
        assert_eq!((r.status, r.header("location")), (303, "/login"), "{path}");
    }
    let r = c.get(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(r.json()["status"], "open", "{}", r.body);
    let password = server.add_curator("alice");
    assert_eq!(login(&mut c, "alice", "wrong-password").await, 401);
    assert_eq!(login(&mut c, "nobody", &password).await, 401);
    let before = c.csrf().await;
    assert_eq!(login(&mut c, "alice", &password).await, 303);
    assert_ne!(c.csrf().await, before, "a new CSRF token after login");
    let session = c.cookies.get("__Host-cdl_session").cloned().unwrap();
    assert_eq!(session.len(), 32);
    let r = c.get("/review").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("alice"));
    let csrf = c.csrf().await;
    assert_eq!(c.post_form("/logout", &[("csrf", &csrf)]).await.status, 303);
    assert!(!c.cookies.contains_key("__Host-cdl_session"));
    c.cookies.insert("__Host-cdl_session".into(), session);
    assert_eq!(
        c.get("/review").await.status,
        303,
        "a closed session stays closed"
    );
    Ok(())
}

#[tokio::test]
async fn merge_publishes_and_reject_explains() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let first = propose(&mut c, "logiciel-revu", "Logiciel revu").await;
    let second = propose(&mut c, "logiciel-refuse", "Logiciel refusé").await;
    let password = server.add_curator("bob");
    assert_eq!(login(&mut c, "bob", &password).await, 303);
    let r = c.get("/review").await;
    assert!(r.body.contains(&first) && r.body.contains(&second));
    let r = c.get(&format!("/review/{first}")).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("class=\"add\""), "diff view: {}", r.body);
    assert!(r.body.contains("Accepter et publier"));
    assert!(r.body.contains("Certifiée libre"));
    let csrf = c.csrf().await;
    let r = c
        .post_form(&format!("/review/{first}/merge"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = c.get("/records/software/logiciel-revu").await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Logiciel revu"));
    let s = c.get("/api/v1/search?q=revu").await.json();
    assert_eq!(s["total"], 1, "the index caught up: {s}");
    assert_eq!(
        c.get(&format!("/api/v1/proposals/{first}")).await.json()["status"],
        "merged"
    );
    // A second merge is a conflict, shown on the page.
    let r = c
        .post_form(&format!("/review/{first}/merge"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 409);
    // Reject needs a reason.
    let r = c
        .post_form(
            &format!("/review/{second}/reject"),
            &[("csrf", &csrf), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status, 422);
    let r = c
        .post_form(
            &format!("/review/{second}/reject"),
            &[("csrf", &csrf), ("reason", "Doublon de <b>Lutèce</b>")],
        )
        .await;
    assert_eq!(r.status, 303);
    let mut visitor = server.client();
    let r = visitor.get(&format!("/proposals/{second}")).await;
    assert!(r.body.contains("Refusée"));
    assert!(
        r.body.contains("Doublon de &#60;b&#62;Lutèce&#60;/b&#62;"),
        "{}",
        r.body
    );
    let v = visitor
        .get(&format!("/api/v1/proposals/{second}"))
        .await
        .json();
    assert_eq!(v["status"], "rejected");
    assert_eq!(v["curator"], "bob");
    Ok(())
}

/// Logs in as `name` from the client address `ip` (the server trusts
/// `X-Forwarded-For` in these tests); the status.
async fn login_from(c: &mut Client, ip: &str, name: &str, password: &str) -> u16 {
    let csrf = c.csrf().await;
    c.post_form_with(
        "/login",
        &[("csrf", &csrf), ("name", name), ("password", password)],
        &[("x-forwarded-for", ip)],
    )
    .await
    .status
}

fn behind_a_proxy() -> cdl_web::WebConfig {
    cdl_web::WebConfig {
        trust_forwarded_for: true,
        logins_per_hour: 1,
        ..cdl_web::WebConfig::default()
    }
}

#[tokio::test]
async fn successful_logins_are_not_rate_limited() -> Result {
    let server = Server::start_with(behind_a_proxy()).await;
    let password = server.add_curator("alice");
    let mut c = server.client();
    for i in 0..8 {
        assert_eq!(
            login_from(&mut c, "10.0.0.1", "alice", &password).await,
            303,
            "login {i}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn failed_logins_are_limited_per_account_and_per_address() -> Result {
    let server = Server::start_with(behind_a_proxy()).await;
    let alice = server.add_curator("alice");
    let bob = server.add_curator("bob");
    let mut c = server.client();
    // Per account: five failures from five addresses, then alice is
    // locked, even with the right password, from a sixth address.
    for i in 1..=5 {
        let ip = format!("10.0.1.{i}");
        assert_eq!(login_from(&mut c, &ip, "alice", "wrong").await, 401, "{i}");
    }
    assert_eq!(login_from(&mut c, "10.0.1.6", "Alice", &alice).await, 429);
    // ... but not bob.
    assert_eq!(login_from(&mut c, "10.0.1.7", "bob", &bob).await, 303);
    // Per address: five failures on five accounts, then that address is
    // locked, even for bob with the right password; others are not.
    for i in 1..=5 {
        let name = format!("nobody-{i}");
        assert_eq!(login_from(&mut c, "10.0.2.1", &name, "x").await, 401, "{i}");
    }
    assert_eq!(login_from(&mut c, "10.0.2.1", "bob", &bob).await, 429);
    assert_eq!(login_from(&mut c, "10.0.2.2", "bob", &bob).await, 303);
    // A success clears the account's failures.
    for i in 1..=4 {
        let ip = format!("10.0.3.{i}");
        assert_eq!(login_from(&mut c, &ip, "bob", "wrong").await, 401, "{i}");
    }
    assert_eq!(login_from(&mut c, "10.0.3.9", "bob", &bob).await, 303);
    for i in 1..=4 {
        let ip = format!("10.0.4.{i}");
        assert_eq!(login_from(&mut c, &ip, "bob", "wrong").await, 401, "{i}");
    }
    assert_eq!(login_from(&mut c, "10.0.4.9", "bob", &bob).await, 303);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merge_that_lowers_a_booked_quantity_names_the_bookings() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    // 20 of the tomato lot's 30 packets are booked.
    let store = cdl_exchange::Store::open(None, &server.git_dir.join(cdl_exchange::DEFAULT_FILE))
        .await
        .unwrap();
    let session = store
        .add_session("Halle Pajol", cdl_exchange::now() + 3600, 10)
        .await
        .unwrap();
    let (farmer, _) = store
        .add_farmer("Jeanne Martin", "jeanne@example.org", "CT-1", "test")
        .await
        .unwrap();
    let lot = "seed-lot/tomate-coeur-de-boeuf-2025";
    let r = c.get("/api/v1/exchange/lots").await;
    assert!(r.body.contains(lot), "{}", r.body);
    let item = |quantity| cdl_exchange::BookingItem {
        lot: lot.to_owned(),
        quantity,
    };
    let a = store
        .book(farmer, session, &[item(12)], None)
        .await
        .unwrap();
    let b = store.book(farmer, session, &[item(8)], None).await.unwrap();
    // A proposal lowers the quantity to 5; a curator merges it.
    let text = crate::util::catalogue()
        .into_iter()
        .find(|(kind, _)| *kind == "seed-lot")
        .unwrap()
        .1
        .replace("quantity = 30", "quantity = 5");
    let r = c
        .post_body("/api/v1/proposals", "application/toml", text.into_bytes())
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let password = server.add_curator("bob");
    assert_eq!(login(&mut c, "bob", &password).await, 303);
    let csrf = c.csrf().await;
    let r = c
        .post_form(&format!("/review/{id}/merge"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let page = c.get(r.header("location")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Réservations au-delà de la nouvelle quantité"),
        "{}",
        page.body
    );
    let line = format!(
        "{lot} : 5 unité(s) proposée(s), 20 réservée(s). Réservations concernées, conservées : n° {}, {}.",
        b.id, a.id
    );
    assert!(page.body.contains(&line), "{line} in {}", page.body);
    // The farmer's name never reaches the curator's page.
    assert!(!page.body.contains("Jeanne") && !page.body.contains("jeanne@"));
    // Availability follows main; the bookings stay.
    let lots = c.get("/api/v1/exchange/lots").await.json();
    let l = lots["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lot"] == lot)
        .unwrap()
        .clone();
    assert_eq!(
        (&l["offered"], &l["booked"], &l["available"]),
        (&5.into(), &20.into(), &0.into())
    );
    // Another merge that does not touch the lot says nothing of it.
    let other = propose(&mut c, "logiciel-sans-lot", "Logiciel sans lot").await;
    let csrf = c.csrf().await;
    let r = c
        .post_form(&format!("/review/{other}/merge"), &[("csrf", &csrf)])
        .await;
    let page = c.get(r.header("location")).await;
    assert!(!page.body.contains("Réservations au-delà"));
    // The lot's public page: what is left and the next sessions, never
    // who booked.
    let mut visitor = server.client();
    let page = visitor
        .get("/records/seed-lot/tomate-coeur-de-boeuf-2025")
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("Disponible à l’échange : 0 sur 5 (dans l’unité du lot)."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Halle Pajol, le ") && page.body.contains(" : 8 place(s) libre(s)"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Jeanne") && !page.body.contains("CT-1"));
    let page = visitor.get("/records/software/logiciel-sans-lot").await;
    assert!(!page.body.contains("À l’échange"));
    Ok(())
}
