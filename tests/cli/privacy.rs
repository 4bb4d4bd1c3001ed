//! `conservatoire privacy` as a curator runs it, on the bookings a real
//! `serve` took over HTTP: the export holds the bookings and the audit
//! log, the yearly report tells the uses of its year and not another's,
//! erasure leaves no name, e-mail address or contract in any table nor in
//! the SQLite files' bytes while stock counts hold, a second erasure is
//! refused in French, and retention anonymises old bookings only.

use std::path::Path;

use serde_json::Value;
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::exchange::{LOT, booking, call, config, in_seconds, last_line, setup};
use crate::serve::serve_with;
use crate::util::{ok, run_in, stderr, stdout};

const NAME: &str = "Jeanne Martin";
const EMAIL: &str = "jeanne@example.org";
const CONTRACT: &str = "CT-2026-001";
const FR: &str = "fr_FR.UTF-8";

async fn db(d: &Path) -> sqlx::SqliteConnection {
    sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new().filename(d.join("reg.git/cdl-exchange.sqlite")),
    )
    .await
    .unwrap()
}

/// Every value of every table of the bookings database, as text.
async fn dump(d: &Path) -> String {
    let mut c = db(d).await;
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let mut out = String::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query(AssertSqlSafe(format!("PRAGMA table_info(\"{table}\")")))
                .fetch_all(&mut c)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>("name"))
                .collect();
        let select = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || ' | ' || ");
        let rows: Vec<String> =
            sqlx::query_scalar(AssertSqlSafe(format!("SELECT {select} FROM \"{table}\"")))
                .fetch_all(&mut c)
                .await
                .unwrap();
        out.push_str(&format!("[{table}]\n{}\n", rows.join("\n")));
    }
    out
}

/// The stock as the database counts it: each lot's booked units and each
/// session's booked places.
async fn counts(d: &Path) -> Vec<(String, i64)> {
    let mut c = db(d).await;
    let mut out: Vec<(String, i64)> = sqlx::query("SELECT key, booked FROM lots ORDER BY key")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for r in sqlx::query("SELECT id, booked FROM sessions ORDER BY id")
        .fetch_all(&mut c)
        .await
        .unwrap()
    {
        out.push((format!("session {}", r.get::<i64, _>(0)), r.get(1)));
    }
    out
}

fn privacy(d: &Path, args: &[&str]) -> String {
    let mut all = vec!["privacy", args[0], "--registry", "reg.git"];
    all.extend_from_slice(&args[1..]);
    ok(d, &all)
}

