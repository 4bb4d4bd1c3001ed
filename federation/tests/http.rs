//! The protocol over real HTTP on a loopback port: a peer serves, a mirror
//! syncs, an unchanged poll is one request answered 304.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use cdl_federation::client::{Client, Synced, sync};
use cdl_federation::mirror::{Applied, read_state};
use cdl_federation::server::{Publisher, router};
use cdl_federation::{Identity, RegistryId};
use cdl_registry::Registry;
use cdl_registry::testing::{TempRegistry, merge_software as add};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_syncs_over_http_and_an_unchanged_poll_costs_one_304() {
    let paris = TempRegistry::new();
    for i in 0..5 {
        add(
            &paris.registry,
            &format!("outil-{i}"),
            &format!("Outil {i}"),
        );
    }
    let key = Identity::from_secret([3; 32]);
    let public = key.public();
    let served = Registry::open(paris.registry.git_dir()).unwrap();
    let paris_id: RegistryId = "paris".parse().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let publisher = Arc::new(Publisher::new(
        served,
        key,
        paris_id.clone(),
        "Ville de Paris".into(),
        base.clone(),
    ));
    tokio::spawn(async move { axum::serve(listener, router(publisher)).await.unwrap() });

    let lyon = TempRegistry::new();
    let lyon_id: RegistryId = "lyon".parse().unwrap();
    let client = Client::new().unwrap().without_backoff();

    // Discovery names the key the mirror pins.
    let (_, discovery) = client.discover(&base).await.unwrap();
    assert_eq!(discovery.registry, paris_id);
    assert_eq!(discovery.keys[0].public, public);

    let now = jiff::Timestamp::now();
    let first = sync(
        &client,
        &lyon.registry,
        &lyon_id,
        &paris_id,
        &base,
        &[public],
        None,
        now,
    )
    .await
    .unwrap();
    let Synced::Applied(Applied::Written { put: 5, .. }, Some(etag)) = first else {
        panic!("{first:?}");
    };
    // Unchanged: the conditional request is answered 304.
    let again = sync(
        &client,
        &lyon.registry,
        &lyon_id,
        &paris_id,
        &base,
        &[public],
        Some(&etag),
        now,
    )
    .await
    .unwrap();
    assert_eq!(again, Synced::NotModified);

    // A change on the peer: the next poll brings only it.
    add(&paris.registry, "outil-9", "Outil 9");
    let third = sync(
        &client,
        &lyon.registry,
        &lyon_id,
        &paris_id,
        &base,
        &[public],
        Some(&etag),
        now,
    )
    .await
    .unwrap();
    assert!(
        matches!(third, Synced::Applied(Applied::Written { put: 1, .. }, _)),
        "{third:?}"
    );
    assert_eq!(
        read_state(&lyon.registry, &paris_id).unwrap().files.len(),
        6
    );

    // A mirror that trusts another key refuses the peer and keeps its state.
    let before = read_state(&lyon.registry, &paris_id).unwrap().head;
    add(&paris.registry, "outil-10", "Outil 10");
    let stranger = Identity::from_secret([4; 32]).public();
    let refused = sync(
        &client,
        &lyon.registry,
        &lyon_id,
        &paris_id,
        &base,
        &[stranger],
        None,
        now,
    )
    .await;
    assert!(refused.is_err());
    assert_eq!(read_state(&lyon.registry, &paris_id).unwrap().head, before);
}
