//! Farmers' personal data on a real SQLite file, and on PostgreSQL when
//! `CDL_TEST_POSTGRES_URL` names a server: every curator's or command's
//! use is audited, the export holds everything and no secret, erasure
//! leaves no name, e-mail address or contract anywhere in the database
//! (nor in the SQLite file's bytes) while stock counts hold, the report
//! tells the uses of its year, and retention anonymises old bookings only.

#![allow(clippy::unwrap_used, clippy::expect_used)]
use cdl_exchange::{BookingItem, ExchangeError, FARMER_ACTOR, ReportSettings, SERVER_ACTOR, Store};

mod support;
use support::{dump, sqlite_file, stores};

fn item(lot: &str, quantity: i64) -> BookingItem {
    BookingItem {
        lot: lot.to_owned(),
        quantity,
    }
}

const NAME: &str = "Jeanne Martin";
const EMAIL: &str = "jeanne@example.org";
const CONTRACT: &str = "CT-2026-001";

fn settings() -> ReportSettings {
    ReportSettings {
        retention_months: 24,
        contact: "donnees@ville.example".to_owned(),
        controller: "Ville de Paris".to_owned(),
    }
}

fn this_year() -> i32 {
    cdl_exchange::rfc3339(cdl_exchange::now())[..4]
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_export_report_and_erase() {
    let dir = tempfile::tempdir().unwrap();
    for (s, db) in stores(&dir, "privacy").await {
        audit_export_report_and_erase_on(&s, &sqlite_file(&dir), db.as_ref()).await;
    }
}

async fn audit_export_report_and_erase_on(
    s: &Store,
    file: &std::path::Path,
    db: Option<&support::Database>,
) {
    let future = cdl_exchange::now() + 86_400;
    let session = s.add_session("Halle Pajol", future, 10).await.unwrap();
    s.sync_lots(&[("seed-lot/a".into(), 10), ("seed-lot/b".into(), 5)])
        .await
        .unwrap();
    let (jeanne, _) = s
        .add_farmer(NAME, EMAIL, CONTRACT, "curator-ann")
        .await
        .unwrap();
    let (paul, _) = s
        .add_farmer(
            "Paul Durand",
            "paul@example.org",
            "CT-2026-002",
            "curator-ann",
        )
        .await
        .unwrap();
    let token = s.new_token(EMAIL, "curator-ann").await.unwrap();
    s.book(jeanne, session, &[item("seed-lot/a", 3)], None)
        .await
        .unwrap();
    s.book(
        jeanne,
        session,
        &[item("seed-lot/b", 2)],
        Some("curator-bob"),
    )
    .await
    .unwrap();
    let cancelled = s
        .book(jeanne, session, &[item("seed-lot/a", 1)], None)
        .await
        .unwrap();
    s.cancel(jeanne, cancelled.id).await.unwrap();
    s.book(paul, session, &[item("seed-lot/a", 1)], None)
        .await
        .unwrap();

    // A curator's read is audited, and needs a reason.
    let profile = s
        .farmer_for_curator(EMAIL, "curator-ann", "telephone call about a booking")
        .await
        .unwrap();
    assert_eq!(
        (profile.id, profile.name.as_str(), profile.contract.as_str()),
        (jeanne, NAME, CONTRACT)
    );
    assert!(matches!(
        s.farmer_for_curator(EMAIL, "curator-ann", " ").await,
        Err(ExchangeError::Invalid(_))
    ));
    assert!(matches!(
        s.farmer_for_curator("nobody@example.org", "curator-ann", "why")
            .await,
        Err(ExchangeError::UnknownFarmer(_))
    ));

    // The export: the account, tokens counted, bookings with their items
    // and sessions, and the audit log, its own line last.
    let data = s
        .export(
            jeanne,
            FARMER_ACTOR,
            "the person's request (right of access)",
        )
        .await
        .unwrap();
    assert_eq!(data.farmer.email, EMAIL);
    assert!(data.password_set);
    assert_eq!((data.active_tokens, data.tokens.len()), (1, 1));
    assert_eq!(data.bookings.len(), 3);
    assert_eq!(data.bookings[0].items, vec![item("seed-lot/a", 3)]);
    assert_eq!(data.bookings[0].session.place, "Halle Pajol");
    assert_eq!(data.bookings[1].made_by.as_deref(), Some("curator-bob"));
    assert!(data.bookings[2].cancelled.is_some());
    let actions: Vec<&str> = data.audit.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "farmer created",
            "API token created",
            "booking made on behalf",
            "personal data read",
            "personal data exported"
        ]
    );
    assert_eq!(data.audit[3].reason, "telephone call about a booking");
    assert_eq!(data.audit[4].actor, FARMER_ACTOR);
    assert_eq!(s.audit_of(jeanne).await.unwrap(), data.audit);
    // No secret leaves the database: no password hash, no token or its hash.
    let json = serde_json::to_string(&data).unwrap();
    assert!(!json.contains("$argon2"), "{json}");
    assert!(!json.contains(&token) && !json.contains(&cdl_exchange::hash_token(&token)));
    assert!(!json.contains("paul@example.org"));

    // The yearly report tells this year's uses, not another year's.
    let year = this_year();
    let report = s
        .report(
            jeanne,
            year,
            &settings(),
            "curator-ann",
            "yearly report to the person",
        )
        .await
        .unwrap();
    for wanted in [
        NAME,
        EMAIL,
        CONTRACT,
        "création de votre compte, par curator-ann",
        "consultation de votre compte, par curator-ann ; motif : telephone call about a booking",
        "export de toutes vos données, par vous-même",
        "rédaction de votre rapport annuel",
        "réservation faite pour vous par l’équipe, par curator-bob",
        "24 mois",
        "donnees@ville.example",
        "Réservations : 3",
    ] {
        assert!(report.contains(wanted), "{wanted} in\n{report}");
    }
    let last_year = s
        .report(
            jeanne,
            year - 1,
            &settings(),
            "curator-ann",
            "yearly report to the person",
        )
        .await
        .unwrap();
    assert!(last_year.contains("Aucune utilisation de vos données n’a été enregistrée"));
    assert!(!last_year.contains("création de votre compte"));

    // Erasure: the person is gone, their bookings stay, anonymised.
    let (lots, sessions) = (s.lots().await.unwrap(), s.sessions().await.unwrap());
    assert_eq!(lots[0].booked, 4);
    let before = dump(file, db).await;
    assert!(before.contains(EMAIL) && before.contains(CONTRACT));
    let erased = s
        .erase(
            jeanne,
            "curator-ann",
            "the person's request (right to erasure)",
        )
        .await
        .unwrap();
    assert_eq!(
        (erased.bookings, erased.tokens, erased.audit_entries),
        (3, 1, 7)
    );
    assert_eq!(s.lots().await.unwrap(), lots, "stock counts hold");
    assert_eq!(s.sessions().await.unwrap(), sessions);
    assert!(s.bookings_of(jeanne).await.unwrap().is_empty());
    assert_eq!(s.audit_of(jeanne).await.unwrap(), vec![]);
    assert_eq!(s.farmer_by_token(&token).await.unwrap(), None);
    assert!(matches!(
        s.farmer_id(EMAIL).await,
        Err(ExchangeError::UnknownFarmer(_))
    ));
    assert!(matches!(
        s.erase(jeanne, "curator-ann", "again").await,
        Err(ExchangeError::NoSuchFarmer(id)) if id == jeanne
    ));
    let after = dump(file, db).await;
    for gone in [NAME, EMAIL, CONTRACT, "Jeanne"] {
        assert!(!after.contains(gone), "{gone} left in\n{after}");
    }
    assert!(after.contains("paul@example.org") && after.contains("personal data erased"));
    assert!(after.contains("curator-bob"), "who booked on behalf stays");
    assert_eq!(s.bookings_of(paul).await.unwrap().len(), 1);
    if db.is_none() {
        // Not in the file's free pages, nor in the write-ahead log.
        for suffix in ["", "-wal"] {
            let path = format!("{}{suffix}", file.display());
            let bytes = std::fs::read(&path).unwrap_or_default();
            for gone in [NAME, EMAIL, CONTRACT] {
                assert!(
                    !bytes.windows(gone.len()).any(|w| w == gone.as_bytes()),
                    "{gone} left in the bytes of {path}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_anonymises_old_bookings_only() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _db) in stores(&dir, "retention").await {
        retention_anonymises_old_bookings_only_on(&s).await;
    }
}

async fn retention_anonymises_old_bookings_only_on(s: &Store) {
    let now = cdl_exchange::now();
    let soon = s.add_session("Halle Pajol", now + 3600, 10).await.unwrap();
    let later = s
        .add_session("Halle Pajol", now + 3 * 366 * 86_400, 10)
        .await
        .unwrap();
    s.sync_lots(&[("seed-lot/a".into(), 10)]).await.unwrap();
    let (jeanne, _) = s.add_farmer(NAME, EMAIL, CONTRACT, "t").await.unwrap();
    let (paul, _) = s
        .add_farmer("Paul Durand", "paul@example.org", "CT-2", "t")
        .await
        .unwrap();
    s.book(jeanne, soon, &[item("seed-lot/a", 2)], None)
        .await
        .unwrap();
    let kept = s
        .book(jeanne, later, &[item("seed-lot/a", 1)], None)
        .await
        .unwrap();
    s.book(paul, soon, &[item("seed-lot/a", 3)], None)
        .await
        .unwrap();
    // Nothing is old enough yet.
    assert_eq!(s.apply_retention(now, 24, SERVER_ACTOR).await.unwrap(), 0);
    // Two years and a day after the first session: its two bookings are
    // anonymised, the later session's booking stays.
    let then = now + 3600 + 2 * 366 * 86_400;
    assert_eq!(s.apply_retention(then, 24, SERVER_ACTOR).await.unwrap(), 2);
    let mine = s.bookings_of(jeanne).await.unwrap();
    assert_eq!(mine.iter().map(|b| b.id).collect::<Vec<_>>(), vec![kept.id]);
    assert!(s.bookings_of(paul).await.unwrap().is_empty());
    assert_eq!(s.lots().await.unwrap()[0].booked, 6, "stock counts hold");
    for farmer in [jeanne, paul] {
        let audit = s.audit_of(farmer).await.unwrap();
        let retained: Vec<_> = audit
            .iter()
            .filter(|a| a.action == "bookings anonymised (retention)")
            .collect();
        assert_eq!(retained.len(), 1, "{audit:?}");
        assert_eq!(retained[0].actor, SERVER_ACTOR);
        assert_eq!(retained[0].reason, "retention period of 24 months");
    }
    // Once done, done; a shorter period takes the later one too.
    assert_eq!(s.apply_retention(then, 24, SERVER_ACTOR).await.unwrap(), 0);
    assert_eq!(
        s.apply_retention(now + 5 * 366 * 86_400, 1, "t")
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        s.apply_retention(now, 0, SERVER_ACTOR).await,
        Err(ExchangeError::Invalid(_))
    ));
}