fn this_year() -> String {
    in_seconds(0)[..4].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_report_erase_and_retention() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (session, token) = setup(d, &[], 25, 1000);
    ok(
        d,
        &[
            "farmers",
            "add",
            "--registry",
            "reg.git",
            "--name",
            "Paul Durand",
            "--email",
            "paul@example.org",
            "--contract",
            "CT-2026-002",
            "--curator",
            "curator-ann",
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
    let later: i64 = last_line(&ok(
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
            "10",
        ],
    ))
    .parse()
    .unwrap();

    // Bookings over HTTP, then the server stops.
    {
        let config = config(d, "serve.toml", None);
        let (_child, addr) = serve_with(d, "reg.git", &["--config", &config]);
        let url = format!("http://{addr}/api/v1/exchange/bookings");
        let client = reqwest::Client::new();
        for (who, at, n) in [
            (&token, session, 3),
            (&token, later, 1),
            (&paul, session, 2),
            (&paul, later, 4),
        ] {
            let a = call(
                &client,
                reqwest::Method::POST,
                &url,
                Some(who),
                Some(booking(at, LOT, n)),
            )
            .await;
            assert_eq!(a.status, 201, "{}", a.body);
        }
    }

    // The export: the account, bookings with items and sessions, the
    // audit log with this export last; no secret.
    let export = privacy(d, &["export", "--curator", "curator-ann", EMAIL]);
    let data: Value = serde_json::from_str(&export).unwrap();
    assert_eq!(data["farmer"]["name"], NAME);
    assert_eq!(data["farmer"]["contract"], CONTRACT);
    assert_eq!(data["password_set"], true);
    assert_eq!(data["active_tokens"], 1);
    let bookings = data["bookings"].as_array().unwrap();
    assert_eq!(bookings.len(), 2, "{data}");
    assert_eq!(bookings[0]["items"][0]["lot"], LOT);
    assert_eq!(bookings[0]["items"][0]["quantity"], 3);
    assert_eq!(bookings[0]["session"]["place"], "Halle Pajol");
    assert_eq!(bookings[1]["session"]["place"], "Ferme de Paris");
    let actions: Vec<&str> = data["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "farmer created",
            "API token created",
            "personal data exported"
        ]
    );
    assert_eq!(data["audit"][2]["actor"], "curator-ann");
    assert!(!export.contains("$argon2") && !export.contains(&token));
    assert!(!export.contains("paul@example.org"));

    // The yearly report, in French: this year's uses; one moved to 2020
    // is told in 2020's report only.
    let year = this_year();
    {
        let mut c = db(d).await;
        sqlx::query(
            "UPDATE audit SET at = 1584172800 WHERE action = 'API token created' \
             AND farmer_id = (SELECT id FROM farmers WHERE email = $1)",
        )
        .bind(EMAIL)
        .execute(&mut c)
        .await
        .unwrap();
    }
    let report = run_in(
        d,
        &[
            "privacy",
            "report",
            "--registry",
            "reg.git",
            "--year",
            &year,
            EMAIL,
        ],
        FR,
    );
    assert!(report.status.success(), "{}", stderr(&report));
    let report = stdout(&report);
    for wanted in [
        "## Les données que nous gardons sur vous",
        NAME,
        EMAIL,
        CONTRACT,
        "Réservations : 2",
        "Halle Pajol",
        "création de votre compte",
        "export de toutes vos données, par curator-ann ; motif : à votre demande (droit d’accès)",
        "24 mois",
        "contact@example.org",
        "conservatoire privacy erase",
    ] {
        assert!(report.contains(wanted), "{wanted} in\n{report}");
    }
    assert!(!report.contains("jeton d’accès à l’API, par"), "{report}");
    let old = privacy(d, &["report", "--year", "2020", EMAIL]);
    assert!(old.contains("le 14/03/2020 à 08:00 : création d’un jeton d’accès à l’API"));
    assert!(!old.contains("export de toutes vos données"), "{old}");
    // Every farmer's report, one file each.
    let files = privacy(d, &["report", "--year", &year, "--out", "rapports"]);
    assert_eq!(files.lines().count(), 2, "{files}");
    let mut names: Vec<String> = std::fs::read_dir(d.join("rapports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("rapport-{year}-1.md"),
            format!("rapport-{year}-2.md")
        ]
    );
    let paul_report =
        std::fs::read_to_string(d.join(format!("rapports/rapport-{year}-2.md"))).unwrap();
    assert!(paul_report.contains("Paul Durand") && !paul_report.contains(NAME));

    // Erasure: gone from every table and from the files' bytes; the stock
    // counts hold.
    let before = counts(d).await;
    assert_eq!(before[0], (LOT.to_owned(), 10));
    assert!(dump(d).await.contains(EMAIL));
    let erase = run_in(
        d,
        &[
            "privacy",
            "erase",
            "--registry",
            "reg.git",
            "--curator",
            "curator-ann",
            EMAIL,
        ],
        FR,
    );
    assert!(erase.status.success(), "{}", stderr(&erase));
    assert!(
        stderr(&erase).contains("personne effacée"),
        "{}",
        stderr(&erase)
    );
    assert_eq!(counts(d).await, before, "stock counts hold");
    let after = dump(d).await;
    for gone in [NAME, EMAIL, CONTRACT, "Jeanne"] {
        assert!(!after.contains(gone), "{gone} left in\n{after}");
    }
    assert!(after.contains("paul@example.org"));
    for entry in std::fs::read_dir(d.join("reg.git")).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for gone in [NAME, EMAIL, CONTRACT] {
            assert!(
                !bytes.windows(gone.len()).any(|w| w == gone.as_bytes()),
                "{gone} left in the bytes of {}",
                path.display()
            );
        }
    }
    // A second erasure is refused, clearly, in French.
    let again = run_in(d, &["privacy", "erase", "--registry", "reg.git", EMAIL], FR);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains(
            "erreur : aucun agriculteur ni aucune agricultrice n’a l’adresse jeanne@example.org"
        ),
        "{}",
        stderr(&again)
    );

    // The audit log kept every step, the erased person's without them.
    let mut c = db(d).await;
    let log: Vec<(String, Option<i64>)> =
        sqlx::query("SELECT action, farmer_id FROM audit ORDER BY id")
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    for action in [
        "farmer created",
        "API token created",
        "personal data exported",
        "yearly report written",
        "personal data erased",
    ] {
        assert!(log.iter().any(|(a, _)| a == action), "{action} in {log:?}");
    }
    assert_eq!(
        log.iter().filter(|(_, f)| f.is_none()).count(),
        // Jeanne's: created, token, export, three reports; the erasure.
        7,
        "{log:?}"
    );

    // Retention: the first session is now 25 months old; Paul's booking
    // there is anonymised, not his booking of the later session.
    sqlx::query("UPDATE sessions SET starts = starts - 25 * 31 * 86400 WHERE id = $1")
        .bind(session)
        .execute(&mut c)
        .await
        .unwrap();
    let retention = run_in(d, &["privacy", "retention", "--registry", "reg.git"], FR);
    assert!(retention.status.success(), "{}", stderr(&retention));
    assert_eq!(last_line(&stdout(&retention)), "1");
    assert!(
        stderr(&retention).contains("1 réservation(s) anonymisée(s)"),
        "{}",
        stderr(&retention)
    );
    assert_eq!(counts(d).await, before, "stock counts hold");
    let paul: Value = serde_json::from_str(&privacy(d, &["export", "paul@example.org"])).unwrap();
    let kept = paul["bookings"].as_array().unwrap();
    assert_eq!(kept.len(), 1, "{paul}");
    assert_eq!(kept[0]["session"]["id"], later);
    assert!(
        paul["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "bookings anonymised (retention)"),
        "{paul}"
    );
    let twice = ok(d, &["privacy", "retention", "--registry", "reg.git"]);
    assert_eq!(last_line(&twice), "0");
}
