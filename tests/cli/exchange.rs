//! The seed and ferment exchange end to end: `conservatoire exchange` and
//! `conservatoire farmers` as a curator runs them, then the JSON API of a
//! real `serve` over HTTP: booking, cancelling, capacity, tokens, started
//! sessions, a lowered quantity, and 200 simultaneous requests for the last
//! 10 units of a lot (on SQLite, and on PostgreSQL with two servers sharing
//! the database when `CDL_TEST_POSTGRES_URL` names a server).

use std::path::Path;

use serde_json::{Value, json};

use crate::serve::{Child, serve_bin, serve_with};
use crate::util::{ok, run, stderr, stdout, write};

/// The last line of a command's standard output.
pub(crate) fn last_line(text: &str) -> String {
    text.lines().last().unwrap_or("").trim().to_owned()
}

pub(crate) const LOT: &str = "seed-lot/tomate-noire-de-crimee";

fn seed_lot(quantity: u32) -> String {
    format!(
        "id = \"tomate-noire-de-crimee\"\nkind = \"seed-lot\"\ntitle = \"Tomate noire de Crimée, récolte 2025\"\nlicense = \"LicenseRef-OSSI-Pledge\"\n\n[seed-lot]\nspecies = \"Solanum lycopersicum\"\nvariety = \"Noire de Crimée\"\nharvest_year = 2025\nquantity = {quantity}\nunit = \"packets\"\n"
    )
}

/// Proposes the seed lot with `quantity` and merges it; the merge's
/// output.
fn publish_lot(d: &Path, registry: &str, quantity: u32) -> String {
    write(d, "tomate-noire-de-crimee.toml", seed_lot(quantity));
    let p = ok(
        d,
        &[
            "propose",
            "--registry",
            registry,
            "tomate-noire-de-crimee.toml",
        ],
    );
    ok(
        d,
        &["proposals", "merge", &last_line(&p), "--registry", registry],
    )
}

/// A registry whose `main` has the seed lot with `quantity`, a session
/// starting in an hour with `capacity`, and a farmer with a token: the
/// session's id and the token.
pub(crate) fn setup(d: &Path, extra: &[&str], quantity: u32, capacity: u32) -> (i64, String) {
    ok(d, &["init", "reg.git"]);
    publish_lot(d, "reg.git", quantity);
    let starts = in_seconds(3600);
    let capacity = capacity.to_string();
    let mut args = vec![
        "exchange",
        "add-session",
        "--registry",
        "reg.git",
        "--place",
        "Halle Pajol",
        "--starts",
        &starts,
        "--capacity",
        &capacity,
        "--address",
        "20 esplanade Nathalie-Sarraute, 75018 Paris",
        "--accessibility",
        "De plain-pied, ascenseur",
    ];
    args.extend_from_slice(extra);
    let session: i64 = last_line(&ok(d, &args)).parse().expect("the session's id");
    let mut add = vec![
        "farmers",
        "add",
        "--registry",
        "reg.git",
        "--name",
        "Jeanne Martin",
        "--email",
        "jeanne@example.org",
        "--contract",
        "CT-2026-001",
    ];
    add.extend_from_slice(extra);
    let password = ok(d, &add);
    assert_eq!(last_line(&password).len(), 20, "{password}");
    let mut token = vec!["farmers", "token", "--registry", "reg.git"];
    token.extend_from_slice(extra);
    token.push("jeanne@example.org");
    let token = last_line(&ok(d, &token));
    assert!(token.starts_with("cdlx_") && token.len() == 69, "{token}");
    (session, token)
}

/// RFC 3339 of now plus `seconds`.
pub(crate) fn in_seconds(seconds: i64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let t = i64::try_from(now).unwrap() + seconds;
    jiff::Timestamp::from_second(t).unwrap().to_string()
}

/// A `serve` configuration that lets one client hold 200 connections at
/// once, with a search index of its own (two servers of one registry
/// cannot share one).
pub(crate) fn config(d: &Path, name: &str, database_url: Option<&str>) -> String {
    let index = d.join(format!("{name}.index"));
    let mut text = format!(
        "max_connections_per_client = 0\nindex_dir = \"{}\"\n",
        index.display()
    );
    if let Some(url) = database_url {
        text.push_str(&format!("database_url = \"{url}\"\n"));
    }
    write(d, name, text);
    d.join(name).to_str().unwrap().to_owned()
}

