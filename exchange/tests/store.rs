//! The store on a real SQLite file, and on PostgreSQL when
//! `CDL_TEST_POSTGRES_URL` names a server (a database of its own per test,
//! dropped after): bookings, refusals, cancelling, a lowered quantity, and
//! concurrent bookings that never take more than there is.

#![allow(clippy::unwrap_used, clippy::expect_used)]
use cdl_exchange::{BookingItem, ExchangeError, Store};

fn item(lot: &str, quantity: i64) -> BookingItem {
    BookingItem {
        lot: lot.to_owned(),
        quantity,
    }
}

mod support;
use support::stores;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn book_refuse_cancel_and_lowered_quantity() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _db) in stores(&dir, "book").await {
        book_refuse_cancel_and_lowered_quantity_on(s).await;
    }
}

async fn book_refuse_cancel_and_lowered_quantity_on(s: Store) {
    let future = cdl_exchange::now() + 86_400;
    let session = s.add_session("Halle Pajol", future, 2).await.unwrap();
    // The same place name is found, not duplicated.
    let other = s.add_session("Halle Pajol", future + 10, 5).await.unwrap();
    assert_ne!(session, other);
    let sessions = s.sessions().await.unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0].place.name, "Halle Pajol");
    s.sync_lots(&[("seed-lot/a".into(), 5), ("seed-lot/b".into(), 3)])
        .await
        .unwrap();
    let (farmer, password) = s
        .add_farmer("Jeanne", "jeanne@example.org", "C-1", "test")
        .await
        .unwrap();
    assert_eq!(
        s.login("jeanne@example.org", &password).await.unwrap(),
        Some(farmer)
    );
    assert_eq!(s.login("jeanne@example.org", "nope").await.unwrap(), None);
    assert!(matches!(
        s.add_farmer("J", "jeanne@example.org", "C-2", "test").await,
        Err(ExchangeError::FarmerExists(_))
    ));
    let token = s.new_token("jeanne@example.org", "test").await.unwrap();
    assert_eq!(s.farmer_by_token(&token).await.unwrap(), Some(farmer));
    assert_eq!(s.farmer_by_token("cdlx_forged").await.unwrap(), None);

    let b = s
        .book(
            farmer,
            session,
            &[item("seed-lot/b", 1), item("seed-lot/a", 4)],
            None,
        )
        .await
        .unwrap();
    assert_eq!(b.items[0].lot, "seed-lot/a");
    // Short on one lot: nothing of the booking is taken.
    let err = s
        .book(
            farmer,
            session,
            &[item("seed-lot/a", 2), item("seed-lot/b", 1)],
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            ExchangeError::LotShort {
                available: 1,
                requested: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let lots = s.lots().await.unwrap();
    assert_eq!((lots[0].available, lots[1].available), (1, 2));
    s.book(farmer, session, &[item("seed-lot/a", 1)], None)
        .await
        .unwrap();
    // Capacity 2 reached.
    assert!(matches!(
        s.book(farmer, session, &[item("seed-lot/b", 1)], None)
            .await,
        Err(ExchangeError::SessionFull { capacity: 2, .. })
    ));
    assert!(matches!(
        s.book(farmer, session, &[item("seed-lot/zzz", 1)], None)
            .await,
        Err(ExchangeError::SessionFull { .. })
    ));
    assert!(matches!(
        s.book(farmer, other, &[item("seed-lot/zzz", 1)], None)
            .await,
        Err(ExchangeError::UnknownLot(_))
    ));
    // Cancelling gives back the place and the quantities.
    s.cancel(farmer, b.id).await.unwrap();
    assert!(matches!(
        s.cancel(farmer, b.id).await,
        Err(ExchangeError::AlreadyCancelled(_))
    ));
    let lots = s.lots().await.unwrap();
    assert_eq!((lots[0].available, lots[1].available), (4, 3));
    assert_eq!(s.sessions().await.unwrap()[0].remaining, 1);
    // A lowered quantity keeps the booking and names it.
    let kept = s
        .book(farmer, other, &[item("seed-lot/b", 3)], Some("curator-ann"))
        .await
        .unwrap();
    let excess = s
        .sync_lots(&[("seed-lot/a".into(), 5), ("seed-lot/b".into(), 1)])
        .await
        .unwrap();
    assert_eq!(excess.len(), 1);
    assert_eq!(excess[0].bookings, vec![kept.id]);
    assert_eq!(excess[0].booked, 3);
    // A lot gone from main (withdrawn) is offered no more; its booking
    // stays and is named too.
    let excess = s.sync_lots(&[("seed-lot/b".into(), 1)]).await.unwrap();
    assert_eq!(excess.len(), 2, "{excess:?}");
    assert_eq!(
        (excess[0].lot.as_str(), excess[0].offered),
        ("seed-lot/a", 0)
    );
    assert_eq!(s.lots().await.unwrap()[0].available, 0);
    let mine = s.bookings_of(farmer).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert_eq!(mine[0].made_by.as_deref(), Some("curator-ann"));
    assert!(mine[2].cancelled.is_some());
    // Someone else's booking cannot be cancelled.
    let (stranger, _) = s
        .add_farmer("Paul", "paul@example.org", "C-3", "test")
        .await
        .unwrap();
    assert!(matches!(
        s.cancel(stranger, kept.id).await,
        Err(ExchangeError::UnknownBooking(_))
    ));
    // A started session takes no booking.
    let past = s.add_session("Halle Pajol", 1_000, 5).await.unwrap();
    assert!(matches!(
        s.book(farmer, past, &[item("seed-lot/a", 1)], None).await,
        Err(ExchangeError::SessionStarted(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_bookings_never_overbook() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _db) in stores(&dir, "concurrent").await {
        concurrent_bookings_never_overbook_on(s).await;
    }
}

async fn concurrent_bookings_never_overbook_on(s: Store) {
    let session = s
        .add_session("Ferme", cdl_exchange::now() + 3600, 1000)
        .await
        .unwrap();
    s.sync_lots(&[("ferment-lot/k".into(), 10)]).await.unwrap();
    let (farmer, _) = s.add_farmer("A", "a@example.org", "C", "t").await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.book(farmer, session, &[item("ferment-lot/k", 1)], None)
                .await
        }));
    }
    let (mut ok, mut short) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(ExchangeError::LotShort { .. }) => short += 1,
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!((ok, short), (10, 90));
    assert_eq!(s.lots().await.unwrap()[0].booked, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_sessions_tokens_and_pick_lists() {
    let dir = tempfile::tempdir().unwrap();
    for (s, _db) in stores(&dir, "web").await {
        // The audit log is read from the SQLite file directly.
        let file = (s.backend() == "sqlite").then(|| dir.path().join("sub").join("x.sqlite"));
        web_sessions_tokens_and_pick_lists_on(s, file).await;
    }
}

async fn web_sessions_tokens_and_pick_lists_on(s: Store, audit: Option<std::path::PathBuf>) {
    let (farmer, _) = s
        .add_farmer("Jeanne", "jeanne@example.org", "C-1", "test")
        .await
        .unwrap();
    // Sessions: the token finds its farmer until closed or idle.
    let token = s.open_farmer_session(farmer, 600).await.unwrap();
    assert!(token.starts_with("cdls_") && token.len() == 69, "{token}");
    assert_eq!(s.farmer_session(&token, 600).await.unwrap(), Some(farmer));
    assert_eq!(s.farmer_session("cdls_nope", 600).await.unwrap(), None);
    // A negative idle time makes every session too old: refused, deleted.
    assert_eq!(s.farmer_session(&token, -1).await.unwrap(), None);
    assert_eq!(s.farmer_session(&token, 600).await.unwrap(), None);
    let token = s.open_farmer_session(farmer, 600).await.unwrap();
    s.close_farmer_session(&token).await.unwrap();
    assert_eq!(s.farmer_session(&token, 600).await.unwrap(), None);
    // The account and its tokens, oldest first; a revoked one stops working.
    let account = s.farmer_account(farmer).await.unwrap().unwrap();
    assert_eq!(
        (
            account.name.as_str(),
            account.email.as_str(),
            account.contract.as_str()
        ),
        ("Jeanne", "jeanne@example.org", "C-1")
    );
    assert!(s.farmer_account(farmer + 1000).await.unwrap().is_none());
    let a = s.new_token_of(farmer, "farmer").await.unwrap();
    let b = s.new_token_of(farmer, "farmer").await.unwrap();
    let tokens = s.tokens_of(farmer).await.unwrap();
    assert_eq!(tokens.len(), 2);
    assert!(tokens[0].id < tokens[1].id && tokens[0].revoked.is_none());
    assert!(
        s.revoke_token(farmer, tokens[0].id, "farmer")
            .await
            .unwrap()
    );
    assert!(
        !s.revoke_token(farmer, tokens[0].id, "farmer")
            .await
            .unwrap()
    );
    assert!(!s.revoke_token(farmer + 1, tokens[1].id, "x").await.unwrap());
    assert_eq!(s.farmer_by_token(&a).await.unwrap(), None);
    assert_eq!(s.farmer_by_token(&b).await.unwrap(), Some(farmer));
    assert!(s.tokens_of(farmer).await.unwrap()[0].revoked.is_some());
    // The pick list: active bookings with names and items; audited.
    let session = s
        .add_session("Halle", cdl_exchange::now() + 3600, 5)
        .await
        .unwrap();
    s.sync_lots(&[("seed-lot/a".into(), 5), ("seed-lot/b".into(), 5)])
        .await
        .unwrap();
    let one = s
        .book(
            farmer,
            session,
            &[item("seed-lot/b", 2), item("seed-lot/a", 1)],
            Some("ann"),
        )
        .await
        .unwrap();
    let two = s
        .book(farmer, session, &[item("seed-lot/a", 3)], None)
        .await
        .unwrap();
    s.cancel(farmer, two.id).await.unwrap();
    let list = s.pick_list(session, "ann", "preparing").await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].booking, one.id);
    assert_eq!(list[0].farmer.as_deref(), Some("Jeanne"));
    assert_eq!(list[0].made_by.as_deref(), Some("ann"));
    assert_eq!(
        list[0].items,
        vec![item("seed-lot/a", 1), item("seed-lot/b", 2)]
    );
    assert!(matches!(
        s.pick_list(session + 99, "ann", "x").await,
        Err(ExchangeError::UnknownSession(_))
    ));
    // Each view of the pick list is one audit line per farmer listed.
    s.pick_list(session, "bob", "printing").await.unwrap();
    if let Some(file) = audit {
        use sqlx::Row;
        let pool = sqlx::SqlitePool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new().filename(file),
        )
        .await
        .unwrap();
        let rows = sqlx::query(
            "SELECT actor, reason, farmer_id FROM audit WHERE action LIKE 'name and bookings read%' ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let seen: Vec<(String, String, i64)> = rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect();
        assert_eq!(
            seen,
            vec![
                ("ann".into(), "preparing".into(), farmer),
                ("bob".into(), "printing".into(), farmer)
            ]
        );
    }
}