/// One answer: status and JSON body (`Null` when empty).
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) body: Value,
}

pub(crate) async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut r = client.request(method, url);
    if let Some(t) = token {
        r = r.header("authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    Answer {
        status,
        content_type,
        body,
    }
}

pub(crate) fn booking(session: i64, lot: &str, quantity: i64) -> Value {
    json!({ "session": session, "items": [{ "lot": lot, "quantity": quantity }] })
}

/// The lot's (offered, booked, available) on the server.
async fn stock(client: &reqwest::Client, base: &str, lot: &str) -> (i64, i64, i64) {
    let a = call(
        client,
        reqwest::Method::GET,
        &format!("{base}/api/v1/exchange/lots"),
        None,
        None,
    )
    .await;
    assert_eq!(a.status, 200);
    let l = a.body["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lot"] == lot)
        .unwrap_or_else(|| panic!("{lot} in {}", a.body))
        .clone();
    (
        l["offered"].as_i64().unwrap(),
        l["booked"].as_i64().unwrap(),
        l["available"].as_i64().unwrap(),
    )
}

/// Fires `n` booking requests of one unit at once, spread over `bases`
/// in turn; the statuses and bodies of the answers.
async fn burst(bases: &[String], token: &str, session: i64, n: usize) -> Vec<(u16, Value)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = Vec::new();
    for i in 0..n {
        let client = client.clone();
        let url = format!("{}/api/v1/exchange/bookings", bases[i % bases.len()]);
        let token = token.to_owned();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let a = call(
                &client,
                reqwest::Method::POST,
                &url,
                Some(&token),
                Some(booking(session, LOT, 1)),
            )
            .await;
            (a.status, a.body)
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

/// Asserts exactly 10 bookings of the 200 and 190 clear refusals.
fn exactly_ten(answers: &[(u16, Value)]) {
    let booked = answers.iter().filter(|(s, _)| *s == 201).count();
    let refused: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == 409)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(
        (booked, refused.len()),
        (10, 190),
        "{:?}",
        answers.iter().map(|(s, _)| s).collect::<Vec<_>>()
    );
    for body in refused {
        assert_eq!(body["code"], "lot-short", "{body}");
        let fr = body["detail_fr"].as_str().unwrap();
        assert!(
            fr.contains("Quantité insuffisante") && fr.contains(LOT) && fr.contains("il reste 0"),
            "{fr}"
        );
        assert!(body["detail"].as_str().unwrap().contains(LOT), "{body}");
    }
}

/// Books 15 of 25 units, then fires 200 single-unit requests at once at
/// `bases`: exactly 10 are booked.
async fn last_ten_units(bases: &[String], token: &str, session: i64) {
    let client = reqwest::Client::new();
    let first = call(
        &client,
        reqwest::Method::POST,
        &format!("{}/api/v1/exchange/bookings", bases[0]),
        Some(token),
        Some(booking(session, LOT, 15)),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);
    assert_eq!(stock(&client, &bases[0], LOT).await, (25, 15, 10));
    let start = std::time::Instant::now();
    let answers = burst(bases, token, session, 200).await;
    eprintln!(
        "200 simultaneous requests for the last 10 units over {} server(s): {} booked, {} refused (409), in {:.0} ms",
        bases.len(),
        answers.iter().filter(|(s, _)| *s == 201).count(),
        answers.iter().filter(|(s, _)| *s == 409).count(),
        start.elapsed().as_secs_f64() * 1000.0
    );
    exactly_ten(&answers);
    for base in bases {
        assert_eq!(stock(&client, base, LOT).await, (25, 25, 0));
    }
    let mine = call(
        &client,
        reqwest::Method::GET,
        &format!("{}/api/v1/exchange/bookings", bases[0]),
        Some(token),
        None,
    )
    .await;
    assert_eq!(mine.body["bookings"].as_array().unwrap().len(), 11);
    // The metrics: each server counts what it answered; the gauges are
    // the shared database's.
    let mut booked = 0.0;
    let mut short = 0.0;
    for base in bases {
        let text = client
            .get(format!("{base}/metrics"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        booked += metric(&text, "cdl_bookings_total{outcome=\"booked\"}");
        short += metric(&text, "cdl_bookings_total{outcome=\"lot-short\"}");
        assert_eq!(
            metric(&text, "cdl_exchange_active_bookings"),
            11.0,
            "{text}"
        );
        assert_eq!(metric(&text, "cdl_exchange_units_booked"), 25.0, "{text}");
        assert_eq!(
            metric(&text, "cdl_exchange_upcoming_sessions"),
            1.0,
            "{text}"
        );
        assert!(
            text.contains("cdl_booking_duration_seconds_count"),
            "{text}"
        );
    }
    assert_eq!((booked, short), (11.0, 190.0));
}

/// The value of the sample `name` (with its labels) in an OpenMetrics
/// text; 0 when absent (a counter never incremented).
fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_requests_for_the_last_ten_units_on_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (session, token) = setup(d, &[], 25, 1000);
    let config = config(d, "serve.toml", None);
    let (_child, addr) = serve_with(d, "reg.git", &["--config", &config]);
    last_ten_units(&[format!("http://{addr}")], &token, session).await;
    // The bookings are in the SQLite file beside the registry, not in Git.
    assert!(d.join("reg.git/cdl-exchange.sqlite").is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn book_cancel_capacity_tokens_and_started_sessions_over_http() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (session, token) = setup(d, &[], 25, 1000);
    let small: i64 = last_line(&ok(
        d,
        &[
            "exchange",
            "add-session",
            "--registry",
            "reg.git",
            "--place",
            "Ferme de Paris",
            "--starts",
            &in_seconds(7200),
            "--capacity",
            "1",
            "--opening-hours",
            "Samedi 10 h – 13 h",
        ],
    ))
    .parse()
    .unwrap();
    let past = run(
        d,
        &[
            "exchange",
            "add-session",
            "--registry",
            "reg.git",
            "--place",
            "Halle Pajol",
            "--starts",
            "2020-03-14T09:00:00+01:00",
            "--capacity",
            "5",
        ],
    );
    assert!(past.status.success(), "{}", stderr(&past));
    assert!(
        stderr(&past).contains("already started"),
        "{}",
        stderr(&past)
    );
    let past: i64 = last_line(&stdout(&past)).parse().unwrap();
    let soon: i64 = last_line(&ok(
        d,
        &[
            "exchange",
            "add-session",
            "--registry",
            "reg.git",
            "--place",
            "Halle Pajol",
            "--starts",
            &in_seconds(4),
            "--capacity",
            "5",
        ],
    ))
    .parse()
    .unwrap();
    // French messages when the locale is French.
    let fr = crate::util::run_in(
        d,
        &[
            "farmers",
            "token",
            "--registry",
            "reg.git",
            "nobody@example.org",
        ],
        "fr_FR.UTF-8",
    );
    assert!(!fr.status.success());
    let bad = run(
        d,
        &[
            "exchange",
            "add-session",
            "--registry",
            "reg.git",
            "--place",
            "Halle Pajol",
            "--starts",
            "demain",
            "--capacity",
            "5",
        ],
    );
    assert!(!bad.status.success() && stderr(&bad).contains("RFC 3339"));

    let config = config(d, "serve.toml", None);
    let (_child, addr) = serve_with(d, "reg.git", &["--config", &config]);
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();
    let post = |body: Value, token: Option<String>| {
        let client = client.clone();
        let url = format!("{base}/api/v1/exchange/bookings");
        async move {
            call(
                &client,
                reqwest::Method::POST,
                &url,
                token.as_deref(),
                Some(body),
            )
            .await
        }
    };
    let t = || Some(token.clone());

    // The sessions with their places, and the lots, are public.
    let sessions = call(
        &client,
        reqwest::Method::GET,
        &format!("{base}/api/v1/exchange/sessions"),
        None,
        None,
    )
    .await;
    assert_eq!(sessions.status, 200);
    let list = sessions.body["sessions"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    let first = list.iter().find(|s| s["id"] == session).unwrap();
    assert_eq!(first["place"]["name"], "Halle Pajol");
    assert_eq!(first["place"]["accessibility"], "De plain-pied, ascenseur");
    assert_eq!(first["remaining"], 1000);
    let text = sessions.body.to_string();
    assert!(
        !text.contains("Jeanne") && !text.contains("jeanne@"),
        "{text}"
    );
    assert_eq!(stock(&client, &base, LOT).await, (25, 0, 25));

    // 401 without a token, with a malformed one, and with a forged one.
    for token in [None, Some("cdlx_forged".to_owned()), Some(String::new())] {
        let a = post(booking(session, LOT, 1), token).await;
        assert_eq!(a.status, 401, "{}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
        assert_eq!(a.body["code"], "unauthorized");
    }
    let a = call(
        &client,
        reqwest::Method::GET,
        &format!("{base}/api/v1/exchange/bookings"),
        Some("cdlx_0000"),
        None,
    )
    .await;
    assert_eq!(a.status, 401);

    // A booking of 4 units: 201 with the booking; availability follows.
    let b = post(booking(session, LOT, 4), t()).await;
    assert_eq!(b.status, 201, "{}", b.body);
    assert_eq!(b.body["session"], session);
    assert_eq!(b.body["items"][0]["lot"], LOT);
    assert_eq!(b.body["items"][0]["quantity"], 4);
    assert!(b.body["cancelled"].is_null() && b.body["made_by"].is_null());
    let id = b.body["id"].as_i64().unwrap();
    assert_eq!(stock(&client, &base, LOT).await, (25, 4, 21));

    // More than is left: 409 saying which lot and how many are left.
    let short = post(booking(session, LOT, 22), t()).await;
    assert_eq!(short.status, 409);
    assert_eq!(short.content_type, "application/problem+json");
    assert_eq!(short.body["code"], "lot-short");
    assert!(
        short.body["detail_fr"]
            .as_str()
            .unwrap()
            .contains("il reste 21"),
        "{}",
        short.body
    );
    // Capacity: the one place of the small session, then 409.
    let one = post(booking(small, LOT, 1), t()).await;
    assert_eq!(one.status, 201, "{}", one.body);
    let full = post(booking(small, LOT, 1), t()).await;
    assert_eq!(full.status, 409);
    assert_eq!(full.body["code"], "session-full");
    assert!(
        full.body["detail_fr"]
            .as_str()
            .unwrap()
            .starts_with("Séance complète")
    );
    // A started session takes no booking.
    let late = post(booking(past, LOT, 1), t()).await;
    assert_eq!(late.status, 409);
    assert_eq!(late.body["code"], "session-started");
    // Unknown session and lot, bad bodies.
    assert_eq!(post(booking(999_999, LOT, 1), t()).await.status, 404);
    let unknown = post(booking(session, "seed-lot/absent", 1), t()).await;
    assert_eq!(
        (unknown.status, unknown.body["code"].as_str()),
        (404, Some("unknown-lot"))
    );
    for body in [
        json!({ "session": session, "items": [] }),
        json!({ "session": session, "items": [{ "lot": LOT, "quantity": 0 }] }),
        json!({ "session": "x" }),
    ] {
        let a = post(body.clone(), t()).await;
        assert_eq!(a.status, 400, "{body}: {}", a.body);
        assert_eq!(a.content_type, "application/problem+json");
    }
    assert_eq!(stock(&client, &base, LOT).await, (25, 5, 20));

    // Cancelling gives back the quantity and the place; only once.
    let url = format!("{base}/api/v1/exchange/bookings/{id}");
    let anon = call(&client, reqwest::Method::DELETE, &url, None, None).await;
    assert_eq!(anon.status, 401);
    let gone = call(&client, reqwest::Method::DELETE, &url, t().as_deref(), None).await;
    assert_eq!(gone.status, 204);
    assert_eq!(stock(&client, &base, LOT).await, (25, 1, 24));
    let again = call(&client, reqwest::Method::DELETE, &url, t().as_deref(), None).await;
    assert_eq!(
        (again.status, again.body["code"].as_str()),
        (409, Some("already-cancelled"))
    );
    let nobody = call(
        &client,
        reqwest::Method::DELETE,
        &format!("{base}/api/v1/exchange/bookings/424242"),
        t().as_deref(),
        None,
    )
    .await;
    assert_eq!(nobody.status, 404);
    // Another farmer cannot cancel Jeanne's booking.
    ok(
        d,
        &[
            "farmers",
            "add",
            "--registry",
            "reg.git",
            "--name",
            "Paul",
            "--email",
            "paul@example.org",
            "--contract",
            "CT-2",
        ],
    );
    let paul = last_line(&ok(
        d,
        &[
            "farmers",
            "token",
            "--registry",
            "reg.git",
            "paul@example.org",
        ],
    ));
    let other = one.body["id"].as_i64().unwrap();
    let theirs = call(
        &client,
        reqwest::Method::DELETE,
        &format!("{base}/api/v1/exchange/bookings/{other}"),
        Some(&paul),
        None,
    )
    .await;
    assert_eq!(theirs.status, 404);
    let sessions = call(
        &client,
        reqwest::Method::GET,
        &format!("{base}/api/v1/exchange/sessions"),
        None,
        None,
    )
    .await;
    let remaining = |id: i64| {
        sessions.body["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()["remaining"]
            .as_i64()
            .unwrap()
    };
    assert_eq!((remaining(session), remaining(small)), (1000, 0));

    // Jeanne's bookings, cancelled ones too.
    let mine = call(
        &client,
        reqwest::Method::GET,
        &format!("{base}/api/v1/exchange/bookings"),
        t().as_deref(),
        None,
    )
    .await;
    assert_eq!(mine.status, 200);
    let mine = mine.body["bookings"].as_array().unwrap();
    assert_eq!(mine.len(), 2);
    assert!(
        mine.iter()
            .any(|b| b["id"] == id && b["cancelled"].is_string())
    );

    // Booked before the session starts, not cancellable after.
    let early = post(booking(soon, LOT, 1), t()).await;
    assert_eq!(early.status, 201, "{}", early.body);
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    let url = format!(
        "{base}/api/v1/exchange/bookings/{}",
        early.body["id"].as_i64().unwrap()
    );
    let late = call(&client, reqwest::Method::DELETE, &url, t().as_deref(), None).await;
    assert_eq!(
        (late.status, late.body["code"].as_str()),
        (409, Some("session-started"))
    );

    // A merge that lowers the quantity under what is booked keeps the
    // bookings and names them to the curator; availability follows.
    let merged = publish_lot(d, "reg.git", 1);
    assert!(
        merged.contains(LOT) && merged.contains("beyond its quantity"),
        "{merged}"
    );
    assert_eq!(stock(&client, &base, LOT).await, (1, 2, 0));
    let refused = post(booking(session, LOT, 1), t()).await;
    assert_eq!(refused.status, 409);
}

/// A fresh PostgreSQL database on the server of `CDL_TEST_POSTGRES_URL`,
/// dropped when the guard goes.
struct Database {
    admin: String,
    name: String,
    url: String,
}

impl Database {
    async fn create(admin: &str) -> Database {
        use sqlx::Connection;
        let name = format!(
            "cdl_test_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let mut c = sqlx::PgConnection::connect(admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut c)
            .await
            .unwrap();
        // postgres://USER@HOST:PORT/DB?PARAMS: the same, with our database.
        let (head, params) = admin.split_once('?').unwrap_or((admin, ""));
        let server = match head.split_once("://") {
            Some((scheme, rest)) => format!(
                "{scheme}://{}",
                rest.split_once('/')
                    .map_or(rest, |(authority, _)| authority)
            ),
            None => head.to_owned(),
        };
        let mut url = format!("{server}/{name}");
        if !params.is_empty() {
            url = format!("{url}?{params}");
        }
        Database {
            admin: admin.to_owned(),
            name,
            url,
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        // Dropped inside the test's runtime: a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut c)
                    .await;
                }
            });
        })
        .join();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_requests_for_the_last_ten_units_on_postgres_with_two_servers() {
    let Ok(admin) = std::env::var("CDL_TEST_POSTGRES_URL") else {
        eprintln!(
            "skipped: set CDL_TEST_POSTGRES_URL=postgres://USER@HOST/DB to run the PostgreSQL test"
        );
        return;
    };
    let db = Database::create(&admin).await;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let config_one = config(d, "one.toml", Some(&db.url));
    let config_two = config(d, "two.toml", Some(&db.url));
    let (session, token) = setup(d, &["--config", &config_one], 25, 1000);
    // Nothing in the registry folder: the bookings are in PostgreSQL.
    assert!(!d.join("reg.git/cdl-exchange.sqlite").exists());
    let (_a, one): (Child, String) = serve_with(d, "reg.git", &["--config", &config_one]);
    let (_b, two): (Child, String) = serve_with(d, "reg.git", &["--config", &config_two]);
    let bases = [format!("http://{one}"), format!("http://{two}")];
    last_ten_units(&bases, &token, session).await;
}

/// The benchmark harness (`exchange/bench/bookings.sh`): with
/// `CDL_BENCH_BOOKINGS=N`, books N single units over HTTP from
/// `CDL_BENCH_CLIENTS` clients (default 32) each on a kept-alive
/// connection, against the server binary `CDL_BENCH_BIN` (default this
/// build's), on SQLite, then on PostgreSQL with two servers when
/// `CDL_TEST_POSTGRES_URL` is set; prints bookings per second and latency.
/// Without it, returns at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bookings_per_second() {
    let Some(n) = std::env::var("CDL_BENCH_BOOKINGS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    let clients = std::env::var("CDL_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(32);
    let bin = std::env::var("CDL_BENCH_BIN").map_or_else(
        |_| env!("CARGO_BIN_EXE_conservatoire").into(),
        std::path::PathBuf::from,
    );
    {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let (session, token) = setup(d, &[], 1_000_000_000, 1_000_000);
        let config = config(d, "serve.toml", None);
        let (_child, addr) = serve_bin(&bin, d, "reg.git", &["--config", &config]);
        measure(
            "SQLite, 1 server",
            &[format!("http://{addr}")],
            &token,
            session,
            n,
            clients,
        )
        .await;
    }
    if let Ok(admin) = std::env::var("CDL_TEST_POSTGRES_URL") {
        let db = Database::create(&admin).await;
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        let config_one = config(d, "one.toml", Some(&db.url));
        let config_two = config(d, "two.toml", Some(&db.url));
        let (session, token) = setup(d, &["--config", &config_one], 1_000_000_000, 1_000_000);
        let (_a, one) = serve_bin(&bin, d, "reg.git", &["--config", &config_one]);
        let (_b, two) = serve_bin(&bin, d, "reg.git", &["--config", &config_two]);
        measure(
            "PostgreSQL, 1 server",
            &[format!("http://{one}")],
            &token,
            session,
            n,
            clients,
        )
        .await;
        measure(
            "PostgreSQL, 2 servers",
            &[format!("http://{one}"), format!("http://{two}")],
            &token,
            session,
            n,
            clients,
        )
        .await;
    }
}

/// Books `n` single units from `clients` concurrent clients spread over
/// `bases`; prints the rate and latencies, checks the stock.
async fn measure(
    label: &str,
    bases: &[String],
    token: &str,
    session: i64,
    n: usize,
    clients: usize,
) {
    let client = reqwest::Client::new();
    let (_, before, _) = stock(&client, &bases[0], LOT).await;
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = std::time::Instant::now();
    let mut tasks = Vec::new();
    for i in 0..clients {
        let url = format!("{}/api/v1/exchange/bookings", bases[i % bases.len()]);
        let (token, next) = (token.to_owned(), next.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut latencies = Vec::new();
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < n {
                let t = std::time::Instant::now();
                let a = call(
                    &client,
                    reqwest::Method::POST,
                    &url,
                    Some(&token),
                    Some(booking(session, LOT, 1)),
                )
                .await;
                assert_eq!(a.status, 201, "{}", a.body);
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort();
    let ms = |q: f64| {
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies[i].as_secs_f64() * 1000.0
    };
    let (_, after, _) = stock(&client, &bases[0], LOT).await;
    assert_eq!(after - before, i64::try_from(n).unwrap());
    eprintln!(
        "bookings over HTTP, {label}: {n} in {elapsed:.2} s = {:.0} bookings/s ({clients} clients); latency p50 {:.1} ms, p99 {:.1} ms",
        n as f64 / elapsed,
        ms(0.5),
        ms(0.99)
    );
}
